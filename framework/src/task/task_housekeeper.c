/* task_housekeeper.c - the task engine's housekeeping thread: everything
 * periodic.
 *
 * Housekeeping (ladon__task_housekeeper_main), on the store's clock (so
 * tests drive it with ladon_store_set_clock()); it wakes when the next thing
 * is due, at least every sweep_interval_ms:
 *  - every sweep_interval_ms: ladon_store_sweep();
 *  - every sweep_interval_ms, for stores that cannot read live cells
 *    (memcached, redis): publish the progress of running tasks that rose
 *    since the last publication - so a body calling
 *    ladon_task_update_progress() a million times causes at most one store
 *    write per task per interval;
 *  - for stores with leases (ladon_store_lease() > 0): every lease/3 seconds
 *    renew the lease of every task this engine owns, queued and running,
 *    with ladon_store_touch(), which also carries a running task's progress.
 *    Publishing and renewal are one write: a task whose progress rose, or
 *    whose lease is due, gets exactly one touch in a pass.  A touch that
 *    finds the record ended or gone (another process recorded it "task lost"
 *    while this one could not reach the store) makes ladon_task_stopping()
 *    true for that task; its outcome will be dropped;
 *  - deferred outcomes (task_outcome.c) whose retry time has come.
 * The housekeeper collects ids and values under eng->mu into scratch arrays
 * (at most HK_BATCH a round; a round counter keeps one task from being
 * written twice in a pass), then writes without the lock.  When a store call
 * answers LADON_ESTORE the pass stops there (every further call would wait
 * for the timeout too) and the next successful pass writes every task.
 *
 * Locking and ownership: the DESIGN block of task_engine.c; the engine's
 * fields marked "housekeeper only" are touched by this thread only, or by
 * stop() once it has exited (hk_done).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ladon/error.h"
#include "ladon/task.h"
#include "log.h"
#include "task_engine_internal.h"

/* Collects up to HK_BATCH tasks to write in this round: running tasks
 * whose progress rose (when publishing) and, with leases, every task whose
 * lease is due (all of them after a failure).  Caller holds eng->mu. */
static unsigned collect_locked(ladon_task_engine *eng, double now, int publish,
                               int sync_all, double *next_due)
{
    unsigned n = 0;
    int leases = eng->touch_period > 0.0;
    for (ladon_task_ctx *c = eng->running_list; c != NULL; c = c->next) {
        if (c->round == eng->round)
            continue;
        double v = ladon_task_live_get(c->live);
        int rose = publish && !eng->live_store && v > c->published;
        int due = leases && (eng->touch_all || now >= c->next_touch);
        int status = publish && c->status_dirty;
        if ((rose || due || status || sync_all ||
             (eng->touch_all && !eng->live_store)) &&
            n < HK_BATCH) {
            c->round = eng->round;
            c->published = v;
            if (leases)
                c->next_touch = now + eng->touch_period;
            eng->hk_ids[n] = c->id;
            eng->hk_vals[n] = eng->live_store ? -1.0 : v;
            eng->hk_running[n] = 1;
            eng->hk_has_status[n] = (unsigned char)c->status_dirty;
            if (c->status_dirty)
                memcpy(eng->hk_status[n], c->status, sizeof c->status);
            c->status_dirty = 0;
            n++;
        }
        if (leases && c->next_touch < *next_due)
            *next_due = c->next_touch;
    }
    if (!leases)
        return n;
    for (unsigned i = 0; i < eng->len; i++) {
        ladon_task_ctx *c = eng->ring[(eng->head + i) % eng->cfg.queue_capacity];
        if (c->round == eng->round)
            continue;
        if ((eng->touch_all || now >= c->next_touch) && n < HK_BATCH) {
            c->round = eng->round;
            c->next_touch = now + eng->touch_period;
            eng->hk_ids[n] = c->id;
            eng->hk_vals[n] = -1.0; /* queued: lease only */
            eng->hk_running[n] = 0;
            eng->hk_has_status[n] = 0;
            n++;
        }
        if (c->next_touch < *next_due)
            *next_due = c->next_touch;
    }
    return n;
}

/* A running task whose record ended or vanished: tell its body to stop. */
static void mark_gone(ladon_task_engine *eng, int32_t id, int rc)
{
    int first = 0;
    char method[LADON_TASK_METHOD_MAX] = "";
    pthread_mutex_lock(&eng->mu);
    for (ladon_task_ctx *c = eng->running_list; c != NULL && !eng->stopping;
         c = c->next)
        if (c->id == id) {
            /* ending: the touch met the task's own finish or fail */
            if (!atomic_load(&c->ending))
                first = atomic_exchange(&c->gone, 1) == 0;
            memcpy(method, c->method, sizeof method);
            break;
        }
    pthread_mutex_unlock(&eng->mu);
    if (first)
        LADON_LOGW("task %ld of %s: %s in the task store while it runs "
                   "(recorded \"%s\" after an outage?): telling it to stop; "
                   "its outcome will be dropped",
                   (long)id, method, ladon__task_rc_text(rc),
                   LADON_TASK_LOST_MESSAGE);
}

