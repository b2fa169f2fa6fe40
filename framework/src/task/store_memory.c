/* store_memory.c - the in-process task store ("memory:").
 *
 * Records live in a chained hash table keyed by id, guarded by one mutex.
 * The mutex is a leaf: nothing else is locked or called out to while it is
 * held (only malloc/free and lock-free reads of live-progress cells).
 *
 * Lifecycle (ladon/store.h): cancel, end, sync and the idempotency keys
 * are done under the same mutex, so each is one atomic step; keys live in
 * a table of their own with the same expiry rules (lazily and in sweep).
 * No change counter: the memory store is one process's, whose engine sees
 * every end itself.
 *
 * Expiry: DONE, FAILED and CANCELLED records are also on a doubly linked expiry list
 * sorted by expiry time (insertion walks back from the tail, which is O(1)
 * while every record uses the same ttl).  Expired records are released
 *   - lazily, when get() finds one;
 *   - incrementally, a few per add(), so memory stays bounded even when
 *     nothing else sweeps;
 *   - in bulk by sweep(), which the task engine calls periodically.
 * The table also shrinks when it becomes sparse, so a server that ran a
 * million short tasks returns to a small footprint once they expired.
 *
 * Memory: a server may hold a great many finished tasks, so a finished
 * record is one allocation holding only the bytes of its result that differ
 * from its method's reference result (struct mname), and method names are
 * kept once.
 *
 * Progress of a RUNNING task is read from its live cell (a reference is kept
 * from start() until the task ends): updates cost the task no lock at all.
 *
 * Owners: a record's owner is an interned name like its method's (the
 * same table), NULL for a task started anonymously.  Each (owner, method)
 * with records has an index (struct mindex): the positions (starttime, id)
 * of its records in ascending order, a sorted array, so a listing page is a
 * binary search and a walk back, an add (nearly always the newest) an
 * append, and a record freed (expired, removed) leaves its index in the
 * same step.  An index is freed with its last record.
 *
 * URL: "memory:" (or "memory://").  "memory:?live_progress=0" makes the
 * store ignore live cells, so that the engine's publishing path (used by
 * remote stores) can be tested against it.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "fnv.h"
#include "ladon/error.h"
#include "ladon/store.h"
#include "task_internal.h"

#define MIN_BUCKETS 64u
#define MAX_BUCKETS (1u << 30)
#define ADD_SWEEP 16 /* expired records released per add() */

/* A method name, kept once however many records name it ("Service.m" of
 * every record would otherwise be a copy per task).  Guarded by mu; freed
 * with the last record naming it.
 *
 * It also keeps the method's reference result: the first one of at most
 * REF_MAX bytes, kept as long as the name.  Results of one method are XML
 * of one element type, and mostly differ only inside it: the root's start
 * tag with its namespace declarations and its end tag are the same in each
 * (taskExample's 144 bytes differ in 1).  So a finished record keeps only
 * what lies between the bytes its result shares at the start and at the
 * end with the reference, and get() puts the result back together.  ref
 * is set once (under mu) and never changes until the name is freed: a
 * thread holding a reference to the name may read it without mu. */
typedef struct mname mname;
struct mname {
    mname *next; /* in its bucket */
    size_t refs; /* records naming it, and mem_finish() calls using ref */
    char *ref;   /* the reference result; NULL until one is finished */
    size_t ref_len;
    size_t bucket; /* of names[] it is in */
    char name[];
};
#define NAME_BUCKETS 64u
#define REF_MAX 4095u /* the largest share: fits mrec's 12-bit fields */

/* A record.  A store that holds many finished tasks holds mostly these, so
 * the record is kept small (issue 14: 100,000 finished tasks cost ~700
 * bytes each before): fields needed only before or only after the end
 * share their space, and a finished task's result is stored in the same
 * allocation (one malloc chunk, allocated by the thread that finishes it). */
typedef struct mrec mrec;
struct mrec {
    mrec *hnext; /* hash chain */
    union {
        ladon_task_live *live; /* RUNNING: its cell, a reference (or NULL) */
        mrec *eprev;           /* ended: the expiry list */
    };
    mrec *enext; /* ended: the expiry list */
    mname *method;
    mname *owner; /* NULL: started anonymously */
    int32_t id;
    unsigned state : 4; /* ladon_task_state */
    unsigned flags : 2; /* LADON_TASK_CANCEL_REQUESTED, LADON_TASK_CLIENT_FAULT */
    /* DONE: the result's first pre and last suf bytes are the method's
     * reference's first pre and last suf; result[] holds the rest */
    unsigned pre : 12, suf : 12;
    double starttime; /* realtime at creation */
    union {
        double mono_start; /* monotonic at creation (QUEUED, RUNNING) */
        double duration;   /* the total (ended) */
    };
    union {
        double progress; /* stored progress, live cell read on top (QUEUED,
                          * RUNNING); 1.0 once ended */
        double expires;  /* monotonic (ended) */
    };
    char *message; /* failure text once ended; status line while running */
    size_t result_len; /* DONE: of the whole result */
    char result[]; /* DONE: its bytes between the shares, and a NUL */
};
_Static_assert(LADON_TASK_CANCELLED < 16 &&
                   (LADON_TASK_CANCEL_REQUESTED | LADON_TASK_CLIENT_FAULT) < 4,
               "mrec's state and flags fields are too narrow");

