/* mc_chunks.c - results too large for one memcached item (mc_store.h).
 *
 * A result that does not fit in one item with the task's record is cut
 * into chunks of the largest item value the servers accept (their
 * item_size_max, read at open by mc_pool.c, less a margin for key and item
 * header), under "<prefix><id>/<gen>/<i>" (gen: 16 random hex digits per
 * finish, so the chunks of two finishes never mix).  store_memcached.c's
 * finish first checks the record is RUNNING, writes the chunks (expiring a
 * little after the record), then cas-es the record, which carries the
 * length, chunk count and checksum (FNV-1a 64); a get of the result reads
 * all chunks in one multi-get and checks every length and the checksum,
 * and a chunk that is missing (evicted) makes it LADON_ENOTFOUND, like an
 * expired record.  So a reader gets the whole result or none; removing the
 * record removes its chunks.  Results above MAX_CHUNKS chunks (64 MB with
 * the default 1 MB items) fail the task with LADON_TASK_TOO_LARGE_MESSAGE;
 * so does a server refusing an item as too big (ST_TOOBIG).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladon/error.h"
#include "mc_store.h"

static size_t chunk_key(const mcstore *ms, int32_t id, uint64_t gen,
                        uint32_t i, char *key)
{
    int n = snprintf(key, KEY_MAX, "%s%" PRId32 "/%016" PRIx64 "/%" PRIu32,
                     ms->prefix, id, gen, i);
    return n > 0 ? (size_t)n : 0;
}

uint32_t ladon__mc_chunks_for(const mcstore *ms, size_t len)
{
    /* inline when it fits with the longest method and owner; else chunks */
    if (len <= ms->chunk_max - REC_HEAD - LADON_TASK_METHOD_MAX - LADON_TASK_OWNER_MAX)
        return 0;
    return (uint32_t)((len + ms->chunk_max - 1) / ms->chunk_max);
}

void ladon__mc_chunks_delete(mcstore *ms, memcached_st *mc, int32_t id,
                             uint64_t gen, uint32_t n)
{
    char key[KEY_MAX];
    for (uint32_t i = 0; i < n; i++) {
        size_t klen = chunk_key(ms, id, gen, i, key);
        (void)memcached_delete(mc, key, klen, 0); /* best effort */
    }
}

int ladon__mc_chunks_put(mcstore *ms, memcached_st *mc, int32_t id,
                         const mcrec *r, const unsigned char *result,
                         unsigned ttl_s)
{
    char key[KEY_MAX];
    /* outlive the record by a little: never a record without its chunks */
    time_t exp = ladon__mc_expiration(ttl_s + 2u);
    for (uint32_t i = 0; i < r->nchunks; i++) {
        size_t off = (size_t)i * r->chunk_size;
        size_t n = (size_t)r->result_len - off;
        if (n > r->chunk_size)
            n = r->chunk_size;
        size_t klen = chunk_key(ms, id, r->gen, i, key);
        memcached_return_t m = memcached_set(
            mc, key, klen, (const char *)result + off, n, exp, 0);
        if (m != MEMCACHED_SUCCESS) {
            ladon__mc_chunks_delete(ms, mc, id, r->gen, i);
            int rc = ladon__mc_map_rc(m);
            return rc == ST_TOOBIG || rc == LADON_ENOMEM ? rc : LADON_ESTORE;
        }
    }
    return 0;
}

int ladon__mc_chunks_get(mcstore *ms, memcached_st *mc, int32_t id,
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
