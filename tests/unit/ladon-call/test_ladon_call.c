/* test_ladon_call.c - CUnit suite of ladon-call's pure parts (tools/ladon-call): the lexical
 * checks of simple types, the progress bar's line, the WSDL and XML Schema reader (the
 * fixtures of data/, the served Calculator and TaskService WSDLs, and small inline WSDLs for
 * each construct), the arguments (NAME=VALUE and JSON), the request built and the responses
 * read (results, SOAP 1.1 and 1.2 faults, HTTP errors, garbage, DTDs), the JSON and tree
 * output, the index page's ?wsdl links and task recognition.  No network.
 * usage: test_ladon_call DATA_DIR CALCULATOR.wsdl TASKSERVICE.wsdl
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../cunit_main.h"
#include "args.h"
#include "bar.h"
#include "discover.h"
#include "lexical.h"
#include "output.h"
#include "soapmsg.h"
#include "task.h"
#include "wsdl.h"

static const char *data_dir, *calc_wsdl, *task_wsdl;

/* --- helpers ----------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (cap - n < 2) {
            char *b = realloc(buf, cap * 2);
            if (b == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static lc_wsdl *read_file(lc_arena *a, const char *dir, const char *name, lc_err *err)
{
    char path[4096];
    if (dir != NULL)
        snprintf(path, sizeof path, "%s/%s", dir, name);
    else
        snprintf(path, sizeof path, "%s", name);
    size_t len = 0;
    char *d = slurp(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    lc_wsdl *w = lc_wsdl_read(a, d, len, path, err);
    free(d);
    return w;
}

static const lc_op *op_of(const lc_wsdl *w, const char *name)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_FATAL(w->n_services >= 1);
    return lc_service_op(&w->services[0], name);
}

/* A WSDL around one schema body and one operation OP (input element OP, output element
 * OPResponse, both in urn:t). */
static lc_wsdl *inline_variant(lc_arena *a, const char *schemas, const char *from,
                               const char *to, lc_err *err);

static lc_wsdl *inline_wsdl(lc_arena *a, const char *schemas, lc_err *err)
{
    return inline_variant(a, schemas, NULL, NULL, err);
}

/* The same with the first occurrence of from replaced by to. */
static lc_wsdl *inline_variant(lc_arena *a, const char *schemas, const char *from,
                               const char *to, lc_err *err)
{
    char *doc = lc_arena_printf(a,
        "<?xml version=\"1.0\"?>\n"
        "<definitions targetNamespace=\"urn:t\" xmlns:tns=\"urn:t\" xmlns:o=\"urn:o\"\n"
        "  xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"\n"
        "  xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\"\n"
        "  xmlns=\"http://schemas.xmlsoap.org/wsdl/\">\n"
        "<types>%s</types>\n"
        "<message name=\"in\"><part name=\"p\" element=\"tns:op\"/></message>\n"
        "<message name=\"out\"><part name=\"p\" element=\"tns:opResponse\"/></message>\n"
        "<portType name=\"P\"><operation name=\"op\"><documentation> Does it. </documentation>"
        "<input message=\"tns:in\"/><output message=\"tns:out\"/></operation></portType>\n"
        "<binding name=\"B\" type=\"tns:P\"><soap:binding style=\"document\" "
        "transport=\"http://schemas.xmlsoap.org/soap/http\"/>"
        "<operation name=\"op\"><soap:operation soapAction=\"urn:t#op\"/>"
        "<input><soap:body use=\"literal\"/></input><output><soap:body use=\"literal\"/></output>"
        "</operation></binding>\n"
        "<service name=\"S\"><port name=\"p\" binding=\"tns:B\">"
        "<soap:address location=\"http://h/s\"/></port></service>\n"
        "</definitions>\n",
        schemas);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    if (from != NULL) {
        char *at = strstr(doc, from);
        CU_ASSERT_PTR_NOT_NULL_FATAL(at);
        doc = lc_arena_printf(a, "%.*s%s%s", (int)(at - doc), doc, to, at + strlen(from));
        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    }
    return lc_wsdl_read(a, doc, strlen(doc), "inline", err);
}

#define RESPONSE_EL "<xsd:element name=\"opResponse\"><xsd:complexType><xsd:sequence>" \
                    "<xsd:element name=\"r\" type=\"xsd:int\"/></xsd:sequence></xsd:complexType>" \
                    "</xsd:element>"

static int build(lc_arena *a, const lc_op *op, const char *json, char **words, size_t n,
                 lc_value **out, lc_err *err)
{
    json_t *j = NULL;
    if (json != NULL) {
        json_error_t je;
        j = json_loads(json, 0, &je);
        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    }
    int rc = lc_args_build(a, op->input.type, j, words, n, out, err);
    json_decref(j);
    return rc;
}

static char *request_of(const lc_op *op, const lc_value *v)
{
    lc_err err = {0};
    char *xml = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(lc_soap_request(op, v, &xml, &len, &err), 0);
    char *copy = strdup(xml);
    xmlFree(xml);
    return copy;
}

