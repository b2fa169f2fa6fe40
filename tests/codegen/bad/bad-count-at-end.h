/* expect: 6:21: error: LADON_COUNT int n_tags must be followed by a pointer field (the array) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Tags {
    char *name;
    LADON_COUNT int n_tags;
} Tags;
LADON_METHOD int ok(ladon_call *call, int *result);