/* A running task whose record asks it to stop (m_cancel on another
 * process): ladon_task_stopping() turns true. */
static void mark_cancel(ladon_task_engine *eng, int32_t id)
{
    pthread_mutex_lock(&eng->mu);
    for (ladon_task_ctx *c = eng->running_list; c != NULL; c = c->next)
        if (c->id == id) {
            if (atomic_exchange(&c->cancel, 1) == 0)
                LADON_LOGD("task %ld of %s: cancel requested (seen in the "
                           "store)", (long)id, c->method);
            break;
        }
    pthread_mutex_unlock(&eng->mu);
}

/* Lease renewal, progress and status publishing, and reading the flags of
 * running tasks (a cancel requested elsewhere), all in one write per task
 * (ladon_store_sync).  sync_all: every running task (the store's change
 * counter moved).  Returns 0 or LADON_ESTORE; *answered counts the store
 * calls that got an answer. */
static int write_tasks(ladon_task_engine *eng, double now, int publish,
                       int sync_all, double *next_due, unsigned *answered)
{
    int leases = eng->touch_period > 0.0;
    pthread_mutex_lock(&eng->mu);
    eng->round++;
    pthread_mutex_unlock(&eng->mu);
    for (;;) {
        pthread_mutex_lock(&eng->mu);
        unsigned n = collect_locked(eng, now, publish, sync_all, next_due);
        pthread_mutex_unlock(&eng->mu);
        for (unsigned i = 0; i < n; i++) {
            unsigned flags = 0;
            int rc = ladon_store_sync(eng->store, eng->hk_ids[i],
                                      eng->hk_vals[i],
                                      eng->hk_has_status[i] ? eng->hk_status[i]
                                                            : NULL,
                                      leases, &flags);
            if (rc == 0 && (flags & LADON_TASK_CANCEL_REQUESTED) &&
                eng->hk_running[i])
                mark_cancel(eng, eng->hk_ids[i]);
            if (rc == LADON_ESTORE) {
                eng->touch_all = 1; /* write everything once it is back */
                return rc;
            }
            (*answered)++;
            /* a queued task's record gone: its start will say so */
            if ((rc == LADON_ESTATE || rc == LADON_ENOTFOUND) &&
                eng->hk_running[i] && leases)
                mark_gone(eng, eng->hk_ids[i], rc);
        }
        if (n < HK_BATCH)
            break;
    }
    eng->touch_all = 0;
    return 0;
}

/* Tasks other processes end: with a store that has a change counter, reads
 * it every LADON_STORE_CHANGES_POLL_MS while this engine runs tasks or
 * someone waits for one; when it moved, *sync_all asks for a sync of every
 * running task (a cancel may have been requested) and each watched task is
 * read, waking its waiters when it ended (or is gone).  Returns 0 or
 * LADON_ESTORE. */
static int poll_changes(ladon_task_engine *eng, double now, int *sync_all,
                        double *next_due)
{
    *sync_all = 0;
    if (!eng->has_changes)
        return 0;
    pthread_mutex_lock(&eng->mu);
    int busy = eng->running_list != NULL || eng->nwatches > 0;
    pthread_mutex_unlock(&eng->mu);
    if (!busy) {
        eng->changes_known = 0; /* nothing to compare with when it resumes */
        return 0;
    }
    double period = LADON_STORE_CHANGES_POLL_MS / 1000.0;
    if (now < eng->next_changes) {
        if (eng->next_changes < *next_due)
            *next_due = eng->next_changes;
        return 0;
    }
    eng->next_changes = now + period;
    if (eng->next_changes < *next_due)
        *next_due = eng->next_changes;
    uint64_t c = 0;
    int rc = ladon_store_changes(eng->store, &c);
    if (rc == LADON_ESTORE)
        return rc;
    if (rc != 0)
        return 0;
    /* first read after a quiet spell: check everything once, as a change
     * may have happened since the last read */
    int moved = !eng->changes_known || c != eng->changes;
    eng->changes = c;
    eng->changes_known = 1;
    if (!moved)
        return 0;
    *sync_all = 1;
    for (size_t done = 0;;) {
        size_t n = 0;
        pthread_mutex_lock(&eng->mu);
        for (size_t i = done; i < eng->nwatches && n < HK_BATCH; i++) {
            eng->hk_ids[n] = eng->watches[i].id;
            memcpy(eng->hk_status[n], eng->watches[i].method,
                   sizeof eng->watches[i].method);
            n++;
        }
        pthread_mutex_unlock(&eng->mu);
        int32_t *ids = eng->hk_ids;
        for (size_t i = 0; i < n; i++) {
            ladon_task_record rec;
            rc = ladon_store_get(eng->store, eng->hk_status[i], ids[i], &rec, 0);
            if (rc == LADON_ESTORE)
                return rc;
            if (rc == LADON_ENOTFOUND ||
                (rc == 0 && rec.info.state != LADON_TASK_QUEUED &&
                 rec.info.state != LADON_TASK_RUNNING))
                ladon__task_wake(eng, ids[i]);
        }
        done += n;
        if (n < HK_BATCH)
            break;
    }
    return 0;
}