/* An idempotency key: "method\0key" -> (id, hash), until expires. */
typedef struct mkey mkey;
struct mkey {
    mkey *next;
    int32_t id;
    uint64_t hash;
    double expires; /* monotonic */
    size_t len;     /* of name, both NULs included */
    char name[];
};
#define KEY_BUCKETS 1024u

/* The records of one (owner, method), for listing: their positions in
 * ascending (starttime, id) order.  Holds a reference to both names. */
typedef struct mindex mindex;
struct mindex {
    mindex *next;
    mname *owner, *method;
    ladon_task_pos *v;
    size_t n, cap;
};
#define INDEX_BUCKETS 256u

typedef struct mstore {
    ladon_store base;
    pthread_mutex_t mu;
    mrec **buckets;
    size_t nbuckets; /* power of two */
    size_t count, ended, result_bytes;
    mrec *ehead, *etail;
    size_t released; /* records expired since the last malloc_trim() */
    mkey *keys[KEY_BUCKETS];
    mname *names[NAME_BUCKETS];
    mindex *indexes[INDEX_BUCKETS];
} mstore;

/* After this many records were released, the periodic sweep gives the free
 * heap back to the kernel: glibc keeps it otherwise (100k expired tasks
 * left 46 MB resident; bench/README.md "scale"). */
#define TRIM_AFTER 4096

static size_t bucket_of(int32_t id, size_t nbuckets)
{
    uint64_t h = (uint64_t)(uint32_t)id * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (nbuckets - 1);
}

static size_t fnv1a(const char *s, size_t len)
{
    return (size_t)ladon__fnv1a_add(LADON__FNV1A_BASIS_SHORT, s, len);
}

/* The interned name s, or NULL; *bucket its bucket, *len its length.
 * Caller holds mu. */
static mname *name_find(const mstore *ms, const char *s, size_t *bucket, size_t *len)
{
    *len = strlen(s);
    *bucket = fnv1a(s, *len) % NAME_BUCKETS;
    mname *n = ms->names[*bucket];
    while (n != NULL && strcmp(n->name, s) != 0)
        n = n->next;
    return n;
}

/* method's interned name with one more reference; NULL when out of memory.
 * Caller holds mu. */
static mname *name_ref(mstore *ms, const char *method)
{
    size_t len, bucket;
    mname *n = name_find(ms, method, &bucket, &len);
    if (n != NULL) {
        n->refs++;
        return n;
    }
    mname **link = &ms->names[bucket];
    n = malloc(sizeof *n + len + 1);
    if (n == NULL)
        return NULL;
    memcpy(n->name, method, len + 1);
    n->refs = 1;
    n->ref = NULL;
    n->ref_len = 0;
    n->bucket = bucket;
    n->next = *link;
    *link = n;
    return n;
}

/* Drops a reference to an interned name (every record freed, every
 * finish: its bucket is kept, not hashed again).  Caller holds mu. */
static void name_unref(mstore *ms, mname *name)
{
    mname **link = &ms->names[name->bucket];
    while (*link != name)
        link = &(*link)->next;
    if (--(*link)->refs == 0) {
        mname *n = *link;
        *link = n->next;
        free(n->ref);
        free(n);
    }
}

/* Address of the link pointing at id's record (or at NULL). */
static mrec **find_link(mstore *ms, int32_t id)
{
    mrec **link = &ms->buckets[bucket_of(id, ms->nbuckets)];
    while (*link != NULL && (*link)->id != id)
        link = &(*link)->hnext;
    return link;
}

/* ---- owners' indexes ------------------------------------------------- */

static size_t index_bucket(const mname *owner, const mname *method)
{
    uint64_t h = ((uint64_t)(uintptr_t)owner * 0x9E3779B97F4A7C15ull) ^ (uint64_t)(uintptr_t)method;
    h *= 0xff51afd7ed558ccdull;
    return (size_t)(h >> 40) % INDEX_BUCKETS;
}

/* The index of (owner, method), or NULL; *link its link.  Caller holds mu. */
static mindex *index_find(mstore *ms, const mname *owner, const mname *method, mindex ***link)
{
    mindex **l = &ms->indexes[index_bucket(owner, method)];
    while (*l != NULL && ((*l)->owner != owner || (*l)->method != method))
        l = &(*l)->next;
    *link = l;
    return *l;
}

