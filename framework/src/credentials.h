/* credentials.h - what a caller's name may be, and the decoding of HTTP
 * Basic credentials (internal; docs/security.md, "Caller identity").
 *
 * Pure functions on untrusted bytes (the Authorization header, a trusted
 * proxy's user header, htpasswd lines), apart from everything else so that
 * fuzz_http can feed them alone.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_CREDENTIALS_H
#define LADON_SRC_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "ladon/call.h"

/* Longest Authorization value taken, after "Basic " (longer: malformed). */
#define LADON__BASIC_MAX_VALUE 2048
/* Longest password (the bytes after the user's ':'). */
#define LADON__BASIC_MAX_PASSWORD 1023

/* Is v[0..n) acceptable as a caller's name?  1..LADON_USER_MAX-1 bytes of
 * UTF-8 without control characters (C0, DEL, C1). */
bool ladon__user_name_valid(const char *v, size_t n);

/* Splits an Authorization value v[0..n) of scheme Basic (RFC 7617) into user
 * and password (NUL-terminated; *plen the password's length).  0 on
 * success; 1 when the scheme is not Basic (not credentials of ours); -1
 * when it is malformed: not strict base64 (RFC 4648 section 4; padding may
 * be left out), no ':', too long, a NUL byte, or a user that is not a valid
 * name.  user has LADON_USER_MAX bytes, password
 * LADON__BASIC_MAX_PASSWORD + 1; both are "" unless 0 is returned, and the
 * decoded bytes are wiped before returning. */
int ladon__basic_parse(const char *v, size_t n, char *user, char *password, size_t *plen);

#endif /* LADON_SRC_CREDENTIALS_H */
