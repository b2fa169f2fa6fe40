/* expect: 4:9: error: unions are not supported */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef union Value {
    int i;
    double d;
} Value;
LADON_METHOD int ok(ladon_call *call, int *result);
