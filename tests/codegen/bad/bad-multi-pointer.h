/* expect: 6:5: error: multi-level pointers are not supported (char ** is allowed only as a string array after LADON_COUNT) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Matrix {
    LADON_COUNT int n_rows;
    int **rows;
} Matrix;
LADON_METHOD int ok(ladon_call *call, int *result);
