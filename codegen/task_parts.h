/* task_parts.h - what ladon-gen adds to a service for its LADON_TASK
 * methods and writes in its own words: the task types (TaskInfoResponse,
 * TaskProgressResponse, TaskSummary, TaskListResponse and the enumeration
 * TaskState: their fields, values and documentation, docs/design.md section
 * 6), the five operations a task m gets beside m (m_progress, m_result,
 * m_cancel, m_wait, m_list) and the
 * documentation of each, plus the text of an operation without a doc
 * comment.
 *
 * The soapcpp2 input (emit_gsoap.c), the WSDL (emit_wsdl.c), the glue
 * (emit_glue.c) and the name checks (model.c) all take them from here, so
 * they cannot drift apart: tests/codegen's contract check compares the WSDL
 * ladon-gen writes with the one soapcpp2 would write from the same input,
 * documentation included.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LG_TASK_PARTS_H
#define LG_TASK_PARTS_H

#include "model.h"
#include "util.h"

typedef struct lg_task_type lg_task_type;

typedef struct lg_task_field {
    const char *name; /* XML and C name */
    lg_base base;     /* LG_INT, LG_DOUBLE, LG_STRING, LG_ENUM: a TaskState, or
                       * LG_STRUCT: repeated elements (0..unbounded) of type of */
    bool optional;    /* minOccurs 0 (a string that may be NULL) */
    const char *doc;
    const lg_task_type *of; /* LG_STRUCT: the task type of its elements */
} lg_task_field;

struct lg_task_type {
    const char *name; /* "TaskInfoResponse": the XML type, p__NAME in gSOAP */
    const char *doc;
    const lg_task_field *fields;
    size_t n_fields;
};

typedef struct lg_task_value {
    const char *name; /* the XML value: "queued" */
    int value;        /* its ladon_task_state (framework/include/ladon/store.h) */
    const char *doc;
} lg_task_value;

typedef struct lg_task_enum {
    const char *name; /* "TaskState": a simpleType, enum p__TaskState in gSOAP */
    const char *doc;
    const lg_task_value *values;
    size_t n_values;
} lg_task_enum;

/* TaskInfoResponse { task_id }, TaskProgressResponse { task_id, progress,
 * duration, starttime, state, message? } and TaskState { queued, running,
 * done, failed, cancelled }: defined once in each service that has a task. */
extern const lg_task_type lg_task_info;
extern const lg_task_type lg_task_progress;
extern const lg_task_enum lg_task_state;
/* TaskSummary { task_id, state, progress, starttime } and TaskListResponse
 * { tasks: TaskSummary 0..unbounded, next_page_token }: what m_list
 * answers, defined once in each service that has a task. */
extern const lg_task_type lg_task_summary;
extern const lg_task_type lg_task_list;
/* Every task type of a service, in the order of its WSDL and tables:
 * TaskInfoResponse, TaskProgressResponse, TaskSummary, TaskListResponse
 * (TaskState before them). */
extern const lg_task_type *const lg_task_types[];
extern const size_t lg_n_task_types;

/* The operations a task m has beside m, in the order of the WSDL:
 * m_progress, m_result, m_cancel, m_wait.  Each takes task_id (and m_wait
 * timeout); all but m_result answer a TaskProgressResponse. */
typedef enum lg_task_op {
    LG_TASK_PROGRESS, /* m_progress(task_id) -> TaskProgressResponse */
    LG_TASK_RESULT,   /* m_result(task_id) -> m's declared result */
    LG_TASK_CANCEL,   /* m_cancel(task_id) -> TaskProgressResponse */
    LG_TASK_WAIT,     /* m_wait(task_id, timeout: xsd:double seconds) -> TaskProgressResponse */
    LG_TASK_LIST      /* m_list(limit?: xsd:int, page_token?: xsd:string) -> TaskListResponse */
} lg_task_op;

typedef struct lg_task_companion {
    lg_task_op op;
    const char *suffix; /* "_progress": the operation is m_progress */
    const char *kind;   /* its ladon_op_kind in the glue: "LADON_OP_TASK_PROGRESS" */
    const char *call;   /* the runtime function of its glue: "ladon_call_task_progress" */
} lg_task_companion;

extern const lg_task_companion lg_task_companions[];
extern const size_t lg_n_task_companions;

/* "count_progress": the name of task op's companion c. */
const char *lg_task_op_name(lg_arena *a, const lg_op *op, const lg_task_companion *c);

/* The documentation of operation op in the WSDL: its doc comment, or
 * "Operation NAME." (soapcpp2's default would show the internal C name);
 * for a task followed by how to follow it. */
const char *lg_doc_op(lg_arena *a, const lg_op *op);
/* The documentation of task op's companion c, and of its parameters
 * task_id and timeout. */
const char *lg_doc_companion(lg_arena *a, const lg_op *op, const lg_task_companion *c);
const char *lg_doc_task_id(lg_arena *a, const lg_op *op);
const char *lg_doc_timeout(void);
const char *lg_doc_limit(void);
const char *lg_doc_page_token(void);

/* The type of a task type's field f in the WSDL ("xsd:int", "p:TaskState")
 * and in the gSOAP header ("int", "enum p__TaskState", "char *"), for
 * service s. */
const char *lg_task_field_xml_type(lg_arena *a, const lg_service *s, const lg_task_field *f);
const char *lg_task_field_gsoap_type(lg_arena *a, const lg_service *s, const lg_task_field *f);

#endif /* LG_TASK_PARTS_H */
