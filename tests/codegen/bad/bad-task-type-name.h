/* expect: 7:3: error: 'TaskInfoResponse' is the name of a type that the task methods of service Bad use */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct TaskInfoResponse {
    int task_id;
    int extra;
} TaskInfoResponse;
LADON_TASK int slow(ladon_call *call, int *result);
