#include <ladon/annotate.h>
/** Doc. */
LADON_SERVICE(Mixed, "urn:mixed");
typedef enum Level { LOW, HIGH } Level;
typedef struct Item { char *name; LADON_COUNT int n; double *values; Level level; } Item;
/** A task. */
LADON_TASK int work(ladon_call *call, const Item *item, long long n, int *result);
LADON_METHOD int get(ladon_call *call, const char *id, Item *result);
