/* store_memcached.c - task records in memcached ("memcached://h:p,..."):
 * the ops table, the transitions of a record, its keys, expiry and leases.
 * (The servers and the connection pool: mc_pool.c; large results cut into
 * chunks: mc_chunks.c; the record's bytes: mc_record.h.  mc_store.h says
 * how they fit together.)
 *
 * DESIGN
 *
 * Keys.  "<prefix><id>" holds the record (mc_record.h; a value that does
 * not decode exactly is LADON_ESTORE, never guessed at), and
 * "<prefix><id>/<gen>/<i>" the chunks of a large result (mc_chunks.c).
 *
 * Transitions.  add is memcached_add (add-if-absent).  Every other change
 * is gets + cas, retried on a cas conflict, with the state checked on the
 * value read: so a transition from the wrong state changes nothing
 * (LADON_ESTATE), and a record that vanished (expired, evicted, removed)
 * is LADON_ENOTFOUND and is never re-created (cas needs the item).
 * QUEUED and RUNNING records expire ttl seconds after their lease passes
 * (renewing the lease renews the expiry: unended_expiration); DONE and
 * FAILED ones ttl_s after they ended.  memcached may still evict any item
 * when it is full (unless started with -M): an evicted record then reads
 * as unknown.
 * finish writes the chunks of a large result before it cas-es the record
 * that names them; a result above MAX_CHUNKS chunks, or refused by a server
 * as too big, fails the task with LADON_TASK_TOO_LARGE_MESSAGE and finish
 * returns LADON_EINVAL.
 *
 * Owners' indexes.  A record added with an owner (add_owned) is entered
 * in the index of its (owner, method): one item "<prefix>l:<owner>:
 * <method>", both percent-encoded (index_key: memcached keys have no
 * spaces or control characters, and ':' separates), holding the positions
 * (starttime, id) of its records in ascending order, updated with gets +
 * cas like a record (add when absent).  memcached cannot scan, so this
 * item is what list reads; it is bounded: at most LIST_MAX positions, the
 * oldest dropped when a newer one comes (so a listing shows at most the
 * newest LIST_MAX tasks of a user and method).  Positions of records that
 * expired are dropped when a listing finds them gone (ops->list's gone).
 * The key names the pair itself, so no user name shares another's item,
 * and no one can push alice's tasks out of her LIST_MAX by picking names.
 * Only a pair too long for a memcached key (250 bytes with the prefix,
 * after encoding) falls back to "<prefix>l<16 hex digits of FNV-1a of
 * owner\0method>": two such pairs whose hashes collide (chosen names can
 * be made to) share an item, so a user with so long a name can have older
 * entries pushed out by another; the listing reads every record and skips
 * another's, so that costs room, never a leak.  The item does not expire
 * (memcached may evict it like any item: a listing then misses the tasks
 * it named).  The record is added first: a failure to enter it in the
 * index removes it again, so an owned task is always listed.
 *
 * Leases.  lease_until = now + lease_s on add, start and touch (touch is
 * one gets + cas, raising the progress too).  Times come from the store's
 * clock (realtime).
 *
 * Locking.  This file takes no lock: the pool's (mc_pool.c) are leaves,
 * never held during I/O, and a connection is used by one thread at a time.
 * The store object is read-only after open.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "ladon/error.h"
#include "le.h"
#include "mc_store.h"

#define CAS_TRIES 100

/* internal status (positive, never returned to callers; see also
 * ST_TOOBIG): nothing to write */
#define ST_NOCHANGE 1

/* ---- record helpers ---------------------------------------------------- */

static int is_ended(ladon_task_state s)
{
    return s == LADON_TASK_DONE || s == LADON_TASK_FAILED || s == LADON_TASK_CANCELLED;
}

/* ---- keys, expiry ------------------------------------------------------ */

static size_t main_key(const mcstore *ms, int32_t id, char *key)
{
    int n = snprintf(key, KEY_MAX, "%s%" PRId32, ms->prefix, id);
    return n > 0 ? (size_t)n : 0;
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
    return ladon__mc_expiration(secs);
}

