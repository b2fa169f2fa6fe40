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
#define LADON_SERVICE_ABI 5

typedef enum ladon_op_kind {
    LADON_OP_METHOD = 0,        /* plain operation */
    LADON_OP_TASK_START = 1,    /* m: starts a task */
    LADON_OP_TASK_PROGRESS = 2, /* m_progress */
    LADON_OP_TASK_RESULT = 3,   /* m_result */
    LADON_OP_TASK_CANCEL = 4,   /* m_cancel */
    LADON_OP_TASK_WAIT = 5,     /* m_wait */
    LADON_OP_TASK_LIST = 6      /* m_list (ABI 5) */
} ladon_op_kind;

/* One task method m, for the runtime (ABI 3): the runtime does everything
 * its six operations do, through these generated one-line wrappers around
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

/* --- The description of a service (ABI 4) --------------------------------
 * What the WSDL says, as data: ladon-gen writes these tables from the same
 * model as the WSDL, and the service browser (docs/browser.md) renders its
 * pages and try-it forms from them, never from parsing the WSDL. */

/* The value type of a member, as it is written in XML. */
typedef enum ladon_value_kind {
    LADON_VALUE_INT,      /* xsd:int */
    LADON_VALUE_LONG,     /* xsd:long */
    LADON_VALUE_DOUBLE,   /* xsd:double */
    LADON_VALUE_BOOLEAN,  /* xsd:boolean */
    LADON_VALUE_STRING,   /* xsd:string */
    LADON_VALUE_DATETIME, /* xsd:dateTime */
    LADON_VALUE_BASE64,   /* xsd:base64Binary */
    LADON_VALUE_ENUM,     /* a simpleType of the service: type says which */
    LADON_VALUE_STRUCT    /* a complexType of the service: type says which */
} ladon_value_kind;

typedef enum ladon_occurs {
    LADON_OCCURS_ONE,      /* minOccurs 1, maxOccurs 1 */
    LADON_OCCURS_OPTIONAL, /* minOccurs 0, maxOccurs 1 */
    LADON_OCCURS_MANY      /* minOccurs 0, maxOccurs unbounded: repeated, no wrapper */
} ladon_occurs;

typedef struct ladon_type_info ladon_type_info;

/* A field of a struct, a parameter of an operation, or its result. */
typedef struct ladon_member_info {
    const char *name;            /* the element's (unqualified) name */
    const char *xml_type;        /* "xsd:int", "calculator:Point" */
    ladon_value_kind kind;
    ladon_occurs occurs;
    const ladon_type_info *type; /* for LADON_VALUE_ENUM / _STRUCT, else NULL */
    const char *doc;             /* "" when none */
} ladon_member_info;

typedef struct ladon_enum_value {
    const char *name; /* the XML value: "LEVEL_LOW" */
    const char *doc;  /* "" when none */
} ladon_enum_value;

/* A struct (complexType) or enum (simpleType) of a service. */
struct ladon_type_info {
    const char *name; /* the XML type name: "Point" */
    const char *doc;
    ladon_value_kind kind; /* LADON_VALUE_STRUCT or LADON_VALUE_ENUM */
    const ladon_member_info *fields; /* a struct's, in order */
    size_t n_fields;
    const ladon_enum_value *values; /* an enum's, in order */
    size_t n_values;
};

/* An operation's inputs and result, and its documentation as the WSDL has
 * it. */
typedef struct ladon_op_info {
    const char *doc;
    const ladon_member_info *params; /* the children of the request element */
    size_t n_params;
    ladon_member_info result;        /* the one child of the response element */
} ladon_op_info;

typedef struct ladon_operation {
    const char *name;             /* XML local name of the request: "add" */
    const char *tag;              /* qualified tag for soap_match_tag: "calculator:add" */
    int (*serve)(struct soap *);  /* generated soap_serve_<prefix>__<op> */
    ladon_op_kind kind;
    const ladon_task_desc *task; /* the task of a LADON_OP_TASK_* op; NULL */
    const ladon_op_info *info;   /* its description (ABI 4) */
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
    /* Every type of the service, in the WSDL's order: its own, then the
     * task types (TaskState, TaskInfoResponse, TaskProgressResponse) when
     * it has a task (ABI 4). */
    const ladon_type_info *const *types;
    size_t n_types;
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
/* soap_end_recv() for soapServer.c's operations (ladon-gen rewrites their
 * calls): the same, without its two walks of gSOAP's id table when the
 * runtime knows the request put nothing in it (docs/design.md 5.3).
 * Returns what soap_end_recv would. */
LADON_EXTERN int ladon_end_recv(struct soap *soap);

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

/* One task of an m_list answer (TaskSummary). */
typedef struct ladon_task_summary {
    int task_id;
    int state; /* a ladon_task_state */
    double progress, starttime;
} ladon_task_summary;

/* An m_list answer as the runtime fills it (TaskListResponse): n tasks, in
 * the request's memory; next_page_token "" on the last page. */
typedef struct ladon_task_page {
    ladon_task_summary *tasks;
    int n;
    const char *next_page_token;
} ladon_task_page;

/* Default, and largest, number of tasks of one m_list page. */
#define LADON_TASK_LIST_DEFAULT 50
#define LADON_TASK_LIST_MAX 1000

/* m_list (limit and page_token may be NULL: absent): the caller's own tasks
 * of tm, newest first, a page of at most *limit (absent or 0: the default;
 * above the maximum: the maximum; negative: a Client fault), from
 * page_token (absent or "": the newest).  SOAP_OK with *out filled, or the
 * fault: an anonymous caller's ("listing tasks needs an identity"), a bad
 * token's ("bad page_token"). */
LADON_EXTERN int ladon_call_task_list(ladon_call *call, const ladon_task_desc *tm,
                                      const int *limit, const char *page_token,
                                      ladon_task_page *out);

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
