/* rd_pool.c - the redis store's URL and connections (rd_store.h).
 *
 * URL.  Port 6379 and database 0 by default; IPv6 literals in brackets;
 * user and password may be percent-encoded.  With a password every
 * connection sends AUTH (AUTH user password with a user: redis 6 ACLs),
 * then SELECT db when db is not 0.  The password is wiped from memory
 * before it is freed.
 *
 * Connections.  A small pool of synchronous hiredis contexts: a gate
 * (store_remote.c) lets at most POOL_MAX be in use and bounds the wait for
 * one to timeout_ms; idle ones sit on a stack guarded by `mu` (a leaf lock,
 * never held across I/O).  Each context has the store's connect and
 * command (send/receive) timeout.  A context that fails (I/O error,
 * timeout, protocol error) is freed, and the next call connects afresh; an
 * idle one that the server closed meanwhile (restart) is noticed with a
 * zero-timeout poll before use and replaced, so a restarted redis costs no
 * failed call.  hiredis writes with write(), so each command runs with
 * SIGPIPE blocked in the calling thread (a pending SIGPIPE it caused is
 * consumed): a server that goes away cannot kill the process.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "errmsg.h"
#include "ladon/error.h"
#include "rd_store.h"

#define DEFAULT_PORT 6379u

/* ---- commands ---------------------------------------------------------- */

/* redisCommandArgv with SIGPIPE blocked in this thread; a SIGPIPE raised
 * meanwhile is consumed (unless one was already pending). */
redisReply *ladon__rd_command(redisContext *c, int argc, const char **argv,
                              const size_t *lens)
{
    sigset_t pipe_set, old, pend;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    int was_pending = sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE);
    int masked = pthread_sigmask(SIG_BLOCK, &pipe_set, &old) == 0;
    redisReply *r = redisCommandArgv(c, argc, argv, lens);
    if (masked) {
        if (!was_pending && sigpending(&pend) == 0 &&
            sigismember(&pend, SIGPIPE)) {
            struct timespec zero = {0, 0};
            while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
                ;
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    return r;
}

static int reply_ok(const redisReply *r)
{
    return r != NULL && r->type == REDIS_REPLY_STATUS &&
           strcmp(r->str, "OK") == 0;
}

static void timeval_of(unsigned ms, struct timeval *tv)
{
    tv->tv_sec = (time_t)(ms / 1000u);
    tv->tv_usec = (suseconds_t)(ms % 1000u) * 1000;
}

/* Runs a command of the connection set-up (AUTH, SELECT); 0 on OK, else -1
 * with "redis at HOST:PORT refused WHAT[ ARG1]: reason" in err (AUTH's
 * arguments, the secrets, are never shown). */
static int setup_command(const rstore *rs, redisContext *c, int argc, const char **argv,
                         const size_t *lens, const char *what, char *err, size_t errlen)
{
    redisReply *r = ladon__rd_command(c, argc, argv, lens);
    if (reply_ok(r)) {
        freeReplyObject(r);
        return 0;
    }
    int show_arg = strcmp(what, "AUTH") != 0 && argc > 1;
    const char *why = r == NULL ? c->errstr
                      : r->type == REDIS_REPLY_ERROR ? r->str
                                                     : "unexpected reply";
    int rc = ladon__errf(err, errlen, -1, "redis at %s:%u refused %s%s%s: %s",
                         rs->url.host, rs->url.port, what,
                         show_arg ? " " : "", show_arg ? argv[1] : "", why);
    if (r != NULL)
        freeReplyObject(r);
    return rc;
}

/* A new authenticated context on the right database; LADON_ESTORE with the
 * reason in err (may be NULL), or LADON_ENOMEM. */
static int connect_one(rstore *rs, redisContext **out, char *err,
                       size_t errlen)
{
    struct timeval tv;
    timeval_of(rs->timeout_ms, &tv);
    redisContext *c =
        redisConnectWithTimeout(rs->url.host, (int)rs->url.port, tv);
    if (c == NULL)
        return LADON_ENOMEM;
    int rc = 0;
    if (c->err)
        rc = ladon__errf(err, errlen, LADON_ESTORE,
                         "cannot connect to redis at %s:%u: %s",
                         rs->url.host, rs->url.port, c->errstr);
    else if (redisSetTimeout(c, tv) != REDIS_OK)
        rc = ladon__errf(err, errlen, LADON_ESTORE,
                         "cannot set the redis timeout: %s", c->errstr);
    if (rc != 0) {
        redisFree(c);
        return rc;
    }
    (void)redisEnableKeepAlive(c); /* an optimisation only */
    if (rs->url.pass != NULL) {
        const char *argv[3] = {"AUTH", rs->url.user, rs->url.pass};
        size_t lens[3] = {4, rs->url.user ? strlen(rs->url.user) : 0,
                          strlen(rs->url.pass)};
        int argc = 3;
        if (rs->url.user == NULL) {
            argv[1] = rs->url.pass;
            lens[1] = lens[2];
            argc = 2;
        }
        if (setup_command(rs, c, argc, argv, lens, "AUTH", err, errlen) != 0) {
            redisFree(c);
            return LADON_ESTORE;
        }
    }
    if (rs->url.db != 0) {
        char dbs[16];
        int n = snprintf(dbs, sizeof dbs, "%u", rs->url.db);
        const char *argv[2] = {"SELECT", dbs};
        size_t lens[2] = {6, (size_t)n};
        if (setup_command(rs, c, 2, argv, lens, "SELECT", err, errlen) != 0) {
            redisFree(c);
            return LADON_ESTORE;
        }
    }
    *out = c;
    return 0;
}

/* Nonzero when the server has not closed the idle connection c. */
static int idle_alive(const redisContext *c)
{
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN | POLLRDHUP};
    int n;
    do
        n = poll(&pfd, 1, 0);
    while (n < 0 && errno == EINTR);
    return n == 0; /* readable, hung up or failed: not usable */
}

