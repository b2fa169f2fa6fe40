/* store_memcached.c - task records in memcached ("memcached://h:p,...").
 *
 * DESIGN
 *
 * Servers.  memcached://host[:port][,host[:port]...] (port 11211 by
 * default; IPv6 literals in brackets).  Keys are spread over the servers by
 * consistent hashing (ketama, MD5), which depends on the set of "host:port"
 * names and not on their order, so every process listing the same servers
 * finds every key.  A server that fails is NOT ejected: its keys answer
 * LADON_ESTORE until it is back (ejecting would move them to another server,
 * where they would read as unknown and later reappear stale).
 *
 * Connections.  libmemcachedutil's thread-safe pool of memcached_st clones
 * (at most POOL_MAX, created on demand), fetched without waiting; a gate
 * (store_remote.c) in front of it bounds the wait for a free one to exactly
 * timeout_ms (the pool's own timed wait only has whole-second resolution).
 * Each clone has the connect, poll, send and receive timeouts of the store
 * (opts.timeout_ms) and non-blocking sockets, so no call hangs; a failed
 * server is retried after RETRY_S seconds, and until then its operations
 * fail at once.  The ASCII protocol is used: gets/cas give compare-and-swap
 * there just as well, and the binary protocol is deprecated by memcached.
 *
 * Keys.  "<prefix><id>" holds the record; "<prefix><id>/<gen>/<i>" the
 * chunks of a large result (gen: 16 random hex digits per finish).
 *
 * Record (little-endian, REC_VERSION 1):
 *     0 u8  version         1 u8 state      2 u8 flags (1: chunked)
 *     3 u8  method length   4 u16 message length          6 u16 0
 *     8 f64 starttime      16 f64 ended (0 before)       24 f64 progress
 *    32 f64 lease_until (0 once ended)                   40 u64 result length
 *    [chunked: 48 u64 gen, 56 u64 FNV-1a 64 of the result,
 *              64 u32 number of chunks, 68 u32 chunk size]
 *    then the method, the message and, unless chunked, the result bytes.
 * A value that does not decode exactly is LADON_ESTORE (never guessed at).
 *
 * Transitions.  add is memcached_add (add-if-absent).  Every other change
 * is gets + cas, retried on a cas conflict, with the state checked on the
 * value read: so a transition from the wrong state changes nothing
 * (LADON_ESTATE), and a record that vanished (expired, evicted, removed)
 * is LADON_ENOTFOUND and is never re-created (cas needs the item).
 * QUEUED and RUNNING records expire ttl seconds after their lease passes
 * (renewing the lease renews the expiry: unended_expiration); DONE and
 * FAILED ones ttl_s after they ended.  memcached may still evict any item when it is full
 * (unless started with -M): an evicted record then reads as unknown.
 *
 * Large results.  A result that does not fit in one item with the record is
 * cut into chunks of the largest item value the servers accept (their
 * item_size_max, read at open, less a margin for key and item header).
 * finish first checks the record is RUNNING, writes the chunks (expiring a
 * little after the record), then cas-es the record, which carries the
 * length, chunk count and checksum; a get of the result reads all chunks
 * and checks every length and the checksum, and a chunk that is missing
 * (evicted) makes it LADON_ENOTFOUND, like an expired record.  So a reader
 * gets the whole result or none; removing the record removes its chunks.
 * Results above MAX_CHUNKS chunks (64 MB with the default 1 MB items) fail
 * the task with LADON_TASK_TOO_LARGE_MESSAGE and finish returns
 * LADON_EINVAL; so does a server refusing an item as too big.
 *
 * Leases.  lease_until = now + lease_s on add, start and touch (touch is
 * one gets + cas, raising the progress too).  Times come from the store's
 * clock (realtime).
 *
 * Locking.  No lock of this file is held during I/O: the gate's mutex and
 * the pool's are leaves, taken only to hand out or take back a clone, and a
 * clone is used by one thread at a time.  The store object is read-only
 * after open.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <inttypes.h>
#include <libmemcached/memcached.h>
#include <libmemcached/util.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"
#include "../log.h"
#include "ladon/error.h"
#include "ladon/store.h"
#include "mc_record.h"
#include "task_internal.h"

#define DEFAULT_PORT 11211u
#define POOL_MAX 64u
#define RETRY_S 1
#define MAX_SERVERS 64
#define HOST_MAX 256
#define KEY_MAX 128
#define CAS_TRIES 100
/* room for key, item header, cas and flags in an item of item_size_max */
#define ITEM_MARGIN 512u
#define DEFAULT_ITEM_SIZE (1024u * 1024u)
/* memcached reads an expiration above 30 days as a Unix time */
#define RELATIVE_EXPIRY_MAX 2592000u


