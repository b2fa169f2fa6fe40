/* expect: 5:27: error: duplicate type 'Item' (first declared at bad-duplicate-type.h:4:32) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Item { int x; } Item;
typedef enum Other { O1 } Item;
LADON_METHOD int ok(ladon_call *call, int *result);
