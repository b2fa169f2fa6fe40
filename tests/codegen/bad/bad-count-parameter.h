/* expect: 4:38: error: LADON_COUNT is not allowed on a parameter (arrays are struct fields: wrap the array in a struct) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int m(ladon_call *call, LADON_COUNT int n, const int *items, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
