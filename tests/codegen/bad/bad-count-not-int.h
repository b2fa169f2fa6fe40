/* expect: 5:17: error: LADON_COUNT must mark an int field */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Tags {
    LADON_COUNT int64_t n_tags;
    char **tags;
} Tags;
LADON_METHOD int ok(ladon_call *call, int *result);
