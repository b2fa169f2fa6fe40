/* test_call.c - the call context: arena allocation, ladon_fault,
 * ladon_call_finish, ladon_call_missing, and the mapping of gSOAP errors to
 * the stable faultstrings of docs/faults.md. */
#include <string.h>

#include <stdsoap2.h>

#include <ladon/ladon.h>
#include "call_internal.h"
#include "rt_cunit.h"
#include "rt_ladon.h"

static struct soap *soap;
static ladon_call call;
static const ladon_operation op = {"add", "t:add", NULL, LADON_OP_METHOD, NULL, NULL};

static int init(void)
{
    soap = soap_new1(SOAP_XML_STRICT);
    if (soap == NULL)
        return 1;
    soap_set_namespaces(soap, ladon_binding_rt.namespaces);
    return 0;
}

static int cleanup(void)
{
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    return 0;
}

static void reset(void)
{
    soap_end(soap);
    soap->error = SOAP_OK;
    soap->version = 1;
    soap->fault = NULL;
    soap->tag[0] = '\0';
    ladon__call_reset(&call, soap, ladon_binding_rt.services[0], NULL);
}

static const char *faultcode(void)
{
    const char **c = soap_faultcode(soap);
    return c && *c ? *c : "";
}

static const char *faultstring(void)
{
    const char **s = soap_faultstring(soap);
    return s && *s ? *s : "";
}

