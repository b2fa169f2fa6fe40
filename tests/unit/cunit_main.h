/* cunit_main.h - the main() shared by the CUnit suites: runs one suite of
 * named tests (a table ending with {NULL, NULL}) and fails on any failed
 * assert, test or suite set-up.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LG_CUNIT_MAIN_H
#define LG_CUNIT_MAIN_H

#include <CUnit/Basic.h>
#include <stdio.h>

typedef struct lg_test {
    const char *name;
    void (*fn)(void);
} lg_test;

/* Runs suite with its set-up and clean-up functions (NULL: none); the exit
 * status of the test program: 0 all passed, 1 a failure, 2 CUnit failed. */
static inline int lg_run_suite_with(const char *suite, CU_InitializeFunc init,
                                    CU_CleanupFunc clean, const lg_test *tests)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite(suite, init, clean);
    if (s == NULL)
        goto fail;
    for (const lg_test *t = tests; t->name != NULL; t++)
        if (CU_add_test(s, t->name, t->fn) == NULL)
            goto fail;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS && CU_get_number_of_suites_failed() == 0)
        goto fail;
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed() +
                      CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failed == 0 ? 0 : 1;
fail:
    fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
    CU_cleanup_registry();
    return 2;
}

static inline int lg_run_suite(const char *suite, const lg_test *tests)
{
    return lg_run_suite_with(suite, NULL, NULL, tests);
}

#endif
