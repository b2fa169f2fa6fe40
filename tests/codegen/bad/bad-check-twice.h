/* expect: 6:17: error: second LADON_CHECK of task slow (the first is at line 5) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_TASK int slow(ladon_call *call, int n, int *result);
LADON_CHECK int slow_check(ladon_call *call, int n);
LADON_CHECK int slow_check(ladon_call *c, int n);
