/* expect: 4:25: error: LADON_METHOD and LADON_TASK cannot be combined */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_TASK LADON_METHOD int slow(ladon_call *call, int *result);
