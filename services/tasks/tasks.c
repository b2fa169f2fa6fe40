/* Implementation of the TaskService example service (tasks.h): a task body
 * is a plain C function that reports its progress and returns a result. */
#include "tasks.h"
#include "tasks_init.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ladon/call.h>

#define STEPS 60
#define STEP_MS_DEFAULT 500
#define STEP_MS_MAX 60000
#define SLICE_MS 100 /* longest sleep between two ladon_should_stop() checks */

/* Set once by tasks_init() before any thread starts; read-only afterwards. */
static long step_ms = STEP_MS_DEFAULT;

int tasks_init(const ladon_config *cfg, char *err, size_t errlen)
{
    const char *v = getenv("LADON_EXAMPLE_STEP_MS");
    long ms = 0;

    (void)cfg;
    step_ms = STEP_MS_DEFAULT;
    if (v == NULL)
        return 0;
    /* strict: digits only, no sign or blanks, no overflow */
    if (v[0] == '\0')
        goto bad;
    for (const char *p = v; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            goto bad;
        ms = ms * 10 + (*p - '0');
        if (ms > STEP_MS_MAX)
            goto bad;
    }
    step_ms = ms;
    return 0;
bad:
    snprintf(err, errlen, "LADON_EXAMPLE_STEP_MS: invalid value '%.64s' (expected an integer 0..%d)",
             v, STEP_MS_MAX);
    return -1;
}

/* Sleeps ms milliseconds in slices, checking ladon_should_stop() between
 * them so a server shutting down is not kept waiting.  Returns 0, or -1
 * when the task should stop. */
static int sleep_ms(ladon_call *call, long ms)
{
    while (ms > 0) {
        long slice = ms < SLICE_MS ? ms : SLICE_MS;
        struct timespec ts = {slice / 1000, (slice % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ; /* interrupted by a signal: sleep the rest */
        ms -= slice;
        if (ladon_should_stop(call))
            return -1;
    }
    return 0;
}

int taskExample(ladon_call *call, const char *session_id, int counter, int *result)
{
    (void)session_id;
    for (int i = 0; i < STEPS; i++) {
        if (ladon_should_stop(call) || sleep_ms(call, step_ms) != 0)
            return ladon_fault(call, LADON_FAULT_SERVER, "cancelled");
        ladon_update_status(call, "step %d of %d", i + 1, STEPS);
        ladon_update_progress(call, (i + 1) / (double)STEPS);
    }
    *result = counter;
    return LADON_OK;
}
