/* expect: 6:12: error: duplicate field 'first' (first declared at bad-duplicate-field.h:5:9) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Pair {
    int first;
    double first;
} Pair;
LADON_METHOD int ok(ladon_call *call, int *result);
