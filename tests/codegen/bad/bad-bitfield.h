/* expect: 5:11: error: bit-fields are not supported */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Flags {
    int a : 1;
} Flags;
LADON_METHOD int ok(ladon_call *call, int *result);