/* internal statuses (positive, never returned to callers) */
#define ST_NOCHANGE 1 /* nothing to write */
#define ST_TOOBIG 2   /* the server refused an item as too large */

typedef struct mcstore {
    ladon_store base;
    memcached_st *master;
    memcached_pool_st *pool;
    ladon__gate gate;
    unsigned timeout_ms;
    size_t chunk_max;  /* value bytes per item */
    size_t max_result; /* MAX_CHUNKS * chunk_max */
    char prefix[LADON_STORE_PREFIX_MAX];
} mcstore;


/* ---- record helpers ---------------------------------------------------- */

static int is_ended(ladon_task_state s)
{
    return s == LADON_TASK_DONE || s == LADON_TASK_FAILED;
}

/* ---- keys, expiry, errors ---------------------------------------------- */

static size_t main_key(const mcstore *ms, int32_t id, char *key)
{
    int n = snprintf(key, KEY_MAX, "%s%" PRId32, ms->prefix, id);
    return n > 0 ? (size_t)n : 0;
}

static size_t chunk_key(const mcstore *ms, int32_t id, uint64_t gen,
                        uint32_t i, char *key)
{
    int n = snprintf(key, KEY_MAX, "%s%" PRId32 "/%016" PRIx64 "/%" PRIu32,
                     ms->prefix, id, gen, i);
    return n > 0 ? (size_t)n : 0;
}

static time_t expiration(unsigned secs)
{
    if (secs <= RELATIVE_EXPIRY_MAX)
        return (time_t)secs;
    return time(NULL) + (time_t)secs;
}

/* Expiry of a QUEUED or RUNNING record whose lease passes at lease_until:
 * the task's process renews the lease (and so this expiry) every lease/3,
 * so a live task never expires; one whose process died (or whose create
 * timed out after the server stored it) expires ttl seconds after its lease
 * passed, as a task failed at that moment would. */
static time_t unended_expiration(const mcstore *ms, double lease_until)
{
    double left = lease_until - ladon__store_realtime(&ms->base);
    unsigned secs = (left > 0.0 ? (unsigned)left + 1u : 1u) + ms->base.opts.ttl_s;
    return expiration(secs);
}

static int map_rc(memcached_return_t r)
{
    switch (r) {
    case MEMCACHED_SUCCESS: return 0;
    case MEMCACHED_NOTFOUND: return LADON_ENOTFOUND;
    case MEMCACHED_MEMORY_ALLOCATION_FAILURE: return LADON_ENOMEM;
    case MEMCACHED_E2BIG: return ST_TOOBIG;
    default: return LADON_ESTORE;
    }
}

/* ---- connections ------------------------------------------------------- */

static int conn_get(mcstore *ms, memcached_st **out)
{
    int rc = ladon__gate_enter(&ms->gate, ms->timeout_ms);
    if (rc != 0)
        return rc;
    /* a permit guarantees a free or creatable clone: never waits */
    struct timespec no_wait = {0, 0};
    memcached_return_t r;
    memcached_st *mc = memcached_pool_fetch(ms->pool, &no_wait, &r);
    if (mc == NULL) {
        ladon__gate_leave(&ms->gate);
        return LADON_ENOMEM; /* cloning the master failed */
    }
    *out = mc;
    return 0;
}

static void conn_put(mcstore *ms, memcached_st *mc)
{
    (void)memcached_pool_release(ms->pool, mc);
    ladon__gate_leave(&ms->gate);
}

/* Reads one item: 0 with a malloc()ed copy of its value (and its cas),
 * LADON_ENOTFOUND, LADON_ESTORE or LADON_ENOMEM. */
static int item_gets(memcached_st *mc, const char *key, size_t klen,
                     unsigned char **val, size_t *len, uint64_t *cas)
{
    const char *keys[1] = {key};
    size_t lens[1] = {klen};
    memcached_return_t r = memcached_mget(mc, keys, lens, 1);
    if (r != MEMCACHED_SUCCESS)
        return r == MEMCACHED_MEMORY_ALLOCATION_FAILURE ? LADON_ENOMEM
                                                         : LADON_ESTORE;
    int rc = LADON_ENOTFOUND;
    memcached_result_st *res;
    while ((res = memcached_fetch_result(mc, NULL, &r)) != NULL) {
        if (rc == LADON_ENOTFOUND &&
            memcached_result_key_length(res) == klen &&
            memcmp(memcached_result_key_value(res), key, klen) == 0) {
            size_t n = memcached_result_length(res);
            unsigned char *copy = malloc(n > 0 ? n : 1);
            if (copy == NULL) {
                rc = LADON_ENOMEM;
            } else {
                if (n > 0)
                    memcpy(copy, memcached_result_value(res), n);
                *val = copy;
                *len = n;
                *cas = memcached_result_cas(res);
                rc = 0;
            }
        }
        memcached_result_free(res);
    }
    if (r != MEMCACHED_END && r != MEMCACHED_NOTFOUND &&
        r != MEMCACHED_SUCCESS) {
        if (rc == 0)
            free(*val);
        return r == MEMCACHED_MEMORY_ALLOCATION_FAILURE ? LADON_ENOMEM
                                                         : LADON_ESTORE;
    }
    return rc;
}

