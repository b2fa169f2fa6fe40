/* expect: 4:16: error: struct Empty has no fields */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Empty { } Empty;
LADON_METHOD int ok(ladon_call *call, int *result);
