/* expect: 5:18: error: 'slow_list' clashes with the name that task 'slow' generates (bad-task-list-name.h:4:16) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_TASK int slow(ladon_call *call, int *result);
LADON_METHOD int slow_list(ladon_call *call, int limit, int *result);
