/* expect: 4:1: error: declare types as 'typedef struct Name {...} Name;' */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
struct Point { int x; int y; };
LADON_METHOD int ok(ladon_call *call, int *result);
