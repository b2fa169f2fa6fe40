#include "occurrence.h"
#include <ladon/call.h>

static int present(const void *p)
{
    return p != NULL;
}

int fields(ladon_call *call, Required r, Optional o, int *result)
{
    (void)call;
    (void)r;
    *result = present(o.i) + present(o.l) + present(o.d) + present(o.b) + present(o.s) + present(o.t) +
              present(o.bin) + present(o.m) + present(o.inner);
    return LADON_OK;
}

int required_params(ladon_call *call, int i, int64_t l, double d, bool b, const char *s, time_t t, ladon_binary bin,
                    Mode m, Inner inner, Required *result)
{
    char *copy = ladon_strdup(call, s);
    if (copy == NULL)
        return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
    *result = (Required){i, l, d, b, copy, t, bin, m, inner};
    return LADON_OK;
}

int optional_params(ladon_call *call, const int *i, const int64_t *l, const double *d, const bool *b, const char *s,
                    const time_t *t, const ladon_binary *bin, const Mode *m, const Inner *inner, int *result)
{
    (void)call;
    *result = present(i) + present(l) + present(d) + present(b) + present(s) + present(t) + present(bin) +
              present(m) + present(inner);
    return LADON_OK;
}