/* The first index in x->v whose position is not older than p. */
static size_t index_lower(const mindex *x, const ladon_task_pos *p)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ladon__task_pos_cmp(&x->v[mid], p) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void name_unref(mstore *ms, mname *name);

/* Unlinks index *link and frees it.  Caller holds mu. */
static void index_free(mstore *ms, mindex **link)
{
    mindex *x = *link;
    *link = x->next;
    name_unref(ms, x->owner);
    name_unref(ms, x->method);
    free(x->v);
    free(x);
}

/* Enters r (owned) in its index; 0 or LADON_ENOMEM.  Caller holds mu. */
static int index_add(mstore *ms, const mrec *r)
{
    mindex **link, *x = index_find(ms, r->owner, r->method, &link);
    if (x == NULL) {
        if ((x = calloc(1, sizeof *x)) == NULL)
            return LADON_ENOMEM;
        x->owner = r->owner;
        x->method = r->method;
        x->owner->refs++;
        x->method->refs++;
        *link = x;
    }
    if (x->n == x->cap) {
        size_t cap = x->cap != 0 ? x->cap * 2 : 8;
        ladon_task_pos *v = cap <= SIZE_MAX / sizeof *v ? realloc(x->v, cap * sizeof *v) : NULL;
        if (v == NULL) {
            if (x->n == 0)
                index_free(ms, link);
            return LADON_ENOMEM;
        }
        x->v = v;
        x->cap = cap;
    }
    ladon_task_pos p = {r->starttime, r->id};
    size_t at = index_lower(x, &p);
    memmove(x->v + at + 1, x->v + at, (x->n - at) * sizeof *x->v);
    x->v[at] = p;
    x->n++;
    return 0;
}

/* Takes r (owned) out of its index, freeing an index left empty.  Caller
 * holds mu. */
static void index_remove(mstore *ms, const mrec *r)
{
    mindex **link, *x = index_find(ms, r->owner, r->method, &link);
    if (x == NULL)
        return;
    ladon_task_pos p = {r->starttime, r->id};
    size_t at = index_lower(x, &p);
    if (at < x->n && x->v[at].id == r->id) {
        memmove(x->v + at, x->v + at + 1, (x->n - at - 1) * sizeof *x->v);
        x->n--;
    }
    if (x->n == 0)
        index_free(ms, link);
    else if (x->cap > 64 && x->n < x->cap / 4) {
        ladon_task_pos *v = realloc(x->v, x->cap / 2 * sizeof *v);
        if (v != NULL) { /* else the larger array still serves */
            x->v = v;
            x->cap /= 2;
        }
    }
}

/* Rehashes into nb buckets; on allocation failure keeps the old table, which
 * still works, with longer chains. */
static void resize(mstore *ms, size_t nb)
{
    mrec **nbk = calloc(nb, sizeof *nbk);
    if (nbk == NULL)
        return;
    for (size_t i = 0; i < ms->nbuckets; i++) {
        mrec *r = ms->buckets[i];
        while (r != NULL) {
            mrec *next = r->hnext;
            size_t b = bucket_of(r->id, nb);
            r->hnext = nbk[b];
            nbk[b] = r;
            r = next;
        }
    }
    free(ms->buckets);
    ms->buckets = nbk;
    ms->nbuckets = nb;
}

static int is_ended(const mrec *r)
{
    return r->state == LADON_TASK_DONE || r->state == LADON_TASK_FAILED ||
           r->state == LADON_TASK_CANCELLED;
}

static void expiry_insert(mstore *ms, mrec *r)
{
    mrec *after = ms->etail;
    while (after != NULL && after->expires > r->expires)
        after = after->eprev;
    r->eprev = after;
    r->enext = after != NULL ? after->enext : ms->ehead;
    if (r->enext != NULL)
        r->enext->eprev = r;
    else
        ms->etail = r;
    if (after != NULL)
        after->enext = r;
    else
        ms->ehead = r;
}

static void expiry_unlink(mstore *ms, mrec *r)
{
    if (r->eprev != NULL)
        r->eprev->enext = r->enext;
    else
        ms->ehead = r->enext;
    if (r->enext != NULL)
        r->enext->eprev = r->eprev;
    else
        ms->etail = r->eprev;
    r->eprev = r->enext = NULL;
}

/* Frees r (caller holds mu, for its name). */
static void rec_free(mstore *ms, mrec *r)
{
    if (r->owner != NULL) {
        index_remove(ms, r);
        name_unref(ms, r->owner);
    }
    name_unref(ms, r->method);
    if (!is_ended(r)) /* else live is eprev */
        ladon_task_live_unref(r->live);
    free(r->message);
    free(r);
}

