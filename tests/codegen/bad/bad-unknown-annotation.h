/* expect: 4:1: error: unknown annotation 'LADON_ONEWAY' */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_ONEWAY int notify(ladon_call *call, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
