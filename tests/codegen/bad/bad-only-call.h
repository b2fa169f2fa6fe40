/* expect: 4:36: error: operation m has no result parameter: the last parameter must point to the result (e.g. int *result) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int m(ladon_call *call);
LADON_METHOD int ok(ladon_call *call, int *result);
