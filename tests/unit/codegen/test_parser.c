/* test_parser.c - CUnit suite for codegen/parser.c and model.c: what a
 * header becomes in the model (types, members, occurrence, docs, locations)
 * and the errors for rejected constructs and for clashes across headers.
 * (tests/codegen/bad-*.h check each error message end to end.)
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <string.h>

#include "../cunit_main.h"
#include "model.h"
#include "parser.h"

static lg_model model;
static lg_diag diag;

#define HEAD "#include <ladon/annotate.h>\nLADON_SERVICE(Svc, \"urn:svc\");\n"

static int parse(const char *src)
{
    lg_model_free(&model);
    lg_model_init(&model);
    memset(&diag, 0, sizeof diag);
    return lg_parse_source(&model, "t.h", src, strlen(src), &diag);
}

/* Parses and validates; returns 0 or -1. */
static int check(const char *src)
{
    if (parse(src) < 0)
        return -1;
    return lg_model_validate(&model, &diag);
}

static int add_second(const char *file, const char *src)
{
    if (lg_parse_source(&model, file, src, strlen(src), &diag) < 0)
        return -1;
    return lg_model_validate(&model, &diag);
}

static void test_service(void)
{
    CU_ASSERT_EQUAL_FATAL(check("/** The doc. */\nLADON_SERVICE(Calc, \"urn:c\");\n"
                                "LADON_METHOD int add(ladon_call *call, int a, int b, int *result);\n"),
                          0);
    CU_ASSERT_EQUAL_FATAL(model.n_services, 1);
    lg_service *s = model.services[0];
    CU_ASSERT_STRING_EQUAL(s->name, "Calc");
    CU_ASSERT_STRING_EQUAL(s->prefix, "calc");
    CU_ASSERT_STRING_EQUAL(s->ns, "urn:c");
    CU_ASSERT_STRING_EQUAL(s->doc, "The doc.");
    CU_ASSERT_EQUAL(s->loc.line, 2);
    CU_ASSERT_EQUAL(s->loc.col, 1);
    CU_ASSERT_EQUAL_FATAL(s->n_ops, 1);
    lg_op *op = &s->ops[0];
    CU_ASSERT_STRING_EQUAL(op->name, "add");
    CU_ASSERT_STRING_EQUAL(op->call_name, "call");
    CU_ASSERT_EQUAL(op->kind, LG_OP_METHOD);
    CU_ASSERT_EQUAL_FATAL(op->n_params, 2);
    CU_ASSERT_STRING_EQUAL(op->params[1].name, "b");
    CU_ASSERT_EQUAL(op->params[1].base, LG_INT);
    CU_ASSERT_EQUAL(op->params[1].occ, LG_REQUIRED);
    CU_ASSERT_STRING_EQUAL(op->result.name, "result");
    CU_ASSERT_EQUAL(op->result.base, LG_INT);
}

static void test_task(void)
{
    CU_ASSERT_EQUAL_FATAL(check(HEAD "/** Slow. */\nLADON_TASK int slow(ladon_call *c, const char *s, int *result);\n"
                                     "LADON_METHOD int fast(ladon_call *call, int *result);\n"),
                          0);
    lg_service *s = model.services[0];
    CU_ASSERT_EQUAL_FATAL(s->n_ops, 2);
    CU_ASSERT_STRING_EQUAL(s->ops[0].name, "slow");
    CU_ASSERT_EQUAL(s->ops[0].kind, LG_OP_TASK);
    CU_ASSERT_STRING_EQUAL(s->ops[0].doc, "Slow.");
    CU_ASSERT_STRING_EQUAL(s->ops[0].call_name, "c");
    CU_ASSERT_EQUAL(s->ops[0].n_params, 1);
    CU_ASSERT_EQUAL(s->ops[1].kind, LG_OP_METHOD);
    CU_ASSERT_TRUE(lg_service_has_tasks(s));
}

