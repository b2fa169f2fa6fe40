/* expect: 4:1: error: variables are not supported in a service header */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
int counter;
LADON_METHOD int ok(ladon_call *call, int *result);
