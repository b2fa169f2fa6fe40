/* store.c - the checked wrappers around each back end's ops, plus what all
 * stores share: random ids, the clock, and the live-progress cell.  (Which
 * back end a URL names, and opening it: store_registry.c.)
 *
 * The wrappers validate arguments once, so back ends may assume a positive
 * id, a method of 1..LADON_TASK_METHOD_MAX-1 bytes, a ttl >= 1 and a
 * progress already clamped to [0,1].  Id allocation lives here, not in the
 * back ends: draw a random id, add-if-absent, retry on a collision.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ladon/error.h"
#include "ladon/store.h"
#include "task_internal.h"

/* Collisions are rare (a store holding a million tasks collides once in
 * ~2000 creates); 64 misses in a row means the id space is practically full. */
#define ID_TRIES 64

/* ---- live progress cell ------------------------------------------------ */

struct ladon_task_live {
    _Atomic uint64_t bits; /* the double's bits: lock-free on every 64-bit
                            * target, unlike _Atomic double on some */
    atomic_uint refs;
};

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bits_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

ladon_task_live *ladon__task_live_new(void)
{
    ladon_task_live *live = malloc(sizeof *live);
    if (live == NULL)
        return NULL;
    atomic_init(&live->bits, double_bits(0.0));
    atomic_init(&live->refs, 1u);
    return live;
}

/* Rises smaller than this are not stored (except to 1.0): a loop that
 * reports progress every iteration then costs one load and a compare per
 * call, and the cache line readers poll is written at most ~1/STEP times
 * (bench/progress_bench.c).  Clients cannot tell the difference. */
#define LIVE_STEP (1.0 / 16384.0)

void ladon__task_live_raise(ladon_task_live *live, double fraction)
{
    uint64_t cur = atomic_load_explicit(&live->bits, memory_order_relaxed);
    uint64_t want = double_bits(fraction);
    /* a failed CAS reloads cur; stop as soon as someone raised it further */
    while (fraction > bits_double(cur) &&
           (fraction - bits_double(cur) >= LIVE_STEP || fraction >= 1.0) &&
           !atomic_compare_exchange_weak_explicit(&live->bits, &cur, want,
                                                  memory_order_release,
                                                  memory_order_relaxed))
        ;
}

double ladon_task_live_get(const ladon_task_live *live)
{
    return bits_double(atomic_load_explicit(&live->bits, memory_order_acquire));
}

ladon_task_live *ladon_task_live_ref(ladon_task_live *live)
{
    atomic_fetch_add_explicit(&live->refs, 1u, memory_order_relaxed);
    return live;
}

void ladon_task_live_unref(ladon_task_live *live)
{
    if (live == NULL)
        return;
    if (atomic_fetch_sub_explicit(&live->refs, 1u, memory_order_acq_rel) == 1u)
        free(live);
}

double ladon__progress_clamp(double fraction)
{
    if (isnan(fraction))
        return -1.0;
    if (fraction < 0.0)
        return 0.0;
    if (fraction > 1.0)
        return 1.0;
    return fraction;
}

/* ---- ids and clock ----------------------------------------------------- */

int ladon__random_id(int32_t *out)
{
    for (;;) {
        uint32_t r;
        ssize_t n = getrandom(&r, sizeof r, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return LADON_ESYS;
        }
        if ((size_t)n != sizeof r) /* cannot happen for <= 256 bytes */
            continue;
        r &= 0x7fffffffu;
        if (r != 0) {
            *out = (int32_t)r;
            return 0;
        }
    }
}