/* Unlinks *link's record and frees it.  Caller holds mu. */
static void remove_at(mstore *ms, mrec **link)
{
    mrec *r = *link;
    *link = r->hnext;
    if (is_ended(r)) {
        expiry_unlink(ms, r);
        ms->ended--;
        ms->result_bytes -= r->result_len;
    }
    ms->count--;
    rec_free(ms, r);
    if (ms->nbuckets > MIN_BUCKETS && ms->count < ms->nbuckets / 8)
        resize(ms, ms->nbuckets / 2);
}

/* Releases up to max expired records (all when max is 0).  Caller holds mu. */
static size_t expire_some(mstore *ms, double now, size_t max)
{
    size_t n = 0;
    while (ms->ehead != NULL && ms->ehead->expires <= now &&
           (max == 0 || n < max)) {
        remove_at(ms, find_link(ms, ms->ehead->id));
        n++;
    }
    ms->released += n;
    return n;
}

/* The URL after "memory:": "" or "//", optionally "?live_progress=0|1";
 * *caps the store's capabilities. */
static int parse_url(const char *rest, unsigned *caps, char *err,
                     size_t errlen)
{
    *caps = LADON_STORE_CAP_LIVE_PROGRESS;
    if (strncmp(rest, "//", 2) == 0)
        rest += 2;
    if (strcmp(rest, "?live_progress=0") == 0)
        *caps = 0;
    else if (rest[0] != '\0' && strcmp(rest, "?live_progress=1") != 0)
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "the memory store takes no host or option '%s': "
                           "use memory:", rest);
    return 0;
}

/* One process only: never LADON_STORE_SHARED. */
static int mem_check(const char *rest, unsigned *props, char *err,
                     size_t errlen)
{
    unsigned caps;
    (void)props;
    return parse_url(rest, &caps, err, errlen);
}

static int mem_open(ladon_store **out, const char *rest,
                    const ladon_store_options *opt, char *err, size_t errlen)
{
    (void)opt; /* one process: no prefix, timeout or lease */
    unsigned caps;
    int rc = parse_url(rest, &caps, err, errlen);
    if (rc != 0)
        return rc;
    mstore *ms = calloc(1, sizeof *ms);
    if (ms == NULL)
        return LADON_ENOMEM;
    ms->buckets = calloc(MIN_BUCKETS, sizeof *ms->buckets);
    if (ms->buckets == NULL) {
        free(ms);
        return LADON_ENOMEM;
    }
    ms->nbuckets = MIN_BUCKETS;
    if (pthread_mutex_init(&ms->mu, NULL) != 0) {
        free(ms->buckets);
        free(ms);
        return LADON_ESYS;
    }
    ms->base.caps = caps;
    *out = &ms->base;
    return 0;
}

static void mem_close(ladon_store *st)
{
    mstore *ms = (mstore *)st;
    for (size_t i = 0; i < ms->nbuckets; i++) {
        mrec *r = ms->buckets[i];
        while (r != NULL) {
            mrec *next = r->hnext;
            rec_free(ms, r);
            r = next;
        }
    }
    free(ms->buckets);
    for (size_t i = 0; i < KEY_BUCKETS; i++)
        while (ms->keys[i] != NULL) {
            mkey *k = ms->keys[i];
            ms->keys[i] = k->next;
            free(k);
        }
    /* every name went with its last record */
    pthread_mutex_destroy(&ms->mu);
    free(ms);
}

static int mem_add_owned(ladon_store *st, int32_t id, const char *method,
                         const char *owner, double starttime)
{
    mstore *ms = (mstore *)st;
    mrec *r = calloc(1, sizeof *r);
    if (r == NULL)
        return LADON_ENOMEM;
    double now = ladon__store_monotonic(st);
    r->id = id;
    r->state = LADON_TASK_QUEUED;
    r->starttime = starttime;
    r->mono_start = now;

    pthread_mutex_lock(&ms->mu);
    expire_some(ms, now, ADD_SWEEP);
    mrec **link = find_link(ms, id);
    if (*link != NULL) {
        /* an expired holder of this id would be indistinguishable from an
         * absent one: let the newcomer have it */
        if (!is_ended(*link) || (*link)->expires > now) {
            pthread_mutex_unlock(&ms->mu);
            free(r);
            return LADON_STORE_EXISTS;
        }
        remove_at(ms, link);
    }
    if ((r->method = name_ref(ms, method)) == NULL) {
        pthread_mutex_unlock(&ms->mu);
        free(r);
        return LADON_ENOMEM;
    }
    if (owner != NULL &&
        ((r->owner = name_ref(ms, owner)) == NULL || index_add(ms, r) != 0)) {
        if (r->owner != NULL)
            name_unref(ms, r->owner);
        name_unref(ms, r->method);
        pthread_mutex_unlock(&ms->mu);
        free(r);
        return LADON_ENOMEM;
    }
    if (ms->count + 1 > ms->nbuckets && ms->nbuckets < MAX_BUCKETS)
        resize(ms, ms->nbuckets * 2);
    link = &ms->buckets[bucket_of(id, ms->nbuckets)];
    r->hnext = *link;
    *link = r;
    ms->count++;
    pthread_mutex_unlock(&ms->mu);
    return 0;
}

