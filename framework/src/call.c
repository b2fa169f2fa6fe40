/* call.c - the call context of an operation: arena allocation and faults.
 *
 * Memory handed out by ladon_alloc() comes from the gSOAP context's arena
 * (soap_malloc) and is released by soap_end() after the response is sent.
 * A fault recorded by ladon_fault() is turned into a SOAP Fault by
 * ladon_call_finish(), the only place where implementation results meet
 * gSOAP's error codes.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "call_internal.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <stdsoap2.h>

#include "ladon/error.h"
#include "log.h"

void ladon__call_reset(ladon_call *call, struct soap *soap, const ladon_service *service,
                       struct ladon__worker *worker)
{
    call->soap = soap;
    call->service = service;
    call->op = NULL;
    call->worker = worker;
    call->task = NULL;
    call->fault_code = 0;
    call->parked = 0;
    call->fault_msg[0] = '\0';
    call->error_msg[0] = '\0';
    call->user[0] = '\0';
    if (soap != NULL)
        soap->user = call;
}

void *ladon_alloc(ladon_call *call, size_t size)
{
    void *p;
    if (call == NULL || call->soap == NULL)
        return NULL;
    p = soap_malloc(call->soap, size ? size : 1);
    if (p == NULL) {
        LADON_LOGE("out of memory: ladon_alloc(%zu) in operation %s", size,
                   ladon_call_operation(call));
        return NULL;
    }
    memset(p, 0, size ? size : 1);
    return p;
}

char *ladon_strdup(ladon_call *call, const char *s)
{
    size_t n;
    char *d;
    if (s == NULL)
        return NULL;
    n = strlen(s) + 1;
    d = ladon_alloc(call, n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

int ladon_fault(ladon_call *call, ladon_fault_code code, const char *fmt, ...)
{
    va_list ap;
    if (call == NULL)
        return LADON_EFAULT;
    call->fault_code = code == LADON_FAULT_CLIENT ? LADON_FAULT_CLIENT : LADON_FAULT_SERVER;
    if (fmt == NULL) {
        snprintf(call->fault_msg, sizeof call->fault_msg, "%s", "error");
        return LADON_EFAULT;
    }
    va_start(ap, fmt);
    vsnprintf(call->fault_msg, sizeof call->fault_msg, fmt, ap);
    va_end(ap);
    /* the text becomes XML: no invalid UTF-8 (also where vsnprintf cut a
     * sequence), no character XML forbids */
    ladon__utf8_scrub(call->fault_msg);
    return LADON_EFAULT;
}

void ladon_update_progress(ladon_call *call, double fraction)
{
    if (call != NULL && call->task != NULL)
        ladon_task_update_progress(call->task, fraction);
}

void ladon_update_status(ladon_call *call, const char *fmt, ...)
{
    char line[LADON_TASK_STATUS_MAX + 8];
    va_list ap;
    if (call == NULL || call->task == NULL || fmt == NULL)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    /* shown in XML: no invalid UTF-8, no character XML forbids (the task
     * engine cuts it to length at a character boundary) */
    ladon__utf8_scrub(line);
    ladon_task_update_status(call->task, "%s", line);
}

int ladon_should_stop(const ladon_call *call)
{
    return call != NULL && call->task != NULL && ladon_task_stopping(call->task);
}

const char *ladon_call_user(const ladon_call *call)
{
    if (call == NULL || call->user[0] == '\0')
        return NULL;
    return call->user;
}

const char *ladon_call_operation(const ladon_call *call)
{
    if (call == NULL || call->op == NULL || call->op->name == NULL)
        return "";
    return call->op->name;
}

ladon_call *ladon_call_get(struct soap *soap)
{
    return soap != NULL ? (ladon_call *)soap->user : NULL;
}

