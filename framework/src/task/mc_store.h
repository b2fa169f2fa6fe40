/* mc_store.h - the memcached store's object and what its files share
 * (internal).
 *
 * The memcached back end ("memcached://h:p,...") is three files and a
 * codec, one concern each:
 *   store_memcached.c  the ops table: records and their transitions
 *                      (add, gets + cas), keys, expiry, leases;
 *   mc_pool.c          the servers of the URL, the probe at open, the
 *                      connection pool and one-item reads;
 *   mc_chunks.c        results too large for one item, cut into chunks;
 *   mc_record.c        the binary record of a task (mc_record.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_TASK_MC_STORE_H
#define LADON_SRC_TASK_MC_STORE_H

#include <libmemcached/memcached.h>
#include <libmemcached/util.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ladon/store.h"
#include "mc_record.h"
#include "task_internal.h"

#define KEY_MAX 128
/* memcached reads an expiration above 30 days as a Unix time */
#define RELATIVE_EXPIRY_MAX 2592000u

/* Internal status (positive, never returned to callers): the server
 * refused an item as too large. */
#define ST_TOOBIG 2

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

/* The expiration memcached takes for "secs seconds from now". */
static inline time_t ladon__mc_expiration(unsigned secs)
{
    if (secs <= RELATIVE_EXPIRY_MAX)
        return (time_t)secs;
    return time(NULL) + (time_t)secs;
}

/* ---- mc_pool.c ---------------------------------------------------------- */

/* The URL's form, for messages. */
#define LADON__MC_FORM "memcached://HOST[:PORT][,HOST[:PORT]...]"

/* ops->check: the server list of rest; always LADON_STORE_SHARED. */
int ladon__mc_check(const char *rest, unsigned *props, char *err,
                    size_t errlen);
/* ops->open: parses the servers, asks each for its item size (at least one
 * must answer), sets up the pool; ops->close frees it all. */
int ladon__mc_open(ladon_store **out, const char *rest,
                   const ladon_store_options *opt, char *err, size_t errlen);
void ladon__mc_close(ladon_store *st);

/* A clone of the pool for this thread, waiting at most the store's
 * timeout for one (LADON_ESTORE), or LADON_ENOMEM; give it back with
 * ladon__mc_conn_put. */
int ladon__mc_conn_get(mcstore *ms, memcached_st **out);
void ladon__mc_conn_put(mcstore *ms, memcached_st *mc);

/* A libmemcached result as a ladon_errno (E2BIG: ST_TOOBIG). */
int ladon__mc_map_rc(memcached_return_t r);

/* Reads one item: 0 with a malloc()ed copy of its value (and its cas),
 * LADON_ENOTFOUND, LADON_ESTORE or LADON_ENOMEM. */
int ladon__mc_item_gets(memcached_st *mc, const char *key, size_t klen,
                        unsigned char **val, size_t *len, uint64_t *cas);

/* ---- mc_chunks.c -------------------------------------------------------- */

/* How many chunks a result of len bytes takes: 0 when it fits in the
 * record's item (with the longest method), else 1..MAX_CHUNKS (the caller
 * refused len > ms->max_result). */
uint32_t ladon__mc_chunks_for(const mcstore *ms, size_t len);

/* Writes the r->nchunks chunks of result (r->gen, r->chunk_size and
 * r->result_len set), expiring a little after a record of ttl_s, so that a
 * record never outlives its chunks.  0, ST_TOOBIG, LADON_ENOMEM or
 * LADON_ESTORE; on failure the chunks written are deleted again. */
int ladon__mc_chunks_put(mcstore *ms, memcached_st *mc, int32_t id,
                         const mcrec *r, const unsigned char *result,
                         unsigned ttl_s);

/* Reads the chunks of r into dst (r->result_len bytes) and checks their
 * lengths and checksum: 0; LADON_ENOTFOUND when one is missing (evicted);
 * LADON_ESTORE when a server fails or the data do not check out;
 * LADON_ENOMEM. */
int ladon__mc_chunks_get(mcstore *ms, memcached_st *mc, int32_t id,
                         const mcrec *r, unsigned char *dst);

/* Deletes the first n chunks of generation gen (best effort). */
void ladon__mc_chunks_delete(mcstore *ms, memcached_st *mc, int32_t id,
                             uint64_t gen, uint32_t n);

#endif
