/* call_internal.h - the ladon_call of one request (internal).
 *
 * Each request thread owns one ladon_call (worker.h) and points its gSOAP
 * context's `user` at it for the duration of a request; generated glue
 * finds it with ladon_call_get(soap).  Each field is released by the file
 * that sets it: dispatch.c resets the request's fields (ladon__call_reset);
 * taskcall.c sets and releases `data` and `result_xml`
 * (ladon__taskcall_end after each request, ladon__taskcall_free).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_CALL_INTERNAL_H
#define LADON_SRC_CALL_INTERNAL_H

#include "ladon/call.h"
#include "ladon/service.h"
#include "ladon/task.h"

struct ladon__worker;

struct ladon_call {
    struct soap *soap;
    const ladon_service *service;
    const ladon_operation *op;  /* NULL until the operation is known */
    struct ladon__worker *worker; /* the serving request thread (worker.h);
                                   NULL in tests and in tasks */
    ladon_task_ctx *task;       /* the running task (taskcall.c), or NULL */
    int fault_code;             /* 0, or a ladon_fault_code from ladon_fault() */
    int parked;                 /* m_wait parked the request (park.c): no answer now */
    char fault_msg[1024];       /* faultstring given to ladon_fault() */
    char error_msg[1024];       /* faultstring of a request-level error */
    /* the authenticated caller (ladon_call_user), "" when anonymous; set
     * by dispatch.c from the request before the operation runs */
    char user[LADON_USER_MAX];
    /* taskcall.c's (m_result): a gSOAP context that reads stored results,
     * created on first use and kept; the stored result being read */
    struct soap *data;
    void *result_xml;
};

/* Prepares call for a new request on soap (soap->user = call). */
void ladon__call_reset(ladon_call *call, struct soap *soap, const ladon_service *service,
                       struct ladon__worker *worker);

/* gSOAP fseterror hook: replaces gSOAP's faultstrings for malformed or
 * invalid requests by the stable texts of docs/faults.md. */
void ladon__call_seterror(struct soap *soap, const char **code, const char **string);

#endif