static int mem_add(ladon_store *st, int32_t id, const char *method,
                   double starttime)
{
    return mem_add_owned(st, id, method, NULL, starttime);
}

static int mem_start(ladon_store *st, int32_t id, ladon_task_live *live)
{
    mstore *ms = (mstore *)st;
    int rc = 0;
    pthread_mutex_lock(&ms->mu);
    mrec *r = *find_link(ms, id);
    if (r == NULL)
        rc = LADON_ENOTFOUND;
    else if (r->state != LADON_TASK_QUEUED)
        rc = LADON_ESTATE;
    else {
        r->state = LADON_TASK_RUNNING;
        if (live != NULL && (st->caps & LADON_STORE_CAP_LIVE_PROGRESS))
            r->live = ladon_task_live_ref(live);
    }
    pthread_mutex_unlock(&ms->mu);
    return rc;
}

static int mem_progress(ladon_store *st, int32_t id, double fraction)
{
    mstore *ms = (mstore *)st;
    int rc = 0;
    pthread_mutex_lock(&ms->mu);
    mrec *r = *find_link(ms, id);
    if (r == NULL)
        rc = LADON_ENOTFOUND;
    else if (r->state != LADON_TASK_RUNNING)
        rc = LADON_ESTATE;
    else if (fraction > r->progress)
        r->progress = fraction;
    pthread_mutex_unlock(&ms->mu);
    return rc;
}

/* Replaces r's message by a copy of text; 0 or LADON_ENOMEM (unchanged). */
static int set_message(mrec *r, const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return LADON_ENOMEM;
    free(r->message);
    r->message = copy;
    return 0;
}

/* Moves r to an ended state.  Caller holds mu.  Returns the live cell to be
 * unreferenced after unlocking. */
static ladon_task_live *end_record(mstore *ms, mrec *r, ladon_task_state to,
                                   double now, unsigned ttl_s)
{
    ladon_task_live *live = r->live; /* before expiry_insert() sets eprev */
    r->live = NULL;
    r->state = (uint8_t)to;
    /* mono_start and progress give their space to these (fill_out: an
     * ended record's progress is 1.0) */
    r->duration = now > r->mono_start ? now - r->mono_start : 0.0;
    r->expires = now + (double)ttl_s;
    expiry_insert(ms, r);
    ms->ended++;
    ms->result_bytes += r->result_len;
    return live;
}

/* How many of result's first and last bytes are ref's (*pre + *suf <= len,
 * each <= ref_len). */
static void shares(const char *result, size_t len, const char *ref,
                   size_t ref_len, size_t *pre, size_t *suf)
{
    size_t p = 0, q = 0;
    size_t max = len < ref_len ? len : ref_len;
    while (p < max && result[p] == ref[p])
        p++;
    /* the suffix may overlap the prefix in ref, not in result */
    max = len - p < ref_len ? len - p : ref_len;
    while (q < max && result[len - 1 - q] == ref[ref_len - 1 - q])
        q++;
    *pre = p;
    *suf = q;
}

