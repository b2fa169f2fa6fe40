/* expect: 4:38: error: 'long' is not supported: use int or int64_t */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int m(ladon_call *call, long value, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
