/* rt_glue.c - hand-written stand-in for ladon-gen's glue (docs/internals.md)
 * over the soapcpp2 output of rt_test.gsoap.h: the gSOAP service functions,
 * the namespaces table and the ladon_binding of two services, Test and
 * Other.  The implementations live here too.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <string.h>
#include <time.h>

#include "soapH.h"
#include "rt_glue.h"

#include <ladon/ladon.h>

/* ---- implementations (what a user would write) --------------------------- */

static int impl_add(ladon_call *call, int a, int b, int *result)
{
    (void)call;
    *result = a + b;
    return LADON_OK;
}

static int impl_echo(ladon_call *call, const char *text, char **result)
{
    /* a service that returns what XML cannot carry (the response check) */
    if (strcmp(text, "emit-invalid-utf8") == 0)
        text = "bad \xff byte";
    else if (strcmp(text, "emit-control") == 0)
        text = "bell \x07";
    *result = ladon_strdup(call, text);
    return *result ? LADON_OK : ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
}

static int impl_sleep(ladon_call *call, int ms, int *result)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    (void)call;
    nanosleep(&ts, NULL);
    *result = ms;
    return LADON_OK;
}

static int impl_wait(ladon_call *call, int ms, int *result)
{
    ladon_call_wait_begin(call);
    impl_sleep(call, ms, result);
    ladon_call_wait_end(call);
    return LADON_OK;
}

static int impl_fail(ladon_call *call, int kind, int *result)
{
    *result = kind;
    switch (kind) {
    case 1: return ladon_fault(call, LADON_FAULT_CLIENT, "bad kind %d", kind);
    case 2: return ladon_fault(call, LADON_FAULT_SERVER, "server trouble");
    case 3: return -42;
    case 4: return ladon_fault(call, LADON_FAULT_CLIENT, "bad \xff byte and \x01");
    default: return LADON_OK;
    }
}

/* ---- glue (what ladon-gen generates) ------------------------------------- */

int t__add(struct soap *soap, int a, int b, int *result)
{
    ladon_call *call = ladon_call_get(soap);
    return ladon_call_finish(call, impl_add(call, a, b, result));
}

int t__echo(struct soap *soap, char *text, char **result)
{
    ladon_call *call = ladon_call_get(soap);
    if (text == NULL)
        return ladon_call_missing(call, "text");
    return ladon_call_finish(call, impl_echo(call, text, result));
}

int t__sleep_USCOREms(struct soap *soap, int ms, int *result)
{
    ladon_call *call = ladon_call_get(soap);
    return ladon_call_finish(call, impl_sleep(call, ms, result));
}

int t__wait_USCOREms(struct soap *soap, int ms, int *result)
{
    ladon_call *call = ladon_call_get(soap);
    return ladon_call_finish(call, impl_wait(call, ms, result));
}

int t__fail(struct soap *soap, int kind, int *result)
{
    ladon_call *call = ladon_call_get(soap);
    return ladon_call_finish(call, impl_fail(call, kind, result));
}

int u__ping(struct soap *soap, int x, int *result)
{
    (void)soap;
    *result = x;
    return SOAP_OK;
}

SOAP_NMAC struct Namespace namespaces[] = {
    {"SOAP-ENV", "http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/*/soap-envelope", NULL},
    {"SOAP-ENC", "http://schemas.xmlsoap.org/soap/encoding/", "http://www.w3.org/*/soap-encoding", NULL},
    {"xsi", "http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/*/XMLSchema-instance", NULL},
    {"xsd", "http://www.w3.org/2001/XMLSchema", "http://www.w3.org/*/XMLSchema", NULL},
    {"t", "urn:ladon:test", NULL, NULL},
    {"u", "urn:ladon:other", NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

static const ladon_operation t_ops[] = {
    {"add", "t:add", soap_serve_t__add, LADON_OP_METHOD},
    {"echo", "t:echo", soap_serve_t__echo, LADON_OP_METHOD},
    {"sleep_ms", "t:sleep_ms", soap_serve_t__sleep_USCOREms, LADON_OP_METHOD},
    {"wait_ms", "t:wait_ms", soap_serve_t__wait_USCOREms, LADON_OP_METHOD},
    {"fail", "t:fail", soap_serve_t__fail, LADON_OP_METHOD},
};

static const ladon_operation u_ops[] = {
    {"ping", "u:ping", soap_serve_u__ping, LADON_OP_METHOD},
};

static const ladon_service t_service = {
    "Test", "t", "urn:ladon:test", "A <test> service & more",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<definitions name=\"Test\">\n"
    "<service name=\"Test\"><port><SOAP:address location=\"",
    "\"/></port></service>\n</definitions>\n",
    t_ops, sizeof t_ops / sizeof t_ops[0],
};

static const ladon_service u_service = {
    "Other", "u", "urn:ladon:other", "",
    "<definitions name=\"Other\"><SOAP:address location=\"",
    "\"/></definitions>\n",
    u_ops, sizeof u_ops / sizeof u_ops[0],
};

static const ladon_service *const services[] = {&t_service, &u_service};

const ladon_binding ladon_binding_rt = {
    LADON_SERVICE_ABI, "rt", namespaces, services, 2,
};
