/* task_parts.h - what ladon-gen adds to a service for its LADON_TASK
 * methods and writes in its own words: the two task types (their fields and
 * documentation, docs/design.md section 6.1) and the documentation of the
 * operations a task becomes, plus the text of an operation without a doc
 * comment.
 *
 * Both the soapcpp2 input (emit_gsoap.c) and the WSDL (emit_wsdl.c) take
 * them from here, so the two cannot drift apart: tests/codegen's contract
 * check compares the WSDL ladon-gen writes with the one soapcpp2 would
 * write from the same input, documentation included.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LG_TASK_PARTS_H
#define LG_TASK_PARTS_H

#include "model.h"
#include "util.h"

typedef struct lg_task_field {
    const char *name; /* XML and C name */
    lg_base base;     /* LG_INT or LG_DOUBLE */
    const char *doc;
} lg_task_field;

typedef struct lg_task_type {
    const char *name; /* "TaskInfoResponse": the XML type, p__NAME in gSOAP */
    const char *doc;
    const lg_task_field *fields;
    size_t n_fields;
} lg_task_type;

/* TaskInfoResponse { task_id } and TaskProgressResponse { task_id,
 * progress, duration, starttime }: the result types of m and m_progress,
 * defined once in each service that has a task. */
extern const lg_task_type lg_task_info;
extern const lg_task_type lg_task_progress;

/* The documentation of operation op in the WSDL: its doc comment, or
 * "Operation NAME." (soapcpp2's default would show the internal C name);
 * for a task followed by how to poll it. */
const char *lg_doc_op(lg_arena *a, const lg_op *op);
/* The documentation of task op's m_progress and m_result operations and of
 * their one parameter, task_id. */
const char *lg_doc_progress_op(lg_arena *a, const lg_op *op);
const char *lg_doc_result_op(lg_arena *a, const lg_op *op);
const char *lg_doc_task_id(lg_arena *a, const lg_op *op);

#endif /* LG_TASK_PARTS_H */
