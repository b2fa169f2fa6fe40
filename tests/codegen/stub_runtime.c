/* stub_runtime.c - a stand-in for the libladon functions that generated glue
 * and service implementations call, so the golden tests can compile, link and
 * run generated code without the runtime: gSOAP's soap_serve() reads one
 * request from stdin and writes the response to stdout (see serve_main.c).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "soapH.h"
#include <ladon/call.h>
#include <ladon/error.h>
#include <ladon/service.h>

struct ladon_call {
    struct soap *soap;
    int faulted;
    int client;
    char message[512];
};

static struct ladon_call the_call;

ladon_call *ladon_call_get(struct soap *soap)
{
    memset(&the_call, 0, sizeof the_call);
    the_call.soap = soap;
    return &the_call;
}

void *ladon_alloc(ladon_call *call, size_t size)
{
    void *p = soap_malloc(call->soap, size ? size : 1);
    if (p != NULL)
        memset(p, 0, size ? size : 1);
    return p;
}

char *ladon_strdup(ladon_call *call, const char *s)
{
    return s == NULL ? NULL : soap_strdup(call->soap, s);
}

int ladon_fault(ladon_call *call, ladon_fault_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(call->message, sizeof call->message, fmt, ap);
    va_end(ap);
    call->faulted = 1;
    call->client = code == LADON_FAULT_CLIENT;
    return LADON_EFAULT;
}

const char *ladon_call_operation(const ladon_call *call)
{
    (void)call;
    return "?";
}

int ladon_call_finish(ladon_call *call, int rc)
{
    if (rc == LADON_OK)
        return SOAP_OK;
    if (call->faulted)
        return call->client ? soap_sender_fault(call->soap, call->message, NULL)
                            : soap_receiver_fault(call->soap, call->message, NULL);
    return soap_receiver_fault(call->soap, "internal error", NULL);
}

int ladon_call_missing(ladon_call *call, const char *element)
{
    char msg[256];
    snprintf(msg, sizeof msg, "missing required element '%s'", element);
    return soap_sender_fault(call->soap, soap_strdup(call->soap, msg), NULL);
}

/* Tasks: the stub runs a task's body at once, inside the start request (its
 * arguments and result XML go to stderr), and keeps nothing; its id is
 * always 1; a failed task answers the start request with its fault.
 * _progress and _result know no task.
 * The real engine is tested with the runtime (tests/unit/task) and end to
 * end with ladon-examples (tests/integration). */

void ladon_update_progress(ladon_call *call, double fraction)
{
    (void)call;
    (void)fraction;
}

int ladon_should_stop(const ladon_call *call)
{
    (void)call;
    return 0;
}

static struct soap *data_soap;

struct soap *ladon_call_data_soap(ladon_call *call)
{
    if (data_soap == NULL && (data_soap = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING)) != NULL)
        soap_set_namespaces(data_soap, call->soap->namespaces);
    return data_soap;
}

int ladon_call_task_start(ladon_call *call, const char *method, ladon_task_glue_fn body,
                          const char *args_xml, int *task_id)
{
    struct ladon_call task_call;
    struct soap *tsoap;
    const char *xml = NULL;
    int rc;
    (void)method;
    if (args_xml == NULL || (tsoap = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING)) == NULL)
        return soap_receiver_fault(call->soap, "out of memory", NULL);
    soap_set_namespaces(tsoap, call->soap->namespaces);
    fprintf(stderr, "task arguments: %s\n", args_xml);
    tsoap->is = args_xml;
    memset(&task_call, 0, sizeof task_call);
    task_call.soap = tsoap;
    rc = body(&task_call, tsoap, &xml);
    if (rc == LADON_OK && xml == NULL)
        rc = LADON_ESYS;
    if (rc == LADON_OK)
        fprintf(stderr, "task result: %s\n", xml);
    else
        snprintf(call->message, sizeof call->message, "task 1 failed: %.400s",
                 task_call.faulted ? task_call.message : "internal error");
    soap_destroy(tsoap);
    soap_end(tsoap);
    soap_free(tsoap);
    if (rc != LADON_OK)
        return soap_receiver_fault(call->soap, call->message, NULL);
    *task_id = 1;
    return SOAP_OK;
}

int ladon_call_task_progress(ladon_call *call, const char *method, int task_id, int *id_out,
                             double *progress, double *duration, double *starttime)
{
    (void)method;
    (void)id_out;
    (void)progress;
    (void)duration;
    (void)starttime;
    snprintf(call->message, sizeof call->message, "unknown or expired task id %d", task_id);
    return soap_sender_fault(call->soap, call->message, NULL);
}

int ladon_call_task_result(ladon_call *call, const char *method, int task_id, struct soap **in)
{
    *in = NULL;
    return ladon_call_task_progress(call, method, task_id, NULL, NULL, NULL, NULL);
}

int ladon_call_task_unreadable(ladon_call *call, const char *method, int task_id)
{
    (void)method;
    (void)task_id;
    return soap_receiver_fault(call->soap, "internal error", NULL);
}
