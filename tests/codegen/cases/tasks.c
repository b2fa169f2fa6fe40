#include <ladon/call.h>
#include "tasks.h"
int count(ladon_call *call, const char *label, int n, int *result)
{
    (void)label;
    for (int i = 0; i < n; i++)
        ladon_update_progress(call, (i + 1) / (double)n);
    *result = n;
    return LADON_OK;
}
int count_check(ladon_call *call, const char *label, int n)
{
    if (n < 0)
        return ladon_fault(call, LADON_FAULT_CLIENT, "%s: n must not be negative", label);
    return LADON_OK;
}
int ping_check(ladon_call *c)
{
    (void)c;
    return LADON_OK;
}
int run_job(ladon_call *call, Job job, Report *result)
{
    if (job.n_steps == 0)
        return ladon_fault(call, LADON_FAULT_CLIENT, "job %s has no steps", job.name);
    result->summary = ladon_strdup(call, job.name);
    result->n_lines = job.n_steps;
    result->lines = ladon_alloc(call, (size_t)job.n_steps * sizeof *result->lines);
    if (result->summary == NULL || result->lines == NULL)
        return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
    for (int i = 0; i < job.n_steps; i++)
        result->lines[i] = job.steps[i] % 2 ? "odd" : "even";
    return LADON_OK;
}
int ping(ladon_call *call, char **result)
{
    (void)call;
    *result = "";
    return LADON_OK;
}
int status(ladon_call *call, int *result)
{
    (void)call;
    *result = 0;
    return LADON_OK;
}
