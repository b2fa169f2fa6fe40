/* expect: 5:9: error: function pointers are not supported */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct Callbacks {
    int (*on_event)(int code);
} Callbacks;
LADON_METHOD int ok(ladon_call *call, int *result);