static void test_types_and_members(void)
{
    CU_ASSERT_EQUAL_FATAL(check(HEAD "typedef enum Level { LOW, MID = 5, NEG = -2 } Level;\n"
                                     "typedef struct Pt { int x; int y; } Point;\n"
                                     "/** R. */ typedef struct Rec {\n"
                                     "  char *s;  /**< str */\n"
                                     "  LADON_OPTIONAL char *o;\n"
                                     "  int64_t big; double d; bool b; time_t t; ladon_binary bin;\n"
                                     "  Level lv; Point p; struct Pt *op; const_ok_not_here_is_fine *never;\n"
                                     "} Rec;\n"),
                          -1); /* the unknown type stops it */
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:9:37: error: unknown type 'const_ok_not_here_is_fine' (types must be "
                                      "declared in this header, before use)");
    CU_ASSERT_EQUAL_FATAL(check(HEAD "typedef enum Level { LOW, MID = 5, NEG = -2 } Level;\n"
                                     "typedef struct Pt { int x; int y; } Point;\n"
                                     "/** R. */ typedef struct Rec {\n"
                                     "  char *s;  /**< str */\n"
                                     "  LADON_OPTIONAL char *o;\n"
                                     "  int64_t big; double d; bool b; time_t t; ladon_binary bin;\n"
                                     "  Level lv; Point p; struct Pt *op; enum Level *ol;\n"
                                     "  LADON_COUNT int n_v; /**< count doc */\n"
                                     "  int *v;\n"
                                     "  LADON_COUNT int n_s;\n"
                                     "  char **s_arr; /**< strings */\n"
                                     "} Rec;\n"
                                     "LADON_METHOD int m(ladon_call *c, Rec r, const Point *p, LADON_OPTIONAL const char *o, "
                                     "Level *result);\n"),
                          0);
    lg_service *s = model.services[0];
    CU_ASSERT_EQUAL_FATAL(s->n_types, 3);
    lg_type *lv = s->types[0];
    CU_ASSERT_EQUAL(lv->kind, LG_TYPE_ENUM);
    CU_ASSERT_EQUAL_FATAL(lv->n_enumerators, 3);
    CU_ASSERT_PTR_NULL(lv->enumerators[0].value);
    CU_ASSERT_STRING_EQUAL(lv->enumerators[1].value, "5");
    CU_ASSERT_STRING_EQUAL(lv->enumerators[2].value, "-2");
    lg_type *pt = s->types[1];
    CU_ASSERT_STRING_EQUAL(pt->name, "Point");
    CU_ASSERT_STRING_EQUAL(pt->tag, "Pt");
    lg_type *r = s->types[2];
    CU_ASSERT_STRING_EQUAL(r->doc, "R.");
    CU_ASSERT_EQUAL_FATAL(r->n_fields, 13);
    static const struct {
        const char *name;
        lg_base base;
        lg_occ occ;
    } want[] = {
        {"s", LG_STRING, LG_REQUIRED}, {"o", LG_STRING, LG_OPTIONAL}, {"big", LG_INT64, LG_REQUIRED},
        {"d", LG_DOUBLE, LG_REQUIRED}, {"b", LG_BOOL, LG_REQUIRED},    {"t", LG_TIME, LG_REQUIRED},
        {"bin", LG_BINARY, LG_REQUIRED}, {"lv", LG_ENUM, LG_REQUIRED}, {"p", LG_STRUCT, LG_REQUIRED},
        {"op", LG_STRUCT, LG_OPTIONAL}, {"ol", LG_ENUM, LG_OPTIONAL},  {"v", LG_INT, LG_ARRAY},
        {"s_arr", LG_STRING, LG_ARRAY},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        CU_ASSERT_STRING_EQUAL(r->fields[i].name, want[i].name);
        CU_ASSERT_EQUAL(r->fields[i].base, want[i].base);
        CU_ASSERT_EQUAL(r->fields[i].occ, want[i].occ);
    }
    CU_ASSERT_STRING_EQUAL(r->fields[0].doc, "str");
    CU_ASSERT_PTR_EQUAL(r->fields[8].type, pt);
    CU_ASSERT_STRING_EQUAL(r->fields[11].count_name, "n_v");
    CU_ASSERT_STRING_EQUAL(r->fields[11].count_doc, "count doc");
    CU_ASSERT_STRING_EQUAL(r->fields[11].doc, "");
    CU_ASSERT_STRING_EQUAL(r->fields[12].doc, "strings");
    CU_ASSERT_EQUAL(r->fields[12].loc.line, 13);
    CU_ASSERT_EQUAL(r->fields[12].loc.col, 10);
    lg_op *op = &s->ops[0];
    CU_ASSERT_STRING_EQUAL(op->call_name, "c");
    CU_ASSERT_EQUAL(op->params[0].base, LG_STRUCT);
    CU_ASSERT_EQUAL(op->params[0].occ, LG_REQUIRED);
    CU_ASSERT_EQUAL(op->params[1].occ, LG_OPTIONAL);
    CU_ASSERT_EQUAL(op->params[2].base, LG_STRING);
    CU_ASSERT_EQUAL(op->params[2].occ, LG_OPTIONAL);
    CU_ASSERT_EQUAL(op->result.base, LG_ENUM);
    CU_ASSERT_PTR_EQUAL(op->result.type, lv);
    CU_ASSERT_TRUE(lg_model_uses(&model, LG_BINARY));
}

