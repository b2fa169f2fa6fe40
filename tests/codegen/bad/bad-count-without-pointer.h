/* expect: 6:5: error: LADON_COUNT int n_tags must be followed by a pointer field (the array) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Tags {
    LADON_COUNT int n_tags;
    int tags;
} Tags;
LADON_METHOD int ok(ladon_call *call, int *result);
