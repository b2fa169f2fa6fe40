/* expect: 3:1: error: service Bad has no operations (LADON_METHOD or LADON_TASK) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