static void chunks_delete(mcstore *ms, memcached_st *mc, int32_t id,
                          uint64_t gen, uint32_t n)
{
    char key[KEY_MAX];
    for (uint32_t i = 0; i < n; i++) {
        size_t klen = chunk_key(ms, id, gen, i, key);
        (void)memcached_delete(mc, key, klen, 0); /* best effort */
    }
}

/* Writes the chunks of result; 0, ST_TOOBIG, LADON_ESTORE. */
static int chunks_put(mcstore *ms, memcached_st *mc, int32_t id,
                      const mcrec *r, const unsigned char *result,
                      unsigned ttl_s)
{
    char key[KEY_MAX];
    /* outlive the record by a little: never a record without its chunks */
    time_t exp = expiration(ttl_s + 2u);
    for (uint32_t i = 0; i < r->nchunks; i++) {
        size_t off = (size_t)i * r->chunk_size;
        size_t n = (size_t)r->result_len - off;
        if (n > r->chunk_size)
            n = r->chunk_size;
        size_t klen = chunk_key(ms, id, r->gen, i, key);
        memcached_return_t m = memcached_set(
            mc, key, klen, (const char *)result + off, n, exp, 0);
        if (m != MEMCACHED_SUCCESS) {
            chunks_delete(ms, mc, id, r->gen, i);
            int rc = map_rc(m);
            return rc == ST_TOOBIG || rc == LADON_ENOMEM ? rc : LADON_ESTORE;
        }
    }
    return 0;
}

/* Reads the chunks of r into dst (result_len bytes): 0; LADON_ENOTFOUND
 * when one is missing; LADON_ESTORE when a server fails or the data do not
 * check out; LADON_ENOMEM. */
static int chunks_get(mcstore *ms, memcached_st *mc, int32_t id,
                      const mcrec *r, unsigned char *dst)
{
    uint32_t n = r->nchunks;
    char(*keys)[KEY_MAX] = malloc((size_t)n * sizeof *keys);
    const char **kp = malloc((size_t)n * sizeof *kp);
    size_t *kl = malloc((size_t)n * sizeof *kl);
    int rc = 0;
    if (keys == NULL || kp == NULL || kl == NULL) {
        rc = LADON_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        kl[i] = chunk_key(ms, id, r->gen, i, keys[i]);
        kp[i] = keys[i];
    }
    memcached_return_t m = memcached_mget(mc, kp, kl, n);
    if (m != MEMCACHED_SUCCESS) {
        /* a failed server; still drain what the others send */
        rc = m == MEMCACHED_MEMORY_ALLOCATION_FAILURE ? LADON_ENOMEM
                                                       : LADON_ESTORE;
    }
    uint64_t seen = 0;
    memcached_result_st *res;
    while ((res = memcached_fetch_result(mc, NULL, &m)) != NULL) {
        const char *k = memcached_result_key_value(res);
        size_t klen = memcached_result_key_length(res);
        const char *slash = klen > 0 ? memrchr(k, '/', klen) : NULL;
        uint32_t i = 0;
        int ok = slash != NULL && slash + 1 < k + klen;
        for (const char *q = ok ? slash + 1 : k + klen; q < k + klen; q++) {
            if (*q < '0' || *q > '9' || i >= MAX_CHUNKS) {
                ok = 0;
                break;
            }
            i = i * 10 + (uint32_t)(*q - '0');
        }
        ok = ok && i < n && kl[i] == klen && memcmp(keys[i], k, klen) == 0;
        if (ok) {
            size_t off = (size_t)i * r->chunk_size;
            size_t want = (size_t)r->result_len - off;
            if (want > r->chunk_size)
                want = r->chunk_size;
            if (memcached_result_length(res) != want) {
                if (rc == 0)
                    rc = LADON_ESTORE;
            } else {
                memcpy(dst + off, memcached_result_value(res), want);
                seen |= 1ull << i;
            }
        }
        memcached_result_free(res);
    }
    if (rc == 0 && m != MEMCACHED_END && m != MEMCACHED_NOTFOUND &&
        m != MEMCACHED_SUCCESS)
        rc = LADON_ESTORE;
    if (rc == 0) {
        uint64_t all = n == 64 ? UINT64_MAX : (1ull << n) - 1;
        if (seen != all)
            rc = LADON_ENOTFOUND; /* evicted or expired: the record is gone */
        else if (ladon__fnv1a64(dst, (size_t)r->result_len) != r->sum)
            rc = LADON_ESTORE;
    }
out:
    free(keys);
    free(kp);
    free(kl);
    return rc;
}

