/* expect: 4:20: error: the first parameter of operation m must be 'ladon_call *call' */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int m(int a, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