static void test_param_docs(void)
{
    CU_ASSERT_EQUAL_FATAL(check(HEAD "/** Op. */\nLADON_METHOD int op(ladon_call *call,\n"
                                     "    const char *text, /**< the text */\n"
                                     "    /** leading */ int n,\n"
                                     "    char **result); /**< the result */\n"),
                          0);
    lg_op *op = &model.services[0]->ops[0];
    CU_ASSERT_STRING_EQUAL(op->doc, "Op.");
    CU_ASSERT_STRING_EQUAL(op->params[0].doc, "the text");
    CU_ASSERT_EQUAL(op->params[0].occ, LG_REQUIRED);
    CU_ASSERT_STRING_EQUAL(op->params[1].doc, "leading");
    CU_ASSERT_STRING_EQUAL(op->result.doc, "the result");
    CU_ASSERT_EQUAL(op->result.base, LG_STRING);
}

/* A trailing doc comment before the comma or semicolon documents the member it follows (it
 * was dropped for the first parameter or field, and given to the previous one for the
 * others). */
static void test_docs_before_separator(void)
{
    CU_ASSERT_EQUAL_FATAL(check(HEAD "typedef struct P {\n"
                                     "  int x /**< X */;\n"
                                     "  int y /**< Y */; /**< more Y */\n"
                                     "  LADON_COUNT int n /**< count */;\n"
                                     "  int *v;\n"
                                     "} P;\n"
                                     "LADON_METHOD int op(ladon_call *call,\n"
                                     "    int a /**< A */,\n"
                                     "    /** leading */ int b /**< B */,\n"
                                     "    int c, /**< C */\n"
                                     "    P p /**< the P */,\n"
                                     "    int *result /**< R */);\n"),
                          0);
    lg_op *op = &model.services[0]->ops[0];
    CU_ASSERT_STRING_EQUAL(op->params[0].doc, "A");
    CU_ASSERT_STRING_EQUAL(op->params[1].doc, "leading B");
    CU_ASSERT_STRING_EQUAL(op->params[2].doc, "C");
    CU_ASSERT_STRING_EQUAL(op->params[3].doc, "the P");
    CU_ASSERT_STRING_EQUAL(op->result.doc, "R");
    lg_type *t = model.services[0]->types[0];
    CU_ASSERT_STRING_EQUAL(t->fields[0].doc, "X");
    CU_ASSERT_STRING_EQUAL(t->fields[1].doc, "Y more Y");
    CU_ASSERT_STRING_EQUAL(t->fields[2].count_doc, "count");
}

/* Each rejected construct: the source after HEAD (line 3 on) and the
 * message expected for it. */