/* ---- transitions ------------------------------------------------------- */

enum change_kind { CH_START, CH_PROGRESS, CH_TOUCH, CH_FINISH, CH_FAIL };

typedef struct change {
    enum change_kind kind;
    double fraction;   /* PROGRESS, TOUCH (< 0: none) */
    unsigned ttl_s;    /* FINISH, FAIL */
    const char *message;
    int running_only;  /* FAIL from RUNNING only (a result too large) */
    /* FINISH */
    const unsigned char *result;
    size_t len;
    int chunked, chunks_written;
    uint64_t gen, sum;
    uint32_t nchunks;
} change;

/* Changes r as ch says; 0 to write it (with expiry *exp), ST_NOCHANGE,
 * LADON_ESTATE, or an error writing chunks. */
static int apply(mcstore *ms, memcached_st *mc, int32_t id, mcrec *r,
                 change *ch, time_t *exp)
{
    double now = ladon__store_realtime(&ms->base);
    *exp = 0;
    switch (ch->kind) {
    case CH_START:
        if (r->state != LADON_TASK_QUEUED)
            return LADON_ESTATE;
        r->state = LADON_TASK_RUNNING;
        r->lease_until = now + ms->base.lease_s;
        *exp = unended_expiration(ms, r->lease_until);
        return 0;
    case CH_PROGRESS:
        if (r->state != LADON_TASK_RUNNING)
            return LADON_ESTATE;
        if (!(ch->fraction > r->progress))
            return ST_NOCHANGE;
        r->progress = ch->fraction;
        *exp = unended_expiration(ms, r->lease_until);
        return 0;
    case CH_TOUCH:
        if (is_ended(r->state))
            return LADON_ESTATE;
        r->lease_until = now + ms->base.lease_s;
        if (r->state == LADON_TASK_RUNNING && ch->fraction > r->progress)
            r->progress = ch->fraction;
        *exp = unended_expiration(ms, r->lease_until);
        return 0;
    case CH_FINISH:
        if (r->state != LADON_TASK_RUNNING)
            return LADON_ESTATE;
        r->result_len = ch->len;
        if (ch->chunked) {
            if (!ch->chunks_written) { /* once, on the first RUNNING read */
                int rc = ladon__random_u64(&ch->gen);
                if (rc != 0)
                    return rc;
                ch->sum = ladon__fnv1a64(ch->result, ch->len);
            }
            r->flags = F_CHUNKED;
            r->gen = ch->gen;
            r->sum = ch->sum;
            r->nchunks = ch->nchunks;
            r->chunk_size = (uint32_t)ms->chunk_max;
            if (!ch->chunks_written) {
                int rc = chunks_put(ms, mc, id, r, ch->result, ch->ttl_s);
                if (rc != 0)
                    return rc;
                ch->chunks_written = 1;
            }
        } else {
            r->inline_result = ch->result;
        }
        break;
    case CH_FAIL:
        if (is_ended(r->state) ||
            (ch->running_only && r->state != LADON_TASK_RUNNING))
            return LADON_ESTATE;
        snprintf(r->message, sizeof r->message, "%s", ch->message);
        break;
    }
    /* FINISH, FAIL: the record ends */
    r->state = ch->kind == CH_FINISH ? LADON_TASK_DONE : LADON_TASK_FAILED;
    r->progress = 1.0;
    r->ended = now;
    r->lease_until = 0.0;
    *exp = expiration(ch->ttl_s);
    return 0;
}

static void conflict_backoff(int tries)
{
    if (tries < 4) {
        sched_yield();
        return;
    }
    struct timespec ts = {0, 50000L * (tries < 40 ? tries : 40)};
    nanosleep(&ts, NULL);
}

/* gets + apply + cas, retried on a cas conflict. */
static int transition_on(mcstore *ms, memcached_st *mc, int32_t id,
                         change *ch)
{
    char key[KEY_MAX];
    size_t klen = main_key(ms, id, key);
    for (int tries = 0; tries < CAS_TRIES; tries++) {
        unsigned char *val = NULL, *enc = NULL;
        size_t len = 0, elen = 0;
        uint64_t cas = 0;
        int rc = item_gets(mc, key, klen, &val, &len, &cas);
        if (rc != 0)
            return rc;
        mcrec r;
        time_t exp = 0;
        rc = ladon__mcrec_decode(&r, val, len);
        if (rc == 0)
            rc = apply(ms, mc, id, &r, ch, &exp);
        if (rc == 0)
            rc = ladon__mcrec_encode(&r, &enc, &elen);
        free(val);
        if (rc == ST_NOCHANGE)
            return 0;
        if (rc != 0)
            return rc;
        memcached_return_t m = memcached_cas(mc, key, klen, (const char *)enc,
                                             elen, exp, 0, cas);
        free(enc);
        if (m == MEMCACHED_DATA_EXISTS) { /* someone wrote in between */
            conflict_backoff(tries);
            continue;
        }
        rc = map_rc(m);
        return rc == 0 || rc == LADON_ENOTFOUND || rc == ST_TOOBIG ||
                       rc == LADON_ENOMEM
                   ? rc
                   : LADON_ESTORE;
    }
    return LADON_ESTORE; /* livelock: give up rather than spin */
}

