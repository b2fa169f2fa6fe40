/* expect: 4:38: error: operation m has no result parameter: the last parameter 'result' is const, so it is an input; the result is a non-const pointer (e.g. int *result) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
LADON_METHOD int m(ladon_call *call, const int *result);
LADON_METHOD int ok(ladon_call *call, int *result);
