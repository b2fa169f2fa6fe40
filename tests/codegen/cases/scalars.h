/* Golden case: scalar parameters and results. */
#ifndef SCALARS_H
#define SCALARS_H
#include <ladon/annotate.h>

LADON_SERVICE(Scalars, "urn:ladon:test:scalars");

LADON_METHOD int add(ladon_call *call, int a, int b, int *result);
LADON_METHOD int add64(ladon_call *call, int64_t a, int64_t b, int64_t *result);
LADON_METHOD int half(ladon_call *call, double x, double *result);
LADON_METHOD int negate(ladon_call *call, bool flag, bool *result);
LADON_METHOD int next_day(ladon_call *call, time_t when, time_t *result);
LADON_METHOD int maybe(ladon_call *call, const int *opt, const double *optd, bool *result);

#endif
