/* expect: 4:1: error: preprocessor directive '#if' is not supported (only #include and include guards) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
#if defined(EXTRA)
#endif
LADON_METHOD int ok(ladon_call *call, int *result);
