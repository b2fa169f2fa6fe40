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
#define LADON_SERVICE_ABI 2

typedef enum ladon_op_kind {
    LADON_OP_METHOD = 0,        /* plain operation */
    LADON_OP_TASK_START = 1,    /* m: starts a task */
    LADON_OP_TASK_PROGRESS = 2, /* m_progress */
    LADON_OP_TASK_RESULT = 3    /* m_result */
} ladon_op_kind;

typedef struct ladon_operation {
    const char *name;             /* XML local name of the request: "add" */
    const char *tag;              /* qualified tag for soap_match_tag: "calculator:add" */
    int (*serve)(struct soap *);  /* generated soap_serve_<prefix>__<op> */
    ladon_op_kind kind;
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

/* The body of a task as the glue writes it.  soap's input is the task's
 * arguments as XML (the request struct written by the start operation):
 * the body reads them, calls the implementation with call (bound to the
 * task) and writes the response struct as XML to *xml (soap's memory).
 * Returns LADON_OK with *xml set (NULL when writing failed), LADON_ESYS when
 * the arguments do not read back, or the implementation's error. */
typedef int (*ladon_task_glue_fn)(ladon_call *call, struct soap *soap, const char **xml);

/* The worker's data context, for writing a task's arguments as XML (emptied
 * after the request); NULL when out of memory. */
LADON_EXTERN struct soap *ladon_call_data_soap(ladon_call *call);
/* Starts task `method` (the operation's local name) with body; args_xml is
 * the arguments written as XML (copied; NULL when writing them failed: the
 * out-of-memory fault).  SOAP_OK with *task_id set, or the fault ("server
 * busy: task queue full", ...). */
LADON_EXTERN int ladon_call_task_start(ladon_call *call, const char *method,
                                       ladon_task_glue_fn body, const char *args_xml,
                                       int *task_id);
/* m_progress: SOAP_OK with the outputs set, or the fault. */
LADON_EXTERN int ladon_call_task_progress(ladon_call *call, const char *method, int task_id,
                                          int *id_out, double *progress, double *duration,
                                          double *starttime);
/* m_result: SOAP_OK with *in a gSOAP context whose input is the stored
 * response XML (read it with soap_read_<response>(*in, ...); the memory stays
 * valid until the response has been sent), or the fault (unknown id, not
 * finished, failed, ...). */
LADON_EXTERN int ladon_call_task_result(ladon_call *call, const char *method, int task_id,
                                        struct soap **in);
/* m_result when the stored XML does not read back: logs it and answers a
 * Server fault "internal error". */
LADON_EXTERN int ladon_call_task_unreadable(ladon_call *call, const char *method, int task_id);

#endif /* LADON_SERVICE_H */
