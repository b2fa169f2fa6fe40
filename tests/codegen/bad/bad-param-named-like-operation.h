/* expect: 4:46: error: parameter 'scale' has the name of its operation */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int scale(ladon_call *call, int scale, int *result);
