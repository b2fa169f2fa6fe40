/* expect: 5:22: error: duplicate enumerator 'SAME' (first declared at bad-duplicate-enumerator.h:4:18) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef enum A { SAME, A2 } A;
typedef enum B { B1, SAME } B;
LADON_METHOD int ok(ladon_call *call, int *result);
