/* test_wsdl_own.c - CUnit suite for codegen/wsdl_own.c: a service's WSDL is
 * cut to its own contract, and a WSDL in a shape the cut does not expect is
 * an error, never a WSDL with another service's references left in it.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <string.h>

#include "../cunit_main.h"
#include "wsdl_own.h"

static lg_arena arena;
static lg_service billing = {.name = "Billing", .ns = "urn:b", .prefix = "billing"};
static lg_service shipping = {.name = "Shipping", .ns = "urn:s", .prefix = "shipping"};
static lg_service *both[] = {&billing, &shipping};
static lg_model model = {.services = both, .n_services = 2};

/* the shape soapcpp2 2.8.124 writes, for Billing of a two-service binding */
#define HEAD                                                                                           \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                     \
    "<definitions name=\"Billing\"\n"                                                                  \
    "  targetNamespace=\"urn:b\"\n"                                                                    \
    "  xmlns:billing=\"urn:b\"\n"                                                                      \
    "  xmlns:shipping=\"urn:s\"\n"                                                                     \
    "  xmlns=\"http://schemas.xmlsoap.org/wsdl/\">\n"                                                  \
    "<types>\n\n"
#define OWN_SCHEMA(body)                                                                               \
    "  <schema targetNamespace=\"urn:b\"\n"                                                            \
    "    xmlns:billing=\"urn:b\"\n"                                                                    \
    "    xmlns:shipping=\"urn:s\"\n"                                                                   \
    "    xmlns=\"http://www.w3.org/2001/XMLSchema\">\n"                                                \
    "    <import namespace=\"urn:s\"/>\n"                                                              \
    "    <import namespace=\"http://schemas.xmlsoap.org/soap/encoding/\"/>\n" body "  </schema>\n\n"
#define OTHER_SCHEMA                                                                                   \
    "  <schema targetNamespace=\"urn:s\"\n"                                                            \
    "    xmlns:shipping=\"urn:s\">\n"                                                                  \
    "    <complexType name=\"Parcel\"/>\n"                                                             \
    "  </schema>\n\n"
#define TAIL                                                                                           \
    "</types>\n"                                                                                       \
    "<message name=\"get\">\n"                                                                         \
    "  <part name=\"Body\" element=\"billing:get\"/>\n"                                                \
    "</message>\n"                                                                                     \
    "<binding><input><SOAP:body use=\"literal\" parts=\"Body\"/></input></binding>\n"                  \
    "</definitions>\n"

static void test_cut(void)
{
    lg_diag d = {0};
    const char *in = HEAD OWN_SCHEMA("    <complexType name=\"Invoice\"/>\n") OTHER_SCHEMA TAIL;
    char *out = lg_wsdl_own(&arena, in, &model, &billing, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(d.errors, 0);
    CU_ASSERT_PTR_NULL(strstr(out, "urn:s"));
    CU_ASSERT_PTR_NULL(strstr(out, "shipping"));
    CU_ASSERT_PTR_NULL(strstr(out, "Parcel"));
    CU_ASSERT_PTR_NULL(strstr(out, "<import"));
    CU_ASSERT_PTR_NULL(strstr(out, "\"Body\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<complexType name=\"Invoice\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  <part name=\"parameters\" element=\"billing:get\"/>\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "parts=\"parameters\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  xmlns:billing=\"urn:b\"\n  xmlns=\"http://schemas.xmlsoap.org/wsdl/\">\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "</schema>\n\n</types>\n"));

    /* cut for Shipping, Billing's messages are what is left of Billing: refused */
    d = (lg_diag){0};
    CU_ASSERT_PTR_NULL(lg_wsdl_own(&arena, in, &model, &shipping, &d));
    CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "refers to service Billing"));
}

static void expect_error(const char *in, const char *text)
{
    lg_diag d = {0};
    CU_ASSERT_PTR_NULL(lg_wsdl_own(&arena, in, &model, &billing, &d));
    CU_ASSERT_EQUAL(d.errors, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.text, text));
    if (strstr(d.text, text) == NULL)
        fprintf(stderr, "got: %s\n", d.text);
}

static void test_refused(void)
{
    /* a reference to another service's type inside the service's own schema */
    expect_error(HEAD OWN_SCHEMA("    <element name=\"p\" type=\"shipping:Parcel\"/>\n") OTHER_SCHEMA TAIL,
                 "refers to service Shipping");
    /* a schema of a namespace no service has */
    expect_error(HEAD "  <schema targetNamespace=\"urn:x\">\n  </schema>\n" TAIL, "which no service has");
    /* no schema of its own, or an unterminated other one */
    expect_error(HEAD OTHER_SCHEMA TAIL, "expected exactly one schema of urn:b, found 0");
    expect_error(HEAD OWN_SCHEMA("") "  <schema targetNamespace=\"urn:s\">\n" TAIL, "unterminated");
    /* soapcpp2 named the parts otherwise */
    expect_error(HEAD OWN_SCHEMA("") "</types>\n<message><part name=\"In\"/></message>\n</definitions>\n",
                 "no message part named Body");
}

int main(void)
{
    static const lg_test tests[] = {
        {"cut to one service", test_cut},
        {"shapes it refuses", test_refused},
        {NULL, NULL},
    };
    int rc = lg_run_suite("codegen-wsdl-own", tests);
    lg_arena_free(&arena);
    return rc;
}
