/* test_names.c - CUnit suite for codegen/names.c: every naming rule.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <string.h>

#include "../cunit_main.h"
#include "names.h"

static lg_arena arena;

static void test_prefix_and_uscore(void)
{
    CU_ASSERT_STRING_EQUAL(lg_name_prefix(&arena, "Calculator"), "calculator");
    CU_ASSERT_STRING_EQUAL(lg_name_prefix(&arena, "TaskService2"), "taskservice2");
    CU_ASSERT_STRING_EQUAL(lg_name_uscore(&arena, "LEVEL_LOW"), "LEVEL_USCORELOW");
    CU_ASSERT_STRING_EQUAL(lg_name_uscore(&arena, "a_b_c"), "a_USCOREb_USCOREc");
    CU_ASSERT_STRING_EQUAL(lg_name_uscore(&arena, "plain"), "plain");
}

static void test_gsoap_names(void)
{
    lg_service s = {.name = "Calc", .prefix = "calc"};
    lg_type t = {.kind = LG_TYPE_STRUCT, .name = "My_Type", .tag = "My_Type", .service = &s};
    lg_type e = {.kind = LG_TYPE_ENUM, .name = "Level", .tag = "Level", .service = &s};
    CU_ASSERT_STRING_EQUAL(lg_name_type(&arena, &t), "calc__My_USCOREType");
    CU_ASSERT_STRING_EQUAL(lg_name_op(&arena, &s, "add"), "calc__add");
    CU_ASSERT_STRING_EQUAL(lg_name_op(&arena, &s, "m_progress"), "calc__m_USCOREprogress");
    CU_ASSERT_STRING_EQUAL(lg_name_response(&arena, &s, "m_x"), "calc__m_USCORExResponse");
    CU_ASSERT_STRING_EQUAL(lg_name_op_tag(&arena, &s, "m_x"), "calc:m_x");
    CU_ASSERT_STRING_EQUAL(lg_name_member(&arena, "x"), "x");
    CU_ASSERT_STRING_EQUAL(lg_name_member(&arena, "instance_id"), "instance_id `instance_id`");
    CU_ASSERT_STRING_EQUAL(lg_name_wsdl_file(&arena, &s), "Calc.wsdl");
    CU_ASSERT_STRING_EQUAL(lg_name_guard(&arena, "my-binding", "TYPES_H"), "LADON_GEN_MY_BINDING_TYPES_H");

    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_INT, NULL), "int");
    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_INT64, NULL), "xsd__long");
    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_DOUBLE, NULL), "double");
    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_BOOL, NULL), "bool");
    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_STRING, NULL), "char *");
    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_TIME, NULL), "xsd__dateTime");
    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_BINARY, NULL), "struct xsd__base64Binary");
    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_ENUM, &e), "enum calc__Level");
    CU_ASSERT_STRING_EQUAL(lg_name_gsoap_type(&arena, LG_STRUCT, &t), "struct calc__My_USCOREType");

    CU_ASSERT_STRING_EQUAL(lg_name_xml_type(&arena, LG_INT64, NULL), "xsd:long");
    CU_ASSERT_STRING_EQUAL(lg_name_xml_type(&arena, LG_TIME, NULL), "xsd:dateTime");
    CU_ASSERT_STRING_EQUAL(lg_name_xml_type(&arena, LG_BINARY, NULL), "xsd:base64Binary");
    CU_ASSERT_STRING_EQUAL(lg_name_xml_type(&arena, LG_STRUCT, &t), "calc:My_Type");
}

static void test_doc_keys(void)
{
    lg_service s = {.name = "Calc", .prefix = "calc"};
    lg_type t = {.kind = LG_TYPE_STRUCT, .name = "My_Type", .tag = "My_Type", .service = &s};
    lg_type e = {.kind = LG_TYPE_ENUM, .name = "My_Lvl", .tag = "My_Lvl", .service = &s};
    CU_ASSERT_STRING_EQUAL(lg_name_doc_type(&arena, &t), "My_USCOREType");
    CU_ASSERT_STRING_EQUAL(lg_name_doc_field(&arena, &t, "a_b"), "My_Type::a_b");
    CU_ASSERT_STRING_EQUAL(lg_name_doc_enumerator(&arena, &e, "ML_A"), "My_Lvl::ML_USCOREA");
    CU_ASSERT_STRING_EQUAL(lg_name_doc_op(&arena, "m_x"), "m_USCOREx");
    CU_ASSERT_STRING_EQUAL(lg_name_doc_param(&arena, "m_x", "a_b"), "m_x::a_b");
}

static void test_checks(void)
{
    const char *why = NULL;
    CU_ASSERT_TRUE(lg_name_is_ident("a_1"));
    CU_ASSERT_FALSE(lg_name_is_ident("1a"));
    CU_ASSERT_FALSE(lg_name_is_ident("a-b"));
    CU_ASSERT_FALSE(lg_name_is_ident(""));
    CU_ASSERT_TRUE(lg_name_is_reserved("_x", &why));
    CU_ASSERT_TRUE(lg_name_is_reserved("a__b", &why));
    CU_ASSERT_TRUE(lg_name_is_reserved("x_", &why));
    CU_ASSERT_TRUE(lg_name_is_reserved("class", &why));
    CU_ASSERT_TRUE(lg_name_is_reserved("soap", &why));
    CU_ASSERT_FALSE(lg_name_is_reserved("instance_id", &why));
    CU_ASSERT_TRUE(lg_name_service_ok("Calculator2"));
    CU_ASSERT_FALSE(lg_name_service_ok("My_Service"));
    CU_ASSERT_FALSE(lg_name_service_ok("2x"));
    CU_ASSERT_TRUE(lg_name_prefix_reserved("xsd"));
    CU_ASSERT_TRUE(lg_name_prefix_reserved("soap"));
    CU_ASSERT_FALSE(lg_name_prefix_reserved("calculator"));
}

int main(void)
{
    static const lg_test tests[] = {
        {"prefix and _USCORE", test_prefix_and_uscore},
        {"gSOAP and XML names", test_gsoap_names},
        {"documentation keys", test_doc_keys},
        {"name checks", test_checks},
        {NULL, NULL},
    };
    int rc = lg_run_suite("codegen-names", tests);
    lg_arena_free(&arena);
    return rc;
}
