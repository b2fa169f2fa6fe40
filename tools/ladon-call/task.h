/* task.h - Ladon task operations seen from the client: recognising them in a WSDL (an
 * operation m whose portType also has m_progress and m_result and whose response holds a
 * task_id), and following a started task to its end: m_wait (when the port has it) or
 * m_progress polling, a progress bar on a terminal, Ctrl-C asking whether to cancel, then
 * m_result.
 *
 * DESIGN
 * Following is a loop of ordinary calls (invoke.c) on one kept-alive connection.  m_wait
 * answers at the task's end or after its timeout and does not wake on progress, so with a
 * bar the wait is short (0.5 s) and the bar moves; without a bar it is long (30 s, at most
 * half of --timeout).  Without m_wait, m_progress is polled every 0.5 s (bar) or 1 s.
 * SIGINT is caught with sigaction (no SA_RESTART) while following; the handler only sets a
 * flag, which stops the transfer in progress (http.c) or the sleep, and the loop then asks
 * on /dev/tty whether to call m_cancel.  Exit status 130 either way.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_TASK_H
#define LC_TASK_H

#include <stdbool.h>

#include "arena.h"
#include "err.h"
#include "invoke.h"
#include "model.h"
#include "value.h"

typedef struct lc_task_ops {
    const lc_op *progress, *result; /* always there for a task */
    const lc_op *wait, *cancel;     /* NULL when the port lacks them */
} lc_task_ops;

/* Is op a task of svc?  Fills *t when it is. */
bool lc_task_find(const lc_service *svc, const lc_op *op, lc_task_ops *t);
/* The task_id in a task's start response v (searched a few levels deep); 0, or -1 if none. */
int lc_task_id(const lc_value *v, long long *id);

typedef struct lc_follow_opts {
    bool bar;            /* draw the progress bar on stderr (stderr is a terminal) */
    const char *url;     /* the URL as given, for the command that resumes following */
    const char *op;      /* the task's operation name */
} lc_follow_opts;

/* Follows task id of op until it ends, then calls its _result: *out is that response.  0;
 * or -1 with err set: exit status 1 when the task failed or was cancelled (message says
 * which), 130 after Ctrl-C (whatever was answered), or the status of a failing call. */
int lc_task_follow(lc_client *c, lc_arena *a, const lc_service *svc, const lc_task_ops *t,
                   long long id, const lc_follow_opts *o, lc_value **out, lc_err *err);

#endif
