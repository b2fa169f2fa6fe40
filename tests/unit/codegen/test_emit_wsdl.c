/* test_emit_wsdl.c - CUnit suite for codegen/emit_wsdl.c: each service's
 * WSDL stands alone and is a WSDL the checker (wsdl/) accepts.
 *
 * The golden files (tests/codegen/expected) hold the exact text, and
 * `run.sh contract` compares each with soapcpp2's; these tests check what
 * holds for any model: another service of the binding never appears, the
 * doc comments arrive escaped, there is one address to split at.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <string.h>

#include "../cunit_main.h"
#include "emit.h"
#include "ladon_wsdl.h"
#include "model.h"
#include "parser.h"

static const char billing[] = "#include <ladon/annotate.h>\n"
                              "/** Bills & <invoices>. */\n"
                              "LADON_SERVICE(Billing, \"urn:t:billing\");\n"
                              "/** An \"invoice\" ]]> -- <b>. */\n"
                              "typedef struct Invoice { int id; double *amount; } Invoice;\n"
                              "typedef enum Level { LOW, /**< a < b */ HIGH } Level;\n"
                              "LADON_METHOD int get_invoice(ladon_call *call, int id, Level l, Invoice *result);\n"
                              "LADON_TASK int bill_all(ladon_call *call, const char *who, char **result);\n";
static const char shipping[] = "#include <ladon/annotate.h>\n"
                               "LADON_SERVICE(Shipping, \"urn:t:shipping\");\n"
                               "typedef struct Parcel { char *tracking_id; } Parcel;\n"
                               "LADON_METHOD int get_parcel(ladon_call *call, const char *id, Parcel *result);\n"
                               "LADON_TASK int ship(ladon_call *call, Parcel p, int *result);\n";

static lg_model model;
static lg_sb wsdl[2];

static int setup(void)
{
    lg_diag d = {0};
    lg_model_init(&model);
    if (lg_parse_source(&model, "billing.h", billing, strlen(billing), &d) < 0 ||
        lg_parse_source(&model, "shipping.h", shipping, strlen(shipping), &d) < 0 ||
        lg_model_validate(&model, &d) < 0) {
        fprintf(stderr, "%s\n", d.text);
        return 1;
    }
    for (size_t i = 0; i < 2; i++)
        lg_emit_wsdl(&wsdl[i], model.services[i]);
    return 0;
}

static int teardown(void)
{
    for (size_t i = 0; i < 2; i++)
        lg_sb_free(&wsdl[i]);
    lg_model_free(&model);
    return 0;
}