static int mem_finish(ladon_store *st, int32_t id, const void *result,
                      size_t len, unsigned ttl_s)
{
    mstore *ms = (mstore *)st;
    const char *bytes = result;
    int rc = 0;

    /* The finished record replaces the running one: a new block with the
     * result's unshared bytes after the fields, so a finished task is one
     * allocation, made and filled by the finishing thread outside the lock.
     * First the method's reference is pinned (its name's count), so that it
     * can be read without the lock. */
    pthread_mutex_lock(&ms->mu);
    mrec *r = *find_link(ms, id);
    mname *m = NULL;
    const char *ref = NULL;
    size_t ref_len = 0;
    if (r == NULL)
        rc = LADON_ENOTFOUND;
    else if (r->state != LADON_TASK_RUNNING)
        rc = LADON_ESTATE;
    else {
        m = r->method;
        m->refs++;
        ref = m->ref;
        ref_len = m->ref_len;
    }
    pthread_mutex_unlock(&ms->mu);
    if (rc != 0)
        return rc;

    size_t pre = 0, suf = 0;
    char *newref = NULL;
    if (ref != NULL)
        shares(bytes, len, ref, ref_len, &pre, &suf);
    else if (len > 0 && len <= REF_MAX && (newref = malloc(len)) != NULL)
        memcpy(newref, bytes, len); /* the method's first: the reference */
    size_t mid = len - pre - suf;
    /* one spare byte lets readers get a NUL-terminated copy */
    mrec *done = mid <= SIZE_MAX - sizeof *done - 1
                     ? malloc(sizeof *done + mid + 1)
                     : NULL;
    if (done != NULL) {
        if (mid > 0)
            memcpy(done->result, bytes + pre, mid);
        done->result[mid] = '\0';
    }

    double now = ladon__store_monotonic(st);
    ladon_task_live *live = NULL;
    mrec *old = NULL;
    pthread_mutex_lock(&ms->mu);
    if (newref != NULL && m->ref == NULL) {
        m->ref = newref; /* this record's shares stay 0: it keeps it all */
        m->ref_len = len;
        newref = NULL;
    }
    mrec **link = find_link(ms, id);
    r = *link;
    if (done == NULL)
        rc = LADON_ENOMEM;
    else if (r == NULL || r->method != m) /* removed meanwhile (m is pinned:
                                           * no other name has its address) */
        rc = LADON_ENOTFOUND;
    else if (r->state != LADON_TASK_RUNNING)
        rc = LADON_ESTATE;
    else if (r->flags & LADON_TASK_CANCEL_REQUESTED) {
        /* cancelled while it ran: its result is discarded */
        rc = set_message(r, LADON_TASK_CANCELLED_MESSAGE);
        if (rc == 0) {
            live = end_record(ms, r, LADON_TASK_CANCELLED, now, ttl_s);
            rc = LADON_STORE_CANCELLED;
        }
    } else {
        /* not ended: on no expiry list yet, so the hash link is the only
         * pointer to r */
        old = r;
        memcpy(done, r, sizeof *done);
        done->message = NULL; /* the status line: freed with old */
        done->result_len = len;
        done->pre = pre & REF_MAX; /* <= ref_len <= REF_MAX */
        done->suf = suf & REF_MAX;
        *link = done;
        live = end_record(ms, done, LADON_TASK_DONE, now, ttl_s);
        done = NULL;
    }
    name_unref(ms, m); /* the pin */
    pthread_mutex_unlock(&ms->mu);
    free(done);
    free(newref);
    if (old != NULL) {
        free(old->message);
        free(old);
    }
    ladon_task_live_unref(live);
    return rc;
}

static int mem_end(ladon_store *st, int32_t id, ladon_task_state to,
                   unsigned flags, const char *message, unsigned ttl_s)
{
    mstore *ms = (mstore *)st;
    char *copy = strndup(message, LADON_TASK_MESSAGE_MAX - 1);
    if (copy == NULL)
        return LADON_ENOMEM;
    double now = ladon__store_monotonic(st);
    ladon_task_live *live = NULL;
    int rc = 0;
    pthread_mutex_lock(&ms->mu);
    mrec *r = *find_link(ms, id);
    if (r == NULL)
        rc = LADON_ENOTFOUND;
    else if (r->state != LADON_TASK_QUEUED && r->state != LADON_TASK_RUNNING)
        rc = LADON_ESTATE;
    else if (r->state == LADON_TASK_RUNNING &&
             (r->flags & LADON_TASK_CANCEL_REQUESTED) &&
             (rc = set_message(r, LADON_TASK_CANCELLED_MESSAGE)) == 0) {
        live = end_record(ms, r, LADON_TASK_CANCELLED, now, ttl_s);
        rc = LADON_STORE_CANCELLED;
    } else if (rc == 0) {
        free(r->message);
        r->message = copy;
        copy = NULL;
        r->flags = (uint8_t)(flags & LADON_TASK_CLIENT_FAULT);
        live = end_record(ms, r, to, now, ttl_s);
    }
    pthread_mutex_unlock(&ms->mu);
    free(copy);
    ladon_task_live_unref(live);
    return rc;
}

static int mem_fail(ladon_store *st, int32_t id, const char *message,
                    unsigned ttl_s)
{
    return mem_end(st, id, LADON_TASK_FAILED, 0, message, ttl_s);
}

/* What get answers of r (caller holds mu). */
static void fill_out(const mrec *r, ladon_task_record *out, double now)
{
    out->info.id = r->id;
    out->info.state = r->state;
    out->info.starttime = r->starttime;
    out->info.progress = is_ended(r) ? 1.0 : r->progress;
    if (!is_ended(r) && r->live != NULL) {
        double live = ladon_task_live_get(r->live);
        if (live > out->info.progress)
            out->info.progress = live;
    }
    if (is_ended(r))
        out->info.duration = r->duration;
    else
        out->info.duration = now > r->mono_start ? now - r->mono_start : 0.0;
    memcpy(out->method, r->method->name, strlen(r->method->name) + 1);
    if (r->owner != NULL)
        snprintf(out->owner, sizeof out->owner, "%s", r->owner->name);
    if (r->message != NULL)
        snprintf(out->message, sizeof out->message, "%s", r->message);
    out->flags = r->flags;
}