static char *json_of(const lc_value *v)
{
    json_t *j = lc_value_json(v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    return s;
}

/* --- lexical ----------------------------------------------------------------------------- */

static void test_lexical(void)
{
    char why[256];
    lc_type i32 = {.kind = LC_INT, .name = "xsd:int", .min = -2147483648LL, .max = 2147483647};
    lc_type i16 = {.kind = LC_INT, .name = "xsd:short", .min = -32768, .max = 32767};
    CU_ASSERT_EQUAL(lc_lexical_check(&i32, "-2147483648", why, sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&i32, "+7", why, sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&i32, "2147483648", why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "out of range"));
    CU_ASSERT_EQUAL(lc_lexical_check(&i16, "40000", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&i32, "1.0", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&i32, "", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&i32, " 1", why, sizeof why), -1);
    CU_ASSERT_STRING_EQUAL(why, "' 1' is not an integer");
    CU_ASSERT_EQUAL(lc_lexical_check(&i32, "99999999999999999999999", why, sizeof why), -1);

    lc_type d = {.kind = LC_DOUBLE, .name = "xsd:double"};
    const char *good_d[] = {"1.5", "-0", "1e10", "INF", "-INF", "NaN", ".5", "3E-2"};
    for (size_t i = 0; i < sizeof good_d / sizeof *good_d; i++)
        CU_ASSERT_EQUAL(lc_lexical_check(&d, good_d[i], why, sizeof why), 0);
    const char *bad_d[] = {"", "inf", "nan", "0x10", "1.5x", "1,5", "--1"};
    for (size_t i = 0; i < sizeof bad_d / sizeof *bad_d; i++)
        CU_ASSERT_EQUAL(lc_lexical_check(&d, bad_d[i], why, sizeof why), -1);

    lc_type dec = {.kind = LC_DECIMAL, .name = "xsd:decimal"};
    CU_ASSERT_EQUAL(lc_lexical_check(&dec, "-123456789012345678901234.5", why, sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&dec, "1e3", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&dec, ".", why, sizeof why), -1);

    lc_type b = {.kind = LC_BOOL, .name = "xsd:boolean"};
    CU_ASSERT_EQUAL(lc_lexical_check(&b, "true", why, sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&b, "0", why, sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&b, "TRUE", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&b, "yes", why, sizeof why), -1);

    lc_enum_value vals[] = {{"LOW", NULL}, {"HIGH", "loud"}};
    lc_type e = {.kind = LC_ENUM, .name = "Level", .values = vals, .n_values = 2};
    CU_ASSERT_EQUAL(lc_lexical_check(&e, "HIGH", why, sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&e, "high", why, sizeof why), -1);
    CU_ASSERT_STRING_EQUAL(why, "'high' is not one of LOW, HIGH");

    lc_type dt = {.kind = LC_DATETIME, .name = "xsd:dateTime"};
    const char *good_dt[] = {"2026-01-02T03:04:05Z", "2026-01-02T03:04:05", "2026-12-31T23:59:60.25",
                             "2026-01-02T03:04:05+01:30", "-0044-03-15T12:00:00Z", "12026-01-02T03:04:05Z"};
    for (size_t i = 0; i < sizeof good_dt / sizeof *good_dt; i++)
        CU_ASSERT_EQUAL(lc_lexical_check(&dt, good_dt[i], why, sizeof why), 0);
    const char *bad_dt[] = {"2026-01-02", "2026-13-02T03:04:05Z", "2026-01-02 03:04:05",
                            "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05+0100", "1767322000", ""};
    for (size_t i = 0; i < sizeof bad_dt / sizeof *bad_dt; i++)
        CU_ASSERT_EQUAL(lc_lexical_check(&dt, bad_dt[i], why, sizeof why), -1);

    lc_type b64 = {.kind = LC_BASE64, .name = "xsd:base64Binary"};
    CU_ASSERT_EQUAL(lc_lexical_check(&b64, "", why, sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&b64, "AQIDBA==", why, sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&b64, "AQIDBA=", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&b64, "AQ=DBA==", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&b64, "A===", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&b64, "@@@@", why, sizeof why), -1);

    lc_type s = {.kind = LC_STRING, .name = "xsd:string"};
    CU_ASSERT_EQUAL(lc_lexical_check(&s, "a <b> & \xc3\xa9 \xe4\xb8\xad \xf0\x9f\x99\x82\t\n", why,
                                     sizeof why), 0);
    CU_ASSERT_EQUAL(lc_lexical_check(&s, "bell\a", why, sizeof why), -1);
    CU_ASSERT_EQUAL(lc_lexical_check(&s, "\xc3", why, sizeof why), -1);        /* cut */
    CU_ASSERT_EQUAL(lc_lexical_check(&s, "\xc0\xaf", why, sizeof why), -1);    /* overlong */
    CU_ASSERT_EQUAL(lc_lexical_check(&s, "\xed\xa0\x80", why, sizeof why), -1); /* surrogate */
    CU_ASSERT_EQUAL(lc_lexical_check(&s, "\xef\xbf\xbe", why, sizeof why), -1); /* U+FFFE */
}

/* --- bar --------------------------------------------------------------------------------- */

static void test_bar(void)
{
    char buf[1024], t[32];
    lc_format_seconds(t, sizeof t, 7.4);
    CU_ASSERT_STRING_EQUAL(t, "0:07");
    lc_format_seconds(t, sizeof t, 754);
    CU_ASSERT_STRING_EQUAL(t, "12:34");
    lc_format_seconds(t, sizeof t, 3723);
    CU_ASSERT_STRING_EQUAL(t, "1:02:03");
    lc_format_seconds(t, sizeof t, -1);
    CU_ASSERT_STRING_EQUAL(t, "--:--");

    lc_bar_format(buf, sizeof buf, 100, 0.5, "running", "step 30 of 60", 2.0);
    CU_ASSERT_STRING_EQUAL(buf, " 50% [##########          ] running  0:02 elapsed  ~0:02 left"
                                "  step 30 of 60");
    lc_bar_format(buf, sizeof buf, 100, 0, "queued", NULL, 0.2);
    CU_ASSERT_STRING_EQUAL(buf, "  0% [                    ] queued  0:00 elapsed");
    CU_ASSERT_PTR_NULL(strstr(buf, "left")); /* no estimate before any progress */
    lc_bar_format(buf, sizeof buf, 100, 1.0, "done", NULL, 3.0);
    CU_ASSERT_STRING_EQUAL(buf, "100% [####################] done  0:03 elapsed");
    lc_bar_format(buf, sizeof buf, 100, 7.0, "done", NULL, 3.0); /* clamped */
    CU_ASSERT_EQUAL(strncmp(buf, "100% ", 5), 0);
    lc_bar_format(buf, sizeof buf, 100, 0.25, "running", "x", 10.0);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "~0:30 left"));

    /* long messages are cut to the width (each UTF-8 character one column, never split) */
    char msg[600];
    for (size_t i = 0; i + 2 < sizeof msg; i += 2)
        memcpy(msg + i, "\xc3\xa9", 2);
    msg[sizeof msg - 2] = '\0';
    for (int cols = 20; cols <= 200; cols += 7) {
        lc_bar_format(buf, sizeof buf, cols, 0.5, "running", msg, 5);
        size_t chars = 0;
        for (const unsigned char *p = (const unsigned char *)buf; *p; p++)
            chars += (*p & 0xc0) != 0x80;
        CU_ASSERT(chars <= (size_t)cols - 1);
        CU_ASSERT(lc_lexical_xml_text(buf)); /* still valid UTF-8 */
    }
    lc_bar_format(buf, sizeof buf, 60, 0.5, "running", "a\rb\x1b[2Jc", 5);
    CU_ASSERT_PTR_NULL(strchr(buf, '\r'));
    CU_ASSERT_PTR_NULL(strchr(buf, '\x1b'));
    lc_bar_format(buf, 16, 100, 0.5, "running", "message", 5); /* a small buffer */
    CU_ASSERT_EQUAL(strlen(buf), 15);
}

