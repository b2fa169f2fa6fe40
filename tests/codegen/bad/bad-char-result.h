/* expect: 4:38: error: 'char *result' as the result is a single char: use char **result for a string */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int m(ladon_call *call, char *result);
LADON_METHOD int ok(ladon_call *call, int *result);
