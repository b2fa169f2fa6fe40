/* expect: 4:1: error: macro definitions are not supported (only include guards: #define NAME) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
#define LIMIT 10
LADON_METHOD int ok(ladon_call *call, int *result);
