/* expect: 4:25: error: expected ',' or '}' after enumerator E1, found '<' */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef enum E { E1 = 1 << 2 } E;
LADON_METHOD int ok(ladon_call *call, int *result);
