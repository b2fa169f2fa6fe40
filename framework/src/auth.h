/* auth.h - who the caller of a request is (internal; docs/security.md,
 * "Caller identity").
 *
 * Two sources, both optional:
 * - the header --trusted-user-header (default X-Remote-User), believed only
 *   when the TCP peer itself is a --trusted-proxy (Apache, having checked
 *   the user, sets it); from any other peer it is ignored, never an
 *   identity.  A bad value from a trusted proxy (empty, longer than 255
 *   bytes, a control character, not UTF-8, given twice) is answered 400:
 *   the proxy is misconfigured, and guessing an identity would be worse;
 * - HTTP Basic against --auth-file (htpasswd.h), when configured.
 * --auth-required makes an identity necessary for SOAP calls (or for every
 * request).  The answer is decided here, before the request is routed to
 * gSOAP; dispatch.c puts the user into the call (ladon_call_user).
 *
 * Nothing here logs or returns a password, an Authorization value or an
 * htpasswd line.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_AUTH_H
#define LADON_SRC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ladon/call.h"
#include "ladon/server.h"

typedef struct ladon__auth {
    char user_header[64];  /* "" = no proxy header */
    char realm[128];
    int required;          /* LADON_AUTH_NONE, _SOAP, _ALL */
} ladon__auth;

/* What to do with a request. */
typedef struct ladon__auth_answer {
    int status;                 /* 0: serve it (user set); else the HTTP status */
    const char *text;           /* the body of an error answer */
    char headers[192];          /* extra header lines of the answer ("" or lines
                                   ending in \r\n: WWW-Authenticate) */
    char user[LADON_USER_MAX];  /* the caller, "" when anonymous */
} ladon__auth_answer;

/* Takes the settings of cfg.  0, or -1 with a message in err. */
int ladon__auth_init(ladon__auth *a, const ladon_config *cfg, char *err, size_t errlen);
void ladon__auth_destroy(ladon__auth *a);

/* Is v[0..n) acceptable as a user name?  1..LADON_USER_MAX-1 bytes of
 * UTF-8 without control characters. */
bool ladon__auth_user_valid(const char *v, size_t n);

/* Decides who sent the request whose head (accepted by the HTTP parser) is
 * head[0..head_len): trusted_peer says whether the TCP peer is a
 * --trusted-proxy; soap whether the request is a SOAP call (a POST routed to
 * a service).  Fills ans. */
void ladon__auth_identify(ladon__auth *a, const char *head, size_t head_len, bool trusted_peer,
                          bool soap, ladon__auth_answer *ans);

#endif /* LADON_SRC_AUTH_H */
