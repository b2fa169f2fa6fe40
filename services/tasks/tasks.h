/* The TaskService example service: the task example of Ladon's
 * documentation, a long-running operation that reports its progress. */
#ifndef TASKS_H
#define TASKS_H

#include <ladon/annotate.h>

/** Long-running operations: start one, poll its progress, fetch its result. */
LADON_SERVICE(TaskService, "urn:ladon:examples:tasks");

/** Runs 60 steps (LADON_EXAMPLE_STEP_MS each, 500 ms by default), reporting progress after each,
 * then returns counter. */
LADON_TASK int taskExample(ladon_call *call,
                           const char *session_id, /**< any text (not used) */
                           int counter,            /**< the value to return */
                           int *result);           /**< counter, unchanged */

#endif
