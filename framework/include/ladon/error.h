/* ladon/error.h - error codes of the Ladon-C runtime.
 *
 * Every function of libladon that can fail returns 0 on success or one of the
 * negative codes below.  One X-macro list generates the enum, ladon_err_name()
 * and ladon_strerror().
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_ERROR_H
#define LADON_ERROR_H

#include "ladon/visibility.h"

#define LADON_ERRNO_MAP(XX)                                                  \
    XX(ENOMEM, "out of memory")                                              \
    XX(EINVAL, "invalid argument")                                           \
    XX(ESYS, "system call failed")                                           \
    XX(EFAULT, "operation answered with a SOAP fault")                       \
    XX(EBUSY, "server busy")                                                 \
    XX(ENOTFOUND, "not found")                                               \
    XX(ESTORE, "store unavailable")                                          \
    XX(ESTATE, "invalid state")                                              \
    XX(ECANCELLED, "cancelled")                                              \
    XX(ECONFLICT, "conflicts with an earlier request")                       \
    XX(ENOTSUP, "not supported")

typedef enum ladon_errno {
    LADON__ERR_FIRST = -1000,
#define LADON__XX(code, _) LADON_##code,
    LADON_ERRNO_MAP(LADON__XX)
#undef LADON__XX
    LADON__ERR_LAST
} ladon_errno;

/* "LADON_ENOMEM" etc.; "LADON_UNKNOWN" for other values. */
LADON_EXTERN const char *ladon_err_name(int err);
/* Human-readable text; "success" for 0, "unknown error" for other values. */
LADON_EXTERN const char *ladon_strerror(int err);

#endif /* LADON_ERROR_H */
