/* store_redis.c - task records in redis
 * ("redis://[[user]:password@]host[:port][/db]").
 *
 * DESIGN
 *
 * URL.  Port 6379 and database 0 by default; IPv6 literals in brackets;
 * user and password may be percent-encoded.  With a password every
 * connection sends AUTH (AUTH user password with a user: redis 6 ACLs),
 * then SELECT db when db is not 0.
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
 * Records.  One hash per task under "<prefix><id>":
 *     m method   s state (1..4)   t starttime   p progress
 *     l lease_until (0 once ended)   e ended time   msg message   r result
 * Numbers are decimal text ("%.17g": exact).  A hash is readable with
 * redis-cli, and any field can be checked and set inside a script.
 *
 * Transitions.  Each one is one Lua script (EVALSHA of the SHA that SCRIPT
 * LOAD returned at open; EVAL when the server answers NOSCRIPT, e.g. after
 * a restart), so it is atomic: the script reads the state, answers -2
 * (LADON_ESTATE) from the wrong one or -1 (LADON_ENOTFOUND) when the key
 * is gone, and never re-creates a record.  add is an EXISTS + HSET script
 * (add-if-absent, like SET NX).  finish and fail PEXPIRE the record by the
 * ttl; QUEUED and RUNNING records have no expiry.  get is one HMGET.
 *
 * Results are stored whole (one field).  A result longer than the server's
 * proto-max-bulk-len (read at open; 512 MB by default) cannot be sent: the
 * task fails with LADON_TASK_TOO_LARGE_MESSAGE, finish returns LADON_EINVAL.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "errmsg.h"
#include "ladon/error.h"
#include "ladon/store.h"
#include "task_internal.h"

#define DEFAULT_PORT 6379u
#define POOL_MAX 64u
#define HOST_MAX 256
#define KEY_MAX 96
#define DEFAULT_MAX_BULK (512u * 1024u * 1024u)

enum { S_ADD, S_START, S_PROGRESS, S_TOUCH, S_FINISH, S_FAIL, S_COUNT };

/* KEYS[1] is the record.  Answers: 0 done; 1 exists (add); -1 no such
 * record; -2 wrong state. */
static const char *const script_src[S_COUNT] = {
    [S_ADD] = /* ARGV: method, starttime, lease_until, expiry_ms */
    "if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end\n"
    "redis.call('HSET', KEYS[1], 'm', ARGV[1], 's', '1', 't', ARGV[2],\n"
    "           'p', '0', 'l', ARGV[3])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
    "return 0\n",
    [S_START] = /* ARGV: lease_until, expiry_ms */
    "local s = redis.call('HGET', KEYS[1], 's')\n"
    "if not s then return -1 end\n"
    "if s ~= '1' then return -2 end\n"
    "redis.call('HSET', KEYS[1], 's', '2', 'l', ARGV[1])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "return 0\n",
    [S_PROGRESS] = /* ARGV: progress */
    "local v = redis.call('HMGET', KEYS[1], 's', 'p')\n"
    "if not v[1] then return -1 end\n"
    "if v[1] ~= '2' then return -2 end\n"
    "if tonumber(ARGV[1]) > tonumber(v[2]) then\n"
    "  redis.call('HSET', KEYS[1], 'p', ARGV[1])\n"
    "end\n"
    "return 0\n",
    [S_TOUCH] = /* ARGV: lease_until, progress (< 0: none), expiry_ms */
    "local v = redis.call('HMGET', KEYS[1], 's', 'p')\n"
    "if not v[1] then return -1 end\n"
    "if v[1] ~= '1' and v[1] ~= '2' then return -2 end\n"
    "redis.call('HSET', KEYS[1], 'l', ARGV[1])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[3])\n"
    "if v[1] == '2' and tonumber(ARGV[2]) > tonumber(v[2]) then\n"
    "  redis.call('HSET', KEYS[1], 'p', ARGV[2])\n"
    "end\n"
    "return 0\n",
    [S_FINISH] = /* ARGV: ended, ttl_ms, result */
    "local s = redis.call('HGET', KEYS[1], 's')\n"
    "if not s then return -1 end\n"
    "if s ~= '2' then return -2 end\n"
    "redis.call('HSET', KEYS[1], 's', '3', 'p', '1', 'e', ARGV[1],\n"
    "           'l', '0', 'r', ARGV[3])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "return 0\n",
    [S_FAIL] = /* ARGV: ended, ttl_ms, message, running_only (0|1) */
    "local s = redis.call('HGET', KEYS[1], 's')\n"
    "if not s then return -1 end\n"
    "if s ~= '2' and (s ~= '1' or ARGV[4] == '1') then return -2 end\n"
    "redis.call('HSET', KEYS[1], 's', '4', 'p', '1', 'e', ARGV[1],\n"
    "           'l', '0', 'msg', ARGV[3])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "return 0\n",
};