static void test_errors(void)
{
    static const struct {
        const char *src;
        const char *msg;
    } cases[] = {
        {"typedef struct { int x; } P;",
         "t.h:3:9: error: anonymous struct: give it a tag, as in typedef struct Name {...} Name;"},
        {"typedef union U { int x; } U;", "t.h:3:9: error: unions are not supported"},
        {"typedef struct P { int (*f)(int); } P;", "t.h:3:24: error: function pointers are not supported"},
        {"typedef struct P { int **x; } P;",
         "t.h:3:20: error: multi-level pointers are not supported (char ** is allowed only as a string array after "
         "LADON_COUNT)"},
        {"typedef struct P { char **x; } P;", "t.h:3:20: error: array 'x' needs a preceding LADON_COUNT int field"},
        {"typedef struct P { LADON_COUNT int n; int x; } P;",
         "t.h:3:39: error: LADON_COUNT int n must be followed by a pointer field (the array)"},
        {"typedef struct P { LADON_COUNT int n; } P;",
         "t.h:3:36: error: LADON_COUNT int n must be followed by a pointer field (the array)"},
        {"typedef struct P { LADON_COUNT double n; int *x; } P;",
         "t.h:3:32: error: LADON_COUNT must mark an int field"},
        {"typedef struct P { LADON_SIZE int n; } P;", "t.h:3:20: error: unknown annotation 'LADON_SIZE'"},
        {"typedef struct P { long long n; } P;",
         "t.h:3:20: error: 'long long' is not supported: use int64_t (xsd:long; gSOAP's LONG64 is int64_t here)"},
        {"typedef struct P { float n; } P;",
         "t.h:3:20: error: unsupported type 'float' (supported: int, int64_t, double, bool, char *, time_t, "
         "ladon_binary, and structs and enums of this header)"},
        {"typedef struct P { Q n; } P;",
         "t.h:3:20: error: unknown type 'Q' (types must be declared in this header, before use)"},
        {"typedef struct P { struct P *next; } P;",
         "t.h:3:27: error: recursive types are not supported ('struct P' inside itself)"},
        {"LADON_METHOD int m(int a, int *result);",
         "t.h:3:20: error: the first parameter of operation m must be 'ladon_call *call'"},
        {"LADON_METHOD int m(ladon_call *call, int a);",
         "t.h:3:38: error: operation m has no result parameter: the last parameter must point to the result (e.g. "
         "int *result)"},
        {"LADON_METHOD int m(ladon_call *call);",
         "t.h:3:36: error: operation m has no result parameter: the last parameter must point to the result (e.g. "
         "int *result)"},
        {"LADON_METHOD int m(ladon_call *call, int *p, int *result);",
         "t.h:3:38: error: input pointer parameters must be const (const int *p); only the last parameter is the "
         "result"},
        {"LADON_METHOD int m(ladon_call *call, char *result);",
         "t.h:3:38: error: 'char *result' as the result is a single char: use char **result for a string"},
        {"LADON_TASK LADON_METHOD int m(ladon_call *call, int *result);",
         "t.h:3:25: error: LADON_METHOD and LADON_TASK cannot be combined"},
        {"LADON_TASK LADON_TASK int m(ladon_call *call, int *result);", "t.h:3:12: error: LADON_TASK given twice"},
        {"LADON_TASK int m(ladon_call *call, int a);",
         "t.h:3:36: error: operation m has no result parameter: the last parameter must point to the result (e.g. "
         "int *result)"},
        {"LADON_SERVICE(Other, \"urn:o\");",
         "t.h:3:1: error: second LADON_SERVICE in one header (the first is at line 2): one header describes one "
         "service"},
        {"int helper(int x);",
         "t.h:3:1: error: function 'helper' is not annotated: add LADON_METHOD (helper functions belong in another "
         "header)"},
        {"struct P { int x; };", "t.h:3:1: error: declare types as 'typedef struct Name {...} Name;'"},
        {"typedef struct P { int x[4]; } P;",
         "t.h:3:25: error: fixed-size arrays are not supported: use LADON_COUNT int n_x; T *x;"},
        {"typedef struct P { const char *s; } P;", "t.h:3:20: error: const fields are not supported"},
        {"typedef struct P { LADON_OPTIONAL int x; } P;",
         "t.h:3:35: error: LADON_OPTIONAL needs a pointer (char *, or T * for other types)"},
        {"LADON_METHOD int m(ladon_call *call, LADON_COUNT int n, int *result);",
         "t.h:3:38: error: LADON_COUNT is not allowed on a parameter (arrays are struct fields: wrap the array in a "
         "struct)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[1024];
        snprintf(src, sizeof src, HEAD "%s\nLADON_METHOD int zz(ladon_call *call, int *result);\n", cases[i].src);
        CU_ASSERT_EQUAL(check(src), -1);
        if (strcmp(diag.text, cases[i].msg) != 0) {
            fprintf(stderr, "\ncase %zu:\n  got  %s\n  want %s\n", i, diag.text, cases[i].msg);
            CU_FAIL("wrong message");
        }
    }
}

static void test_missing_service(void)
{
    CU_ASSERT_EQUAL(check("LADON_METHOD int m(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:1:1: error: no LADON_SERVICE(Name, \"namespace-uri\"); in this header");
    CU_ASSERT_EQUAL(check(HEAD), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:2:1: error: service Svc has no operations (LADON_METHOD or LADON_TASK)");
}

static void test_duplicates(void)
{
    CU_ASSERT_EQUAL(check(HEAD "typedef struct A { int x; } A;\ntypedef struct B { int x; } A;\n"
                               "LADON_METHOD int m(ladon_call *call, int *result);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:4:29: error: duplicate type 'A' (first declared at t.h:3:29)");
    CU_ASSERT_EQUAL(check(HEAD "typedef struct A { int x; int x; } A;\n"
                               "LADON_METHOD int m(ladon_call *call, int *result);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:3:31: error: duplicate field 'x' (first declared at t.h:3:24)");
    CU_ASSERT_EQUAL(check(HEAD "LADON_METHOD int m(ladon_call *call, int *result);\n"
                               "LADON_METHOD int m(ladon_call *call, int *result);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:4:18: error: duplicate operation 'm' (first declared at t.h:3:18)");
    CU_ASSERT_EQUAL(check(HEAD "typedef struct mResponse { int x; } mResponse;\n"
                               "LADON_METHOD int m(ladon_call *call, int *result);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text,
                           "t.h:3:37: error: type 'mResponse' clashes with the request or response element of an "
                           "operation (t.h:4:18)");
    CU_ASSERT_EQUAL(check(HEAD "typedef enum A { X } A;\ntypedef enum B { X } B;\n"
                               "LADON_METHOD int m(ladon_call *call, int *result);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:4:18: error: duplicate enumerator 'X' (first declared at t.h:3:18)");
}

static void test_across_headers(void)
{
    const char *a = HEAD "typedef struct T { int x; } T;\nLADON_METHOD int m(ladon_call *call, int *result);\n";
    CU_ASSERT_EQUAL_FATAL(parse(a), 0);
    CU_ASSERT_EQUAL(add_second("b.h", "LADON_SERVICE(Svc, \"urn:b\");\nLADON_METHOD int n(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "b.h:1:1: error: duplicate service 'Svc' (first declared at t.h:2:1)");

    CU_ASSERT_EQUAL_FATAL(parse(a), 0);
    CU_ASSERT_EQUAL(add_second("b.h", "LADON_SERVICE(SVC, \"urn:b\");\nLADON_METHOD int n(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "b.h:1:1: error: service SVC has the same gSOAP prefix 'svc' as the service at t.h:2:1");

    CU_ASSERT_EQUAL_FATAL(parse(a), 0);
    CU_ASSERT_EQUAL(add_second("b.h", "LADON_SERVICE(B, \"urn:svc\");\nLADON_METHOD int n(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "b.h:1:1: error: duplicate namespace 'urn:svc' (first declared at t.h:2:1)");

    CU_ASSERT_EQUAL_FATAL(parse(a), 0);
    CU_ASSERT_EQUAL(add_second("b.h", "LADON_SERVICE(B, \"urn:b\");\ntypedef struct T { int y; } T;\n"
                                      "LADON_METHOD int n(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "b.h:2:29: error: duplicate type 'T' (first declared at t.h:3:29)");

    CU_ASSERT_EQUAL_FATAL(parse(a), 0);
    CU_ASSERT_EQUAL(add_second("b.h", "LADON_SERVICE(B, \"urn:b\");\nLADON_METHOD int m(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "b.h:2:18: error: duplicate operation 'm' (first declared at t.h:4:18)");

    CU_ASSERT_EQUAL_FATAL(parse(a), 0);
    CU_ASSERT_EQUAL(add_second("b.h", "LADON_SERVICE(B, \"urn:b\");\nLADON_METHOD int n(ladon_call *call, int *result);\n"), 0);
    CU_ASSERT_EQUAL(model.n_services, 2);
}

/* LADON_CHECK: paired with its task wherever it stands, not an operation;
 * the names a task's companions generate clash with user names. */
static void test_check(void)
{
    CU_ASSERT_EQUAL_FATAL(check(HEAD "LADON_CHECK int go_check(ladon_call *c, const char *id, int n);\n"
                                     "/** Goes. */\nLADON_TASK int go(ladon_call *call, const char *id, int n, int *result);\n"
                                     "LADON_TASK int stay(ladon_call *call, int *result);\n"),
                          0);
    lg_service *s = model.services[0];
    CU_ASSERT_EQUAL_FATAL(s->n_ops, 2);
    CU_ASSERT_EQUAL_FATAL(s->n_checks, 1);
    CU_ASSERT_PTR_EQUAL(s->ops[0].check, &s->checks[0]);
    CU_ASSERT_PTR_NULL(s->ops[1].check);
    CU_ASSERT_EQUAL(s->checks[0].kind, LG_OP_CHECK);
    CU_ASSERT_STRING_EQUAL(s->checks[0].name, "go_check");
    CU_ASSERT_STRING_EQUAL(s->checks[0].call_name, "c");
    CU_ASSERT_EQUAL_FATAL(s->checks[0].n_params, 2);
    CU_ASSERT_EQUAL(s->checks[0].params[0].base, LG_STRING);
    CU_ASSERT_EQUAL(s->checks[0].params[1].base, LG_INT);
    CU_ASSERT_EQUAL(s->checks[0].loc.line, 3);

    /* an optional input must stay optional in the check */
    CU_ASSERT_EQUAL(check(HEAD "LADON_TASK int go(ladon_call *call, LADON_OPTIONAL const char *id, int *result);\n"
                               "LADON_CHECK int go_check(ladon_call *call, const char *id);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:4:56: error: LADON_CHECK go_check must take exactly the inputs of task go: "
                                      "go_check(ladon_call *call, LADON_OPTIONAL const char *id)");
    /* the companions' names */
    CU_ASSERT_EQUAL(check(HEAD "LADON_TASK int go(ladon_call *call, int *result);\n"
                               "LADON_METHOD int go_wait(ladon_call *call, int *result);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:4:18: error: 'go_wait' clashes with the name that task 'go' generates (t.h:3:16)");
    CU_ASSERT_EQUAL(check(HEAD "LADON_TASK int go(ladon_call *call, int *result);\n"
                               "LADON_METHOD int go_cancelResponse(ladon_call *call, int *result);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text,
                           "t.h:4:18: error: 'go_cancelResponse' clashes with the name that task 'go' generates (t.h:3:16)");
    CU_ASSERT_EQUAL(check(HEAD "typedef enum TaskState { idle } TaskState;\nLADON_METHOD int m(ladon_call *call, int *result);\n"),
                    -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:3:33: error: 'TaskState' is a reserved type name (task methods use it)");
}

static void test_reserved_names(void)
{
    CU_ASSERT_EQUAL(check(HEAD "typedef struct P { int class; } P;\nLADON_METHOD int m(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:3:24: error: field name 'class' cannot be used: it is a C/C++ keyword or a name soapcpp2 reserves");
    CU_ASSERT_EQUAL(check(HEAD "LADON_METHOD int m__x(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:3:18: error: operation name 'm__x' cannot be used: names containing '__' are reserved by gSOAP");
    CU_ASSERT_EQUAL(check("LADON_SERVICE(Xsd, \"urn:x\");\nLADON_METHOD int m(ladon_call *call, int *result);\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:1:1: error: service Xsd: its gSOAP prefix 'xsd' is reserved; choose another service name");
}

int main(void)
{
    static const lg_test tests[] = {
        {"service and operation", test_service},
        {"task", test_task},
        {"types and members", test_types_and_members},
        {"parameter docs", test_param_docs},
        {"trailing docs before , and ;", test_docs_before_separator},
        {"rejected constructs", test_errors},
        {"missing service or operations", test_missing_service},
        {"duplicates", test_duplicates},
        {"clashes across headers", test_across_headers},
        {"reserved names", test_reserved_names},
        {"early checks (LADON_CHECK)", test_check},
        {NULL, NULL},
    };
    int rc = lg_run_suite("codegen-parser", tests);
    lg_model_free(&model);
    return rc;
}
