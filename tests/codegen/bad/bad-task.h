/* expect: 4:1: error: LADON_TASK is not implemented yet */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_TASK int slow(ladon_call *call, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
