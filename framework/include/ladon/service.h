/* ladon/service.h - the contract between ladon-gen's generated code and the
 * runtime.  Users do not write these structures; ladon-gen emits them as
 * static const tables, and the runtime dispatches on them.
 *
 * One server executable holds ONE gSOAP binding (soapcpp2 output) with all
 * its services (docs/design.md sections 3 and 4); ladon-gen describes it as one
 * ladon_binding listing each service and its operations.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SERVICE_H
#define LADON_SERVICE_H

#include <stddef.h>
#include "ladon/call.h"
#include "ladon/visibility.h"

struct soap;
struct Namespace;

/* Version of this contract; generated code checks it and fails with
 * "regenerate" when it differs. */
#define LADON_SERVICE_ABI 3

typedef enum ladon_op_kind {
    LADON_OP_METHOD = 0,        /* plain operation */
    LADON_OP_TASK_START = 1,    /* m: starts a task */
    LADON_OP_TASK_PROGRESS = 2, /* m_progress */
    LADON_OP_TASK_RESULT = 3,   /* m_result */
    LADON_OP_TASK_CANCEL = 4,   /* m_cancel */
    LADON_OP_TASK_WAIT = 5      /* m_wait */
} ladon_op_kind;

/* One task method m, for the runtime (ABI 3): the runtime does everything
 * its five operations do, through these generated one-line wrappers around
 * gSOAP's serializers and the implementation.  `args` is m's request struct
 * (struct P__m: the arguments), `result` m_result's response struct
 * (struct P__m_USCOREresultResponse). */
typedef struct ladon_task_desc {
    const char *name; /* "count": its operations are count, count_progress, ... */
    /* soap_serialize + soap_put of *args as element <P:m>; gSOAP's error */
    int (*write_args)(struct soap *soap, const void *args);
    /* a new args struct (soap_new, defaulted) read from soap's input with
     * soap_get; NULL on error */
    void *(*read_args)(struct soap *soap);
    /* a new, defaulted result struct in soap's memory; NULL when out of
     * memory */
    void *(*new_result)(struct soap *soap);
    /* soap_serialize + soap_put of *result; gSOAP's error */
    int (*write_result)(struct soap *soap, const void *result);
    /* soap_default + soap_get of *result from soap's input; NULL on error */
    void *(*read_result)(struct soap *soap, void *result);
    /* the implementation: m(call, args..., &result->result); its return */
    int (*run)(ladon_call *call, void *args, void *result);
    /* the early check m_check(call, args...) (LADON_CHECK), or NULL */
    int (*check)(ladon_call *call, void *args);
} ladon_task_desc;

typedef struct ladon_operation {
    const char *name;             /* XML local name of the request: "add" */
    const char *tag;              /* qualified tag for soap_match_tag: "calculator:add" */
    int (*serve)(struct soap *);  /* generated soap_serve_<prefix>__<op> */
    ladon_op_kind kind;
    const ladon_task_desc *task; /* the task of a LADON_OP_TASK_* op; NULL */
} ladon_operation;

typedef struct ladon_service {
    const char *name;          /* "Calculator": served at /Calculator */
    const char *prefix;        /* gSOAP namespace prefix: "calculator" */
    const char *namespace_uri; /* "urn:ladon:examples:calculator" */
    const char *documentation; /* from the doc comment; "" when none */
    /* The WSDL is wsdl_head + address + wsdl_tail, where address is the
     * XML-escaped URL of the service that the server computes per request. */
    const char *wsdl_head;
    const char *wsdl_tail;
    const ladon_operation *operations;
    size_t n_operations;
    /* gSOAP namespace table of this service's requests and responses: the
     * SOAP ones and the service's own, so a response declares only the
     * namespaces it uses (ABI 2).  NULL: the binding's table. */
    struct Namespace *namespaces;
} ladon_service;

typedef struct ladon_binding {
    int abi;                              /* LADON_SERVICE_ABI */
    const char *name;                     /* the --name given to ladon-gen */
    struct Namespace *namespaces;         /* gSOAP namespace table: every service */
    const ladon_service *const *services;
    size_t n_services;
} ladon_binding;

/* --- Called by generated glue only ------------------------------------ */

/* The call bound to a gSOAP context by the runtime. */
LADON_EXTERN ladon_call *ladon_call_get(struct soap *soap);
/* Turns an implementation's return value into gSOAP's: LADON_OK -> SOAP_OK;
 * after ladon_fault -> that fault; any other value -> a Server fault
 * "internal error" (and an error log line naming the operation). */
LADON_EXTERN int ladon_call_finish(ladon_call *call, int rc);
/* Client fault "missing required element 'NAME'"; returns gSOAP's error. */
LADON_EXTERN int ladon_call_missing(ladon_call *call, const char *element);

/* --- Task operations (generated glue only; docs/internals.md) ------------ */

/* A TaskProgressResponse as the runtime fills it; the generated code copies
 * it into the service's struct P__TaskProgressResponse, whose enum
 * P__TaskState has the values of ladon_task_state (queued = 1, running,
 * done, failed, cancelled). */
typedef struct ladon_task_view {
    int task_id;
    double progress, duration, starttime;
    int state;           /* a ladon_task_state */
    const char *message; /* in the request's memory; NULL: absent */
} ladon_task_view;

/* m: runs tm->check (its fault answers the start, nothing is created), then
 * starts the task with a deep copy of *args (the request struct; the
 * request's Idempotency-Key header is honoured).  SOAP_OK with *task_id set,
 * or the fault ("server busy: task queue full", ...). */
LADON_EXTERN int ladon_call_task_start(ladon_call *call, const ladon_task_desc *tm,
                                       void *args, int *task_id);
/* m_progress, m_cancel, m_wait (timeout in seconds, capped by
 * --task-wait-max): SOAP_OK with *out filled, or the fault.  m_wait may
 * instead park the request until the task ends or the timeout passes: it
 * then returns an error the runtime recognises, and the glue returns it
 * unchanged. */
LADON_EXTERN int ladon_call_task_progress(ladon_call *call, const ladon_task_desc *tm,
                                          int task_id, ladon_task_view *out);
LADON_EXTERN int ladon_call_task_cancel(ladon_call *call, const ladon_task_desc *tm,
                                        int task_id, ladon_task_view *out);
LADON_EXTERN int ladon_call_task_wait(ladon_call *call, const ladon_task_desc *tm,
                                      int task_id, double timeout, ladon_task_view *out);
/* m_result: SOAP_OK with *result (m_result's response struct) read from the
 * stored result, or the fault (unknown id, not finished, failed,
 * cancelled, ...). */
LADON_EXTERN int ladon_call_task_result(ladon_call *call, const ladon_task_desc *tm,
                                        int task_id, void *result);

#endif /* LADON_SERVICE_H */
