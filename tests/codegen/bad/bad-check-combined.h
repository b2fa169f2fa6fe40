/* expect: 4:24: error: LADON_CHECK cannot be combined with LADON_METHOD or LADON_TASK */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_CHECK LADON_TASK int slow(ladon_call *call, int n, int *result);
