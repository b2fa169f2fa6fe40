/* task_engine.c - the task engine, which runs task methods in the
 * background: creating it, the queue (ladon_task_submit), stopping it, its
 * statistics and the progress and result queries.
 *
 * The engine's other parts, sharing task_engine_internal.h:
 *   task_worker.c       the task threads, and what a task body calls
 *   task_outcome.c      recording outcomes, deferred while the store is down
 *   task_housekeeper.c  the housekeeping thread
 *
 * DESIGN (of the whole engine)
 *
 * Queue.  A fixed ring of `queue_capacity` task pointers, allocated once; it
 * never grows.  ladon_task_submit() first reserves a slot (len + reserved <
 * capacity, else LADON_EBUSY), then creates the store record without any
 * engine lock held (a remote store may take a while; a store that is down
 * answers LADON_ESTORE within its timeout), then pushes the task and wakes
 * one worker.  So a full queue is refused before anything is recorded, and a
 * record never exists without its queued task.
 *
 * Threads.  `workers` task threads (task_worker.c) pop tasks in FIFO order
 * and run them: store start (QUEUED -> RUNNING, handing the store the task's
 * live-progress cell), the body, free_arg, then store finish or fail.  Task
 * bodies never run on request threads.  One housekeeping thread does
 * everything periodic (task_housekeeper.c).  All engine threads block every
 * signal, so SIGTERM/SIGINT reach the server's own threads.
 *
 * Housekeeping (expiry sweeps, progress publishing, lease renewal, lost
 * tasks, retries of deferred outcomes): see task_housekeeper.c.
 *
 * Store outages: see task_outcome.c.
 *
 * Shutdown (ladon_task_engine_stop).  Set `stopping` (submits now fail with
 * LADON_EBUSY, idle workers exit), wait for in-flight submits (reserved ==
 * 0), fail every queued task "server shut down", wait up to the grace period
 * for running tasks, then fail the ones still running.  Store transitions are
 * conditional on the state, so a body that ends after that cannot overwrite
 * the failure (its finish gets LADON_ESTATE and is dropped); a task popped
 * but not yet started is failed from QUEUED and its start then gets
 * LADON_ESTATE, so its body never runs.  Then the housekeeper is told to
 * exit (`hk_exit`), and stop() gives every pending outcome one last try.
 * Once a store call of stop() answered LADON_ESTORE, stop() makes no more
 * (each would wait for the timeout): it logs what it could not record; in a
 * store with leases other servers report those tasks "task lost" once their
 * lease passed.  ladon_task_engine_shutdown() then joins every thread.
 *
 * Locking rules.
 *  - eng->mu guards the ring, reserved, running, the running list, the
 *    pending list, each task's published/next_touch/round fields, stopping,
 *    stop_done, hk_exit, hk_done, hk_kick and no_defer.
 *  - eng->mu is NEVER held while calling the store, a task body or a
 *    free_arg function.  Values needed outside (ids, progress) are copied
 *    into preallocated scratch arrays under the lock first.
 *  - The store's own locks are leaves (store_memory.c): the store never calls
 *    back into the engine.  So there is no lock order to get wrong.
 *  - `abandon`, each task's `gone` and the live cells are atomics, read
 *    without locks.  The housekeeper's private state (hk_*, touch_all,
 *    next_sweep, next_publish, round) is touched by the housekeeper only,
 *    or by stop() after the housekeeper has exited (hk_done).
 *
 * Memory ownership.
 *  - A ladon_task_ctx is allocated by submit and owned by whoever holds it:
 *    the ring, then one worker (and, read-only under eng->mu, the running
 *    list), then - when its outcome could not be recorded - the pending
 *    list (the housekeeper, or stop() once the housekeeper exited), or
 *    stop() for a drained task; that owner frees it.  A ctx moves from the
 *    running list to the pending list in one critical section.
 *  - arg belongs to the caller until submit returns 0, then to the engine,
 *    which calls free_arg exactly once (after the body, or when the task is
 *    dropped at shutdown).
 *  - The live cell has one reference from the ctx plus one held by the store
 *    while the task runs; the last unref frees it.
 *  - Result bytes set by the body are copied into the ctx and freed with it;
 *    the store keeps its own copy.
 *  - The engine does not own the store.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ladon/error.h"
#include "ladon/task.h"
#include "log.h"
#include "task_engine_internal.h"
#include "task_internal.h"

void ladon_task_engine_config_init(ladon_task_engine_config *cfg)
{
    cfg->workers = 4;
    cfg->queue_capacity = 1024;
    cfg->ttl_s = 86400;
    cfg->grace_ms = 10000;
    cfg->sweep_interval_ms = 1000;
}

/* ---- life cycle -------------------------------------------------------- */