/* ---- transitions ------------------------------------------------------- */

enum change_kind { CH_START, CH_PROGRESS, CH_TOUCH, CH_FINISH, CH_FAIL, CH_CANCEL, CH_SYNC };

typedef struct change {
    enum change_kind kind;
    double fraction;   /* PROGRESS, TOUCH, SYNC (< 0: none) */
    unsigned ttl_s;    /* FINISH, FAIL, CANCEL */
    const char *message; /* FAIL; SYNC: the status line (NULL: unchanged) */
    int running_only;  /* FAIL from RUNNING only (a result too large) */
    ladon_task_state to; /* FAIL: FAILED or CANCELLED */
    unsigned tflags;   /* FAIL: LADON_TASK_CLIENT_FAULT */
    int renew;         /* SYNC: renew the lease */
    /* out: the record's flags (SYNC), it ended cancelled (FINISH, FAIL),
     * the change counter must move (an end or a cancel request) */
    unsigned flags_out;
    int cancelled, moved;
    const char *method; /* CANCEL: the method it must belong to */
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
    case CH_SYNC:
        ch->flags_out = r->tflags;
        if (r->state != LADON_TASK_RUNNING &&
            !(r->state == LADON_TASK_QUEUED && ch->renew && ch->message == NULL))
            return LADON_ESTATE;
        if (ch->renew)
            r->lease_until = now + ms->base.lease_s;
        if (r->state == LADON_TASK_RUNNING) {
            int rose = ch->fraction > r->progress;
            if (rose)
                r->progress = ch->fraction;
            if (ch->message != NULL)
                snprintf(r->message, sizeof r->message, "%s", ch->message);
            if (!rose && ch->message == NULL && !ch->renew)
                return ST_NOCHANGE;
        }
        *exp = unended_expiration(ms, r->lease_until);
        return 0;
    case CH_CANCEL:
        if (strcmp(r->method, ch->method) != 0)
            return LADON_ENOTFOUND;
        if (r->state == LADON_TASK_RUNNING) {
            if (r->tflags & LADON_TASK_CANCEL_REQUESTED)
                return ST_NOCHANGE;
            r->tflags |= LADON_TASK_CANCEL_REQUESTED;
            ch->moved = 1;
            *exp = unended_expiration(ms, r->lease_until);
            return 0;
        }
        if (r->state != LADON_TASK_QUEUED)
            return ST_NOCHANGE; /* ended: left as it is */
        goto cancelled; /* queued: cancelled at once */
    case CH_FINISH:
        if (r->state != LADON_TASK_RUNNING)
            return LADON_ESTATE;
        if (r->tflags & LADON_TASK_CANCEL_REQUESTED)
            goto cancelled;
        r->message[0] = '\0'; /* the status line */
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
                int rc = ladon__mc_chunks_put(ms, mc, id, r, ch->result, ch->ttl_s);
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
        if (r->state == LADON_TASK_RUNNING && (r->tflags & LADON_TASK_CANCEL_REQUESTED))
            goto cancelled;
        snprintf(r->message, sizeof r->message, "%s", ch->message);
        r->tflags = ch->tflags & LADON_TASK_CLIENT_FAULT;
        break;
    }
    /* FINISH, FAIL: the record ends */
    ch->moved = 1;
    r->state = ch->kind == CH_FINISH ? LADON_TASK_DONE
               : ch->to == LADON_TASK_CANCELLED ? LADON_TASK_CANCELLED : LADON_TASK_FAILED;
    r->progress = 1.0;
    r->ended = now;
    r->lease_until = 0.0;
    *exp = ladon__mc_expiration(ch->ttl_s);
    return 0;