static int transition(mcstore *ms, int32_t id, change *ch)
{
    memcached_st *mc;
    int rc = conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    rc = transition_on(ms, mc, id, ch);
    conn_put(ms, mc);
    return rc == ST_TOOBIG ? LADON_ESTORE : rc;
}

/* ---- ops --------------------------------------------------------------- */

static int configure(memcached_st *mc, unsigned timeout_ms)
{
    static const struct {
        memcached_behavior_t flag;
        int scale; /* 0: fixed value v; 1: timeout_ms; 1000: in us */
        uint64_t v;
    } b[] = {
        {MEMCACHED_BEHAVIOR_KETAMA, 0, 1},
        {MEMCACHED_BEHAVIOR_SUPPORT_CAS, 0, 1},
        {MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 0, 0},
        {MEMCACHED_BEHAVIOR_NO_BLOCK, 0, 1},
        {MEMCACHED_BEHAVIOR_TCP_NODELAY, 0, 1},
        {MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 0, 0},
        {MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 0, RETRY_S},
        {MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, 1, 0},
        {MEMCACHED_BEHAVIOR_POLL_TIMEOUT, 1, 0},
        {MEMCACHED_BEHAVIOR_SND_TIMEOUT, 1000, 0},
        {MEMCACHED_BEHAVIOR_RCV_TIMEOUT, 1000, 0},
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        uint64_t v = b[i].scale == 0 ? b[i].v
                                     : (uint64_t)timeout_ms * (uint64_t)b[i].scale;
        if (memcached_behavior_set(mc, b[i].flag, v) != MEMCACHED_SUCCESS)
            return LADON_ESTORE;
    }
    return 0;
}

static memcached_return_t settings_cb(const memcached_instance_st *server,
                                      const char *key, size_t key_length,
                                      const char *value, size_t value_length,
                                      void *context)
{
    (void)server;
    size_t *item_size = context;
    if (key_length == 13 && memcmp(key, "item_size_max", 13) == 0 &&
        value_length > 0 && value_length < 21) {
        char buf[24];
        memcpy(buf, value, value_length);
        buf[value_length] = '\0';
        char *end;
        unsigned long long v = strtoull(buf, &end, 10);
        if (*end == '\0' && v > 0 && v <= SIZE_MAX)
            *item_size = (size_t)v;
    }
    return MEMCACHED_SUCCESS;
}

/* Asks one server for its settings: 0 with *item_size (0 if not told), or
 * LADON_ESTORE with the reason in why. */
static int probe(const char *host, unsigned port, unsigned timeout_ms,
                 size_t *item_size, char *why, size_t whylen)
{
    memcached_st *mc = memcached_create(NULL);
    if (mc == NULL)
        return LADON_ENOMEM;
    int rc = configure(mc, timeout_ms);
    memcached_return_t m = MEMCACHED_FAILURE;
    if (rc == 0) {
        m = memcached_server_add(mc, host, (in_port_t)port);
        if (m == MEMCACHED_SUCCESS) {
            *item_size = 0;
            m = memcached_stat_execute(mc, "settings", settings_cb, item_size);
        }
        if (m != MEMCACHED_SUCCESS) {
            int e = memcached_last_error_errno(mc);
            char ebuf[128] = "";
            const char *es = e != 0 ? strerror_r(e, ebuf, sizeof ebuf) : NULL;
            snprintf(why, whylen, "%s%s%s%s", memcached_strerror(mc, m),
                     es != NULL ? " (" : "", es != NULL ? es : "",
                     es != NULL ? ")" : "");
            rc = m == MEMCACHED_MEMORY_ALLOCATION_FAILURE ? LADON_ENOMEM
                                                           : LADON_ESTORE;
        }
    } else {
        snprintf(why, whylen, "%s", "cannot configure the client");
    }
    memcached_free(mc);
    return rc;
}

static int prefix_ok(const char *p)
{
    for (; *p != '\0'; p++)
        if (*p <= ' ' || *p >= 127)
            return 0;
    return 1;
}

#define FORM "memcached://HOST[:PORT][,HOST[:PORT]...]"

typedef struct mcserver {
    char host[HOST_MAX];
    unsigned port;
} mcserver;

