/* expect: 4:18: error: operation name '_private' cannot be used: names starting with '_' are reserved by gSOAP */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int _private(ladon_call *call, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