int ladon__rd_conn_get(rstore *rs, redisContext **out)
{
    int rc = ladon__gate_enter(&rs->gate, rs->timeout_ms);
    if (rc != 0)
        return rc;
    for (;;) {
        redisContext *c = NULL;
        pthread_mutex_lock(&rs->mu);
        if (rs->nidle > 0)
            c = rs->idle[--rs->nidle];
        pthread_mutex_unlock(&rs->mu);
        if (c == NULL)
            break;
        if (idle_alive(c)) {
            *out = c;
            return 0;
        }
        redisFree(c);
    }
    rc = connect_one(rs, out, NULL, 0);
    if (rc != 0)
        ladon__gate_leave(&rs->gate);
    return rc;
}

/* Returns c to the pool, or frees it when it failed. */
void ladon__rd_conn_put(rstore *rs, redisContext *c, int broken)
{
    if (!broken && !c->err) {
        pthread_mutex_lock(&rs->mu);
        if (rs->nidle < POOL_MAX) {
            rs->idle[rs->nidle++] = c;
            c = NULL;
        }
        pthread_mutex_unlock(&rs->mu);
    }
    if (c != NULL) /* failed, or more idle ones than the pool holds */
        redisFree(c);
    ladon__gate_leave(&rs->gate);
}

/* ---- the URL, opening -------------------------------------------------- */

/* The URL after "redis:": "//", optional credentials (%-escaped), host,
 * port and "/db".  Fills u (free it with rurl_free, also on failure);
 * LADON_EINVAL with the reason in err. */
static int parse_url(rurl *u, const char *rest, char *err, size_t errlen)
{
    if (strncmp(rest, "//", 2) != 0 || rest[2] == '\0')
        return ladon__errf(err, errlen, LADON_EINVAL, "expected " LADON__RD_FORM);
    const char *auth = rest + 2;
    if (strpbrk(auth, "?#") != NULL)
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "no query allowed; expected " LADON__RD_FORM);
    const char *slash = strchr(auth, '/');
    const char *aend = slash != NULL ? slash : auth + strlen(auth);
    const char *at = NULL;
    for (const char *p = auth; p < aend; p++)
        if (*p == '@')
            at = p;
    const char *hp = auth;
    if (at != NULL) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon == NULL)
            return ladon__errf(err, errlen, LADON_EINVAL,
                               "expected ':password@' or 'user:password@' "
                               "before the host");
        if (colon > auth) {
            u->user = ladon__percent_decode(auth, (size_t)(colon - auth));
            if (u->user == NULL)
                return ladon__errf(err, errlen, LADON_EINVAL,
                                   "bad %%-escape in the user name (or out "
                                   "of memory)");
        }
        u->pass = ladon__percent_decode(colon + 1, (size_t)(at - colon - 1));
        if (u->pass == NULL)
            return ladon__errf(err, errlen, LADON_EINVAL,
                               "bad %%-escape in the password (or out of "
                               "memory)");
        hp = at + 1;
    }
    char why[128];
    if (ladon__parse_hostport(hp, (size_t)(aend - hp), DEFAULT_PORT, u->host,
                              sizeof u->host, &u->port, why,
                              sizeof why) != 0)
        return ladon__errf(err, errlen, LADON_EINVAL, "%s", why);
    u->db = 0;
    if (slash != NULL && slash[1] != '\0') {
        unsigned long v = 0;
        for (const char *p = slash + 1; *p != '\0'; p++) {
            if (*p < '0' || *p > '9' || v > 100000000ul)
                return ladon__errf(err, errlen, LADON_EINVAL,
                                   "the database after '/' must be a number");
            v = v * 10 + (unsigned long)(*p - '0');
        }
        u->db = (unsigned)v;
    }
    return 0;
}

