/* expect: 4:38: error: unknown type 'Later' (types must be declared in this header, before use) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int m(ladon_call *call, Later x, int *result);
typedef struct Later { int x; } Later;
LADON_METHOD int ok(ladon_call *call, int *result);
