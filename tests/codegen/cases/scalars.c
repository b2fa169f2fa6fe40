#include "scalars.h"
int add(ladon_call *call, int a, int b, int *result) { (void)call; *result = a + b; return LADON_OK; }
int add64(ladon_call *call, int64_t a, int64_t b, int64_t *result) { (void)call; *result = a + b; return LADON_OK; }
int half(ladon_call *call, double x, double *result) { (void)call; *result = x / 2; return LADON_OK; }
int negate(ladon_call *call, bool flag, bool *result) { (void)call; *result = !flag; return LADON_OK; }
int next_day(ladon_call *call, time_t when, time_t *result) { (void)call; *result = when + 86400; return LADON_OK; }
int maybe(ladon_call *call, const int *opt, const double *optd, bool *result)
{
    (void)call;
    *result = opt != NULL && optd == NULL;
    return LADON_OK;
}
