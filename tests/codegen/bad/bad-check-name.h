/* expect: 5:17: error: a LADON_CHECK is named after its task: TASK_check (not 'check_slow') */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_TASK int slow(ladon_call *call, int n, int *result);
LADON_CHECK int check_slow(ladon_call *call, int n);
