/* expect: 5:5: error: const fields are not supported */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Name {
    const char *text;
} Name;
LADON_METHOD int ok(ladon_call *call, int *result);
