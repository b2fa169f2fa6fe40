/* expect: 5:38: error: input pointer parameters must be const (const P *in); only the last parameter is the result */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct P { int x; } P;
LADON_METHOD int m(ladon_call *call, P *in, int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
