/* test_lexer.c - CUnit suite for codegen/lexer.c: tokens and their
 * locations, comments and doc comments, accepted and rejected preprocessor
 * lines.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <string.h>

#include "../cunit_main.h"
#include "lexer.h"

static lg_arena arena;
static lg_tokens toks;
static lg_diag diag;

static int lex(const char *src)
{
    lg_arena_free(&arena);
    memset(&toks, 0, sizeof toks);
    memset(&diag, 0, sizeof diag);
    return lg_lex(&arena, "t.h", src, strlen(src), &toks, &diag);
}

static void test_tokens_and_locations(void)
{
    CU_ASSERT_EQUAL_FATAL(lex("int  x;\n  double *y = 42;"), 0);
    CU_ASSERT_EQUAL_FATAL(toks.n, 10);
    CU_ASSERT_EQUAL(toks.items[0].kind, LG_TOK_IDENT);
    CU_ASSERT_STRING_EQUAL(toks.items[0].text, "int");
    CU_ASSERT_EQUAL(toks.items[1].loc.line, 1);
    CU_ASSERT_EQUAL(toks.items[1].loc.col, 6);
    CU_ASSERT_EQUAL(toks.items[2].kind, LG_TOK_PUNCT);
    CU_ASSERT_STRING_EQUAL(toks.items[3].text, "double");
    CU_ASSERT_EQUAL(toks.items[3].loc.line, 2);
    CU_ASSERT_EQUAL(toks.items[3].loc.col, 3);
    CU_ASSERT_STRING_EQUAL(toks.items[4].text, "*");
    CU_ASSERT_EQUAL(toks.items[7].kind, LG_TOK_NUMBER);
    CU_ASSERT_STRING_EQUAL(toks.items[7].text, "42");
    CU_ASSERT_EQUAL(toks.items[9].kind, LG_TOK_EOF);
    CU_ASSERT_STRING_EQUAL(toks.items[9].text, "");
}

static void test_string(void)
{
    CU_ASSERT_EQUAL_FATAL(lex("X(\"urn:a:b\")"), 0);
    CU_ASSERT_EQUAL(toks.items[2].kind, LG_TOK_STRING);
    CU_ASSERT_STRING_EQUAL(toks.items[2].text, "urn:a:b");
    CU_ASSERT_EQUAL(lex("\"open\n\""), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:1:1: error: unterminated string literal");
}

static void test_plain_comments_vanish(void)
{
    CU_ASSERT_EQUAL_FATAL(lex("/* a */ int /***/ x; // y\n/**/ /*** banner ***/ z"), 0);
    CU_ASSERT_EQUAL(toks.n, 5);
    CU_ASSERT_STRING_EQUAL(toks.items[3].text, "z");
    CU_ASSERT_EQUAL(toks.items[3].loc.line, 2);
    CU_ASSERT_EQUAL(toks.items[3].loc.col, 23);
}

static void test_doc_comments(void)
{
    CU_ASSERT_EQUAL_FATAL(lex("/** Hello\n *   world.\n */ int x; /**< after */\n/// line doc\nint y; ///< tail"), 0);
    CU_ASSERT_EQUAL(toks.items[0].kind, LG_TOK_DOC);
    CU_ASSERT_STRING_EQUAL(toks.items[0].text, "Hello world.");
    CU_ASSERT_EQUAL(toks.items[4].kind, LG_TOK_DOC_AFTER);
    CU_ASSERT_STRING_EQUAL(toks.items[4].text, "after");
    CU_ASSERT_EQUAL(toks.items[4].loc.line, 3);
    CU_ASSERT_EQUAL(toks.items[5].kind, LG_TOK_DOC);
    CU_ASSERT_STRING_EQUAL(toks.items[5].text, "line doc");
    CU_ASSERT_EQUAL(toks.items[9].kind, LG_TOK_DOC_AFTER);
    CU_ASSERT_STRING_EQUAL(toks.items[9].text, "tail");
}

static void test_unterminated_comment(void)
{
    CU_ASSERT_EQUAL(lex("int x;\n  /* open"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:2:3: error: unterminated comment");
}

static void test_include_guards_and_includes(void)
{
    CU_ASSERT_EQUAL_FATAL(lex("#ifndef A_H\n#define A_H /* guard */\n#include <ladon/annotate.h>\n"
                              "  #  include \"x.h\"\n#pragma once\nint x;\n#endif /* A_H */\n"),
                          0);
    CU_ASSERT_EQUAL(toks.n, 4); /* a comment token is not emitted for plain comments */
    CU_ASSERT_STRING_EQUAL(toks.items[0].text, "int");
    CU_ASSERT_EQUAL(toks.items[0].loc.line, 6);
}

static void test_rejected_directives(void)
{
    CU_ASSERT_EQUAL(lex("int x;\n#if 1\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text,
                           "t.h:2:1: error: preprocessor directive '#if' is not supported (only #include and include guards)");
    CU_ASSERT_EQUAL(lex("  #define N 3\n"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text,
                           "t.h:1:3: error: macro definitions are not supported (only include guards: #define NAME)");
    CU_ASSERT_EQUAL(lex("#ifndef\n"), -1);
    CU_ASSERT_EQUAL(lex("#ifdef X\n"), -1);
    CU_ASSERT_EQUAL(lex("int x; # define\n"), -1); /* '#' not at line start */
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:1:8: error: unexpected character '#'");
}

static void test_bad_bytes(void)
{
    CU_ASSERT_EQUAL(lex("int @x;"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:1:5: error: unexpected character '@'");
    CU_ASSERT_EQUAL(lex("int \x80;"), -1);
    CU_ASSERT_STRING_EQUAL(diag.text, "t.h:1:5: error: unexpected byte 0x80");
    CU_ASSERT_EQUAL(lex("char c = 'x';"), -1);
}

static void test_empty_input(void)
{
    CU_ASSERT_EQUAL_FATAL(lex(""), 0);
    CU_ASSERT_EQUAL(toks.n, 1);
    CU_ASSERT_EQUAL(toks.items[0].kind, LG_TOK_EOF);
    CU_ASSERT_EQUAL(toks.items[0].loc.line, 1);
}

int main(void)
{
    static const lg_test tests[] = {
        {"tokens and locations", test_tokens_and_locations},
        {"string literals", test_string},
        {"plain comments vanish", test_plain_comments_vanish},
        {"doc comments", test_doc_comments},
        {"unterminated comment", test_unterminated_comment},
        {"include guards and includes", test_include_guards_and_includes},
        {"rejected directives", test_rejected_directives},
        {"bad bytes", test_bad_bytes},
        {"empty input", test_empty_input},
        {NULL, NULL},
    };
    int rc = lg_run_suite("codegen-lexer", tests);
    lg_arena_free(&arena);
    return rc;
}
