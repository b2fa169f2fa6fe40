/* expect: 5:5: error: unknown type 'Customer' (types must be declared in this header, before use) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Order {
    Customer customer;
} Order;
LADON_METHOD int ok(ladon_call *call, int *result);
