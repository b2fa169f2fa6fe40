/* mc_pool.c - the memcached store's servers and connections (mc_store.h).
 *
 * Servers.  memcached://host[:port][,host[:port]...] (port 11211 by
 * default; IPv6 literals in brackets).  Keys are spread over the servers by
 * consistent hashing (ketama, MD5), which depends on the set of "host:port"
 * names and not on their order, so every process listing the same servers
 * finds every key.  A server that fails is NOT ejected: its keys answer
 * LADON_ESTORE until it is back (ejecting would move them to another server,
 * where they would read as unknown and later reappear stale).  At open each
 * server is asked for its settings: at least one must answer, and the
 * smallest item_size_max sets the chunk size of large results (mc_chunks.c).
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
 * Locking.  The gate's mutex and the pool's are leaves, taken only to hand
 * out or take back a clone, never during I/O; a clone is used by one thread
 * at a time.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "log.h"
#include "ladon/error.h"
#include "mc_store.h"

#define DEFAULT_PORT 11211u
#define POOL_MAX 64u
#define RETRY_S 1
#define MAX_SERVERS 64
#define HOST_MAX 256
/* room for key, item header, cas and flags in an item of item_size_max */
#define ITEM_MARGIN 512u
#define DEFAULT_ITEM_SIZE (1024u * 1024u)

/* ---- connections -------------------------------------------------------- */

int ladon__mc_map_rc(memcached_return_t r)
{
    switch (r) {
    case MEMCACHED_SUCCESS: return 0;
    case MEMCACHED_NOTFOUND: return LADON_ENOTFOUND;
    case MEMCACHED_MEMORY_ALLOCATION_FAILURE: return LADON_ENOMEM;
    case MEMCACHED_E2BIG: return ST_TOOBIG;
    default: return LADON_ESTORE;
    }
}

int ladon__mc_conn_get(mcstore *ms, memcached_st **out)
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

void ladon__mc_conn_put(mcstore *ms, memcached_st *mc)
{
    (void)memcached_pool_release(ms->pool, mc);
    ladon__gate_leave(&ms->gate);
}

int ladon__mc_item_gets(memcached_st *mc, const char *key, size_t klen,
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

/* ---- the servers of a URL, opening ------------------------------------ */

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
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "expected " LADON__MC_FORM);
    const char *list = rest + 2;
    if (strpbrk(list, "/?#@") != NULL)
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "no user, path or query allowed; expected "
                           LADON__MC_FORM);
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
int ladon__mc_check(const char *rest, unsigned *props, char *err,
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

int ladon__mc_open(ladon_store **out, const char *rest,
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

void ladon__mc_close(ladon_store *st)
{
    mcstore *ms = (mcstore *)st;
    memcached_st *master = memcached_pool_destroy(ms->pool);
    memcached_free(master != NULL ? master : ms->master);
    ladon__gate_destroy(&ms->gate);
    free(ms);
}
