/* rt_cunit.h - the CUnit runner shared by the runtime's suites. */
#ifndef RT_CUNIT_H
#define RT_CUNIT_H

#include <stdio.h>
#include <CUnit/Basic.h>

typedef struct rt_test {
    const char *name;
    void (*fn)(void);
} rt_test;

/* Runs the tests as one suite; exit status 0 only when all passed. */
static inline int rt_run(const char *suite, const rt_test *tests, CU_InitializeFunc init,
                         CU_CleanupFunc cleanup)
{
    CU_pSuite s;
    unsigned failed;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite(suite, init, cleanup);
    if (s == NULL)
        return 2;
    for (const rt_test *t = tests; t->name != NULL; t++)
        if (CU_add_test(s, t->name, t->fn) == NULL)
            return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failed == 0 ? 0 : 1;
}

#endif
