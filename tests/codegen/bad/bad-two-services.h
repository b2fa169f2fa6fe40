/* expect: 4:1: error: second LADON_SERVICE in one header (the first is at line 3): one header describes one service */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_SERVICE(Second, "urn:second");
LADON_METHOD int ok(ladon_call *call, int *result);