/* One housekeeping pass; returns when the next one is due (store clock). */
static double housekeep(ladon_task_engine *eng)
{
    double now = store_now(eng);
    double interval = eng->cfg.sweep_interval_ms / 1000.0;
    double next_due = now + interval;
    if (eng->touch_period > 0.0 && now + eng->touch_period < next_due)
        next_due = now + eng->touch_period;
    if (now >= eng->next_sweep) {
        (void)ladon_store_sweep(eng->store);
        eng->next_sweep = now + interval;
    }
    if (eng->next_sweep < next_due)
        next_due = eng->next_sweep;
    int publish = now >= eng->next_publish;
    if (publish)
        eng->next_publish = now + interval;
    if (eng->next_publish < next_due)
        next_due = eng->next_publish;
    /* the outcomes first: the first failure tells the store is down */
    unsigned answered = 0;
    int sync_all = 0;
    int rc = ladon__task_retry_pending(eng, now, &next_due, &answered);
    if (rc == 0 && (now >= eng->down_until || answered > 0))
        rc = poll_changes(eng, now, &sync_all, &next_due);
    /* a retried outcome that got an answer shows the store is back: renew
     * the leases now rather than at the end of the backoff */
    if (rc == 0 && (now >= eng->down_until || answered > 0))
        rc = write_tasks(eng, now, publish, sync_all, &next_due, &answered);
    if (rc == LADON_ESTORE) {
        /* no lease or progress writes until down_until: a store refusing
         * connections would otherwise be asked in a tight loop */
        if (!eng->outage_logged)
            LADON_LOGW("task store unavailable: %s of running tasks cannot be "
                       "written; retrying with backoff",
                       eng->touch_period > 0.0 ? "leases and progress"
                                               : "progress");
        eng->outage_logged = 1;
        eng->touch_all = 1;
        eng->down_ms = eng->down_ms == 0 ? RETRY_FIRST_MS
                       : eng->down_ms >= RETRY_MAX_MS / 2 ? RETRY_MAX_MS
                                                          : eng->down_ms * 2;
        /* never back off so long that a short outage costs the leases: at
         * most half a renewal period (lease / 6) between attempts */
        if (eng->touch_period > 0.0 && eng->down_ms > (unsigned)(eng->touch_period * 500.0))
            eng->down_ms = (unsigned)(eng->touch_period * 500.0) > 0
                               ? (unsigned)(eng->touch_period * 500.0) : 1;
        eng->down_until = now + eng->down_ms / 1000.0;
    } else if (now >= eng->down_until || answered > 0) {
        /* only a store that answered is back: a pass with nothing to write
         * (no task due) proves nothing, and logging "available again" then
         * would make the log flap while the store is still down */
        if (eng->outage_logged && answered > 0) {
            LADON_LOGI("task store available again");
            eng->outage_logged = 0;
        }
        eng->down_ms = 0;
        eng->down_until = now;
    }
    if (eng->down_ms != 0 && eng->down_until < next_due)
        next_due = eng->down_until;
    return next_due;
}

void *ladon__task_housekeeper_main(void *p)
{
    ladon_task_engine *eng = p;
    pthread_mutex_lock(&eng->mu);
    while (!eng->hk_exit) {
        pthread_mutex_unlock(&eng->mu);
        double next_due = housekeep(eng);
        /* wait until then, on the real clock: at least 1 ms, at most an
         * interval (the store clock of a test may stand still) */
        double wait = (next_due - store_now(eng)) * 1000.0;
        unsigned ms = eng->cfg.sweep_interval_ms;
        if (!(wait >= 1.0))
            ms = 1;
        else if (wait < (double)ms)
            ms = (unsigned)wait;
        struct timespec ts;
        ladon__deadline_after(&ts, ms);
        pthread_mutex_lock(&eng->mu);
        int w = 0;
        while (!eng->hk_exit && !eng->hk_kick && w != ETIMEDOUT)
            w = pthread_cond_timedwait(&eng->hk_cv, &eng->mu, &ts);
        eng->hk_kick = 0;
    }
    eng->hk_done = 1;
    pthread_cond_broadcast(&eng->idle_cv);
    pthread_mutex_unlock(&eng->mu);
    return NULL;
}
