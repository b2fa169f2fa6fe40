#include "arrays.h"
#include <ladon/call.h>
#define REV(n, a)                                                        \
    for (int i = 0; i < in.n / 2; i++) {                                 \
        __typeof__(in.a[0]) t = in.a[i];                                 \
        in.a[i] = in.a[in.n - 1 - i];                                    \
        in.a[in.n - 1 - i] = t;                                          \
    }
int reverse(ladon_call *call, Lists in, Lists *result)
{
    (void)call;
    REV(n_ints, ints) REV(n_longs, longs) REV(n_doubles, doubles) REV(n_flags, flags)
    REV(n_strings, strings) REV(n_items, items) REV(n_kinds, kinds) REV(n_blobs, blobs) REV(n_times, times)
    *result = in;
    return LADON_OK;
}
int count_all(ladon_call *call, Lists in, int *result)
{
    (void)call;
    *result = in.n_ints + in.n_longs + in.n_doubles + in.n_flags + in.n_strings + in.n_items + in.n_kinds +
              in.n_blobs + in.n_times;
    return LADON_OK;
}
