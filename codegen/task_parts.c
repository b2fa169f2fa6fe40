/* task_parts.c - the task types, the operations of a task and the
 * documentation ladon-gen writes itself (see task_parts.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "task_parts.h"

#include "names.h"

static const lg_task_field info_fields[] = {
    {"task_id", LG_INT, false, "Its id, for the _progress, _wait, _cancel and _result operations of its method.", NULL},
};

/* Ladon's four elements first, unchanged (names, order, types), then the
 * task lifecycle's two (docs/design.md section 6.2) */
static const lg_task_field progress_fields[] = {
    {"task_id", LG_INT, false, "The task's id.", NULL},
    {"progress", LG_DOUBLE, false, "Fraction done, 0.0 to 1.0: 0.0 when created, never decreasing, 1.0 once the task ended.", NULL},
    {"duration", LG_DOUBLE, false, "Seconds the task has existed so far, or in total once it ended.", NULL},
    {"starttime", LG_DOUBLE, false, "When the task was created: seconds since 1970-01-01T00:00:00Z.", NULL},
    {"state", LG_ENUM, false, "Where the task is in its life: a TaskState.", NULL},
    {"message", LG_STRING, true,
     "Why a failed or cancelled task ended (the text of _result's fault); the last status line of a running task; "
     "absent otherwise.", NULL},
};

static const lg_task_value state_values[] = {
    {"queued", 1, "Accepted, waiting for a task worker."},
    {"running", 2, "Running."},
    {"done", 3, "Ended with a result: _result answers it."},
    {"failed", 4, "Ended without a result: message says why, and _result answers that fault."},
    {"cancelled", 5, "Cancelled (_cancel) before or while it ran; it has no result."},
};

const lg_task_type lg_task_info = {
    "TaskInfoResponse", "A task was started.", info_fields, sizeof info_fields / sizeof info_fields[0],
};

const lg_task_type lg_task_progress = {
    "TaskProgressResponse", "How far a task is, and its state.", progress_fields,
    sizeof progress_fields / sizeof progress_fields[0],
};

const lg_task_enum lg_task_state = {
    "TaskState", "The state of a task: queued, then running, then done, failed or cancelled.", state_values,
    sizeof state_values / sizeof state_values[0],
};

static const lg_task_field summary_fields[] = {
    {"task_id", LG_INT, false, "The task's id.", NULL},
    {"state", LG_ENUM, false, "Where the task is in its life: a TaskState.", NULL},
    {"progress", LG_DOUBLE, false, "Fraction done, 0.0 to 1.0 (as _progress answers it).", NULL},
    {"starttime", LG_DOUBLE, false, "When the task was created: seconds since 1970-01-01T00:00:00Z.", NULL},
};

const lg_task_type lg_task_summary = {
    "TaskSummary", "One task of a listing.", summary_fields, sizeof summary_fields / sizeof summary_fields[0],
};

static const lg_task_field list_fields[] = {
    {"tasks", LG_STRUCT, false, "The caller's tasks of this page, newest first.", &lg_task_summary},
    {"next_page_token", LG_STRING, false,
     "Give it as page_token for the next page; empty on the last page.", NULL},
};

const lg_task_type lg_task_list = {
    "TaskListResponse", "A page of the caller's own tasks of one task method.", list_fields,
    sizeof list_fields / sizeof list_fields[0],
};

const lg_task_type *const lg_task_types[] = {&lg_task_info, &lg_task_progress, &lg_task_summary, &lg_task_list};
const size_t lg_n_task_types = sizeof lg_task_types / sizeof lg_task_types[0];

const lg_task_companion lg_task_companions[] = {
    {LG_TASK_PROGRESS, "_progress", "LADON_OP_TASK_PROGRESS", "ladon_call_task_progress"},
    {LG_TASK_RESULT, "_result", "LADON_OP_TASK_RESULT", "ladon_call_task_result"},
    {LG_TASK_CANCEL, "_cancel", "LADON_OP_TASK_CANCEL", "ladon_call_task_cancel"},
    {LG_TASK_WAIT, "_wait", "LADON_OP_TASK_WAIT", "ladon_call_task_wait"},
    {LG_TASK_LIST, "_list", "LADON_OP_TASK_LIST", "ladon_call_task_list"},
};

const size_t lg_n_task_companions = sizeof lg_task_companions / sizeof lg_task_companions[0];

const char *lg_task_op_name(lg_arena *a, const lg_op *op, const lg_task_companion *c)
{
    return lg_printf(a, "%s%s", op->name, c->suffix);
}

const char *lg_doc_op(lg_arena *a, const lg_op *op)
{
    const char *doc = op->doc != NULL && op->doc[0] != '\0' ? op->doc : lg_printf(a, "Operation %s.", op->name);
    if (op->kind != LG_OP_TASK)
        return doc;
    return lg_printf(a,
                     "%s Task: returns a TaskInfoResponse at once; follow it with %s_progress or %s_wait (its task_id), "
                     "stop it with %s_cancel, then call %s_result.",
                     doc, op->name, op->name, op->name, op->name);
}

const char *lg_doc_companion(lg_arena *a, const lg_op *op, const lg_task_companion *c)
{
    const char *m = op->name;
    switch (c->op) {
    case LG_TASK_PROGRESS:
        return lg_printf(a, "Progress of a %s task: a TaskProgressResponse.", m);
    case LG_TASK_RESULT:
        return lg_printf(a, "Result of a finished %s task; a fault while it is queued or running, when it failed or "
                            "was cancelled, or when the id is unknown or expired.",
                         m);
    case LG_TASK_WAIT:
        return lg_printf(a, "Waits until a %s task has ended, or for timeout seconds, then answers its "
                            "TaskProgressResponse.",
                         m);
    case LG_TASK_CANCEL:
        return lg_printf(a, "Cancels a %s task: a queued one never runs, a running one is asked to stop and ends "
                            "cancelled, an ended one stays as it is; answers its TaskProgressResponse.",
                         m);
    case LG_TASK_LIST:
        return lg_printf(a, "Lists the caller's own %s tasks, newest first, a page at a time: a TaskListResponse. "
                            "Needs an identity (a fault for an anonymous caller).",
                         m);
    }
    return "";
}

const char *lg_doc_task_id(lg_arena *a, const lg_op *op)
{
    return lg_printf(a, "The task_id that %s returned.", op->name);
}

const char *lg_doc_timeout(void)
{
    return "Seconds to wait at most; the server may wait less (--task-wait-max).";
}

const char *lg_doc_limit(void)
{
    return "Tasks on a page at most: absent or 0 for 50, at most 1000 (more is cut to 1000); negative is a fault.";
}

const char *lg_doc_page_token(void)
{
    return "The next_page_token of the page before; absent or empty for the first page.";
}

const char *lg_task_field_xml_type(lg_arena *a, const lg_service *s, const lg_task_field *f)
{
    if (f->base == LG_STRUCT)
        return lg_printf(a, "%s:%s", s->prefix, f->of->name);
    if (f->base == LG_ENUM)
        return lg_printf(a, "%s:%s", s->prefix, lg_task_state.name);
    return lg_name_xml_type(a, f->base, NULL);
}

const char *lg_task_field_gsoap_type(lg_arena *a, const lg_service *s, const lg_task_field *f)
{
    if (f->base == LG_STRUCT)
        return lg_printf(a, "struct %s__%s", s->prefix, f->of->name);
    if (f->base == LG_ENUM)
        return lg_printf(a, "enum %s__%s", s->prefix, lg_task_state.name);
    return lg_name_gsoap_type(a, f->base, NULL);
}
