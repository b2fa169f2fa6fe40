/* expect: 5:5: error: 'long long' is not supported: use int64_t (xsd:long; gSOAP's LONG64 is int64_t here) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Big {
    long long value;
} Big;
LADON_METHOD int ok(ladon_call *call, int *result);
