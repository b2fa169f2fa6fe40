/* expect: 5:14: error: fixed-size arrays are not supported: use LADON_COUNT int n_data; T *data; */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Buf {
    char data[16];
} Buf;
LADON_METHOD int ok(ladon_call *call, int *result);