/* The URL after "memcached:": "//" and a comma-separated list of
 * host[:port].  Fills srv[0..MAX_SERVERS) and *nsrv; LADON_EINVAL with the
 * reason in err. */
static int parse_url(const char *rest, mcserver *srv, size_t *nsrv,
                     char *err, size_t errlen)
{
    if (strncmp(rest, "//", 2) != 0 || rest[2] == '\0')
        return ladon__errf(err, errlen, LADON_EINVAL, "expected " FORM);
    const char *list = rest + 2;
    if (strpbrk(list, "/?#@") != NULL)
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "no user, path or query allowed; expected " FORM);
    *nsrv = 0;
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        char why[128];
        if (*nsrv == MAX_SERVERS)
            return ladon__errf(err, errlen, LADON_EINVAL,
                               "more than %d servers", MAX_SERVERS);
        mcserver *s = &srv[*nsrv];
        if (ladon__parse_hostport(p, len, DEFAULT_PORT, s->host,
                                  sizeof s->host, &s->port, why,
                                  sizeof why) != 0)
            return ladon__errf(err, errlen, LADON_EINVAL,
                               "server '%.*s': %s", (int)len, p, why);
        (*nsrv)++;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

/* Every process naming the same servers shares the store. */
static int mc_check(const char *rest, unsigned *props, char *err,
                    size_t errlen)
{
    size_t nsrv;
    mcserver *srv = calloc(MAX_SERVERS, sizeof *srv);
    if (srv == NULL)
        return LADON_ENOMEM;
    int rc = parse_url(rest, srv, &nsrv, err, errlen);
    free(srv);
    if (rc == 0)
        *props = LADON_STORE_SHARED;
    return rc;
}

static int mc_open(ladon_store **out, const char *rest,
                   const ladon_store_options *opt, char *err, size_t errlen)
{
    if (!prefix_ok(opt->prefix))
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "store prefix '%s' is not usable in memcached "
                           "keys (no spaces or control characters)",
                           opt->prefix);
    size_t nsrv = 0;
    mcserver *srv = calloc(MAX_SERVERS, sizeof *srv);
    if (srv == NULL)
        return LADON_ENOMEM;
    int rc = parse_url(rest, srv, &nsrv, err, errlen);
    if (rc != 0)
        goto fail;

    /* at least one server must answer; learn the item size limit */
    size_t item_size = 0, answered = 0, used = 0;
    char reasons[512] = "";
    for (size_t i = 0; i < nsrv; i++) {
        size_t isz = 0;
        char why[160];
        int prc = probe(srv[i].host, srv[i].port, opt->timeout_ms, &isz, why,
                        sizeof why);
        if (prc == LADON_ENOMEM) {
            rc = prc;
            goto fail;
        }
        if (prc == 0) {
            answered++;
            if (isz > 0 && (item_size == 0 || isz < item_size))
                item_size = isz;
        } else if (used + 1 < sizeof reasons) {
            int n = snprintf(reasons + used, sizeof reasons - used,
                             "%s%s:%u: %s", used == 0 ? "" : "; ",
                             srv[i].host, srv[i].port, why);
            if (n > 0)
                used += (size_t)n < sizeof reasons - used
                            ? (size_t)n
                            : sizeof reasons - used - 1;
        }
    }
    if (answered == 0) {
        rc = ladon__errf(err, errlen, LADON_ESTORE,
                         "no memcached server answers (%s)", reasons);
        goto fail;
    }
    if (answered < nsrv) /* its keys answer "store unavailable" for now */
        LADON_LOGW("memcached store: %zu of %zu servers do not answer: %s",
                   nsrv - answered, nsrv, reasons);
    if (item_size == 0)
        item_size = DEFAULT_ITEM_SIZE;
    if (item_size < 2 * ITEM_MARGIN)
        item_size = 2 * ITEM_MARGIN; /* memcached's minimum is 1 KB */

    mcstore *ms = calloc(1, sizeof *ms);
    if (ms == NULL) {
        rc = LADON_ENOMEM;
        goto fail;
    }
    ms->timeout_ms = opt->timeout_ms;
    ms->chunk_max = item_size - ITEM_MARGIN;
    if (ms->chunk_max > UINT32_MAX)
        ms->chunk_max = UINT32_MAX;
    ms->max_result = MAX_CHUNKS * ms->chunk_max;
    snprintf(ms->prefix, sizeof ms->prefix, "%s", opt->prefix);
    ms->master = memcached_create(NULL);
    if (ms->master == NULL) {
        free(ms);
        rc = LADON_ENOMEM;
        goto fail;
    }
    rc = configure(ms->master, opt->timeout_ms);
    for (size_t i = 0; rc == 0 && i < nsrv; i++)
        if (memcached_server_add(ms->master, srv[i].host,
                                 (in_port_t)srv[i].port) != MEMCACHED_SUCCESS)
            rc = LADON_ENOMEM;
    if (rc == 0) {
        ms->pool = memcached_pool_create(ms->master, 1, POOL_MAX);
        if (ms->pool == NULL)
            rc = LADON_ENOMEM;
    }
    if (rc == 0) {
        rc = ladon__gate_init(&ms->gate, POOL_MAX);
        if (rc != 0)
            (void)memcached_pool_destroy(ms->pool);
    }
    if (rc != 0) {
        memcached_free(ms->master);
        free(ms);
        ladon__errf(err, errlen, rc, "%s", "cannot set up the memcached "
                    "client (out of memory or bad behaviour settings)");
        goto fail;
    }
    free(srv);
    ms->base.caps = 0;
    ms->base.lease_s = opt->lease_s;
    *out = &ms->base;
    return 0;
