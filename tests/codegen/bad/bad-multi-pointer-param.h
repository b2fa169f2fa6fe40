/* expect: 4:38: error: multi-level pointers are not supported (char ** is allowed only as a string array after LADON_COUNT) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int m(ladon_call *call, const int **p, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
