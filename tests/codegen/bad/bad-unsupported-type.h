/* expect: 5:5: error: unsupported type 'float' (supported: int, int64_t, double, bool, char *, time_t, ladon_binary, and structs and enums of this header) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Reading {
    float celsius;
} Reading;
LADON_METHOD int ok(ladon_call *call, int *result);
