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

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authcache.h"
#include "htpasswd.h"
#include "ladon/call.h"
#include "ladon/server.h"
#include "probe.h"

/* Failed logins are counted per client over this window, and a client over
 * --auth-fail-limit is refused (429) for as long. */
#define LADON__AUTH_FAIL_WINDOW_S 60
/* Longest Authorization value taken (longer: 400). */
#define LADON__AUTH_MAX_VALUE 2048
/* Longest password (bytes after the user's ':'). */
#define LADON__AUTH_MAX_PASSWORD 1023

typedef struct ladon__auth {
    char user_header[64];  /* "" = no proxy header */
    char realm[128];
    int required;          /* LADON_AUTH_NONE, _SOAP, _ALL */
    char file[1024];       /* --auth-file, "" = no built-in Basic */
    /* built-in Basic only (file set): */
    pthread_mutex_t mu;    /* guards users and generation; a leaf */
    bool mu_ready;
    ladon__htpasswd *users;
    uint64_t generation;   /* counts loads: a reload forgets the cache */
    atomic_bool reload_requested; /* SIGHUP (server.c); the scan reloads */
    ladon__authcache cache;
    ladon__probe failures; /* failed logins per client: probe.h's fixed table */
    atomic_uint verifying; /* bcrypt verifications running now */
    unsigned max_verifying;/* at most this many (half the workers, >= 1) */
} ladon__auth;

/* What to do with a request. */
typedef struct ladon__auth_answer {
    int status;                 /* 0: serve it (user set); else the HTTP status */
    const char *text;           /* the body of an error answer */
    char headers[192];          /* extra header lines of the answer ("" or lines
                                   ending in \r\n: WWW-Authenticate) */
    char user[LADON_USER_MAX];  /* the caller, "" when anonymous */
} ladon__auth_answer;

/* Takes the settings of cfg and loads --auth-file.  0, or -1 with a
 * message in err (a bad file: "PATH:LINE: reason"). */
int ladon__auth_init(ladon__auth *a, const ladon_config *cfg, char *err, size_t errlen);
/* After ladon__auth_init, successful or not (or on zeroed memory). */
void ladon__auth_destroy(ladon__auth *a);

/* Reads --auth-file again (SIGHUP): the new users replace the old ones and
 * the cache of successful logins is forgotten; a file that cannot be read
 * or is bad keeps the old users and logs an error.  0 or -1. */
int ladon__auth_reload(ladon__auth *a);

/* Splits an Authorization value v[0..n) of scheme Basic into user and
 * password (NUL-terminated; *plen the password's length).  0 on success, 1
 * when the scheme is not Basic (not credentials of ours), -1 when it is
 * malformed (bad base64, no ':', too long, a NUL byte or invalid user
 * name).  user has LADON_USER_MAX bytes, password
 * LADON__AUTH_MAX_PASSWORD + 1; both are wiped on failure. */
int ladon__auth_parse_basic(const char *v, size_t n, char *user, char *password, size_t *plen);

/* Is v[0..n) acceptable as a user name?  1..LADON_USER_MAX-1 bytes of
 * UTF-8 without control characters. */
bool ladon__auth_user_valid(const char *v, size_t n);

/* Decides who sent the request whose head (accepted by the HTTP parser) is
 * head[0..head_len): trusted_peer says whether the TCP peer is a
 * --trusted-proxy; soap whether the request is a SOAP call (a POST routed to
 * a service); client the address of the log line (failed logins are
 * counted by it); now_ms the monotonic clock.  Fills ans:
 * - the trusted proxy's header, when there is one, is the identity
 *   (Authorization is then not looked at: the proxy checked the user);
 * - with --auth-file, Authorization: Basic credentials are checked: right,
 *   the user; wrong (or an unknown user), 401; malformed, 400; the client
 *   over --auth-fail-limit, 429; all verification slots busy, 503;
 * - no identity where --auth-required needs one: 401. */
void ladon__auth_identify(ladon__auth *a, const char *head, size_t head_len, bool trusted_peer,
                          bool soap, const char *client, int64_t now_ms,
                          ladon__auth_answer *ans);

#endif /* LADON_SRC_AUTH_H */
