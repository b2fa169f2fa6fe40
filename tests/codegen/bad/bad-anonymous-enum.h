/* expect: 4:9: error: anonymous enum: give it a tag, as in typedef enum Name {...} Name; */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef enum { A, B } Letters;
LADON_METHOD int ok(ladon_call *call, int *result);
