/* expect: 5:68: error: LADON_CHECK slow_check must take exactly the inputs of task slow: slow_check(ladon_call *call, const char *name, int n) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_TASK int slow(ladon_call *call, const char *name, int n, int *result);
LADON_CHECK int slow_check(ladon_call *call, const char *name, int count);