cancelled:
    /* cancelled while queued, or a cancel was requested while it ran: it
     * ends cancelled, and a result it returned is discarded (ladon/store.h) */
    ch->cancelled = ch->kind != CH_CANCEL;
    ch->moved = 1;
    r->flags = 0;
    r->result_len = 0;
    r->inline_result = NULL;
    snprintf(r->message, sizeof r->message, "%s", LADON_TASK_CANCELLED_MESSAGE);
    r->state = LADON_TASK_CANCELLED;
    r->progress = 1.0;
    r->ended = now;
    r->lease_until = 0.0;
    *exp = ladon__mc_expiration(ch->ttl_s);
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
        int rc = ladon__mc_item_gets(mc, key, klen, &val, &len, &cas);
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
        rc = ladon__mc_map_rc(m);
        return rc == 0 || rc == LADON_ENOTFOUND || rc == ST_TOOBIG ||
                       rc == LADON_ENOMEM
                   ? rc
                   : LADON_ESTORE;
    }
    return LADON_ESTORE; /* livelock: give up rather than spin */
}

/* "<prefix>changes": the change counter (ladon/store.h). */
static size_t changes_key(const mcstore *ms, char *key)
{
    int n = snprintf(key, KEY_MAX, "%schanges", ms->prefix);
    return n > 0 ? (size_t)n : 0;
}

/* Moves the change counter, after a record ended or was asked to cancel:
 * incr, or add "1" when it is missing (incr again when another process
 * added it first).  A reader only needs to see that it moved, so a failure
 * is logged, not returned: the record's change stands. */
static void bump_changes(mcstore *ms, memcached_st *mc)
{
    char key[KEY_MAX];
    size_t klen = changes_key(ms, key);
    uint64_t v;
    for (int tries = 0; tries < 3; tries++) {
        memcached_return_t m = memcached_increment(mc, key, klen, 1, &v);
        if (m == MEMCACHED_SUCCESS)
            return;
        if (m != MEMCACHED_NOTFOUND)
            break;
        m = memcached_add(mc, key, klen, "1", 1, 0, 0);
        if (m == MEMCACHED_SUCCESS)
            return;
        if (m != MEMCACHED_NOTSTORED && m != MEMCACHED_DATA_EXISTS)
            break;
    }
    LADON_LOGW("memcached store: the change counter could not be moved: waiters on other "
               "servers see this task's end at their timeout");
}

static int transition(mcstore *ms, int32_t id, change *ch)
{
    memcached_st *mc;
    int rc = ladon__mc_conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    rc = transition_on(ms, mc, id, ch);
    if (rc == 0 && ch->moved)
        bump_changes(ms, mc);
    ladon__mc_conn_put(ms, mc);
    return rc == ST_TOOBIG ? LADON_ESTORE : rc;
}

/* ---- ops --------------------------------------------------------------- */

/* ---- owners' indexes ---------------------------------------------------- */

#define LIST_MAX 1000u
#define INDEX_MAGIC "LX1"
#define INDEX_HEAD 8u /* magic, NUL, u32 count */
#define INDEX_ENTRY 12u /* f64 starttime, u32 id */

/* Longest memcached key (its protocol's KEY_MAX_LENGTH), and a buffer for
 * one with its NUL. */
#define MC_KEY_LIMIT 250u
#define INDEX_KEY_MAX (MC_KEY_LIMIT + 1u)

/* Appends s percent-encoded to buf[*at..limit): bytes 0x21..0x7e as they
 * are but '%' and ':', the others %XX (memcached keys have no spaces or
 * control characters; ':' separates owner and method).  0 when it does not
 * fit. */
static int key_encode(char *buf, size_t *at, size_t limit, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        int plain = *p > 0x20 && *p < 0x7f && *p != '%' && *p != ':';
        if (*at + (plain ? 1u : 3u) > limit)
            return 0;
        if (plain) {
            buf[(*at)++] = (char)*p;
        } else {
            buf[(*at)++] = '%';
            buf[(*at)++] = hex[*p >> 4];
            buf[(*at)++] = hex[*p & 15];
        }
    }
    return 1;
}

/* The index item of (owner, method) into buf[INDEX_KEY_MAX]; its length.
 * "<prefix>l:<owner>:<method>", both percent-encoded (key_encode), so two
 * pairs never share an item; a pair whose key would be longer than
 * memcached allows: "<prefix>l<16 hex digits of FNV-1a of owner\0method>"
 * (never a key of the first form: no ':' after the 'l'). */