fail:
    free(srv);
    return rc;
}

static void mc_close(ladon_store *st)
{
    mcstore *ms = (mcstore *)st;
    memcached_st *master = memcached_pool_destroy(ms->pool);
    memcached_free(master != NULL ? master : ms->master);
    ladon__gate_destroy(&ms->gate);
    free(ms);
}

static int mc_add(ladon_store *st, int32_t id, const char *method,
                  double starttime)
{
    mcstore *ms = (mcstore *)st;
    mcrec r;
    memset(&r, 0, sizeof r);
    r.state = LADON_TASK_QUEUED;
    r.starttime = starttime;
    r.lease_until = ladon__store_realtime(st) + st->lease_s;
    snprintf(r.method, sizeof r.method, "%s", method);
    unsigned char *enc;
    size_t elen;
    int rc = ladon__mcrec_encode(&r, &enc, &elen);
    if (rc != 0)
        return rc;
    memcached_st *mc;
    rc = conn_get(ms, &mc);
    if (rc == 0) {
        char key[KEY_MAX];
        size_t klen = main_key(ms, id, key);
        memcached_return_t m =
            memcached_add(mc, key, klen, (const char *)enc, elen,
                          unended_expiration(ms, r.lease_until), 0);
        if (m == MEMCACHED_NOTSTORED || m == MEMCACHED_DATA_EXISTS)
            rc = LADON_STORE_EXISTS;
        else if (m == MEMCACHED_MEMORY_ALLOCATION_FAILURE)
            rc = LADON_ENOMEM;
        else if (m != MEMCACHED_SUCCESS)
            rc = LADON_ESTORE;
        conn_put(ms, mc);
    }
    free(enc);
    return rc;
}

static int mc_start(ladon_store *st, int32_t id, ladon_task_live *live)
{
    (void)live; /* progress is published by the engine */
    change ch = {.kind = CH_START};
    return transition((mcstore *)st, id, &ch);
}

static int mc_progress(ladon_store *st, int32_t id, double fraction)
{
    change ch = {.kind = CH_PROGRESS, .fraction = fraction};
    return transition((mcstore *)st, id, &ch);
}

static int mc_touch(ladon_store *st, int32_t id, double fraction)
{
    change ch = {.kind = CH_TOUCH, .fraction = fraction};
    return transition((mcstore *)st, id, &ch);
}

static int mc_fail(ladon_store *st, int32_t id, const char *message,
                   unsigned ttl_s)
{
    change ch = {.kind = CH_FAIL, .message = message, .ttl_s = ttl_s};
    return transition((mcstore *)st, id, &ch);
}

/* RUNNING -> FAILED "result too large ..."; LADON_EINVAL once recorded. */
static int fail_too_large(mcstore *ms, int32_t id, size_t len, unsigned ttl_s)
{
    char msg[LADON_TASK_MESSAGE_MAX];
    snprintf(msg, sizeof msg, LADON_TASK_TOO_LARGE_MESSAGE, len);
    change ch = {.kind = CH_FAIL, .message = msg, .ttl_s = ttl_s,
                 .running_only = 1};
    int rc = transition(ms, id, &ch);
    return rc == 0 ? LADON_EINVAL : rc;
}

static int mc_finish(ladon_store *st, int32_t id, const void *result,
                     size_t len, unsigned ttl_s)
{
    mcstore *ms = (mcstore *)st;
    if (len > ms->max_result)
        return fail_too_large(ms, id, len, ttl_s);
    change ch = {.kind = CH_FINISH, .result = result, .len = len,
                 .ttl_s = ttl_s};
    /* inline when it fits with the longest method; else chunks */
    if (len > ms->chunk_max - REC_HEAD - LADON_TASK_METHOD_MAX) {
        ch.chunked = 1;
        ch.nchunks = (uint32_t)((len + ms->chunk_max - 1) / ms->chunk_max);
    }
    memcached_st *mc;
    int rc = conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    rc = transition_on(ms, mc, id, &ch);
    /* chunks of a finish that surely did not happen go now; after
     * LADON_ESTORE the cas may have landed (its answer lost), so they stay
     * (and expire with the record's ttl if it did not) */
    if (rc != 0 && rc != LADON_ESTORE && ch.chunks_written)
        chunks_delete(ms, mc, id, ch.gen, ch.nchunks);
    conn_put(ms, mc);
    if (rc == ST_TOOBIG) /* the servers take less than they said */
        return fail_too_large(ms, id, len, ttl_s);
    return rc;
}

