/* expect: 4:9: error: anonymous struct: give it a tag, as in typedef struct Name {...} Name; */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct {
    int x;
} Anonymous;
LADON_METHOD int ok(ladon_call *call, int *result);
