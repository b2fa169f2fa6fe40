/* expect: 4:1: error: unterminated comment */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
/* never closed