static int mem_cancel(ladon_store *st, const char *method, int32_t id,
                      unsigned ttl_s, ladon_task_record *out)
{
    mstore *ms = (mstore *)st;
    double now = ladon__store_monotonic(st);
    ladon_task_live *live = NULL;
    int rc = 0;
    pthread_mutex_lock(&ms->mu);
    mrec **link = find_link(ms, id);
    mrec *r = *link;
    if (r != NULL && is_ended(r) && r->expires <= now) {
        remove_at(ms, link);
        r = NULL;
    }
    if (r == NULL || strcmp(r->method->name, method) != 0) {
        rc = LADON_ENOTFOUND;
    } else if (r->state == LADON_TASK_QUEUED) {
        rc = set_message(r, LADON_TASK_CANCELLED_MESSAGE);
        if (rc == 0)
            live = end_record(ms, r, LADON_TASK_CANCELLED, now, ttl_s);
    } else if (r->state == LADON_TASK_RUNNING) {
        r->flags |= (uint8_t)LADON_TASK_CANCEL_REQUESTED;
    }
    if (rc == 0)
        fill_out(r, out, now);
    pthread_mutex_unlock(&ms->mu);
    ladon_task_live_unref(live);
    return rc;
}

static int mem_sync(ladon_store *st, int32_t id, double fraction,
                    const char *status, int renew, unsigned *flags)
{
    mstore *ms = (mstore *)st;
    (void)renew; /* no leases */
    char *copy = status != NULL && status[0] != '\0' ? strdup(status) : NULL;
    if (status != NULL && status[0] != '\0' && copy == NULL)
        return LADON_ENOMEM;
    int rc = 0;
    pthread_mutex_lock(&ms->mu);
    mrec *r = *find_link(ms, id);
    if (r == NULL) {
        rc = LADON_ENOTFOUND;
    } else {
        *flags = r->flags;
        if (r->state == LADON_TASK_QUEUED && status == NULL && fraction < 0.0)
            ; /* a lease renewal: nothing to do without leases */
        else if (r->state != LADON_TASK_RUNNING)
            rc = LADON_ESTATE;
        else {
            if (fraction > r->progress)
                r->progress = fraction;
            if (status != NULL) {
                free(r->message);
                r->message = copy;
                copy = NULL;
            }
        }
    }
    pthread_mutex_unlock(&ms->mu);
    free(copy);
    return rc;
}

/* ---- idempotency keys ------------------------------------------------- */

/* "method\0key\0" into a new mkey; NULL when out of memory. */
static mkey *key_new(const char *method, const char *key)
{
    size_t ml = strlen(method) + 1, kl = strlen(key) + 1;
    mkey *k = malloc(sizeof *k + ml + kl);
    if (k == NULL)
        return NULL;
    memcpy(k->name, method, ml);
    memcpy(k->name + ml, key, kl);
    k->len = ml + kl;
    k->next = NULL;
    return k;
}

static size_t key_bucket(const char *name, size_t len)
{
    return fnv1a(name, len) % KEY_BUCKETS;
}

/* The live key named like k in its bucket (expired ones released on the
 * way); *link points at its link.  Caller holds mu. */
static mkey *key_find(mstore *ms, const mkey *k, double now, mkey ***link)
{
    mkey **l = &ms->keys[key_bucket(k->name, k->len)];
    while (*l != NULL) {
        mkey *e = *l;
        if (e->expires <= now) {
            *l = e->next;
            free(e);
            continue;
        }
        if (e->len == k->len && memcmp(e->name, k->name, k->len) == 0) {
            *link = l;
            return e;
        }
        l = &e->next;
    }
    *link = l;
    return NULL;
}

static int mem_claim(ladon_store *st, const char *method, const char *key,
                     uint64_t hash, int32_t id, unsigned ttl_s,
                     int32_t *id_out, uint64_t *hash_out)
{
    mstore *ms = (mstore *)st;
    mkey *k = key_new(method, key), **link;
    if (k == NULL)
        return LADON_ENOMEM;
    double now = ladon__store_monotonic(st);
    k->id = id;
    k->hash = hash;
    k->expires = now + (double)ttl_s;
    pthread_mutex_lock(&ms->mu);
    mkey *held = key_find(ms, k, now, &link);
    if (held != NULL) {
        *id_out = held->id;
        *hash_out = held->hash;
        pthread_mutex_unlock(&ms->mu);
        free(k);
        return LADON_STORE_EXISTS;
    }
    *link = k;
    pthread_mutex_unlock(&ms->mu);
    return 0;
}

static int mem_unclaim(ladon_store *st, const char *method, const char *key,
                       int32_t id)
{
    mstore *ms = (mstore *)st;
    mkey *k = key_new(method, key), **link;
    if (k == NULL)
        return LADON_ENOMEM;
    pthread_mutex_lock(&ms->mu);
    mkey *held = key_find(ms, k, ladon__store_monotonic(st), &link);
    if (held != NULL && held->id == id) {
        *link = held->next;
        free(held);
    }
    pthread_mutex_unlock(&ms->mu);
    free(k);
    return 0;
}