static size_t index_key(const mcstore *ms, const char *owner, const char *method, char *buf)
{
    int n = snprintf(buf, INDEX_KEY_MAX, "%sl:", ms->prefix);
    size_t at = n > 0 ? (size_t)n : 0;
    if (at > 0 && at < MC_KEY_LIMIT && key_encode(buf, &at, MC_KEY_LIMIT, owner) &&
        at < MC_KEY_LIMIT) {
        buf[at++] = ':';
        if (key_encode(buf, &at, MC_KEY_LIMIT, method)) {
            buf[at] = '\0';
            return at;
        }
    }
    char name[LADON_TASK_OWNER_MAX + LADON_TASK_METHOD_MAX];
    size_t ol = strlen(owner) + 1, ml = strlen(method);
    memcpy(name, owner, ol);
    memcpy(name + ol, method, ml);
    n = snprintf(buf, INDEX_KEY_MAX, "%sl%016" PRIx64, ms->prefix, ladon__fnv1a64(name, ol + ml));
    return n > 0 ? (size_t)n : 0;
}

/* An index's positions from its bytes (malloc()ed *out, may be NULL when
 * none): 0 or LADON_ESTORE (not an index of ours), LADON_ENOMEM. */
static int index_decode(const unsigned char *b, size_t len, ladon_task_pos **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (len < INDEX_HEAD || memcmp(b, INDEX_MAGIC, 4) != 0)
        return LADON_ESTORE;
    uint32_t count = ladon__get_u32(b + 4);
    if (count > LIST_MAX || len != INDEX_HEAD + (size_t)count * INDEX_ENTRY)
        return LADON_ESTORE;
    if (count == 0)
        return 0;
    ladon_task_pos *v = malloc(count * sizeof *v);
    if (v == NULL)
        return LADON_ENOMEM;
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *e = b + INDEX_HEAD + (size_t)i * INDEX_ENTRY;
        v[i].starttime = ladon__get_f64(e);
        uint32_t id = ladon__get_u32(e + 8);
        v[i].id = id <= INT32_MAX ? (int32_t)id : 0;
        /* ids are positive, positions strictly ascending */
        if (v[i].id == 0 || (i > 0 && ladon__task_pos_cmp(&v[i - 1], &v[i]) >= 0)) {
            free(v);
            return LADON_ESTORE;
        }
    }
    *out = v;
    *n = count;
    return 0;
}

/* v[0..n) as an index's bytes into a malloc()ed *out; LADON_ENOMEM. */
static int index_encode(const ladon_task_pos *v, size_t n, unsigned char **out, size_t *len)
{
    size_t l = INDEX_HEAD + n * INDEX_ENTRY;
    unsigned char *b = malloc(l);
    if (b == NULL)
        return LADON_ENOMEM;
    memcpy(b, INDEX_MAGIC, 4);
    ladon__put_u32(b + 4, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        unsigned char *e = b + INDEX_HEAD + i * INDEX_ENTRY;
        ladon__put_f64(e, v[i].starttime);
        ladon__put_u32(e + 8, (uint32_t)v[i].id);
    }
    *out = b;
    *len = l;
    return 0;
}

/* Changes the index at key: inserts *add (may be NULL), then drops the ids
 * in gone[0..ngone); gets + cas (add when absent), retried on a conflict.
 * Nothing to change is 0. */
