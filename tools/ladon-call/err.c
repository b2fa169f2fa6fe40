/* err.c - recording a failure of ladon-call (see err.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int lc_err_set(lc_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return -1;
}

int lc_err_nomem(lc_err *err)
{
    return lc_err_set(err, LC_EXIT_TRANSPORT, "out of memory");
}
