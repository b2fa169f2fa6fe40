/* expect: 5:17: error: LADON_CHECK fast_check has no task: this header declares no LADON_TASK fast */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_TASK int slow(ladon_call *call, int n, int *result);
LADON_CHECK int fast_check(ladon_call *call, int n);
