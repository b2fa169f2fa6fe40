/* expect: 5:5: error: array 'tags' needs a preceding LADON_COUNT int field */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Tags {
    char **tags;
} Tags;
LADON_METHOD int ok(ladon_call *call, int *result);