static void rurl_free(rurl *u)
{
    if (u->pass != NULL) /* wipe the secret before freeing it */
        memset(u->pass, 0, strlen(u->pass));
    free(u->pass);
    free(u->user);
    u->pass = u->user = NULL;
}

/* Every process naming the same server and database shares the store. */
int ladon__rd_check(const char *rest, unsigned *props, char *err,
                    size_t errlen)
{
    rurl u = {0};
    int rc = parse_url(&u, rest, err, errlen);
    rurl_free(&u);
    if (rc == 0)
        *props = LADON_STORE_SHARED;
    return rc;
}

static void rs_free(rstore *rs)
{
    for (unsigned i = 0; i < rs->nidle; i++)
        redisFree(rs->idle[i]);
    rurl_free(&rs->url);
    free(rs);
}

int ladon__rd_open(ladon_store **out, const char *rest,
                   const ladon_store_options *opt, char *err, size_t errlen)
{
    rstore *rs = calloc(1, sizeof *rs);
    if (rs == NULL)
        return LADON_ENOMEM;
    int rc = parse_url(&rs->url, rest, err, errlen);
    if (rc != 0) {
        rs_free(rs);
        return rc;
    }
    rs->timeout_ms = opt->timeout_ms;
    snprintf(rs->prefix, sizeof rs->prefix, "%s", opt->prefix);
    redisContext *c = NULL;
    rc = connect_one(rs, &c, err, errlen);
    if (rc != 0) {
        rs_free(rs);
        return rc;
    }
    /* without a password, redis only answers NOAUTH when it wants one */
    const char *ping[1] = {"PING"};
    size_t ping_len[1] = {4};
    redisReply *pong = ladon__rd_command(c, 1, ping, ping_len);
    if (pong == NULL || pong->type != REDIS_REPLY_STATUS) {
        const char *why = pong == NULL ? c->errstr
                          : pong->type == REDIS_REPLY_ERROR ? pong->str
                                                            : "unexpected reply";
        rc = ladon__errf(err, errlen, LADON_ESTORE,
                         "redis at %s:%u does not answer PING: %s",
                         rs->url.host, rs->url.port, why);
    }
    if (pong != NULL)
        freeReplyObject(pong);
    if (rc == 0) {
        ladon__rd_learn(rs, c);
        if (c->err)
            rc = ladon__errf(err, errlen, LADON_ESTORE,
                             "redis at %s:%u failed: %s", rs->url.host,
                             rs->url.port, c->errstr);
    }
    if (rc == 0)
        rc = ladon__gate_init(&rs->gate, POOL_MAX);
    if (rc == 0 && pthread_mutex_init(&rs->mu, NULL) != 0) {
        ladon__gate_destroy(&rs->gate);
        rc = LADON_ESYS;
    }
    if (rc != 0) {
        redisFree(c);
        rs_free(rs);
        return rc;
    }
    rs->idle[rs->nidle++] = c;
    rs->base.caps = 0;
    rs->base.lease_s = opt->lease_s;
    *out = &rs->base;
    return 0;
}

void ladon__rd_close(ladon_store *st)
{
    rstore *rs = (rstore *)st;
    ladon__gate_destroy(&rs->gate);
    pthread_mutex_destroy(&rs->mu);
    rs_free(rs);
}
