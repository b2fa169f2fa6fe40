/* Golden case: task methods (LADON_TASK) next to a plain method: scalar,
 * string and struct results, a struct parameter with a required string (the
 * start operation checks it), a task without inputs, and doc comments on
 * tasks.  Each task m becomes m, m_progress, m_result, m_cancel and m_wait;
 * TaskInfoResponse, TaskProgressResponse and TaskState are defined once for
 * the service.  Early checks (LADON_CHECK): count_check after its task,
 * ping_check (no inputs) before its task; run_job has none. */
#ifndef TASKS_H
#define TASKS_H
#include <ladon/annotate.h>

/** Long-running jobs. */
LADON_SERVICE(Jobs, "urn:ladon:test:jobs");

typedef struct Job {
    char *name;          /**< required */
    LADON_COUNT int n_steps;
    int *steps;
} Job;

/** What a finished job reports. */
typedef struct Report {
    char *summary;
    LADON_COUNT int n_lines;
    char **lines;
    double *score;
} Report;

/** Counts to n, slowly. */
LADON_TASK int count(ladon_call *call, const char *label, int n, int *result);
/** Refuses a negative n before a task is created. */
LADON_CHECK int count_check(ladon_call *call, const char *label, int n);
LADON_TASK int run_job(ladon_call *call, Job job, Report *result);
LADON_CHECK int ping_check(ladon_call *c);
LADON_TASK int ping(ladon_call *call, char **result);
LADON_METHOD int status(ladon_call *call, int *result);

#endif