int ladon_call_finish(ladon_call *call, int rc)
{
    struct soap *soap = call != NULL ? call->soap : NULL;
    if (soap == NULL)
        return SOAP_FATAL_ERROR;
    if (rc == LADON_OK)
        return SOAP_OK;
    if (rc == LADON_EFAULT && call->fault_code != 0) {
        if (call->fault_code == LADON_FAULT_CLIENT)
            return soap_sender_fault(soap, call->fault_msg, NULL);
        return soap_receiver_fault(soap, call->fault_msg, NULL);
    }
    LADON_LOGE("operation %s.%s returned %d (%s) without a fault; answering 'internal error'",
               call->service ? call->service->name : "?",
               call->op ? ladon_call_operation(call) : "?", rc, ladon_err_name(rc));
    return soap_receiver_fault(soap, "internal error", NULL);
}

int ladon_call_missing(ladon_call *call, const char *element)
{
    if (call == NULL || call->soap == NULL)
        return SOAP_FATAL_ERROR;
    snprintf(call->error_msg, sizeof call->error_msg, "missing required element '%.200s'",
             element ? element : "");
    return soap_sender_fault(call->soap, call->error_msg, NULL);
}

/* Local name of a qualified tag ("ns1:add" -> "add"). */
static const char *local_name(const char *tag)
{
    const char *c = strrchr(tag, ':');
    return c ? c + 1 : tag;
}

void ladon__call_seterror(struct soap *soap, const char **code, const char **string)
{
    ladon_call *call = soap ? (ladon_call *)soap->user : NULL;
    const char *msg = NULL, *elem = soap ? local_name(soap->tag) : "";
    int client = 1;

    /* gSOAP passes no code slot when it could not allocate the fault
     * (found by test_allocfail); it then sends its own */
    if (call == NULL || code == NULL || string == NULL || soap->error == SOAP_FAULT ||
        (*string != NULL && **string != '\0'))
        return; /* a fault of the operation or the runtime: keep it */
    if (soap->version == 0)
        soap->version = 1; /* answer a non-SOAP request with a SOAP 1.1 fault */
    switch (soap->error) {
    case SOAP_SYNTAX_ERROR:
    case SOAP_EOF:
        msg = "malformed XML";
        break;
    case SOAP_NO_TAG:
        msg = soap->level <= 2 ? "not a SOAP 1.1 envelope" : "malformed XML";
        break;
    case SOAP_VERSIONMISMATCH:
        msg = "not a SOAP 1.1 envelope";
        break;
    case SOAP_TAG_MISMATCH:
        if (soap->level <= 2)
            msg = "not a SOAP 1.1 envelope";
        else
            snprintf(call->error_msg, sizeof call->error_msg, "unexpected element '%.200s'", elem);
        break;
    case SOAP_LENGTH: /* the only length facet is soap->maxlength */
        snprintf(call->error_msg, sizeof call->error_msg,
                 "value of element '%.200s' is longer than --max-string-length", elem);
        break;
    case SOAP_TYPE:
    case SOAP_END_TAG:
        snprintf(call->error_msg, sizeof call->error_msg, "invalid value of element '%.200s'", elem);
        break;
    case SOAP_OCCURS:
        snprintf(call->error_msg, sizeof call->error_msg,
                 "missing, extra or too many elements in '%.200s'", elem);
        break;
    case SOAP_REQUIRED:
        snprintf(call->error_msg, sizeof call->error_msg, "missing required element '%.200s'",
                 elem);
        break;
    case SOAP_LEVEL:
        msg = "XML nesting too deep";
        break;
    case SOAP_NO_METHOD:
        snprintf(call->error_msg, sizeof call->error_msg, "unknown operation '%.200s'", elem);
        break;
    case SOAP_EOM:
        msg = "out of memory";
        client = 0;
        break;
    default:
        if (soap_xml_error_check(soap->error)) {
            msg = "malformed XML";
        } else {
            msg = "internal error";
            client = 0;
        }
        break;
    }
    if (msg != NULL)
        snprintf(call->error_msg, sizeof call->error_msg, "%s", msg);
    *string = call->error_msg;
    if (soap->version == 1) /* SOAP 1.2: gSOAP fills in Sender/Receiver itself */
        *code = client ? "SOAP-ENV:Client" : "SOAP-ENV:Server";
}