static double clock_read(clockid_t id)
{
    struct timespec ts;
    /* cannot fail for these clock ids */
    if (clock_gettime(id, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double system_realtime(void *ud)
{
    (void)ud;
    return clock_read(CLOCK_REALTIME);
}

static double system_monotonic(void *ud)
{
    (void)ud;
    return clock_read(CLOCK_MONOTONIC);
}

static const ladon_clock system_clock = {system_realtime, system_monotonic,
                                         NULL};

double ladon__store_realtime(const ladon_store *st)
{
    return st->clock.realtime(st->clock.ud);
}

double ladon__store_monotonic(const ladon_store *st)
{
    return st->clock.monotonic(st->clock.ud);
}

void ladon_store_set_clock(ladon_store *st, const ladon_clock *clk)
{
    if (st == NULL)
        return;
    if (clk == NULL || clk->realtime == NULL || clk->monotonic == NULL)
        st->clock = system_clock;
    else
        st->clock = *clk;
}

const char *ladon_task_state_name(ladon_task_state state)
{
    switch (state) {
    case LADON_TASK_QUEUED: return "queued";
    case LADON_TASK_RUNNING: return "running";
    case LADON_TASK_DONE: return "done";
    case LADON_TASK_FAILED: return "failed";
    case LADON_TASK_CANCELLED: return "cancelled";
    }
    return "unknown";
}

/* ---- checked wrappers -------------------------------------------------- */

static int method_ok(const char *method)
{
    if (method == NULL)
        return 0;
    size_t len = strnlen(method, LADON_TASK_METHOD_MAX);
    return len > 0 && len < LADON_TASK_METHOD_MAX;
}

int ladon__task_pos_cmp(const ladon_task_pos *a, const ladon_task_pos *b)
{
    if (a->starttime != b->starttime)
        return a->starttime < b->starttime ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int owner_ok(const char *owner)
{
    return owner != NULL && strnlen(owner, LADON_TASK_OWNER_MAX) < LADON_TASK_OWNER_MAX;
}

/* A new QUEUED record under a fresh random id: owned when owner is not
 * NULL (add_owned), else anonymous (add). */
static int create(ladon_store *st, const char *method, const char *owner, int32_t *id_out)
{
    double starttime = ladon__store_realtime(st);
    for (int i = 0; i < ID_TRIES; i++) {
        int32_t id;
        int rc = ladon__random_id(&id);
        if (rc != 0)
            return rc;
        rc = owner != NULL ? st->ops->add_owned(st, id, method, owner, starttime)
                           : st->ops->add(st, id, method, starttime);
        if (rc == LADON_STORE_EXISTS)
            continue;
        if (rc == 0)
            *id_out = id;
        return rc;
    }
    return LADON_EBUSY;
}

int ladon_store_create(ladon_store *st, const char *method, int32_t *id_out)
{
    if (st == NULL || id_out == NULL || !method_ok(method))
        return LADON_EINVAL;
    return create(st, method, NULL, id_out);
}

int ladon_store_create_owned(ladon_store *st, const char *method,
                             const char *owner, int32_t *id_out)
{
    if (owner == NULL || owner[0] == '\0')
        return ladon_store_create(st, method, id_out);
    if (st == NULL || id_out == NULL || !method_ok(method) || !owner_ok(owner))
        return LADON_EINVAL;
    if (st->ops->add_owned == NULL)
        return LADON_ENOTSUP;
    return create(st, method, owner, id_out);
}

/* Ids the listing found gone, handed to the store in batches. */
#define LIST_GONE_MAX 64
/* Positions asked of the store at a time (more than a page may need, since
 * some may be gone). */
#define LIST_BATCH_MIN 16

int ladon_store_list(ladon_store *st, const char *method, const char *owner,
                     const ladon_task_pos *after, size_t limit,
                     ladon_task_info *out, size_t *n_out, int *more)
{
    if (n_out != NULL)
        *n_out = 0;
    if (more != NULL)
        *more = 0;
    if (st == NULL || out == NULL || n_out == NULL || more == NULL || limit == 0 ||
        limit > SIZE_MAX / 2 || !method_ok(method) || !owner_ok(owner) || owner[0] == '\0')
        return LADON_EINVAL;
    if (st->ops->list == NULL)
        return LADON_ENOTSUP;
    /* one more than the page: whether older ones remain */
    size_t batch = limit + 1 < LIST_BATCH_MIN ? LIST_BATCH_MIN : limit + 1;
    ladon_task_pos *pos = malloc(batch * sizeof *pos);
    if (pos == NULL)
        return LADON_ENOMEM;
    int32_t gone[LIST_GONE_MAX];
    size_t ngone = 0, got = 0;
    ladon_task_pos cur = {0};
    const ladon_task_pos *from = after;
    int rc = 0, done = 0;
    while (!done) {
        size_t n = 0;
        rc = st->ops->list(st, method, owner, from, gone, ngone, pos, batch, &n);
        if (rc != 0)
            break;
        ngone = 0;
        if (n < batch)
            done = 1; /* the index has no more */
        for (size_t i = 0; i < n && rc == 0; i++) {
            ladon_task_record rec;
            cur = pos[i];
            from = &cur;
            int grc = ladon_store_get(st, method, pos[i].id, &rec, 0);
            if (grc == LADON_ENOTFOUND) {
                if (ngone == LIST_GONE_MAX) {
                    size_t dummy;
                    rc = st->ops->list(st, method, owner, NULL, gone, ngone, pos + i, 0, &dummy);
                    ngone = 0;
                }
                gone[ngone++] = pos[i].id;
                continue;
            }
            if (grc != 0) {
                rc = grc;
                break;
            }
            if (strcmp(rec.owner, owner) != 0)
                continue; /* another's (an index shared by a hash collision) */
            if (got == limit) {
                *more = 1;
                done = 1;
                break;
            }
            out[got++] = rec.info;
        }
        if (rc != 0)
            break;
    }
    if (rc == 0 && ngone > 0) {
        size_t dummy;
        rc = st->ops->list(st, method, owner, NULL, gone, ngone, pos, 0, &dummy);
    }
    free(pos);
    if (rc != 0) {
        *more = 0;
        return rc;
    }
    *n_out = got;
    return 0;
}

int ladon_store_start(ladon_store *st, int32_t id, ladon_task_live *live)
{
    if (st == NULL || id <= 0)
        return LADON_EINVAL;
    return st->ops->start(st, id, live);
}

int ladon_store_progress(ladon_store *st, int32_t id, double fraction)
{
    if (st == NULL || id <= 0)
        return LADON_EINVAL;
    fraction = ladon__progress_clamp(fraction);
    if (fraction < 0.0)
        return 0; /* NaN: ignored */
    return st->ops->progress(st, id, fraction);
}

int ladon_store_touch(ladon_store *st, int32_t id, double fraction)
{
    if (st == NULL || id <= 0)
        return LADON_EINVAL;
    if (st->lease_s == 0 || st->ops->touch == NULL)
        return 0; /* no leases: nothing to renew */
    fraction = isnan(fraction) ? -1.0 : ladon__progress_clamp(fraction);
    return st->ops->touch(st, id, fraction);
}

unsigned ladon_store_lease(const ladon_store *st)
{
    return st != NULL ? st->lease_s : 0;
}

int ladon_store_finish(ladon_store *st, int32_t id, const void *result,
                       size_t len, unsigned ttl_s)
{
    if (st == NULL || id <= 0 || ttl_s == 0 || (result == NULL && len > 0))
        return LADON_EINVAL;
    return st->ops->finish(st, id, result, len, ttl_s);
}

int ladon_store_fail(ladon_store *st, int32_t id, const char *message,
                     unsigned ttl_s)
{
    if (st == NULL || id <= 0 || ttl_s == 0 || message == NULL)
        return LADON_EINVAL;
    return st->ops->fail(st, id, message, ttl_s);
}

int ladon_store_end(ladon_store *st, int32_t id, ladon_task_state to,
                    unsigned flags, const char *message, unsigned ttl_s)
{
    if (st == NULL || id <= 0 || ttl_s == 0 || message == NULL ||
        (to != LADON_TASK_FAILED && to != LADON_TASK_CANCELLED))
        return LADON_EINVAL;
    if (st->ops->end != NULL)
        return st->ops->end(st, id, to, flags & LADON_TASK_FLAGS_MASK, message, ttl_s);
    if (to == LADON_TASK_CANCELLED)
        return LADON_ENOTSUP;
    return st->ops->fail(st, id, message, ttl_s);
}

int ladon_store_cancel(ladon_store *st, const char *method, int32_t id,
                       unsigned ttl_s, ladon_task_record *out)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (st == NULL || out == NULL || ttl_s == 0 || !method_ok(method))
        return LADON_EINVAL;
    if (id <= 0)
        return LADON_ENOTFOUND;
    if (st->ops->cancel == NULL)
        return LADON_ENOTSUP;
    int rc = st->ops->cancel(st, method, id, ttl_s, out);
    if (rc == 0 && out->lease_until > 0.0 &&
        (out->info.state == LADON_TASK_QUEUED || out->info.state == LADON_TASK_RUNNING) &&
        ladon__store_realtime(st) > out->lease_until)
        /* its process is gone: what get answers (and records: lost, or
         * cancelled when the flag came first), not a task that still runs */
        return ladon_store_get(st, method, id, out, 0);
    if (rc != 0) {
        memset(out, 0, sizeof *out);
    } else if ((out->info.state == LADON_TASK_QUEUED || out->info.state == LADON_TASK_RUNNING) &&
               out->info.progress > LADON_TASK_PROGRESS_UNFINISHED_MAX) {
        out->info.progress = LADON_TASK_PROGRESS_UNFINISHED_MAX;
    }
    return rc;
}

int ladon_store_sync(ladon_store *st, int32_t id, double fraction,
                     const char *status, int renew, unsigned *flags)
{
    unsigned dummy;
    char line[LADON_TASK_STATUS_MAX];
    if (flags == NULL)
        flags = &dummy;
    *flags = 0;
    if (st == NULL || id <= 0)
        return LADON_EINVAL;
    fraction = isnan(fraction) ? -1.0 : fraction < 0.0 ? -1.0 : ladon__progress_clamp(fraction);
    if (status != NULL) {
        /* cut at a UTF-8 character boundary */
        size_t n = strnlen(status, LADON_TASK_STATUS_MAX);
        if (n >= LADON_TASK_STATUS_MAX) {
            n = LADON_TASK_STATUS_MAX - 1;
            while (n > 0 && ((unsigned char)status[n] & 0xC0u) == 0x80u)
                n--;
        }
        memcpy(line, status, n);
        line[n] = '\0';
        status = line;
    }
    if (st->ops->sync != NULL)
        return st->ops->sync(st, id, fraction, status, renew && st->lease_s > 0, flags);
    if (renew && st->lease_s > 0 && st->ops->touch != NULL)
        return st->ops->touch(st, id, fraction);
    if (fraction < 0.0)
        return 0;
    return st->ops->progress(st, id, fraction);
}

int ladon_store_changes(ladon_store *st, uint64_t *out)
{
    if (st == NULL || out == NULL)
        return LADON_EINVAL;
    if (st->ops->changes == NULL)
        return LADON_ENOTSUP;
    return st->ops->changes(st, out);
}

static int key_ok(const char *key)
{
    if (key == NULL)
        return 0;
    size_t n = strnlen(key, LADON_TASK_KEY_MAX);
    if (n == 0 || n >= LADON_TASK_KEY_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
            return 0;
    return 1;
}

int ladon_store_claim(ladon_store *st, const char *method, const char *key,
                      uint64_t hash, int32_t id, unsigned ttl_s, int32_t *id_out,
                      uint64_t *hash_out)
{
    int32_t i0;
    uint64_t h0;
    if (id_out == NULL)
        id_out = &i0;
    if (hash_out == NULL)
        hash_out = &h0;
    *id_out = 0;
    *hash_out = 0;
    if (st == NULL || id <= 0 || ttl_s == 0 || !method_ok(method) || !key_ok(key))
        return LADON_EINVAL;
    if (st->ops->claim == NULL)
        return LADON_ENOTSUP;
    return st->ops->claim(st, method, key, hash, id, ttl_s, id_out, hash_out);
}

int ladon_store_unclaim(ladon_store *st, const char *method, const char *key, int32_t id)
{
    if (st == NULL || id <= 0 || !method_ok(method) || !key_ok(key))
        return LADON_EINVAL;
    if (st->ops->unclaim == NULL)
        return 0;
    return st->ops->unclaim(st, method, key, id);
}

int ladon_store_get(ladon_store *st, const char *method, int32_t id,
                    ladon_task_record *out, int want_result)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (st == NULL || out == NULL || !method_ok(method))
        return LADON_EINVAL;
    if (id <= 0)
        return LADON_ENOTFOUND; /* a client's bad id is unknown, not invalid */
    int rc = st->ops->get(st, method, id, out, want_result);
    /* a lease that passed: its process is gone; record the failure (a race
     * with a finish that just landed is settled by the store: re-read) */
    for (int tries = 0; rc == 0 && tries < 4 && out->lease_until > 0.0 &&
                        (out->info.state == LADON_TASK_QUEUED ||
                         out->info.state == LADON_TASK_RUNNING) &&
                        ladon__store_realtime(st) > out->lease_until;
         tries++) {
        int frc = st->ops->fail(st, id, LADON_TASK_LOST_MESSAGE, st->opts.ttl_s);
        if (frc != 0 && frc != LADON_ESTATE && frc != LADON_ENOTFOUND &&
            frc != LADON_STORE_CANCELLED) {
            rc = frc;
            break;
        }
        free(out->result);
        memset(out, 0, sizeof *out);
        rc = st->ops->get(st, method, id, out, want_result);
    }
    if (rc != 0) {
        free(out->result);
        memset(out, 0, sizeof *out);
    } else if ((out->info.state == LADON_TASK_QUEUED || out->info.state == LADON_TASK_RUNNING) &&
               out->info.progress > LADON_TASK_PROGRESS_UNFINISHED_MAX) {
        out->info.progress = LADON_TASK_PROGRESS_UNFINISHED_MAX; /* 1.0 means ended */
    }
    return rc;
}

int ladon_store_remove(ladon_store *st, int32_t id)
{
    if (st == NULL || id <= 0)
        return LADON_EINVAL;
    return st->ops->remove(st, id);
}

size_t ladon_store_sweep(ladon_store *st)
{
    if (st == NULL || st->ops->sweep == NULL)
        return 0;
    return st->ops->sweep(st);
}

int ladon_store_stats_get(ladon_store *st, ladon_store_stats *out)
{
    if (st == NULL || out == NULL || st->ops->stats == NULL)
        return LADON_EINVAL;
    memset(out, 0, sizeof *out);
    return st->ops->stats(st, out);
}

int ladon_store_has_live_progress(const ladon_store *st)
{
    return st != NULL && (st->caps & LADON_STORE_CAP_LIVE_PROGRESS) != 0;
}