static void test_alloc(void)
{
    unsigned char *p;
    reset();
    CU_ASSERT_PTR_NULL(ladon_alloc(NULL, 10));
    CU_ASSERT_PTR_NULL(ladon_strdup(NULL, "x"));
    p = ladon_alloc(&call, 100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    for (int i = 0; i < 100; i++)
        CU_ASSERT_EQUAL(p[i], 0);
    CU_ASSERT_PTR_NOT_NULL(ladon_alloc(&call, 0));
    CU_ASSERT_PTR_NULL(ladon_strdup(&call, NULL));
    {
        char *s = ladon_strdup(&call, "héllo");
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_STRING_EQUAL(s, "héllo");
    }
    {
        ladon_call detached;
        memset(&detached, 0, sizeof detached);
        CU_ASSERT_PTR_NULL(ladon_alloc(&detached, 4));
    }
}

static void test_get_and_operation(void)
{
    reset();
    CU_ASSERT_PTR_EQUAL(ladon_call_get(soap), &call);
    CU_ASSERT_PTR_NULL(ladon_call_get(NULL));
    CU_ASSERT_STRING_EQUAL(ladon_call_operation(&call), "");
    CU_ASSERT_STRING_EQUAL(ladon_call_operation(NULL), "");
    call.op = &op;
    CU_ASSERT_STRING_EQUAL(ladon_call_operation(&call), "add");
}

static void test_fault(void)
{
    char big[3000];
    reset();
    CU_ASSERT_EQUAL(ladon_fault(&call, LADON_FAULT_CLIENT, "no instance %s (%d)", "vm1", 7),
                    LADON_EFAULT);
    CU_ASSERT_EQUAL(call.fault_code, LADON_FAULT_CLIENT);
    CU_ASSERT_STRING_EQUAL(call.fault_msg, "no instance vm1 (7)");
    /* the last call wins */
    CU_ASSERT_EQUAL(ladon_fault(&call, LADON_FAULT_SERVER, "disk full"), LADON_EFAULT);
    CU_ASSERT_EQUAL(call.fault_code, LADON_FAULT_SERVER);
    CU_ASSERT_STRING_EQUAL(call.fault_msg, "disk full");
    /* long messages are truncated, not overflowed */
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CU_ASSERT_EQUAL(ladon_fault(&call, LADON_FAULT_CLIENT, "%s", big), LADON_EFAULT);
    CU_ASSERT_EQUAL(strlen(call.fault_msg), sizeof call.fault_msg - 1);
    CU_ASSERT_EQUAL(ladon_fault(NULL, LADON_FAULT_CLIENT, "x"), LADON_EFAULT);
}

static void test_finish(void)
{
    reset();
    CU_ASSERT_EQUAL(ladon_call_finish(&call, LADON_OK), SOAP_OK);

    reset();
    ladon_fault(&call, LADON_FAULT_CLIENT, "bad id %d", 3);
    CU_ASSERT_EQUAL(ladon_call_finish(&call, LADON_EFAULT), SOAP_FAULT);
    CU_ASSERT_STRING_EQUAL(faultcode(), "SOAP-ENV:Client");
    CU_ASSERT_STRING_EQUAL(faultstring(), "bad id 3");

    reset();
    ladon_fault(&call, LADON_FAULT_SERVER, "backend down");
    CU_ASSERT_EQUAL(ladon_call_finish(&call, LADON_EFAULT), SOAP_FAULT);
    CU_ASSERT_STRING_EQUAL(faultcode(), "SOAP-ENV:Server");
    CU_ASSERT_STRING_EQUAL(faultstring(), "backend down");

    /* any other value: a Server fault that reveals nothing */
    reset();
    call.op = &op;
    CU_ASSERT_EQUAL(ladon_call_finish(&call, -42), SOAP_FAULT);
    CU_ASSERT_STRING_EQUAL(faultcode(), "SOAP-ENV:Server");
    CU_ASSERT_STRING_EQUAL(faultstring(), "internal error");

    /* LADON_EFAULT without ladon_fault() */
    reset();
    CU_ASSERT_EQUAL(ladon_call_finish(&call, LADON_EFAULT), SOAP_FAULT);
    CU_ASSERT_STRING_EQUAL(faultstring(), "internal error");

    /* a fault recorded but LADON_OK returned: success */
    reset();
    ladon_fault(&call, LADON_FAULT_CLIENT, "ignored");
    CU_ASSERT_EQUAL(ladon_call_finish(&call, LADON_OK), SOAP_OK);

    CU_ASSERT_NOT_EQUAL(ladon_call_finish(NULL, LADON_OK), SOAP_OK);
}

static void test_missing(void)
{
    reset();
    CU_ASSERT_EQUAL(ladon_call_missing(&call, "text"), SOAP_FAULT);
    CU_ASSERT_STRING_EQUAL(faultcode(), "SOAP-ENV:Client");
    CU_ASSERT_STRING_EQUAL(faultstring(), "missing required element 'text'");
    CU_ASSERT_NOT_EQUAL(ladon_call_missing(NULL, "x"), SOAP_OK);
}

/* What faultstring does the fseterror hook give gSOAP error e at tag? */
static const char *mapped(int e, const char *tag, int level, const char **code)
{
    static const char *c, *s;
    reset();
    soap->error = e;
    soap->level = (unsigned)level;
    strcpy(soap->tag, tag);
    c = NULL;
    s = NULL;
    ladon__call_seterror(soap, &c, &s);
    *code = c ? c : "";
    return s ? s : "";
}

static void test_error_mapping(void)
{
    const char *code;
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_TYPE, "ns1:a", 4, &code), "invalid value of element 'a'");
    CU_ASSERT_STRING_EQUAL(code, "SOAP-ENV:Client");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_END_TAG, "a", 4, &code), "invalid value of element 'a'");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_TAG_MISMATCH, "c", 4, &code), "unexpected element 'c'");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_TAG_MISMATCH, "x:Envelope", 1, &code),
                           "not a SOAP 1.1 envelope");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_OCCURS, "t:add", 3, &code),
                           "missing, extra or too many elements in 'add'");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_REQUIRED, "t:x", 3, &code),
                           "missing required element 'x'");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_SYNTAX_ERROR, "", 3, &code), "malformed XML");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_EOF, "", 3, &code), "malformed XML");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_LEVEL, "x", 65, &code), "XML nesting too deep");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_VERSIONMISMATCH, "x", 1, &code),
                           "not a SOAP 1.1 envelope");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_NO_METHOD, "u:ping", 3, &code),
                           "unknown operation 'ping'");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_EOM, "", 3, &code), "out of memory");
    CU_ASSERT_STRING_EQUAL(code, "SOAP-ENV:Server");
    CU_ASSERT_STRING_EQUAL(mapped(SOAP_PLUGIN_ERROR, "", 3, &code), "internal error");
    CU_ASSERT_STRING_EQUAL(code, "SOAP-ENV:Server");
    /* a fault of the operation is kept */
    {
        const char *c = "keep", *s = "kept";
        reset();
        soap->error = SOAP_FAULT;
        ladon__call_seterror(soap, &c, &s);
        CU_ASSERT_STRING_EQUAL(s, "kept");
        soap->error = SOAP_TYPE;
        ladon__call_seterror(soap, &c, &s);
        CU_ASSERT_STRING_EQUAL(s, "kept");
    }
    /* no call bound: untouched */
    {
        const char *c = NULL, *s = NULL;
        soap->user = NULL;
        soap->error = SOAP_TYPE;
        ladon__call_seterror(soap, &c, &s);
        CU_ASSERT_PTR_NULL(s);
    }
}

int main(void)
{
    static const rt_test tests[] = {
        {"alloc and strdup", test_alloc},
        {"call_get and operation name", test_get_and_operation},
        {"ladon_fault", test_fault},
        {"ladon_call_finish", test_finish},
        {"ladon_call_missing", test_missing},
        {"gSOAP error mapping", test_error_mapping},
        {NULL, NULL},
    };
    return rt_run("runtime-call", tests, init, cleanup);
}