/* Releases every expired key (caller holds mu). */
static void keys_sweep(mstore *ms, double now)
{
    for (size_t i = 0; i < KEY_BUCKETS; i++)
        for (mkey **l = &ms->keys[i]; *l != NULL;) {
            mkey *e = *l;
            if (e->expires <= now) {
                *l = e->next;
                free(e);
            } else {
                l = &e->next;
            }
        }
}

static int mem_get(ladon_store *st, const char *method, int32_t id,
                   ladon_task_record *out, int want_result)
{
    mstore *ms = (mstore *)st;
    double now = ladon__store_monotonic(st);
    int rc = 0;
    pthread_mutex_lock(&ms->mu);
    mrec **link = find_link(ms, id);
    mrec *r = *link;
    if (r != NULL && is_ended(r) && r->expires <= now) {
        remove_at(ms, link); /* lazy expiry */
        r = NULL;
    }
    if (r == NULL || strcmp(r->method->name, method) != 0) {
        rc = LADON_ENOTFOUND;
        goto out;
    }
    fill_out(r, out, now);
    if (want_result && r->state == LADON_TASK_DONE) {
        out->result = malloc(r->result_len + 1);
        if (out->result == NULL) {
            rc = LADON_ENOMEM;
            goto out;
        }
        /* the shares from the method's reference, the rest from r */
        const mname *m = r->method;
        char *dst = out->result;
        size_t mid = r->result_len - r->pre - r->suf;
        if (r->pre > 0)
            memcpy(dst, m->ref, r->pre);
        memcpy(dst + r->pre, r->result, mid);
        if (r->suf > 0)
            memcpy(dst + r->pre + mid, m->ref + m->ref_len - r->suf, r->suf);
        dst[r->result_len] = '\0';
        out->result_len = r->result_len;
    }
out:
    pthread_mutex_unlock(&ms->mu);
    return rc;
}

/* The index is kept exact (records leave it when freed), so gone is only
 * what expired but was not released yet: it leaves when released. */
static int mem_list(ladon_store *st, const char *method, const char *owner,
                    const ladon_task_pos *after, const int32_t *gone, size_t ngone,
                    ladon_task_pos *out, size_t max, size_t *n_out)
{
    mstore *ms = (mstore *)st;
    (void)gone;
    (void)ngone;
    *n_out = 0;
    if (max == 0)
        return 0;
    pthread_mutex_lock(&ms->mu);
    size_t bucket, len;
    mname *o = name_find(ms, owner, &bucket, &len), *m = name_find(ms, method, &bucket, &len);
    mindex **link, *x = o != NULL && m != NULL ? index_find(ms, o, m, &link) : NULL;
    if (x != NULL) {
        size_t at = after != NULL ? index_lower(x, after) : x->n, n = 0;
        while (at > 0 && n < max)
            out[n++] = x->v[--at];
        *n_out = n;
    }
    pthread_mutex_unlock(&ms->mu);
    return 0;
}

static int mem_remove(ladon_store *st, int32_t id)
{
    mstore *ms = (mstore *)st;
    int rc = 0;
    pthread_mutex_lock(&ms->mu);
    mrec **link = find_link(ms, id);
    if (*link == NULL)
        rc = LADON_ENOTFOUND;
    else
        remove_at(ms, link);
    pthread_mutex_unlock(&ms->mu);
    return rc;
}

static size_t mem_sweep(ladon_store *st)
{
    mstore *ms = (mstore *)st;
    double now = ladon__store_monotonic(st);
    pthread_mutex_lock(&ms->mu);
    size_t n = expire_some(ms, now, 0);
    keys_sweep(ms, now);
    int trim = ms->released >= TRIM_AFTER;
    if (trim)
        ms->released = 0;
    pthread_mutex_unlock(&ms->mu);
    if (trim)
        (void)malloc_trim(0); /* returns whether memory was released: either is fine */
    return n;
}

static int mem_stats(ladon_store *st, ladon_store_stats *out)
{
    mstore *ms = (mstore *)st;
    pthread_mutex_lock(&ms->mu);
    out->records = ms->count;
    out->ended = ms->ended;
    out->result_bytes = ms->result_bytes;
    pthread_mutex_unlock(&ms->mu);
    return 0;
}

const ladon_store_ops ladon__store_memory_ops = {
    .scheme = "memory",
    .open = mem_open,
    .close = mem_close,
    .add = mem_add,
    .start = mem_start,
    .progress = mem_progress,
    .finish = mem_finish,
    .fail = mem_fail,
    .get = mem_get,
    .remove = mem_remove,
    .sweep = mem_sweep,
    .stats = mem_stats,
    .form = "memory:",
    .check = mem_check,
    .end = mem_end,
    .cancel = mem_cancel,
    .sync = mem_sync,
    .claim = mem_claim,
    .unclaim = mem_unclaim,
    .add_owned = mem_add_owned,
    .list = mem_list,
};
