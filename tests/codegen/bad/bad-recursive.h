/* expect: 6:12: error: recursive types are not supported ('struct Node' inside itself) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Node {
    int value;
    struct Node *next;
} Node;
LADON_METHOD int ok(ladon_call *call, int *result);
