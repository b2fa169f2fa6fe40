/* expect: 5:5: error: unknown annotation 'LADON_REQUIRED' */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct P {
    LADON_REQUIRED char *name;
} P;
LADON_METHOD int ok(ladon_call *call, int *result);
