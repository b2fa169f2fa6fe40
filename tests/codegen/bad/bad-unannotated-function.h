/* expect: 4:1: error: function 'helper' is not annotated: add LADON_METHOD (helper functions belong in another header) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
int helper(int x);
LADON_METHOD int ok(ladon_call *call, int *result);
