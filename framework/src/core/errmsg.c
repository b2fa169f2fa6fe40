/* errmsg.c - ladon__errf, the one writer of failure reasons (errmsg.h).
 *
 * Part of the core (like log.c), so that the task stores, which unit tests
 * link without the rest of libladon, share it with the runtime.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "errmsg.h"

#include <stdarg.h>
#include <stdio.h>

int ladon__errf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    if (err != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        /* a reason cut short is still a reason: the length is not needed */
        (void)vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}