static void free_arrays(ladon_task_engine *eng)
{
    free(eng->threads);
    free(eng->ring);
    free(eng->stop_ids);
    free(eng->hk_ids);
    free(eng->hk_vals);
    free(eng->hk_running);
}

/* Stops and joins the threads started so far, frees everything. */
static void engine_destroy(ladon_task_engine *eng)
{
    pthread_mutex_lock(&eng->mu);
    eng->stopping = 1;
    eng->hk_exit = 1;
    pthread_cond_broadcast(&eng->work_cv);
    pthread_cond_broadcast(&eng->hk_cv);
    pthread_mutex_unlock(&eng->mu);
    for (unsigned i = 0; i < eng->nthreads; i++)
        pthread_join(eng->threads[i], NULL);
    if (eng->hk_started)
        pthread_join(eng->hk_thread, NULL);
    /* only when stop() never ran (a failed engine_new): nothing else can
     * have deferred anything */
    while (eng->pending != NULL) {
        ladon_task_ctx *ctx = eng->pending;
        eng->pending = ctx->pnext;
        ctx_free(ctx);
    }
    pthread_cond_destroy(&eng->hk_cv);
    pthread_cond_destroy(&eng->idle_cv);
    pthread_cond_destroy(&eng->work_cv);
    pthread_mutex_destroy(&eng->mu);
    free_arrays(eng);
    free(eng);
}

int ladon_task_engine_new(ladon_task_engine **out,
                          const ladon_task_engine_config *cfg,
                          ladon_store *store)
{
    if (out == NULL || cfg == NULL || store == NULL || cfg->workers == 0 ||
        cfg->queue_capacity == 0 || cfg->ttl_s == 0 ||
        cfg->sweep_interval_ms == 0 || cfg->workers > 100000 ||
        cfg->queue_capacity > 100000000)
        return LADON_EINVAL;
    ladon_task_engine *eng = calloc(1, sizeof *eng);
    if (eng == NULL)
        return LADON_ENOMEM;
    eng->cfg = *cfg;
    eng->store = store;
    eng->live_store = ladon_store_has_live_progress(store);
    eng->touch_period = ladon_store_lease(store) / 3.0;
    eng->hk_done = 1; /* until the housekeeper runs */
    atomic_init(&eng->abandon, 0);
    eng->ring = calloc(cfg->queue_capacity, sizeof *eng->ring);
    eng->threads = calloc(cfg->workers, sizeof *eng->threads);
    eng->stop_ids = calloc(cfg->workers, sizeof *eng->stop_ids);
    eng->hk_ids = calloc(HK_BATCH, sizeof *eng->hk_ids);
    eng->hk_vals = calloc(HK_BATCH, sizeof *eng->hk_vals);
    eng->hk_running = calloc(HK_BATCH, sizeof *eng->hk_running);
    if (eng->ring == NULL || eng->threads == NULL || eng->stop_ids == NULL ||
        eng->hk_ids == NULL || eng->hk_vals == NULL ||
        eng->hk_running == NULL) {
        free_arrays(eng);
        free(eng);
        return LADON_ENOMEM;
    }
    if (pthread_mutex_init(&eng->mu, NULL) != 0)
        goto fail_mu;
    if (pthread_cond_init(&eng->work_cv, NULL) != 0)
        goto fail_work;
    if (ladon__cond_init_monotonic(&eng->idle_cv) != 0)
        goto fail_idle;
    if (ladon__cond_init_monotonic(&eng->hk_cv) != 0)
        goto fail_hk;

    /* engine threads block all signals; restore ours afterwards */
    sigset_t all, old;
    sigfillset(&all);
    if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0) {
        engine_destroy(eng);
        return LADON_ESYS;
    }
    int rc = 0;
    for (unsigned i = 0; i < cfg->workers && rc == 0; i++) {
        if (pthread_create(&eng->threads[i], NULL, ladon__task_worker_main,
                           eng) != 0)
            rc = LADON_ESYS;
        else
            eng->nthreads++;
    }
    if (rc == 0) {
        eng->hk_done = 0; /* before it can exit and set it */
        if (pthread_create(&eng->hk_thread, NULL, ladon__task_housekeeper_main,
                           eng) != 0) {
            eng->hk_done = 1;
            rc = LADON_ESYS;
        } else {
            eng->hk_started = 1;
        }
    }
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        engine_destroy(eng);
        return rc;
    }
    *out = eng;
    return 0;

fail_hk:
    pthread_cond_destroy(&eng->idle_cv);
fail_idle:
    pthread_cond_destroy(&eng->work_cv);
fail_work:
    pthread_mutex_destroy(&eng->mu);
fail_mu:
    free_arrays(eng);
    free(eng);
    return LADON_ESYS;
}

