/* expect: 4:38: error: type 'okResponse' clashes with the request or response element of an operation (bad-response-clash.h:5:18) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct okResponse { int x; } okResponse;
LADON_METHOD int ok(ladon_call *call, int *result);
