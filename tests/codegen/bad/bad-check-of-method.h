/* expect: 5:17: error: LADON_CHECK slow_check: slow is a LADON_METHOD (only a LADON_TASK has an early check) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int slow(ladon_call *call, int n, int *result);
LADON_CHECK int slow_check(ladon_call *call, int n);