/* --- WSDL and schema ------------------------------------------------------------------------ */

static void test_wsdl_calculator(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    lc_wsdl *w = read_file(a, NULL, calc_wsdl, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(w->n_services, 1);
    CU_ASSERT_STRING_EQUAL(w->services[0].name, "Calculator");
    const lc_op *op = op_of(w, "inspect");
    CU_ASSERT_PTR_NOT_NULL_FATAL(op);
    CU_ASSERT_PTR_NULL(op->unsupported);
    CU_ASSERT_STRING_EQUAL(op->input.name, "inspect");
    CU_ASSERT_STRING_EQUAL(op->input.ns, "urn:ladon:examples:calculator");
    const lc_field *rec = lc_type_field(op->input.type, "record", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    CU_ASSERT_PTR_NULL(rec->ns); /* elementFormDefault="unqualified" */
    CU_ASSERT_STRING_EQUAL(rec->type->name, "Record");
    CU_ASSERT_STRING_EQUAL(rec->type->doc, "A record with one of each supported type.");
    CU_ASSERT_EQUAL(rec->type->n_fields, 16);
    const lc_field *level = lc_type_field(rec->type, "level", NULL);
    CU_ASSERT_EQUAL_FATAL(level->type->kind, LC_ENUM);
    CU_ASSERT_EQUAL(level->type->n_values, 3);
    CU_ASSERT_STRING_EQUAL(level->type->values[0].doc, "quiet");
    const lc_field *values = lc_type_field(rec->type, "values", NULL);
    CU_ASSERT(lc_field_is_array(values));
    CU_ASSERT_EQUAL(values->min_occurs, 0);
    CU_ASSERT_EQUAL(lc_type_field(rec->type, "big", NULL)->type->kind, LC_LONG);
    CU_ASSERT_EQUAL(lc_type_field(rec->type, "when", NULL)->type->kind, LC_DATETIME);
    CU_ASSERT_EQUAL(lc_type_field(rec->type, "payload", NULL)->type->kind, LC_BASE64);
    /* the types of origin and points are one and the same */
    CU_ASSERT_PTR_EQUAL(lc_type_field(rec->type, "origin", NULL)->type,
                        lc_type_field(rec->type, "points", NULL)->type);
    CU_ASSERT_STRING_EQUAL(op_of(w, "add")->doc, "Adds two integers.");
    CU_ASSERT_STRING_EQUAL(op_of(w, "add")->action, "");
    lc_task_ops t;
    CU_ASSERT_FALSE(lc_task_find(&w->services[0], op_of(w, "add"), &t));
    lc_arena_free(a);
}

static void test_wsdl_tasks(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    lc_wsdl *w = read_file(a, NULL, task_wsdl, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const lc_service *svc = &w->services[0];
    lc_task_ops t;
    CU_ASSERT_TRUE_FATAL(lc_task_find(svc, op_of(w, "taskExample"), &t));
    CU_ASSERT_STRING_EQUAL(t.progress->name, "taskExample_progress");
    CU_ASSERT_STRING_EQUAL(t.result->name, "taskExample_result");
    CU_ASSERT_STRING_EQUAL(t.wait->name, "taskExample_wait");
    CU_ASSERT_STRING_EQUAL(t.cancel->name, "taskExample_cancel");
    CU_ASSERT_FALSE(lc_task_find(svc, op_of(w, "taskExample_progress"), &t));
    CU_ASSERT_FALSE(lc_task_find(svc, op_of(w, "taskExample_result"), &t));
    /* the task id of a start response */
    const lc_op *start = op_of(w, "taskExample");
    const char *resp = "<?xml version=\"1.0\"?><e:Envelope xmlns:e=\"" LC_SOAP11_ENV "\"><e:Body>"
                       "<t:taskExampleResponse xmlns:t=\"urn:ladon:examples:tasks\"><result>"
                       "<task_id>1234567</task_id></result></t:taskExampleResponse></e:Body>"
                       "</e:Envelope>";
    lc_value *v;
    CU_ASSERT_EQUAL_FATAL(lc_soap_response(a, start, resp, strlen(resp), 200, &v, &err), 0);
    long long id = 0;
    CU_ASSERT_EQUAL(lc_task_id(v, &id), 0);
    CU_ASSERT_EQUAL(id, 1234567);
    /* id=N stands for task_id=N */
    char *words[] = {"id=42"};
    CU_ASSERT_EQUAL_FATAL(build(a, op_of(w, "taskExample_progress"), NULL, words, 1, &v, &err), 0);
    char *req = request_of(op_of(w, "taskExample_progress"), v);
    CU_ASSERT_PTR_NOT_NULL(strstr(req, "<task_id>42</task_id>"));
    free(req);
    char *both[] = {"id=42", "timeout=0.5"};
    CU_ASSERT_EQUAL(build(a, op_of(w, "taskExample_wait"), NULL, both, 2, &v, &err), 0);
    lc_arena_free(a);
}

static void test_wsdl_constructs(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    lc_wsdl *w = read_file(a, data_dir, "constructs.wsdl", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const lc_op *walk = op_of(w, "walk");
    CU_ASSERT_PTR_NULL_FATAL(walk->unsupported);
    CU_ASSERT_STRING_EQUAL(walk->action, "walk");
    const lc_type *node = lc_type_field(walk->input.type, "root", NULL)->type;
    CU_ASSERT_STRING_EQUAL(node->name, "Node");
    CU_ASSERT_PTR_EQUAL(lc_type_field(node, "children", NULL)->type, node); /* recursive */
    const lc_field *leaf = lc_type_field(node, "leaf", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(leaf);
    CU_ASSERT_STRING_EQUAL(leaf->ns, "urn:example:constructs"); /* a ref is qualified */
    CU_ASSERT_PTR_EQUAL(lc_type_field(leaf->type, "leaf", NULL)->type, leaf->type);
    CU_ASSERT_EQUAL(lc_type_field(leaf->type, "value", NULL)->type->kind, LC_DECIMAL);
    const lc_type *weight = lc_type_field(node, "weight", NULL)->type;
    CU_ASSERT_EQUAL(weight->kind, LC_INT);
    CU_ASSERT_EQUAL(weight->max, 32767); /* a restriction of xsd:short (facets not checked) */
    const lc_type *who = lc_type_field(walk->input.type, "who", NULL)->type;
    CU_ASSERT_EQUAL_FATAL(who->n_fields, 2); /* extension: the base's fields first */
    CU_ASSERT_STRING_EQUAL(who->fields[0].name, "id");
    CU_ASSERT_STRING_EQUAL(who->fields[1].name, "name");
    CU_ASSERT_PTR_NULL(lc_type_field(walk->input.type, "root", NULL)->ns); /* no form default */
    CU_ASSERT_PTR_NOT_NULL(strstr(op_of(w, "attr")->unsupported, "attributes (xsd:attribute)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(op_of(w, "attr")->unsupported, "element attr"));
    CU_ASSERT_PTR_NOT_NULL(strstr(op_of(w, "pick")->unsupported, "xsd:choice"));
    CU_ASSERT_PTR_NOT_NULL(strstr(op_of(w, "open")->unsupported, "xsd:any"));
    CU_ASSERT_PTR_NOT_NULL(strstr(op_of(w, "lost")->unsupported, "Missing is not defined"));

    /* a recursive value: nested children, built, sent and printed */
    char *words[] = {"root.label=r", "root.children.0.label=c0", "root.children.1.label=c1",
                     "root.children.1.children.0.label=g", "root.leaf.value=1.5",
                     "root.leaf.leaf.value=-2", "who.name=n", "who.id=7", "f=1e3",
                     "at=2026-01-02T03:04:05Z", "data=AQID"};
    lc_value *v;
    CU_ASSERT_EQUAL_FATAL(build(a, walk, NULL, words, sizeof words / sizeof *words, &v, &err), 0);
    char *req = request_of(walk, v);
    CU_ASSERT_PTR_NOT_NULL(strstr(req, "<root><label>r</label><children><label>c0</label>"
                                       "</children><children><label>c1</label><children><label>g"
                                       "</label></children></children><ns1:leaf><value>1.5</value>"
                                       "<ns1:leaf><value>-2</value></ns1:leaf></ns1:leaf></root>"
                                       "<who><id>7</id><name>n</name></who>"));
    free(req);
    char *j = json_of(v);
    CU_ASSERT_STRING_EQUAL(j, "{\"root\":{\"label\":\"r\",\"children\":[{\"label\":\"c0\"},"
                              "{\"label\":\"c1\",\"children\":[{\"label\":\"g\"}]}],\"leaf\":{"
                              "\"value\":\"1.5\",\"leaf\":{\"value\":\"-2\"}}},\"who\":{\"id\":7,"
                              "\"name\":\"n\"},\"at\":\"2026-01-02T03:04:05Z\",\"data\":\"AQID\","
                              "\"f\":1000.0}");
    /* the JSON output read back as --args gives the same value */
    lc_value *v2;
    CU_ASSERT_EQUAL_FATAL(build(a, walk, j, NULL, 0, &v2, &err), 0);
    char *j2 = json_of(v2);
    CU_ASSERT_STRING_EQUAL(j, j2);
    free(j);
    free(j2);
    /* nesting beyond the depth limit is refused, not followed */
    char deep[4096] = "root";
    for (int i = 0; i < LC_MAX_DEPTH + 2; i++)
        strcat(deep, ".children.0");
    strcat(deep, ".label=x");
    char *dw[] = {deep};
    CU_ASSERT_EQUAL(build(a, walk, NULL, dw, 1, &v, &err), -1);
    CU_ASSERT_EQUAL(err.code, LC_EXIT_USAGE);
    lc_arena_free(a);
}

static void test_wsdl_rpc_and_errors(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    lc_wsdl *w = read_file(a, data_dir, "rpc_encoded.wsdl", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_PTR_NOT_NULL(strstr(op_of(w, "add")->unsupported, "style=\"rpc\""));

    const char *bad[][2] = {
        {"not xml", "not well-formed XML"},
        {"<html><body>hi</body></html>", "not a WSDL 1.1 document (its root element is <html>)"},
        {"<description xmlns=\"http://www.w3.org/ns/wsdl\"/>", "WSDL 2.0 is not supported"},
        {"<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"/>", "defines no service"},
        {"<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"><import location=\"x\"/>"
         "</definitions>", "wsdl:import"},
        {"<!DOCTYPE d [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><d>&e;</d>", "DTD"},
        {"<?xml version=\"1.0\"?><!-- c --><!DOCTYPE d><d/>", "DTD"},
        {"", "empty document"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&err, 0, sizeof err);
        CU_ASSERT_PTR_NULL(lc_wsdl_read(a, bad[i][0], strlen(bad[i][0]), "x", &err));
        CU_ASSERT_EQUAL(err.code, LC_EXIT_USAGE);
        if (strstr(err.msg, bad[i][1]) == NULL) {
            fprintf(stderr, "case %zu: %s\n", i, err.msg);
            CU_FAIL("the message names the problem");
        }
    }
    /* encoded use, a part with type=, a one-way operation, SOAP 1.2 only */
    const char *variants[][3] = {
        {"<soap:body use=\"literal\"/>", "<soap:body use=\"encoded\"/>", "use=\"encoded\""},
        {"element=\"tns:op\"", "type=\"xsd:int\"", "type= instead of element="},
        {"<output message=\"tns:out\"/></operation></portType>", "</operation></portType>",
         "one-way"},
    };
    const char *schema = "<xsd:schema targetNamespace=\"urn:t\"><xsd:element name=\"op\">"
                         "<xsd:complexType/></xsd:element>" RESPONSE_EL "</xsd:schema>";
    lc_wsdl *ok = inline_wsdl(a, schema, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ok);
    CU_ASSERT_PTR_NULL(op_of(ok, "op")->unsupported);
    CU_ASSERT_EQUAL(op_of(ok, "op")->input.type->n_fields, 0); /* no input at all */
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        lc_wsdl *v = inline_variant(a, schema, variants[i][0], variants[i][1], &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        const char *why = op_of(v, "op")->unsupported;
        if (why == NULL || strstr(why, variants[i][2]) == NULL) {
            fprintf(stderr, "variant %zu: %s\n", i, why != NULL ? why : "(usable)");
            CU_FAIL("the construct is named");
        }
    }
    lc_wsdl *v12 = inline_variant(a, schema, "<soap:binding style",
                                  "<soap12:binding xmlns:soap12=\"http://schemas.xmlsoap.org/"
                                  "wsdl/soap12/\" style", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v12);
    CU_ASSERT_PTR_NOT_NULL(v12->services[0].unsupported);
    CU_ASSERT_PTR_NOT_NULL(strstr(v12->services[0].unsupported, "SOAP 1.2"));
    lc_arena_free(a);
}

static void test_schema_namespaces(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    /* two schemas, one imports the other; qualified and form= overrides; ref= */
    lc_wsdl *w = inline_wsdl(a,
        "<xsd:schema targetNamespace=\"urn:o\" elementFormDefault=\"qualified\">"
        "<xsd:complexType name=\"T\"><xsd:sequence>"
        "<xsd:element name=\"q\" type=\"xsd:string\"/>"
        "<xsd:element name=\"u\" type=\"xsd:string\" form=\"unqualified\"/>"
        "</xsd:sequence></xsd:complexType>"
        "<xsd:element name=\"g\" type=\"xsd:int\"/></xsd:schema>"
        "<xsd:schema targetNamespace=\"urn:t\"><xsd:import namespace=\"urn:o\"/>"
        "<xsd:element name=\"op\"><xsd:complexType><xsd:sequence>"
        "<xsd:element name=\"z\" type=\"xsd:int\"/>"
        "<xsd:element name=\"t\" type=\"o:T\"/>"
        "<xsd:element ref=\"o:g\" maxOccurs=\"3\"/>"
        "<xsd:element name=\"a\" type=\"xsd:int\" minOccurs=\"0\"/>"
        "</xsd:sequence></xsd:complexType></xsd:element>" RESPONSE_EL "</xsd:schema>",
        &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const lc_op *op = op_of(w, "op");
    CU_ASSERT_PTR_NULL_FATAL(op->unsupported);
    CU_ASSERT_STRING_EQUAL(op->doc, "Does it.");
    CU_ASSERT_STRING_EQUAL(op->action, "urn:t#op");
    char *words[] = {"a=1", "g=5,6", "t.u=U", "t.q=Q&", "z=0"};
    lc_value *v;
    CU_ASSERT_EQUAL_FATAL(build(a, op, NULL, words, 5, &v, &err), 0);
    char *req = request_of(op, v);
    /* schema order whatever the order of the words; qualified in their own namespaces */
    CU_ASSERT_PTR_NOT_NULL(strstr(req, "<ns1:op xmlns:ns1=\"urn:t\"><z>0</z><t><ns2:q "
                                       "xmlns:ns2=\"urn:o\">Q&amp;</ns2:q><u>U</u></t><ns3:g "
                                       "xmlns:ns3=\"urn:o\">5</ns3:g><ns4:g xmlns:ns4=\"urn:o\">6"
                                       "</ns4:g><a>1</a></ns1:op>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(req, "<soapenv:Envelope xmlns:soapenv=\"" LC_SOAP11_ENV "\">"));
    free(req);
    char *four[] = {"z=0", "t.q=a", "t.u=b", "g=1,2,3,4"};
    CU_ASSERT_EQUAL(build(a, op, NULL, four, 4, &v, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "'g' takes at most 3 items");

    /* an import of a schema that is not there: the operation says so */
    w = inline_wsdl(a, "<xsd:schema targetNamespace=\"urn:t\"><xsd:import namespace=\"urn:o\" "
                       "schemaLocation=\"http://x/o.xsd\"/><xsd:element name=\"op\"><xsd:complexType>"
                       "<xsd:sequence><xsd:element name=\"t\" type=\"o:T\"/></xsd:sequence>"
                       "</xsd:complexType></xsd:element>" RESPONSE_EL "</xsd:schema>", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_PTR_NOT_NULL(strstr(op_of(w, "op")->unsupported, "{urn:o}T is not defined"));
    /* an undeclared prefix, simpleContent, soapenc arrays */
    const char *bodies[][2] = {
        {"<xsd:element name=\"t\" type=\"nope:T\"/>", "undeclared prefix"},
        {"<xsd:element name=\"t\"><xsd:complexType><xsd:simpleContent/></xsd:complexType>"
         "</xsd:element>", "xsd:simpleContent"},
        {"<xsd:element name=\"t\"><xsd:complexType><xsd:complexContent><xsd:restriction "
         "xmlns:se=\"http://schemas.xmlsoap.org/soap/encoding/\" base=\"se:Array\"/>"
         "</xsd:complexContent></xsd:complexType></xsd:element>", "soapenc:Array"},
        {"<xsd:element name=\"t\"><xsd:simpleType><xsd:list itemType=\"xsd:int\"/>"
         "</xsd:simpleType></xsd:element>", "xsd:list"},
        {"<xsd:element name=\"t\" type=\"xsd:int\" minOccurs=\"x\"/>", "bad minOccurs"},
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        char *s = lc_arena_printf(a, "<xsd:schema targetNamespace=\"urn:t\"><xsd:element "
                                     "name=\"op\"><xsd:complexType><xsd:sequence>%s"
                                     "</xsd:sequence></xsd:complexType></xsd:element>"
                                     RESPONSE_EL "</xsd:schema>", bodies[i][0]);
        w = inline_wsdl(a, s, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        const char *why = op_of(w, "op")->unsupported;
        if (why == NULL || strstr(why, bodies[i][1]) == NULL) {
            fprintf(stderr, "case %zu: %s\n", i, why != NULL ? why : "(usable)");
            CU_FAIL("the construct is named");
        }
    }
    lc_arena_free(a);
}

/* --- arguments -------------------------------------------------------------------------------- */

static void test_args(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    lc_wsdl *w = read_file(a, NULL, calc_wsdl, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const lc_op *add = op_of(w, "add"), *inspect = op_of(w, "inspect"), *echo = op_of(w, "echo");
    lc_value *v;
    struct {
        const lc_op *op;
        const char *words[4];
        const char *json;
        const char *msg;
    } bad[] = {
        {add, {"a=1", "c=2"}, NULL, "unknown argument 'c' (valid arguments: a, b)"},
        {add, {"a=1"}, NULL, "missing required argument 'b' (xsd:int)"},
        {add, {"a=1", "a=2", "b=1"}, NULL, "argument 'a' is given twice"},
        {add, {"a=x", "b=1"}, NULL, "bad value for a (xsd:int): 'x' is not an integer"},
        {add, {"a", "b=1"}, NULL, "argument 'a' is not NAME=VALUE (e.g. a=2, record.origin.x=1)"},
        {add, {"=1"}, NULL, "is not NAME=VALUE"},
        {add, {"a.b=1"}, NULL, "'a' is a xsd:int value: it has no field 'b'"},
        {add, {"b=1"}, "{\"a\": [1]}", "JSON: 'a' is not an array"},
        {add, {"b=1"}, "{\"a\": {}}", "JSON: 'a' must be a string, number or boolean"},
        {add, {NULL}, "[1]", "JSON arguments must be an object"},
        {add, {"b=1"}, "{\"a\": 1.5}", "'1.5' is not an integer"},
        {inspect, {"record=1"}, NULL, "'record' is a structure (Record): give its fields"},
        {inspect, {"record.points=1"}, NULL, "'record.points' is an array of Point: give its "
                                             "items' fields, e.g. record.points.0.x=..."},
        {inspect, {"record.points.x=1"}, NULL, "'record.points' is an array: give an item index"},
        {inspect, {"record..x=1"}, NULL, "is not a path like a.b.0.c"},
        {inspect, {"record.origin.z=1"}, NULL, "unknown argument 'record.origin.z' (valid fields "
                                               "here: x, y)"},
        {echo, {"text=a\001b"}, NULL, "bad value for text (xsd:string): not UTF-8 text"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t n = 0;
        while (n < 4 && bad[i].words[n] != NULL)
            n++;
        memset(&err, 0, sizeof err);
        int rc = build(a, bad[i].op, bad[i].json, (char **)bad[i].words, n, &v, &err);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_EQUAL(err.code, LC_EXIT_USAGE);
        if (strstr(err.msg, bad[i].msg) == NULL) {
            fprintf(stderr, "case %zu: %s\n", i, err.msg);
            CU_FAIL("the expected message");
        }
    }
    /* required inside an optional struct, gaps, escapes */
    const char *base[] = {"record.title=t", "record.count=1", "record.big=1", "record.ratio=1",
                          "record.enabled=1", "record.level=LEVEL_LOW",
                          "record.when=2026-01-01T00:00:00Z", "record.payload=",
                          "record.origin.x=1", "record.origin.y=2", NULL, NULL, NULL};
    base[10] = "record.target.x=1";
    CU_ASSERT_EQUAL(build(a, inspect, NULL, (char **)base, 11, &v, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "missing required argument 'record.target.y' (xsd:int)");
    base[10] = "record.points.1.x=1";
    base[11] = "record.points.1.y=1";
    CU_ASSERT_EQUAL(build(a, inspect, NULL, (char **)base, 12, &v, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "'record.points.0' is missing (array indexes start at 0, "
                                    "without gaps)");
    base[10] = "record.tags=a\\,b,c\\\\,,d\\x";
    base[11] = "record.values=";
    CU_ASSERT_EQUAL_FATAL(build(a, inspect, NULL, (char **)base, 12, &v, &err), 0);
    char *req = request_of(inspect, v);
    CU_ASSERT_PTR_NOT_NULL(strstr(req, "<tags>a,b</tags><tags>c\\</tags><tags/><tags>d\\x</tags>"));
    CU_ASSERT_PTR_NULL(strstr(req, "<values"));
    CU_ASSERT_PTR_NOT_NULL(strstr(req, "<payload/>"));
    free(req);
    base[10] = "record.values=1,x";
    CU_ASSERT_EQUAL(build(a, inspect, NULL, (char **)base, 11, &v, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "bad value for record.values.1 (xsd:int): 'x' is not an "
                                    "integer");
    /* JSON and words together: the words add to the JSON */
    CU_ASSERT_EQUAL_FATAL(build(a, add, "{\"a\": 2, \"b\": null}", (char *[]){"b=3"}, 1, &v,
                                &err), 0);
    req = request_of(add, v);
    CU_ASSERT_PTR_NOT_NULL(strstr(req, "<a>2</a><b>3</b>"));
    free(req);
    lc_arena_free(a);
}

/* --- responses ---------------------------------------------------------------------------------- */

#define ENV11(body) "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"" LC_SOAP11_ENV "\" " \
                    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><s:Body>" body \
                    "</s:Body></s:Envelope>"

static void test_responses(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    lc_wsdl *w = read_file(a, NULL, calc_wsdl, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const lc_op *inspect = op_of(w, "inspect"), *add = op_of(w, "add");
    const char *ok = ENV11("<c:inspectResponse xmlns:c=\"urn:ladon:examples:calculator\"><result>"
                           "<title>T &amp; &#233;</title><note>n</note><big_plus_one>9000000001"
                           "</big_plus_one><half_ratio>0.75</half_ratio><not_enabled>1"
                           "</not_enabled><unknown>skipped</unknown><limit_doubled xsi:nil=\"true\"/>"
                           "<moved><x>2</x><y>3</y></moved><values_sum>INF</values_sum>"
                           "<tags>b</tags><tags></tags><points><x>1</x><y>0</y></points>"
                           "</result></c:inspectResponse>");
    lc_value *v;
    CU_ASSERT_EQUAL_FATAL(lc_soap_response(a, inspect, ok, strlen(ok), 200, &v, &err), 0);
    char *j = json_of(v);
    CU_ASSERT_STRING_EQUAL(j, "{\"result\":{\"title\":\"T & \xc3\xa9\",\"note\":\"n\","
                              "\"big_plus_one\":9000000001,\"half_ratio\":0.75,\"not_enabled\":true,"
                              "\"moved\":{\"x\":2,\"y\":3},\"values_sum\":\"INF\",\"tags\":[\"b\","
                              "\"\"],\"points\":[{\"x\":1,\"y\":0}]}}");
    free(j);
    char *tree = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&tree, &tlen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    lc_print_tree(f, v);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(tree, "result:\n  title: T & \xc3\xa9\n  note: n\n  big_plus_one: "
                                 "9000000001\n  half_ratio: 0.75\n  not_enabled: 1\n  moved:\n"
                                 "    x: 2\n    y: 3\n  values_sum: INF\n  tags:\n    - b\n"
                                 "    - \"\"\n  points:\n    - x: 1\n      y: 0\n");
    free(tree);

    struct {
        const char *body;
        long status;
        int code;
        const char *msg;
    } cases[] = {
        {ENV11("<s:Fault><faultcode>s:Client</faultcode><faultstring>bad &lt;a&gt;</faultstring>"
               "</s:Fault>"), 500, LC_EXIT_FAULT,
         "SOAP fault\nfaultcode: s:Client\nfaultstring: bad <a>"},
        {ENV11("<s:Fault><faultcode>s:Server</faultcode><faultstring>x</faultstring></s:Fault>"),
         200, LC_EXIT_FAULT, "faultcode: s:Server"},
        {"<e:Envelope xmlns:e=\"" LC_SOAP12_ENV "\"><e:Body><e:Fault><e:Code><e:Value>e:Sender"
         "</e:Value></e:Code><e:Reason><e:Text xml:lang=\"en\">why</e:Text></e:Reason></e:Fault>"
         "</e:Body></e:Envelope>", 400, LC_EXIT_FAULT, "faultcode: e:Sender\nfaultstring: why"},
        {"<html>Not found</html>", 404, LC_EXIT_TRANSPORT, "HTTP 404 without a SOAP fault"},
        {"", 502, LC_EXIT_TRANSPORT, "HTTP 502 without a SOAP fault"},
        {"", 200, LC_EXIT_TRANSPORT, "empty response"},
        {"<<<", 200, LC_EXIT_TRANSPORT, "the response: not well-formed XML"},
        {"<a/>", 200, LC_EXIT_TRANSPORT, "not a SOAP envelope"},
        {ENV11(""), 200, LC_EXIT_TRANSPORT, "not a SOAP envelope"},
        {"<!DOCTYPE x [<!ENTITY a \"b\">]>" ENV11("<r>&a;</r>"), 200, LC_EXIT_TRANSPORT, "DTD"},
        {ENV11("<r><result>5</result></r>"), 500, LC_EXIT_TRANSPORT, "HTTP 500 without a SOAP "
                                                                     "fault"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memset(&err, 0, sizeof err);
        CU_ASSERT_EQUAL(lc_soap_response(a, add, cases[i].body, strlen(cases[i].body),
                                         cases[i].status, &v, &err), -1);
        CU_ASSERT_EQUAL(err.code, cases[i].code);
        if (strstr(err.msg, cases[i].msg) == NULL) {
            fprintf(stderr, "case %zu: %s\n", i, err.msg);
            CU_FAIL("the expected message");
        }
    }
    /* deeply nested garbage is refused at the depth limit, not followed */
    size_t n = 200, len = 0;
    char *deep = malloc(n * 16 + 512);
    CU_ASSERT_PTR_NOT_NULL_FATAL(deep);
    len += (size_t)sprintf(deep, "<s:Envelope xmlns:s=\"" LC_SOAP11_ENV "\"><s:Body><r>");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(deep + len, "<result>");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(deep + len, "</result>");
    len += (size_t)sprintf(deep + len, "</r></s:Body></s:Envelope>");
    CU_ASSERT_EQUAL(lc_soap_response(a, add, deep, len, 200, &v, &err), 0); /* int: its text */
    free(deep);
    lc_arena_free(a);
}

/* --- index page ----------------------------------------------------------------------------- */

static void test_index_links(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    const char *html = "<!DOCTYPE html><html><body><ul>"
                       "<li><a href=\"http://h:1/A?wsdl\">A</a></li>"
                       "<li><A HREF=\"/B?WSDL\">B</A></li>"
                       "<li><a href=\"C?Wsdl\">C</a><a href=\"/other\">x</a><a>no href</a></li>"
                       "<li><a href=\"http://h:1/A?wsdl\">A again</a></li>"
                       "<p><a href=\"../D.wsdl\">not ?wsdl</a><a href=\"/E?wsdl#x\">frag</a>"
                       "</ul></body></html>";
    char **links;
    size_t n;
    CU_ASSERT_EQUAL_FATAL(lc_index_links(a, html, strlen(html), "http://h:1/soap/", &links, &n,
                                         &err), 0);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(links[0], "http://h:1/A?wsdl");
    CU_ASSERT_STRING_EQUAL(links[1], "http://h:1/B?WSDL");
    CU_ASSERT_STRING_EQUAL(links[2], "http://h:1/soap/C?Wsdl");
    CU_ASSERT_EQUAL(lc_index_links(a, "", 0, "http://h/", &links, &n, &err), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_TRUE(lc_is_wsdl_url("http://h/S?WSDL"));
    CU_ASSERT_TRUE(lc_is_wsdl_url("x/Calculator.wsdl"));
    CU_ASSERT_FALSE(lc_is_wsdl_url("http://h/S"));
    CU_ASSERT_TRUE(lc_is_http_url("HTTPS://h/"));
    CU_ASSERT_FALSE(lc_is_http_url("file:///x.wsdl"));
    lc_arena_free(a);
}

/* --- the served ladon-examples WSDLs give the requests the server expects ------------------- */

static void test_request_bytes(void)
{
    lc_arena *a = lc_arena_new();
    lc_err err = {0};
    lc_wsdl *w = read_file(a, NULL, calc_wsdl, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    lc_value *v;
    const lc_op *echo = op_of(w, "echo");
    CU_ASSERT_EQUAL_FATAL(build(a, echo, NULL, (char *[]){"text=<&>\"' ]]> \xc3\xa9"}, 1, &v,
                                &err), 0);
    char *req = request_of(echo, v);
    CU_ASSERT_STRING_EQUAL(req, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope "
                                "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                                "<soapenv:Body><ns1:echo xmlns:ns1=\"urn:ladon:examples:calculator\">"
                                "<text>&lt;&amp;&gt;\"' ]]&gt; \xc3\xa9</text></ns1:echo>"
                                "</soapenv:Body></soapenv:Envelope>\n");
    free(req);
    lc_arena_free(a);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s DATA_DIR CALCULATOR.wsdl TASKSERVICE.wsdl\n", argv[0]);
        return 2;
    }
    data_dir = argv[1];
    calc_wsdl = argv[2];
    task_wsdl = argv[3];
    xmlInitParser();
    static const lg_test tests[] = {
        {"lexical checks of simple types", test_lexical},
        {"progress bar line", test_bar},
        {"WSDL: the served Calculator", test_wsdl_calculator},
        {"WSDL: the served TaskService, task recognition", test_wsdl_tasks},
        {"WSDL: constructs (recursion, ref, extension, unsupported)", test_wsdl_constructs},
        {"WSDL: rpc/encoded and documents that are no usable WSDL", test_wsdl_rpc_and_errors},
        {"schema: namespaces, imports, qualified forms, bad constructs", test_schema_namespaces},
        {"arguments: words, JSON, errors", test_args},
        {"responses: results, faults, HTTP errors, garbage", test_responses},
        {"index page links", test_index_links},
        {"request bytes (escaping)", test_request_bytes},
        {NULL, NULL},
    };
    int rc = lg_run_suite("ladon-call", tests);
    xmlCleanupParser();
    return rc;
}