static int index_change(memcached_st *mc, const char *key, size_t klen,
                        const ladon_task_pos *add, const int32_t *gone, size_t ngone)
{
    for (int tries = 0; tries < CAS_TRIES; tries++) {
        unsigned char *val = NULL, *enc = NULL;
        size_t len = 0, n = 0, elen = 0;
        uint64_t cas = 0;
        ladon_task_pos *v = NULL;
        int rc = ladon__mc_item_gets(mc, key, klen, &val, &len, &cas);
        int absent = rc == LADON_ENOTFOUND;
        if (absent && add == NULL)
            return 0;
        if (rc != 0 && !absent)
            return rc;
        if (!absent) {
            rc = index_decode(val, len, &v, &n);
            free(val);
            if (rc != 0)
                return rc;
        }
        size_t cap = n + 1;
        ladon_task_pos *w = malloc(cap * sizeof *w);
        if (w == NULL) {
            free(v);
            return LADON_ENOMEM;
        }
        size_t m = 0;
        int changed = 0, placed = add == NULL;
        for (size_t i = 0; i <= n; i++) {
            if (!placed && (i == n || ladon__task_pos_cmp(add, &v[i]) < 0)) {
                w[m++] = *add;
                placed = changed = 1;
            }
            if (i == n)
                break;
            int drop = add != NULL && v[i].id == add->id && v[i].starttime == add->starttime;
            for (size_t g = 0; !drop && g < ngone; g++)
                drop = v[i].id == gone[g];
            if (drop)
                changed = 1;
            else
                w[m++] = v[i];
        }
        free(v);
        if (!changed) {
            free(w);
            return 0;
        }
        size_t from = m > LIST_MAX ? m - LIST_MAX : 0; /* the oldest go */
        rc = index_encode(w + from, m - from, &enc, &elen);
        free(w);
        if (rc != 0)
            return rc;
        memcached_return_t r = absent
                                   ? memcached_add(mc, key, klen, (const char *)enc, elen, 0, 0)
                                   : memcached_cas(mc, key, klen, (const char *)enc, elen, 0, 0, cas);
        free(enc);
        if (r == MEMCACHED_DATA_EXISTS || r == MEMCACHED_NOTSTORED || r == MEMCACHED_NOTFOUND) {
            conflict_backoff(tries); /* written, added or evicted meanwhile */
            continue;
        }
        rc = ladon__mc_map_rc(r);
        return rc == 0 || rc == LADON_ENOMEM ? rc : LADON_ESTORE;
    }
    return LADON_ESTORE;
}

static int mc_list(ladon_store *st, const char *method, const char *owner,
                   const ladon_task_pos *after, const int32_t *gone, size_t ngone,
                   ladon_task_pos *out, size_t max, size_t *n_out)
{
    mcstore *ms = (mcstore *)st;
    *n_out = 0;
    char key[INDEX_KEY_MAX];
    size_t klen = index_key(ms, owner, method, key);
    memcached_st *mc;
    int rc = ladon__mc_conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    if (ngone > 0)
        rc = index_change(mc, key, klen, NULL, gone, ngone);
    unsigned char *val = NULL;
    size_t len = 0, n = 0;
    uint64_t cas;
    ladon_task_pos *v = NULL;
    if (rc == 0 && max > 0) {
        rc = ladon__mc_item_gets(mc, key, klen, &val, &len, &cas);
        if (rc == 0)
            rc = index_decode(val, len, &v, &n);
        else if (rc == LADON_ENOTFOUND)
            rc = 0; /* no index: no tasks */
        free(val);
    }
    ladon__mc_conn_put(ms, mc);
    if (rc != 0)
        return rc;
    size_t at = n, k = 0;
    while (after != NULL && at > 0 && ladon__task_pos_cmp(&v[at - 1], after) >= 0)
        at--;
    while (at > 0 && k < max)
        out[k++] = v[--at];
    free(v);
    *n_out = k;
    return 0;
}

/* ---- ops --------------------------------------------------------------- */

static int mc_add_owned(ladon_store *st, int32_t id, const char *method, const char *owner,
                        double starttime)
{
    mcstore *ms = (mcstore *)st;
    mcrec r;
    memset(&r, 0, sizeof r);
    r.state = LADON_TASK_QUEUED;
    r.starttime = starttime;
    r.lease_until = ladon__store_realtime(st) + st->lease_s;
    snprintf(r.method, sizeof r.method, "%s", method);
    if (owner != NULL)
        snprintf(r.owner, sizeof r.owner, "%s", owner);
    unsigned char *enc;
    size_t elen;
    int rc = ladon__mcrec_encode(&r, &enc, &elen);
    if (rc != 0)
        return rc;
    memcached_st *mc;
    rc = ladon__mc_conn_get(ms, &mc);
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
        if (rc == 0 && owner != NULL) {
            char ikey[INDEX_KEY_MAX];
            size_t ilen = index_key(ms, owner, method, ikey);
            ladon_task_pos p = {starttime, id};
            rc = index_change(mc, ikey, ilen, &p, NULL, 0);
            if (rc != 0) /* an owned task that could not be listed is not created */
                (void)memcached_delete(mc, key, klen, 0);
        }
        ladon__mc_conn_put(ms, mc);
    }
    free(enc);
    return rc;
}

