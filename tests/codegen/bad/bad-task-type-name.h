/* expect: 7:3: error: 'TaskInfoResponse' is a reserved type name (task methods use it) */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct TaskInfoResponse {
    int task_id;
    int extra;
} TaskInfoResponse;
LADON_METHOD int slow(ladon_call *call, int *result);
