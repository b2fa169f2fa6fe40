/* Start-up of the TaskService example (called from services/main.c; kept
 * out of tasks.h, which holds only the annotated interface). */
#ifndef TASKS_INIT_H
#define TASKS_INIT_H

#include <stddef.h>
#include <ladon/server.h>

/* Reads LADON_EXAMPLE_STEP_MS (an integer 0..60000, default 500).  Returns
 * 0, or -1 with a one-line message in err.  Call once, before the server
 * starts. */
int tasks_init(const ladon_config *cfg, char *err, size_t errlen);

#endif