/* What a redis URL names. */
typedef struct rurl {
    char host[HOST_MAX];
    unsigned port;
    char *user; /* NULL: none */
    char *pass; /* NULL: no AUTH */
    unsigned db;
} rurl;

typedef struct rstore {
    ladon_store base;
    rurl url;
    unsigned timeout_ms;
    size_t max_result;
    char prefix[LADON_STORE_PREFIX_MAX];
    char sha[S_COUNT][41]; /* "" when SCRIPT LOAD failed: always EVAL */
    ladon__gate gate;
    pthread_mutex_t mu; /* guards idle, nidle */
    redisContext *idle[POOL_MAX];
    unsigned nidle;
} rstore;

/* ---- commands ---------------------------------------------------------- */

/* redisCommandArgv with SIGPIPE blocked in this thread; a SIGPIPE raised
 * meanwhile is consumed (unless one was already pending). */
static redisReply *command(redisContext *c, int argc, const char **argv,
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

/* A new authenticated context on the right database; LADON_ESTORE with the
 * reason in err (may be NULL), or LADON_ENOMEM. */
/* Runs a command of the connection set-up (AUTH, SELECT); 0 on OK, else -1
 * with "redis at HOST:PORT refused WHAT[ ARG1]: reason" in err (AUTH's
 * arguments, the secrets, are never shown). */
static int setup_command(const rstore *rs, redisContext *c, int argc, const char **argv,
                         const size_t *lens, const char *what, char *err, size_t errlen)
{
    redisReply *r = command(c, argc, argv, lens);
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

static int conn_get(rstore *rs, redisContext **out)
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
static void conn_put(rstore *rs, redisContext *c, int broken)
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

static size_t make_key(const rstore *rs, int32_t id, char *key)
{
    int n = snprintf(key, KEY_MAX, "%s%" PRId32, rs->prefix, id);
    return n > 0 ? (size_t)n : 0;
}

#define EVAL_ARGS_MAX 4

/* Runs script s on id's key with args; its integer answer in *answer. */
static int eval(rstore *rs, int s, int32_t id, int nargs, const char **args,
                const size_t *lens, long long *answer)
{
    char key[KEY_MAX];
    const char *argv[4 + EVAL_ARGS_MAX];
    size_t argl[4 + EVAL_ARGS_MAX];
    argv[2] = "1";
    argl[2] = 1;
    argl[3] = make_key(rs, id, key);
    argv[3] = key;
    for (int i = 0; i < nargs; i++) {
        argv[4 + i] = args[i];
        argl[4 + i] = lens[i];
    }
    redisContext *c;
    int rc = conn_get(rs, &c);
    if (rc != 0)
        return rc;
    int use_sha = rs->sha[s][0] != '\0', broken = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        argv[0] = use_sha ? "EVALSHA" : "EVAL";
        argl[0] = strlen(argv[0]);
        argv[1] = use_sha ? rs->sha[s] : script_src[s];
        argl[1] = strlen(argv[1]);
        redisReply *r = command(c, 4 + nargs, argv, argl);
        if (r == NULL) {
            broken = 1;
            rc = c->err == REDIS_ERR_OOM ? LADON_ENOMEM : LADON_ESTORE;
            break;
        }
        if (use_sha && r->type == REDIS_REPLY_ERROR &&
            strncmp(r->str, "NOSCRIPT", 8) == 0) {
            freeReplyObject(r); /* flushed or restarted: send the text */
            use_sha = 0;
            continue;
        }
        if (r->type == REDIS_REPLY_INTEGER) {
            *answer = r->integer;
            rc = 0;
        } else {
            rc = LADON_ESTORE; /* OOM, READONLY, LOADING, WRONGTYPE... */
        }
        freeReplyObject(r);
        break;
    }
    conn_put(rs, c, broken);
    return rc;
}

static int answer_rc(long long a)
{
    switch (a) {
    case 0: return 0;
    case -1: return LADON_ENOTFOUND;
    case -2: return LADON_ESTATE;
    default: return LADON_ESTORE;
    }
}

static size_t fmt_double(char *buf, size_t size, double d)
{
    int n = snprintf(buf, size, "%.17g", d);
    return n > 0 ? (size_t)n : 0;
}

static size_t fmt_ttl_ms(char *buf, size_t size, unsigned ttl_s)
{
    int n = snprintf(buf, size, "%llu", (unsigned long long)ttl_s * 1000ull);
    return n > 0 ? (size_t)n : 0;
}

/* ---- ops --------------------------------------------------------------- */

#define FORM "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]"

/* The URL after "redis:": "//", optional credentials (%-escaped), host,
 * port and "/db".  Fills u (free it with rurl_free, also on failure);
 * LADON_EINVAL with the reason in err. */
static int parse_url(rurl *u, const char *rest, char *err, size_t errlen)
{
    if (strncmp(rest, "//", 2) != 0 || rest[2] == '\0')
        return ladon__errf(err, errlen, LADON_EINVAL, "expected " FORM);
    const char *auth = rest + 2;
    if (strpbrk(auth, "?#") != NULL)
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "no query allowed; expected " FORM);
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
static int rd_check(const char *rest, unsigned *props, char *err,
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

/* Loads the scripts and reads proto-max-bulk-len, on the first connection;
 * failures there only cost speed (EVAL) or assume the default. */
static void learn_server(rstore *rs, redisContext *c)
{
    for (int s = 0; s < S_COUNT; s++) {
        const char *argv[3] = {"SCRIPT", "LOAD", script_src[s]};
        size_t lens[3] = {6, 4, strlen(script_src[s])};
        redisReply *r = command(c, 3, argv, lens);
        rs->sha[s][0] = '\0';
        if (r != NULL && r->type == REDIS_REPLY_STRING && r->len == 40)
            memcpy(rs->sha[s], r->str, 41);
        if (r != NULL)
            freeReplyObject(r);
    }
    rs->max_result = DEFAULT_MAX_BULK;
    const char *argv[3] = {"CONFIG", "GET", "proto-max-bulk-len"};
    size_t lens[3] = {6, 3, 18};
    redisReply *r = command(c, 3, argv, lens);
    if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[1]->type == REDIS_REPLY_STRING) {
        char *end;
        unsigned long long v = strtoull(r->element[1]->str, &end, 10);
        if (*end == '\0' && v > 0 && v <= SIZE_MAX)
            rs->max_result = (size_t)v;
    }
    if (r != NULL)
        freeReplyObject(r);
}

static int rd_open(ladon_store **out, const char *rest,
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
    redisReply *pong = command(c, 1, ping, ping_len);
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
        learn_server(rs, c);
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

static void rd_close(ladon_store *st)
{
    rstore *rs = (rstore *)st;
    ladon__gate_destroy(&rs->gate);
    pthread_mutex_destroy(&rs->mu);
    rs_free(rs);
}

/* PEXPIRE of a QUEUED or RUNNING record (written on add, start and touch):
 * the lease plus the ttl, so a live task, whose lease is renewed every
 * lease/3, never expires, and one whose process died (or whose create timed
 * out after redis stored it) expires ttl seconds after its lease passed. */
static size_t fmt_unended_ms(const ladon_store *st, char *buf, size_t size)
{
    return fmt_ttl_ms(buf, size, st->lease_s + 1u + st->opts.ttl_s);
}

static int rd_add(ladon_store *st, int32_t id, const char *method,
                  double starttime)
{
    char t[32], l[32], x[32];
    const char *args[4] = {method, t, l, x};
    size_t lens[4] = {strlen(method), fmt_double(t, sizeof t, starttime),
                      fmt_double(l, sizeof l,
                                 ladon__store_realtime(st) + st->lease_s),
                      fmt_unended_ms(st, x, sizeof x)};
    long long a;
    int rc = eval((rstore *)st, S_ADD, id, 4, args, lens, &a);
    if (rc != 0)
        return rc;
    return a == 1 ? LADON_STORE_EXISTS : answer_rc(a);
}

static int rd_start(ladon_store *st, int32_t id, ladon_task_live *live)
{
    (void)live; /* progress is published by the engine */
    char l[32], x[32];
    const char *args[2] = {l, x};
    size_t lens[2] = {
        fmt_double(l, sizeof l, ladon__store_realtime(st) + st->lease_s),
        fmt_unended_ms(st, x, sizeof x)};
    long long a;
    int rc = eval((rstore *)st, S_START, id, 2, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int rd_progress(ladon_store *st, int32_t id, double fraction)
{
    char p[32];
    const char *args[1] = {p};
    size_t lens[1] = {fmt_double(p, sizeof p, fraction)};
    long long a;
    int rc = eval((rstore *)st, S_PROGRESS, id, 1, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int rd_touch(ladon_store *st, int32_t id, double fraction)
{
    char l[32], p[32], x[32];
    const char *args[3] = {l, p, x};
    size_t lens[3] = {
        fmt_double(l, sizeof l, ladon__store_realtime(st) + st->lease_s),
        fmt_double(p, sizeof p, fraction), fmt_unended_ms(st, x, sizeof x)};
    long long a;
    int rc = eval((rstore *)st, S_TOUCH, id, 3, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int do_fail(rstore *rs, int32_t id, const char *message,
                   unsigned ttl_s, int running_only)
{
    char e[32], ttl[32];
    size_t mlen = strnlen(message, LADON_TASK_MESSAGE_MAX - 1);
    const char *args[4] = {e, ttl, message, running_only ? "1" : "0"};
    size_t lens[4] = {
        fmt_double(e, sizeof e, ladon__store_realtime(&rs->base)),
        fmt_ttl_ms(ttl, sizeof ttl, ttl_s), mlen, 1};
    long long a;
    int rc = eval(rs, S_FAIL, id, 4, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int rd_fail(ladon_store *st, int32_t id, const char *message,
                   unsigned ttl_s)
{
    return do_fail((rstore *)st, id, message, ttl_s, 0);
}

static int rd_finish(ladon_store *st, int32_t id, const void *result,
                     size_t len, unsigned ttl_s)
{
    rstore *rs = (rstore *)st;
    if (len > rs->max_result) {
        char msg[LADON_TASK_MESSAGE_MAX];
        snprintf(msg, sizeof msg, LADON_TASK_TOO_LARGE_MESSAGE, len);
        int rc = do_fail(rs, id, msg, ttl_s, 1);
        return rc == 0 ? LADON_EINVAL : rc;
    }
    char e[32], ttl[32];
    const char *args[3] = {e, ttl, len > 0 ? result : ""};
    size_t lens[3] = {fmt_double(e, sizeof e, ladon__store_realtime(st)),
                      fmt_ttl_ms(ttl, sizeof ttl, ttl_s), len};
    long long a;
    int rc = eval(rs, S_FINISH, id, 3, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int parse_double(const redisReply *r, double *out)
{
    if (r->type != REDIS_REPLY_STRING || r->len == 0 || r->len > 40)
        return LADON_ESTORE;
    char *end;
    errno = 0;
    double d = strtod(r->str, &end);
    if (*end != '\0' || errno != 0)
        return LADON_ESTORE;
    *out = d;
    return 0;
}

enum { F_M, F_S, F_T, F_E, F_P, F_L, F_MSG, F_R, F_COUNT };

static int rd_get(ladon_store *st, const char *method, int32_t id,
                  ladon_task_record *out, int want_result)
{
    rstore *rs = (rstore *)st;
    char key[KEY_MAX];
    const char *argv[2 + F_COUNT] = {"HMGET", key, "m", "s", "t", "e",
                                     "p",     "l", "msg", "r"};
    size_t argl[2 + F_COUNT] = {5, make_key(rs, id, key), 1, 1, 1, 1, 1, 1,
                                3, 1};
    int argc = want_result ? 2 + F_COUNT : 2 + F_COUNT - 1;
    redisContext *c;
    int rc = conn_get(rs, &c);
    if (rc != 0)
        return rc;
    redisReply *r = command(c, argc, argv, argl);
    if (r == NULL) {
        rc = c->err == REDIS_ERR_OOM ? LADON_ENOMEM : LADON_ESTORE;
        conn_put(rs, c, 1);
        return rc;
    }
    conn_put(rs, c, 0);
    if (r->type != REDIS_REPLY_ARRAY || r->elements != (size_t)(argc - 2)) {
        freeReplyObject(r);
        return LADON_ESTORE; /* WRONGTYPE and the like */
    }
    redisReply **f = r->element;
    double now = ladon__store_realtime(st);
    if (f[F_M]->type == REDIS_REPLY_NIL && f[F_S]->type == REDIS_REPLY_NIL) {
        rc = LADON_ENOTFOUND; /* expired, evicted, removed or never there */
        goto out;
    }
    rc = LADON_ESTORE; /* anything below that does not check out */
    if (f[F_M]->type != REDIS_REPLY_STRING ||
        f[F_S]->type != REDIS_REPLY_STRING || f[F_S]->len != 1 ||
        f[F_S]->str[0] < '1' || f[F_S]->str[0] > '4')
        goto out;
    if (f[F_M]->len != strlen(method) ||
        memcmp(f[F_M]->str, method, f[F_M]->len) != 0) {
        rc = LADON_ENOTFOUND; /* another method's task */
        goto out;
    }
    ladon_task_state state = (ladon_task_state)(f[F_S]->str[0] - '0');
    int ended = state == LADON_TASK_DONE || state == LADON_TASK_FAILED;
    double t, p, x;
    if (parse_double(f[F_T], &t) != 0 || parse_double(f[F_P], &p) != 0 ||
        parse_double(ended ? f[F_E] : f[F_L], &x) != 0)
        goto out;
    out->info.id = id;
    out->info.state = state;
    out->info.starttime = t;
    if (ended) {
        out->info.progress = 1.0;
        out->info.duration = x > t ? x - t : 0.0;
    } else {
        out->info.progress = p;
        out->info.duration = now > t ? now - t : 0.0;
        out->lease_until = x;
    }
    snprintf(out->method, sizeof out->method, "%s", method);
    if (state == LADON_TASK_FAILED) {
        if (f[F_MSG]->type != REDIS_REPLY_STRING)
            goto out;
        size_t n = f[F_MSG]->len < sizeof out->message - 1
                       ? f[F_MSG]->len
                       : sizeof out->message - 1;
        memcpy(out->message, f[F_MSG]->str, n);
        out->message[n] = '\0';
    }
    if (want_result && state == LADON_TASK_DONE) {
        if (f[F_R]->type != REDIS_REPLY_STRING)
            goto out;
        size_t n = f[F_R]->len;
        out->result = malloc(n + 1);
        if (out->result == NULL) {
            rc = LADON_ENOMEM;
            goto out;
        }
        memcpy(out->result, f[F_R]->str, n);
        ((char *)out->result)[n] = '\0';
        out->result_len = n;
    }
    rc = 0;
out:
    freeReplyObject(r);
    return rc;
}

static int rd_remove(ladon_store *st, int32_t id)
{
    rstore *rs = (rstore *)st;
    char key[KEY_MAX];
    const char *argv[2] = {"DEL", key};
    size_t argl[2] = {3, make_key(rs, id, key)};
    redisContext *c;
    int rc = conn_get(rs, &c);
    if (rc != 0)
        return rc;
    redisReply *r = command(c, 2, argv, argl);
    if (r == NULL) {
        rc = c->err == REDIS_ERR_OOM ? LADON_ENOMEM : LADON_ESTORE;
        conn_put(rs, c, 1);
        return rc;
    }
    conn_put(rs, c, 0);
    if (r->type != REDIS_REPLY_INTEGER)
        rc = LADON_ESTORE;
    else
        rc = r->integer > 0 ? 0 : LADON_ENOTFOUND;
    freeReplyObject(r);
    return rc;
}

const ladon_store_ops ladon__store_redis_ops = {
    .scheme = "redis",
    .open = rd_open,
    .close = rd_close,
    .add = rd_add,
    .start = rd_start,
    .progress = rd_progress,
    .touch = rd_touch,
    .finish = rd_finish,
    .fail = rd_fail,
    .get = rd_get,
    .remove = rd_remove,
    .sweep = NULL, /* redis expires records itself */
    .stats = NULL, /* and counting by prefix would need a SCAN */
    .form = FORM,
    .check = rd_check,
};
