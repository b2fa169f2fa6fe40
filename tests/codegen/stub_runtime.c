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
#include <ladon/store.h>

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

int ladon_end_recv(struct soap *soap)
{
    return soap_end_recv(soap);
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

/* Tasks (service ABI 3): the stub drives a task's ladon_task_desc the
 * way the runtime does, but at once, inside the start request: it runs the
 * check (its fault answers the start), writes the arguments as XML
 * (write_args), reads them back on a task's own gSOAP context (read_args),
 * runs the body on a new result (new_result, run) and writes the result
 * (write_result); the XML goes to stderr.  It keeps nothing; the task's id
 * is always 1, and a failed task answers the start request with its fault.
 * For task 1, _progress answers "running" with a status line, _cancel
 * "cancelled" with its message, _wait "done" without one; _result answers a
 * defaulted result written and read back (new_result, write_result,
 * read_result).  Any other id is unknown.
 * The real engine is tested with the runtime (tests/unit/task) and end to
 * end with ladon-examples (tests/integration). */

void ladon_update_progress(ladon_call *call, double fraction)
{
    (void)call;
    (void)fraction;
}

void ladon_update_status(ladon_call *call, const char *fmt, ...)
{
    (void)call;
    (void)fmt;
}

int ladon_should_stop(const ladon_call *call)
{
    (void)call;
    return 0;
}

/* A gSOAP context for the task's XML, with the request's namespaces. */
static struct soap *task_soap(const ladon_call *call)
{
    struct soap *soap = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (soap != NULL)
        soap_set_namespaces(soap, call->soap->namespaces);
    return soap;
}

static void task_soap_free(struct soap *soap)
{
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
}

/* *v as XML (soap's memory) with write, or NULL. */
static const char *write_xml(struct soap *soap, int (*write)(struct soap *, const void *), const void *v)
{
    const char *xml = NULL;
    soap->os = &xml;
    if (soap_begin_send(soap) != SOAP_OK || write(soap, v) != SOAP_OK || soap_end_send(soap) != SOAP_OK)
        xml = NULL;
    soap->os = NULL;
    return xml;
}

static int begin_read(struct soap *soap, const char *xml)
{
    soap->is = xml;
    return soap_begin_recv(soap);
}

int ladon_call_task_start(ladon_call *call, const ladon_task_desc *tm, void *args, int *task_id)
{
    struct ladon_call task_call;
    struct soap *out, *in;
    const char *xml;
    void *targs, *result;
    int rc;
    if (tm->check != NULL && (rc = tm->check(call, args)) != LADON_OK)
        return ladon_call_finish(call, rc);
    if ((out = task_soap(call)) == NULL)
        return soap_receiver_fault(call->soap, "out of memory", NULL);
    if ((in = task_soap(call)) == NULL) {
        task_soap_free(out);
        return soap_receiver_fault(call->soap, "out of memory", NULL);
    }
    memset(&task_call, 0, sizeof task_call);
    task_call.soap = in;
    rc = LADON_ESYS;
    if ((xml = write_xml(out, tm->write_args, args)) != NULL) {
        fprintf(stderr, "task %s arguments: %s\n", tm->name, xml);
        if (begin_read(in, xml) == SOAP_OK && (targs = tm->read_args(in)) != NULL && soap_end_recv(in) == SOAP_OK &&
            (result = tm->new_result(in)) != NULL) {
            rc = tm->run(&task_call, targs, result);
            if (rc == LADON_OK && (xml = write_xml(out, tm->write_result, result)) == NULL)
                rc = LADON_ESYS;
            if (rc == LADON_OK)
                fprintf(stderr, "task %s result: %s\n", tm->name, xml);
        }
    }
    if (rc != LADON_OK)
        snprintf(call->message, sizeof call->message, "task 1 failed: %.400s",
                 task_call.faulted ? task_call.message : "internal error");
    task_soap_free(in);
    task_soap_free(out);
    if (rc != LADON_OK)
        return soap_receiver_fault(call->soap, call->message, NULL);
    *task_id = 1;
    return SOAP_OK;
}

static int unknown(ladon_call *call, int task_id)
{
    snprintf(call->message, sizeof call->message, "unknown or expired task id %d", task_id);
    return soap_sender_fault(call->soap, call->message, NULL);
}

static int view(ladon_call *call, int task_id, int state, const char *message, ladon_task_view *out)
{
    if (task_id != 1)
        return unknown(call, task_id);
    *out = (ladon_task_view){.task_id = 1, .progress = 0.5, .duration = 2.0, .starttime = 1700000000.25,
                             .state = state, .message = message};
    return SOAP_OK;
}

int ladon_call_task_progress(ladon_call *call, const ladon_task_desc *tm, int task_id, ladon_task_view *out)
{
    (void)tm;
    return view(call, task_id, LADON_TASK_RUNNING, "step 2 of 4", out);
}

int ladon_call_task_cancel(ladon_call *call, const ladon_task_desc *tm, int task_id, ladon_task_view *out)
{
    (void)tm;
    return view(call, task_id, LADON_TASK_CANCELLED, "cancelled", out);
}

int ladon_call_task_wait(ladon_call *call, const ladon_task_desc *tm, int task_id, double timeout,
                         ladon_task_view *out)
{
    (void)tm;
    if (timeout != 1.5) /* the requests say 1.5: the glue passes it on */
        return soap_receiver_fault(call->soap, "stub: unexpected timeout", NULL);
    return view(call, task_id, LADON_TASK_DONE, NULL, out);
}

/* Two pages: the first (no token) of two tasks and a token, the second
 * (that token) of one and none; limit, when given, must be the requests'
 * 2, so the glue is seen to pass both inputs on. */
int ladon_call_task_list(ladon_call *call, const ladon_task_desc *tm, const int *limit, const char *page_token,
                         ladon_task_page *out)
{
    static ladon_task_summary tasks[3] = {
        {7, LADON_TASK_RUNNING, 0.25, 1700000002.5},
        {5, LADON_TASK_DONE, 1.0, 1700000001.5},
        {3, LADON_TASK_CANCELLED, 1.0, 1700000000.5},
    };
    (void)tm;
    if (limit != NULL && *limit != 2)
        return soap_receiver_fault(call->soap, "stub: unexpected limit", NULL);
    if (page_token == NULL || page_token[0] == '\0') {
        *out = (ladon_task_page){tasks, 2, "tok2"};
        return SOAP_OK;
    }
    if (strcmp(page_token, "tok2") != 0)
        return soap_sender_fault(call->soap, "bad page_token", NULL);
    *out = (ladon_task_page){tasks + 2, 1, ""};
    return SOAP_OK;
}

/* The result is read on a context of its own, whose memory must outlive the
 * response: the stub keeps it (one request per process). */
static struct soap *result_soap;

int ladon_call_task_result(ladon_call *call, const ladon_task_desc *tm, int task_id, void *result)
{
    const char *xml;
    void *stored;
    if (task_id != 1)
        return unknown(call, task_id);
    if (result_soap == NULL && (result_soap = task_soap(call)) == NULL)
        return soap_receiver_fault(call->soap, "out of memory", NULL);
    if ((stored = tm->new_result(result_soap)) == NULL ||
        (xml = write_xml(result_soap, tm->write_result, stored)) == NULL || begin_read(result_soap, xml) != SOAP_OK ||
        tm->read_result(result_soap, result) == NULL || soap_end_recv(result_soap) != SOAP_OK)
        return soap_receiver_fault(call->soap, "internal error", NULL);
    return SOAP_OK;
}