static int mc_add(ladon_store *st, int32_t id, const char *method, double starttime)
{
    return mc_add_owned(st, id, method, NULL, starttime);
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

static int mc_end(ladon_store *st, int32_t id, ladon_task_state to, unsigned flags,
                  const char *message, unsigned ttl_s)
{
    change ch = {.kind = CH_FAIL, .message = message, .ttl_s = ttl_s, .to = to,
                 .tflags = flags};
    int rc = transition((mcstore *)st, id, &ch);
    return rc == 0 && ch.cancelled ? LADON_STORE_CANCELLED : rc;
}

static int mc_fail(ladon_store *st, int32_t id, const char *message,
                   unsigned ttl_s)
{
    return mc_end(st, id, LADON_TASK_FAILED, 0, message, ttl_s);
}

/* RUNNING -> FAILED "result too large ..."; LADON_EINVAL once recorded. */
static int fail_too_large(mcstore *ms, int32_t id, size_t len, unsigned ttl_s)
{
    char msg[LADON_TASK_MESSAGE_MAX];
    snprintf(msg, sizeof msg, LADON_TASK_TOO_LARGE_MESSAGE, len);
    change ch = {.kind = CH_FAIL, .message = msg, .ttl_s = ttl_s,
                 .running_only = 1, .to = LADON_TASK_FAILED};
    int rc = transition(ms, id, &ch);
    if (rc == 0 && ch.cancelled)
        return LADON_STORE_CANCELLED;
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
    ch.nchunks = ladon__mc_chunks_for(ms, len);
    ch.chunked = ch.nchunks > 0;
    memcached_st *mc;
    int rc = ladon__mc_conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    rc = transition_on(ms, mc, id, &ch);
    if (rc == 0 && ch.moved)
        bump_changes(ms, mc);
    /* chunks of a finish that surely did not happen (or ended cancelled)
     * go now; after LADON_ESTORE the cas may have landed (its answer
     * lost), so they stay (and expire with the record's ttl if it did not) */
    if (((rc != 0 && rc != LADON_ESTORE) || (rc == 0 && ch.cancelled)) && ch.chunks_written)
        ladon__mc_chunks_delete(ms, mc, id, ch.gen, ch.nchunks);
    ladon__mc_conn_put(ms, mc);
    if (rc == ST_TOOBIG) /* the servers take less than they said */
        return fail_too_large(ms, id, len, ttl_s);
    return rc == 0 && ch.cancelled ? LADON_STORE_CANCELLED : rc;
}

static int mc_get(ladon_store *st, const char *method, int32_t id,
                  ladon_task_record *out, int want_result)
{
    mcstore *ms = (mcstore *)st;
    memcached_st *mc;
    int rc = ladon__mc_conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    char key[KEY_MAX];
    size_t klen = main_key(ms, id, key);
    unsigned char *val = NULL;
    size_t len = 0;
    uint64_t cas;
    mcrec r;
    rc = ladon__mc_item_gets(mc, key, klen, &val, &len, &cas);
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
    memcpy(out->owner, r.owner, sizeof out->owner);
    memcpy(out->message, r.message, sizeof out->message);
    out->flags = r.tflags;
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
            rc = ladon__mc_chunks_get(ms, mc, id, &r, res);
        else if (r.result_len > 0)
            memcpy(res, r.inline_result, (size_t)r.result_len);
        if (rc == LADON_ENOTFOUND) {
            /* a part was evicted: the result is lost for good.  Remove the
             * rest, so that m_progress answers "unknown" as m_result does
             * instead of "finished" (best effort: a record of a finished
             * task is never written again) */
            LADON_LOGW("memcached store: part of the result of task %ld was evicted: "
                       "the task is removed (give memcached more memory, -M)", (long)id);
            ladon__mc_chunks_delete(ms, mc, id, r.gen, r.nchunks);
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
    ladon__mc_conn_put(ms, mc);
    return rc;
}

static int mc_remove(ladon_store *st, int32_t id)
{
    mcstore *ms = (mcstore *)st;
    memcached_st *mc;
    int rc = ladon__mc_conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    char key[KEY_MAX];
    size_t klen = main_key(ms, id, key);
    unsigned char *val = NULL;
    size_t len = 0;
    uint64_t cas;
    rc = ladon__mc_item_gets(mc, key, klen, &val, &len, &cas);
    if (rc == 0) {
        mcrec r;
        int chunked = ladon__mcrec_decode(&r, val, len) == 0 &&
                      (r.flags & F_CHUNKED) != 0;
        memcached_return_t m = memcached_delete(mc, key, klen, 0);
        rc = ladon__mc_map_rc(m);
        if (rc != 0 && rc != LADON_ENOTFOUND && rc != LADON_ENOMEM)
            rc = LADON_ESTORE;
        if (chunked) /* after the record: readers never see it without */
            ladon__mc_chunks_delete(ms, mc, id, r.gen, r.nchunks);
        free(val);
    }
    ladon__mc_conn_put(ms, mc);
    return rc;
}

static int mc_cancel(ladon_store *st, const char *method, int32_t id, unsigned ttl_s,
                     ladon_task_record *out)
{
    change ch = {.kind = CH_CANCEL, .ttl_s = ttl_s, .method = method};
    int rc = transition((mcstore *)st, id, &ch);
    /* the record after the step (a later step may show through) */
    return rc == 0 ? mc_get(st, method, id, out, 0) : rc;
}

static int mc_sync(ladon_store *st, int32_t id, double fraction, const char *status,
                   int renew, unsigned *flags)
{
    change ch = {.kind = CH_SYNC, .fraction = fraction, .message = status, .renew = renew};
    int rc = transition((mcstore *)st, id, &ch);
    *flags = ch.flags_out & LADON_TASK_FLAGS_MASK;
    return rc;
}

static int mc_changes(ladon_store *st, uint64_t *out)
{
    mcstore *ms = (mcstore *)st;
    memcached_st *mc;
    int rc = ladon__mc_conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    char key[KEY_MAX];
    size_t klen = changes_key(ms, key), vlen = 0;
    uint32_t fl;
    memcached_return_t m;
    char *v = memcached_get(mc, key, klen, &vlen, &fl, &m);
    *out = 0;
    if (v != NULL) {
        char buf[24];
        size_t n = vlen < sizeof buf - 1 ? vlen : sizeof buf - 1;
        memcpy(buf, v, n);
        buf[n] = '\0';
        *out = strtoull(buf, NULL, 10);
        free(v);
    } else if (m != MEMCACHED_NOTFOUND) {
        rc = LADON_ESTORE;
    }
    ladon__mc_conn_put(ms, mc);
    return rc;
}

/* "<prefix>k" + 16 hex digits of FNV-1a of "method\0key": memcached keys
 * are short and printable; the value names method and key in full. */
static size_t claim_item(const mcstore *ms, const char *method, const char *key, char *buf)
{
    size_t ml = strlen(method) + 1, kl = strlen(key);
    char name[LADON_TASK_METHOD_MAX + LADON_TASK_KEY_MAX];
    memcpy(name, method, ml);
    memcpy(name + ml, key, kl);
    int n = snprintf(buf, KEY_MAX, "%sk%016" PRIx64, ms->prefix, ladon__fnv1a64(name, ml + kl));
    return n > 0 ? (size_t)n : 0;
}

/* Parses "<id> <hash> <method> <key>" of a claim; 1 when it names method
 * and key, 0 when another (a hash collision), -1 when malformed. */
static int claim_parse(const char *v, size_t vlen, const char *method, const char *key,
                       int32_t *id, uint64_t *hash)
{
    char buf[64 + LADON_TASK_METHOD_MAX + LADON_TASK_KEY_MAX];
    char m[LADON_TASK_METHOD_MAX], k[LADON_TASK_KEY_MAX];
    long long i;
    unsigned long long h;
    if (vlen >= sizeof buf)
        return -1;
    memcpy(buf, v, vlen);
    buf[vlen] = '\0';
    if (sscanf(buf, "%lld %llu %127s %255s", &i, &h, m, k) != 4 || i <= 0 || i > INT32_MAX)
        return -1;
    *id = (int32_t)i;
    *hash = (uint64_t)h;
    return strcmp(m, method) == 0 && strcmp(k, key) == 0;
}

static int mc_claim(ladon_store *st, const char *method, const char *key, uint64_t hash,
                    int32_t id, unsigned ttl_s, int32_t *id_out, uint64_t *hash_out)
{
    mcstore *ms = (mcstore *)st;
    char item[KEY_MAX], val[64 + LADON_TASK_METHOD_MAX + LADON_TASK_KEY_MAX];
    size_t ilen = claim_item(ms, method, key, item);
    int vlen = snprintf(val, sizeof val, "%" PRId32 " %" PRIu64 " %s %s", id, hash, method, key);
    if (ilen == 0 || vlen <= 0 || (size_t)vlen >= sizeof val)
        return LADON_EINVAL;
    memcached_st *mc;
    int rc = ladon__mc_conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    rc = LADON_ESTORE;
    for (int tries = 0; tries < 8; tries++) {
        memcached_return_t m = memcached_add(mc, item, ilen, val, (size_t)vlen,
                                             ladon__mc_expiration(ttl_s), 0);
        if (m == MEMCACHED_SUCCESS) {
            rc = 0;
            break;
        }
        if (m != MEMCACHED_NOTSTORED && m != MEMCACHED_DATA_EXISTS)
            break;
        size_t glen = 0;
        uint32_t fl;
        char *g = memcached_get(mc, item, ilen, &glen, &fl, &m);
        if (g == NULL) {
            if (m == MEMCACHED_NOTFOUND)
                continue; /* expired between add and get */
            break;
        }
        int p = claim_parse(g, glen, method, key, id_out, hash_out);
        free(g);
        if (p == 1)
            rc = LADON_STORE_EXISTS;
        else
            LADON_LOGE("memcached store: idempotency key item %.*s holds %s", (int)ilen, item,
                       p == 0 ? "another key (hash collision)" : "no claim of ours");
        break;
    }
    ladon__mc_conn_put(ms, mc);
    return rc;
}

/* Releases the claim when id holds it.  memcached has no conditional
 * delete: a claim that expired and was taken again between the get and the
 * delete (within one round trip) would go too; the start that asked
 * released a key it could not use, so at worst a retry starts a task. */
static int mc_unclaim(ladon_store *st, const char *method, const char *key, int32_t id)
{
    mcstore *ms = (mcstore *)st;
    char item[KEY_MAX];
    size_t ilen = claim_item(ms, method, key, item), glen = 0;
    memcached_st *mc;
    int rc = ladon__mc_conn_get(ms, &mc);
    if (rc != 0)
        return rc;
    uint32_t fl;
    memcached_return_t m;
    char *g = memcached_get(mc, item, ilen, &glen, &fl, &m);
    if (g != NULL) {
        int32_t holder = 0;
        uint64_t h = 0;
        if (claim_parse(g, glen, method, key, &holder, &h) == 1 && holder == id)
            (void)memcached_delete(mc, item, ilen, 0);
        free(g);
    } else if (m != MEMCACHED_NOTFOUND) {
        rc = LADON_ESTORE;
    }
    ladon__mc_conn_put(ms, mc);
    return rc;
}

const ladon_store_ops ladon__store_memcached_ops = {
    .scheme = "memcached",
    .open = ladon__mc_open,
    .close = ladon__mc_close,
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
    .form = LADON__MC_FORM,
    .check = ladon__mc_check,
    .end = mc_end,
    .cancel = mc_cancel,
    .sync = mc_sync,
    .changes = mc_changes,
    .claim = mc_claim,
    .unclaim = mc_unclaim,
    .add_owned = mc_add_owned,
    .list = mc_list,
};
