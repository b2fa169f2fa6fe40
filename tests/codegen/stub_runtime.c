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