static void report(void *user, const char *rule, long line, const char *detail)
{
    (*(int *)user)++;
    fprintf(stderr, "  %s (line %ld): %s\n", rule, line, detail);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void test_passes_the_checker(void)
{
    for (size_t i = 0; i < 2; i++) {
        int errors = 0;
        int rc = ladon_wsdl_check_memory(lg_sb_str(&wsdl[i]), wsdl[i].len, model.services[i]->name, report, &errors);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_EQUAL(errors, 0);
    }
}

static void test_no_other_service(void)
{
    const char *b = lg_sb_str(&wsdl[0]), *s = lg_sb_str(&wsdl[1]);
    CU_ASSERT_PTR_NULL(strstr(b, "urn:t:shipping"));
    CU_ASSERT_PTR_NULL(strstr(b, "shipping:"));
    CU_ASSERT_PTR_NULL(strstr(b, "Parcel"));
    CU_ASSERT_PTR_NULL(strstr(s, "urn:t:billing"));
    CU_ASSERT_PTR_NULL(strstr(s, "billing:"));
    CU_ASSERT_PTR_NULL(strstr(s, "Invoice"));
    /* each its own task types, its own schema, no imports, no SOAP-ENC */
    for (size_t i = 0; i < 2; i++) {
        const char *w = lg_sb_str(&wsdl[i]);
        CU_ASSERT_EQUAL(count(w, "<complexType name=\"TaskInfoResponse\">"), 1);
        CU_ASSERT_EQUAL(count(w, "<schema "), 1);
        CU_ASSERT_PTR_NULL(strstr(w, "<import"));
        CU_ASSERT_PTR_NULL(strstr(w, "soap/encoding"));
        CU_ASSERT_PTR_NULL(strstr(w, "Body"));
        CU_ASSERT_EQUAL(count(w, "<part name=\"parameters\""), count(w, "<message "));
    }
}

static void test_docs_escaped(void)
{
    const char *b = lg_sb_str(&wsdl[0]);
    CU_ASSERT_PTR_NOT_NULL(strstr(b, "<service name=\"Billing\">\n  <documentation>Bills &amp; &lt;invoices&gt;.</documentation>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b, "<documentation>An \"invoice\" ]]&gt; -- &lt;b&gt;.</documentation>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b, "<enumeration value=\"LOW\">\n          <annotation><documentation>a &lt; b</documentation>"));
    /* no doc comment: no service documentation (soapcpp2 wrote its version) */
    CU_ASSERT_PTR_NOT_NULL(strstr(lg_sb_str(&wsdl[1]), "<service name=\"Shipping\">\n  <port "));
    CU_ASSERT_PTR_NULL(strstr(lg_sb_str(&wsdl[1]), "gSOAP"));
}

/* A doc comment with bytes XML does not allow: the WSDL stays well-formed. */
static void test_docs_not_xml(void)
{
    static const char src[] = "#include <ladon/annotate.h>\n"
                              "/** ctl\001 x\002 bad\377\300\257 sur\355\240\200 ok\303\251\360\237\230\200 */\n"
                              "LADON_SERVICE(Odd, \"urn:t:odd\");\n"
                              "LADON_METHOD int f(ladon_call *call, int *result);\n";
    lg_model m;
    lg_diag d = {0};
    lg_sb out = {0};
    lg_model_init(&m);
    CU_ASSERT_FATAL(lg_parse_source(&m, "odd.h", src, strlen(src), &d) == 0 && lg_model_validate(&m, &d) == 0);
    lg_emit_wsdl(&out, m.services[0]);
    int errors = 0;
    CU_ASSERT_EQUAL(ladon_wsdl_check_memory(lg_sb_str(&out), out.len, "odd", report, &errors), 0);
    CU_ASSERT_EQUAL(errors, 0);
    /* each byte that starts no allowed character is one U+FFFD; é and the emoji stay */
    CU_ASSERT_PTR_NOT_NULL(strstr(lg_sb_str(&out), "<documentation>ctl\357\277\275 x\357\277\275 "
                                                   "bad\357\277\275\357\277\275\357\277\275 "
                                                   "sur\357\277\275\357\277\275\357\277\275 "
                                                   "ok\303\251\360\237\230\200</documentation>"));
    lg_sb_free(&out);
    lg_model_free(&m);
}

static void test_one_address(void)
{
    CU_ASSERT_EQUAL(count(lg_sb_str(&wsdl[0]), "<SOAP:address location=\"http://localhost/Billing\"/>"), 1);
    CU_ASSERT_EQUAL(count(lg_sb_str(&wsdl[0]), "address"), 1);
    const char *wsdls[2] = {lg_sb_str(&wsdl[0]), lg_sb_str(&wsdl[1])};
    lg_sb glue = {0};
    lg_diag d = {0};
    CU_ASSERT_EQUAL(lg_emit_glue_c(&glue, &model, "t", wsdls, &d), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(lg_sb_str(&glue), "static const char ladon__billing_wsdl_tail[] =\n    \"\\\"/>\\n\""));
    lg_sb_free(&glue);
}

int main(void)
{
    static const lg_test tests[] = {
        {"each WSDL passes ladon_wsdl_check", test_passes_the_checker},
        {"no type, namespace or prefix of another service", test_no_other_service},
        {"doc comments are XML-escaped; no doc, no service documentation", test_docs_escaped},
        {"a doc comment XML does not allow is written as U+FFFD, well-formed", test_docs_not_xml},
        {"one soap:address, where the glue splits the WSDL", test_one_address},
        {NULL, NULL},
    };
    return lg_run_suite_with("emit_wsdl", setup, teardown, tests);
}
