/* expect: 5:53: error: LADON_CHECK slow_check has a result parameter 'result': a check takes only its task's inputs and returns LADON_OK or ladon_fault(...) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_TASK int slow(ladon_call *call, int n, int *result);
LADON_CHECK int slow_check(ladon_call *call, int n, int *result);
