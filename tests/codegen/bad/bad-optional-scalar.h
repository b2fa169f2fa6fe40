/* expect: 5:20: error: LADON_OPTIONAL needs a pointer (char *, or T * for other types) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct P {
    LADON_OPTIONAL int x;
} P;
LADON_METHOD int ok(ladon_call *call, int *result);