int ladon_task_submit(ladon_task_engine *eng, const char *method,
                      ladon_task_run_fn run, void *arg,
                      ladon_task_free_fn free_arg, int32_t *id_out)
{
    if (eng == NULL || run == NULL || id_out == NULL || method == NULL)
        return LADON_EINVAL;
    size_t mlen = strnlen(method, LADON_TASK_METHOD_MAX);
    if (mlen == 0 || mlen >= LADON_TASK_METHOD_MAX)
        return LADON_EINVAL;

    pthread_mutex_lock(&eng->mu);
    if (eng->stopping ||
        eng->len + eng->reserved >= eng->cfg.queue_capacity) {
        pthread_mutex_unlock(&eng->mu);
        return LADON_EBUSY;
    }
    eng->reserved++;
    pthread_mutex_unlock(&eng->mu);

    int rc = LADON_ENOMEM;
    ladon_task_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx != NULL)
        ctx->live = ladon__task_live_new();
    if (ctx != NULL && ctx->live != NULL) {
        ctx->eng = eng;
        ctx->run = run;
        ctx->arg = arg;
        ctx->free_arg = free_arg;
        atomic_init(&ctx->gone, 0);
        atomic_init(&ctx->ending, 0);
        memcpy(ctx->method, method, mlen + 1);
        /* the lease runs from the add: renew it a period later */
        ctx->next_touch = store_now(eng) + eng->touch_period;
        rc = ladon_store_create(eng->store, method, &ctx->id);
    }

    pthread_mutex_lock(&eng->mu);
    eng->reserved--;
    if (rc == 0) {
        unsigned tail = (eng->head + eng->len) % eng->cfg.queue_capacity;
        eng->ring[tail] = ctx;
        eng->len++;
        *id_out = ctx->id;
        pthread_cond_signal(&eng->work_cv);
    }
    if (eng->stopping)
        pthread_cond_broadcast(&eng->idle_cv);
    pthread_mutex_unlock(&eng->mu);
    if (rc != 0 && ctx != NULL)
        ctx_free(ctx);
    return rc;
}

/* A store call of stop(): none once one answered LADON_ESTORE (*down). */
static int stop_fail(ladon_task_engine *eng, int32_t id, const char *method,
                     int *down)
{
    int rc = LADON_ESTORE;
    if (!*down)
        rc = ladon_store_fail(eng->store, id, LADON_TASK_SHUTDOWN_MESSAGE,
                              eng->cfg.ttl_s);
    if (rc == LADON_ESTORE) {
        *down = 1;
        LADON_LOGE("task %ld%s%s: could not be recorded as failed (\"%s\"): "
                   "task store unavailable",
                   (long)id, method != NULL ? " of " : "",
                   method != NULL ? method : "", LADON_TASK_SHUTDOWN_MESSAGE);
    }
    return rc;
}

int ladon_task_engine_stop(ladon_task_engine *eng, unsigned grace_ms)
{
    if (eng == NULL)
        return 0;
    pthread_mutex_lock(&eng->mu);
    if (eng->stopping) {
        /* a second call: wait for the first to finish marking */
        while (!eng->stop_done)
            pthread_cond_wait(&eng->idle_cv, &eng->mu);
        int n = (int)eng->running;
        pthread_mutex_unlock(&eng->mu);
        return n;
    }
    eng->stopping = 1;
    pthread_cond_broadcast(&eng->work_cv);
    while (eng->reserved > 0)
        pthread_cond_wait(&eng->idle_cv, &eng->mu);
    /* no one else takes from the ring now: workers exit on `stopping` (the
     * housekeeper only reads it, under the lock) */
    int down = 0;
    while (eng->len > 0) {
        ladon_task_ctx *ctx = eng->ring[eng->head];
        eng->ring[eng->head] = NULL;
        eng->head = (eng->head + 1) % eng->cfg.queue_capacity;
        eng->len--;
        pthread_mutex_unlock(&eng->mu);
        (void)stop_fail(eng, ctx->id, ctx->method, &down);
        free_arg_of(ctx);
        ctx_free(ctx);
        pthread_mutex_lock(&eng->mu);
    }

    /* the housekeeper keeps renewing leases and retrying outcomes */
    struct timespec deadline;
    ladon__deadline_after(&deadline, grace_ms);
    int w = 0;
    while (eng->running > 0 && w != ETIMEDOUT)
        w = pthread_cond_timedwait(&eng->idle_cv, &eng->mu, &deadline);
    unsigned n = 0;
    for (ladon_task_ctx *c = eng->running_list; c != NULL; c = c->next)
        eng->stop_ids[n++] = c->id; /* n <= workers */
    pthread_mutex_unlock(&eng->mu);

    for (unsigned i = 0; i < n; i++)
        /* ESTATE: it ended meanwhile and its outcome stands */
        (void)stop_fail(eng, eng->stop_ids[i], NULL, &down);
    /* only now: a body that sees this and returns must find its failure
     * already recorded */
    atomic_store(&eng->abandon, 1);

    /* the housekeeper exits; then the pending outcomes get one last try,
     * and outcomes that fail from now on are final */
    pthread_mutex_lock(&eng->mu);
    eng->hk_exit = 1;
    pthread_cond_broadcast(&eng->hk_cv);
    while (!eng->hk_done)
        pthread_cond_wait(&eng->idle_cv, &eng->mu);
    ladon_task_ctx *list = eng->pending;
    eng->pending = NULL;
    eng->npending = 0;
    eng->no_defer = 1;
    pthread_mutex_unlock(&eng->mu);
    while (list != NULL) {
        ladon_task_ctx *ctx = list;
        list = ctx->pnext;
        int rc = LADON_ESTORE;
        if (!down) {
            for (;;) {
                rc = ladon__task_write_outcome(eng, ctx);
                if (rc == 0 || rc == LADON_ESTORE ||
                    !ladon__task_outcome_refused(ctx, rc, 0))
                    break;
            }
        }
        if (rc == LADON_ESTORE) {
            down = 1;
            ladon__task_log_outcome_lost(ctx, "before shutdown");
        } else if (rc == 0) {
            LADON_LOGI("task %ld of %s: %s recorded at shutdown",
                       (long)ctx->id, ctx->method,
                       ladon__task_outcome_text(ctx));
        }
        ctx_free(ctx);
    }

    pthread_mutex_lock(&eng->mu);
    eng->stop_done = 1;
    pthread_cond_broadcast(&eng->idle_cv);
    int still = (int)eng->running;
    pthread_mutex_unlock(&eng->mu);
    return still;
}

