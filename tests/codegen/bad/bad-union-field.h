/* expect: 5:5: error: unions are not supported */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Holder {
    union { int i; double d; } u;
} Holder;
LADON_METHOD int ok(ladon_call *call, int *result);
