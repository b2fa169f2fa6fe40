/* task_parts.c - the task types and the documentation ladon-gen writes
 * itself (see task_parts.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "task_parts.h"

static const lg_task_field info_fields[] = {
    {"task_id", LG_INT, "Its id, for the _progress and _result operations of its method."},
};

static const lg_task_field progress_fields[] = {
    {"task_id", LG_INT, "The task's id."},
    {"progress", LG_DOUBLE, "Fraction done, 0.0 to 1.0: 0.0 when created, never decreasing, 1.0 once the task ended."},
    {"duration", LG_DOUBLE, "Seconds the task has existed so far, or in total once it ended."},
    {"starttime", LG_DOUBLE, "When the task was created: seconds since 1970-01-01T00:00:00Z."},
};

const lg_task_type lg_task_info = {
    "TaskInfoResponse", "A task was started.", info_fields, sizeof info_fields / sizeof info_fields[0],
};

const lg_task_type lg_task_progress = {
    "TaskProgressResponse", "How far a task is.", progress_fields, sizeof progress_fields / sizeof progress_fields[0],
};

const char *lg_doc_op(lg_arena *a, const lg_op *op)
{
    const char *doc = op->doc != NULL && op->doc[0] != '\0' ? op->doc : lg_printf(a, "Operation %s.", op->name);
    if (op->kind != LG_OP_TASK)
        return doc;
    return lg_printf(a, "%s Task: returns a TaskInfoResponse at once; poll %s_progress with its task_id, then call %s_result.",
                     doc, op->name, op->name);
}

const char *lg_doc_progress_op(lg_arena *a, const lg_op *op)
{
    return lg_printf(a, "Progress of a %s task: a TaskProgressResponse.", op->name);
}

const char *lg_doc_result_op(lg_arena *a, const lg_op *op)
{
    return lg_printf(a, "Result of a finished %s task; a fault while it is queued or running, when it failed, or "
                        "when the id is unknown or expired.",
                     op->name);
}

const char *lg_doc_task_id(lg_arena *a, const lg_op *op)
{
    return lg_printf(a, "The task_id that %s returned.", op->name);
}