void ladon_task_engine_shutdown(ladon_task_engine *eng, unsigned grace_ms)
{
    if (eng == NULL)
        return;
    (void)ladon_task_engine_stop(eng, grace_ms);
    engine_destroy(eng);
}

void ladon_task_engine_free(ladon_task_engine *eng)
{
    if (eng != NULL)
        ladon_task_engine_shutdown(eng, eng->cfg.grace_ms);
}

void ladon_task_engine_stats_get(ladon_task_engine *eng,
                                 ladon_task_engine_stats *out)
{
    if (eng == NULL || out == NULL)
        return;
    pthread_mutex_lock(&eng->mu);
    out->queued = eng->len;
    out->running = eng->running;
    out->capacity = eng->cfg.queue_capacity;
    out->workers = eng->cfg.workers;
    pthread_mutex_unlock(&eng->mu);
}

/* ---- queries ----------------------------------------------------------- */

int ladon_task_progress(ladon_task_engine *eng, const char *method, int32_t id,
                        ladon_task_info *out)
{
    if (eng == NULL || out == NULL)
        return LADON_EINVAL;
    ladon_task_record rec;
    int rc = ladon_store_get(eng->store, method, id, &rec, 0);
    if (rc == 0)
        *out = rec.info;
    return rc;
}

int ladon_task_result(ladon_task_engine *eng, const char *method, int32_t id,
                      ladon_task_info *info, void **result, size_t *result_len,
                      char *message, size_t message_len)
{
    if (result != NULL)
        *result = NULL;
    if (result_len != NULL)
        *result_len = 0;
    if (message != NULL && message_len > 0)
        message[0] = '\0';
    if (eng == NULL || result == NULL || result_len == NULL ||
        (message == NULL && message_len > 0))
        return LADON_EINVAL;
    ladon_task_record rec;
    int rc = ladon_store_get(eng->store, method, id, &rec, 1);
    if (rc != 0)
        return rc;
    if (info != NULL)
        *info = rec.info;
    switch (rec.info.state) {
    case LADON_TASK_DONE:
        *result = rec.result;
        *result_len = rec.result_len;
        return 0;
    case LADON_TASK_FAILED:
        if (message != NULL && message_len > 0)
            snprintf(message, message_len, "%s", rec.message);
        free(rec.result);
        return LADON_EFAULT;
    case LADON_TASK_CANCELLED:
        if (message != NULL && message_len > 0)
            snprintf(message, message_len, "%s", rec.message);
        free(rec.result);
        return LADON_ECANCELLED;
    case LADON_TASK_QUEUED:
    case LADON_TASK_RUNNING:
        break;
    }
    free(rec.result);
    return LADON_ESTATE;
}

unsigned ladon__task_engine_pending(ladon_task_engine *eng)
{
    pthread_mutex_lock(&eng->mu);
    unsigned n = eng->npending;
    pthread_mutex_unlock(&eng->mu);
    return n;
}
