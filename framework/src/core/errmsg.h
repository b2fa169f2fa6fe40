/* errmsg.h - writing a one-line reason into a caller's buffer (internal).
 *
 * Functions that can fail for a reason a person must read (a bad flag, a
 * bad store URL, a body that cannot be decoded) take `char *err, size_t
 * errlen` and fill it on failure.  This is the one helper that does it, so
 * that every such failure is a single statement:
 *     return ladon__errf(err, errlen, LADON_EINVAL, "bad port '%s'", p);
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_ERRMSG_H
#define LADON_SRC_ERRMSG_H

#include <stddef.h>

/* Formats the reason into err[0..errlen) (cut to fit, always terminated;
 * nothing when err is NULL or errlen is 0) and returns rc unchanged. */
int ladon__errf(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
