/* test_error.c - ladon_err_name / ladon_strerror. */
#include <string.h>

#include <ladon/error.h>
#include "rt_cunit.h"

static void test_names(void)
{
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON_ENOMEM), "LADON_ENOMEM");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON_EINVAL), "LADON_EINVAL");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON_ESYS), "LADON_ESYS");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON_EFAULT), "LADON_EFAULT");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON_EBUSY), "LADON_EBUSY");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON_ENOTFOUND), "LADON_ENOTFOUND");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON_ESTORE), "LADON_ESTORE");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON_ESTATE), "LADON_ESTATE");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(0), "LADON_OK");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(1), "LADON_UNKNOWN");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(-1), "LADON_UNKNOWN");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON__ERR_FIRST), "LADON_UNKNOWN");
    CU_ASSERT_STRING_EQUAL(ladon_err_name(LADON__ERR_LAST), "LADON_UNKNOWN");
}

static void test_strings(void)
{
    CU_ASSERT_STRING_EQUAL(ladon_strerror(0), "success");
    CU_ASSERT_STRING_EQUAL(ladon_strerror(LADON_ENOMEM), "out of memory");
    CU_ASSERT_STRING_EQUAL(ladon_strerror(LADON_EBUSY), "server busy");
    CU_ASSERT_STRING_EQUAL(ladon_strerror(12345), "unknown error");
}

static void test_every_code_named(void)
{
    /* every code between the sentinels has its own name and text */
    for (int e = LADON__ERR_FIRST + 1; e < LADON__ERR_LAST; e++) {
        CU_ASSERT(strncmp(ladon_err_name(e), "LADON_E", 7) == 0);
        CU_ASSERT_STRING_NOT_EQUAL(ladon_strerror(e), "unknown error");
        for (int f = e + 1; f < LADON__ERR_LAST; f++)
            CU_ASSERT_STRING_NOT_EQUAL(ladon_err_name(e), ladon_err_name(f));
    }
    CU_ASSERT(LADON__ERR_FIRST < LADON_ENOMEM && LADON_ESTATE < 0);
}

int main(void)
{
    static const rt_test tests[] = {
        {"names", test_names},
        {"strings", test_strings},
        {"every code named", test_every_code_named},
        {NULL, NULL},
    };
    return rt_run("runtime-error", tests, NULL, NULL);
}
