/* expect: 7:3: error: 'TaskSummary' is a reserved type name (task methods use it) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct TaskSummary {
    int task_id;
    int extra;
} TaskSummary;
LADON_METHOD int ok(ladon_call *call, int *result);
