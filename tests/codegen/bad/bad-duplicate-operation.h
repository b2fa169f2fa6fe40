/* expect: 5:18: error: duplicate operation 'ok' (first declared at bad-duplicate-operation.h:4:18) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int ok(ladon_call *call, int a, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