static int mc_get(ladon_store *st, const char *method, int32_t id,
                  ladon_task_record *out, int want_result)
{
    mcstore *ms = (mcstore *)st;
    memcached_st *mc;
    int rc = conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    char key[KEY_MAX];
    size_t klen = main_key(ms, id, key);
    unsigned char *val = NULL;
    size_t len = 0;
    uint64_t cas;
    mcrec r;
    rc = item_gets(mc, key, klen, &val, &len, &cas);
    if (rc == 0)
        rc = ladon__mcrec_decode(&r, val, len);
    if (rc == 0 && strcmp(r.method, method) != 0)
        rc = LADON_ENOTFOUND;
    if (rc != 0)
        goto out;
    double now = ladon__store_realtime(st);
    out->info.id = id;
    out->info.state = r.state;
    out->info.starttime = r.starttime;
    if (is_ended(r.state)) {
        out->info.progress = 1.0;
        out->info.duration = r.ended > r.starttime ? r.ended - r.starttime
                                                   : 0.0;
    } else {
        out->info.progress = r.progress;
        out->info.duration = now > r.starttime ? now - r.starttime : 0.0;
        out->lease_until = r.lease_until;
    }
    memcpy(out->method, r.method, sizeof out->method);
    memcpy(out->message, r.message, sizeof out->message);
    if (want_result && r.state == LADON_TASK_DONE) {
        if (r.result_len >= SIZE_MAX) {
            rc = LADON_ENOMEM;
            goto out;
        }
        unsigned char *res = malloc((size_t)r.result_len + 1);
        if (res == NULL) {
            rc = LADON_ENOMEM;
            goto out;
        }
        if (r.flags & F_CHUNKED)
            rc = chunks_get(ms, mc, id, &r, res);
        else if (r.result_len > 0)
            memcpy(res, r.inline_result, (size_t)r.result_len);
        if (rc == LADON_ENOTFOUND) {
            /* a part was evicted: the result is lost for good.  Remove the
             * rest, so that m_progress answers "unknown" as m_result does
             * instead of "finished" (best effort: a record of a finished
             * task is never written again) */
            LADON_LOGW("memcached store: part of the result of task %ld was evicted: "
                       "the task is removed (give memcached more memory, -M)", (long)id);
            chunks_delete(ms, mc, id, r.gen, r.nchunks);
            (void)memcached_delete(mc, key, klen, 0);
        }
        if (rc != 0) {
            free(res);
            goto out;
        }
        res[r.result_len] = '\0';
        out->result = res;
        out->result_len = (size_t)r.result_len;
    }
out:
    free(val);
    conn_put(ms, mc);
    return rc;
}

static int mc_remove(ladon_store *st, int32_t id)
{
    mcstore *ms = (mcstore *)st;
    memcached_st *mc;
    int rc = conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    char key[KEY_MAX];
    size_t klen = main_key(ms, id, key);
    unsigned char *val = NULL;
    size_t len = 0;
    uint64_t cas;
    rc = item_gets(mc, key, klen, &val, &len, &cas);
    if (rc == 0) {
        mcrec r;
        int chunked = ladon__mcrec_decode(&r, val, len) == 0 &&
                      (r.flags & F_CHUNKED) != 0;
        memcached_return_t m = memcached_delete(mc, key, klen, 0);
        rc = map_rc(m);
        if (rc != 0 && rc != LADON_ENOTFOUND && rc != LADON_ENOMEM)
            rc = LADON_ESTORE;
        if (chunked) /* after the record: readers never see it without */
            chunks_delete(ms, mc, id, r.gen, r.nchunks);
        free(val);
    }
    conn_put(ms, mc);
    return rc;
}

const ladon_store_ops ladon__store_memcached_ops = {
    .scheme = "memcached",
    .open = mc_open,
    .close = mc_close,
    .add = mc_add,
    .start = mc_start,
    .progress = mc_progress,
    .touch = mc_touch,
    .finish = mc_finish,
    .fail = mc_fail,
    .get = mc_get,
    .remove = mc_remove,
    .sweep = NULL, /* memcached expires records itself */
    .stats = NULL, /* and cannot count them by prefix */
    .form = FORM,
    .check = mc_check,
};
