/* task_engine.c - runs task methods in the background.
 *
 * DESIGN
 *
 * Queue.  A fixed ring of `queue_capacity` task pointers, allocated once; it
 * never grows.  ladon_task_submit() first reserves a slot (len + reserved <
 * capacity, else LADON_EBUSY), then creates the store record without any
 * engine lock held (a remote store may take a while), then pushes the task
 * and wakes one worker.  So a full queue is refused before anything is
 * recorded, and a record never exists without its queued task.
 *
 * Threads.  `workers` task threads pop tasks in FIFO order and run them:
 * store start (QUEUED -> RUNNING, handing the store the task's live-progress
 * cell), the body, free_arg, then store finish or fail.  Task bodies never
 * run on request threads.  One housekeeping thread wakes every
 * sweep_interval_ms: it asks the store to release expired records and, for
 * stores that cannot read live cells (memcached, redis), publishes the
 * progress of running tasks that rose since the last publication - so a body
 * calling ladon_task_update_progress() a million times causes at most one
 * store write per interval.  All engine threads block every signal, so
 * SIGTERM/SIGINT reach the server's own threads.
 *
 * Progress.  Each task has a ladon_task_live cell (store.c): an update is a
 * relaxed load, a compare and, only when the value rises, one CAS (so helper
 * threads of a body may report too).  No lock, no store call.  The memory
 * store reads the cell of a running task when polled.
 *
 * Shutdown (ladon_task_engine_stop).  Set `stopping` (submits now fail with
 * LADON_EBUSY, idle workers exit), wait for in-flight submits (reserved ==
 * 0), fail every queued task "server shut down", wait up to the grace period
 * for running tasks, then fail the ones still running.  Store transitions are
 * conditional on the state, so a body that ends after that cannot overwrite
 * the failure (its finish gets LADON_ESTATE and is dropped); a task popped
 * but not yet started is failed from QUEUED and its start then gets
 * LADON_ESTATE, so its body never runs.  ladon_task_engine_shutdown() then
 * joins every thread.
 *
 * Locking rules.
 *  - eng->mu guards the ring, reserved, running, the running list, each
 *    task's `published` field, stopping and stop_done.
 *  - eng->mu is NEVER held while calling the store, a task body or a
 *    free_arg function.  Values needed outside (ids, progress) are copied
 *    into preallocated scratch arrays under the lock first.
 *  - The store's own locks are leaves (store_memory.c): the store never calls
 *    back into the engine.  So there is no lock order to get wrong.
 *  - `abandon` and the live cells are atomics, read without locks.
 *
 * Memory ownership.
 *  - A ladon_task_ctx is allocated by submit and owned by whoever holds it:
 *    the ring, then one worker (and, read-only under eng->mu, the running
 *    list), or stop() for a drained task; that owner frees it.
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
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ladon/error.h"
#include "ladon/task.h"
#include "task_internal.h"

struct ladon_task_ctx {
    ladon_task_engine *eng;
    ladon_task_ctx *prev, *next; /* running list (eng->mu) */
    int32_t id;
    ladon_task_run_fn run;
    void *arg;
    ladon_task_free_fn free_arg;
    ladon_task_live *live;
    double published; /* last progress published to the store (eng->mu) */
    void *result;     /* set by the body; NULL = empty result */
    size_t result_len;
    char message[LADON_TASK_MESSAGE_MAX];
    char method[LADON_TASK_METHOD_MAX];
};

struct ladon_task_engine {
    ladon_task_engine_config cfg;
    ladon_store *store;
    int live_store; /* the store reads live cells itself */

    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* workers: a task was queued, or stopping */
    pthread_cond_t idle_cv; /* stop: reserved or running dropped (monotonic) */
    pthread_cond_t hk_cv;   /* housekeeper: stopping (monotonic) */

    ladon_task_ctx **ring;
    unsigned head, len;
    unsigned reserved; /* submits between slot reservation and push */
    unsigned running;  /* tasks taken by workers */
    ladon_task_ctx *running_list;
    int stopping;
    int stop_done;
    atomic_int abandon; /* grace expired: ladon_task_stopping() is true */

    pthread_t *threads;
    unsigned nthreads;
    pthread_t hk_thread;
    int hk_started;

    /* scratch, sized `workers`: stop() and the housekeeper respectively */
    int32_t *stop_ids;
    int32_t *hk_ids;
    double *hk_vals;
};

void ladon_task_engine_config_init(ladon_task_engine_config *cfg)
{
    cfg->workers = 4;
    cfg->queue_capacity = 1024;
    cfg->ttl_s = 86400;
    cfg->grace_ms = 10000;
    cfg->sweep_interval_ms = 1000;
}

static void deadline_after(struct timespec *ts, unsigned ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts); /* cannot fail for this clock */
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void ctx_free(ladon_task_ctx *ctx)
{
    ladon_task_live_unref(ctx->live);
    free(ctx->result);
    free(ctx);
}

static void free_arg_of(ladon_task_ctx *ctx)
{
    if (ctx->free_arg != NULL)
        ctx->free_arg(ctx->arg);
    ctx->arg = NULL;
    ctx->free_arg = NULL;
}

/* ---- task threads ------------------------------------------------------ */

static void run_task(ladon_task_engine *eng, ladon_task_ctx *ctx)
{
    ladon_store *st = eng->store;
    unsigned ttl = eng->cfg.ttl_s;
    int rc = ladon_store_start(st, ctx->id, ctx->live);
    if (rc != 0) {
        /* LADON_ESTATE/ENOTFOUND: failed at shutdown or removed - nothing to
         * record.  Otherwise the store could not start it: say so. */
        if (rc != LADON_ESTATE && rc != LADON_ENOTFOUND)
            (void)ladon_store_fail(st, ctx->id, "task could not be started",
                                   ttl);
        free_arg_of(ctx);
        return;
    }
    rc = ctx->run(ctx, ctx->arg);
    free_arg_of(ctx);
    if (rc == 0) {
        rc = ladon_store_finish(st, ctx->id, ctx->result, ctx->result_len,
                                ttl);
        /* ESTATE: failed at shutdown meanwhile, the failure stands */
        if (rc != 0 && rc != LADON_ESTATE && rc != LADON_ENOTFOUND)
            (void)ladon_store_fail(st, ctx->id,
                                   "the task's result could not be stored",
                                   ttl);
    } else {
        (void)ladon_store_fail(st, ctx->id,
                               ctx->message[0] != '\0'
                                   ? ctx->message
                                   : LADON_TASK_DEFAULT_MESSAGE,
                               ttl);
    }
}

static void *worker_main(void *p)
{
    ladon_task_engine *eng = p;
    pthread_mutex_lock(&eng->mu);
    for (;;) {
        while (!eng->stopping && eng->len == 0)
            pthread_cond_wait(&eng->work_cv, &eng->mu);
        if (eng->stopping)
            break; /* stop() drains what is left in the ring */
        ladon_task_ctx *ctx = eng->ring[eng->head];
        eng->ring[eng->head] = NULL;
        eng->head = (eng->head + 1) % eng->cfg.queue_capacity;
        eng->len--;
        eng->running++;
        ctx->prev = NULL;
        ctx->next = eng->running_list;
        if (ctx->next != NULL)
            ctx->next->prev = ctx;
        eng->running_list = ctx;
        pthread_mutex_unlock(&eng->mu);

        run_task(eng, ctx);

        pthread_mutex_lock(&eng->mu);
        if (ctx->prev != NULL)
            ctx->prev->next = ctx->next;
        else
            eng->running_list = ctx->next;
        if (ctx->next != NULL)
            ctx->next->prev = ctx->prev;
        eng->running--;
        pthread_cond_broadcast(&eng->idle_cv);
        pthread_mutex_unlock(&eng->mu);
        ctx_free(ctx);
        pthread_mutex_lock(&eng->mu);
    }
    pthread_mutex_unlock(&eng->mu);
    return NULL;
}

static void *housekeeper_main(void *p)
{
    ladon_task_engine *eng = p;
    pthread_mutex_lock(&eng->mu);
    while (!eng->stopping) {
        struct timespec ts;
        deadline_after(&ts, eng->cfg.sweep_interval_ms);
        int w = 0;
        while (!eng->stopping && w != ETIMEDOUT)
            w = pthread_cond_timedwait(&eng->hk_cv, &eng->mu, &ts);
        if (eng->stopping)
            break;
        unsigned n = 0;
        if (!eng->live_store) {
            for (ladon_task_ctx *c = eng->running_list; c != NULL; c = c->next) {
                double v = ladon_task_live_get(c->live);
                if (v > c->published && n < eng->cfg.workers) {
                    c->published = v;
                    eng->hk_ids[n] = c->id;
                    eng->hk_vals[n] = v;
                    n++;
                }
            }
        }
        pthread_mutex_unlock(&eng->mu);
        (void)ladon_store_sweep(eng->store);
        for (unsigned i = 0; i < n; i++)
            /* ESTATE: ended meanwhile - fine */
            (void)ladon_store_progress(eng->store, eng->hk_ids[i],
                                       eng->hk_vals[i]);
        pthread_mutex_lock(&eng->mu);
    }
    pthread_mutex_unlock(&eng->mu);
    return NULL;
}

/* ---- life cycle -------------------------------------------------------- */

static int init_monotonic_cond(pthread_cond_t *cv)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return LADON_ESYS;
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(cv, &attr);
    pthread_condattr_destroy(&attr);
    return rc == 0 ? 0 : LADON_ESYS;
}

/* Stops and joins the threads started so far, frees everything. */
static void engine_destroy(ladon_task_engine *eng)
{
    pthread_mutex_lock(&eng->mu);
    eng->stopping = 1;
    pthread_cond_broadcast(&eng->work_cv);
    pthread_cond_broadcast(&eng->hk_cv);
    pthread_mutex_unlock(&eng->mu);
    for (unsigned i = 0; i < eng->nthreads; i++)
        pthread_join(eng->threads[i], NULL);
    if (eng->hk_started)
        pthread_join(eng->hk_thread, NULL);
    pthread_cond_destroy(&eng->hk_cv);
    pthread_cond_destroy(&eng->idle_cv);
    pthread_cond_destroy(&eng->work_cv);
    pthread_mutex_destroy(&eng->mu);
    free(eng->threads);
    free(eng->ring);
    free(eng->stop_ids);
    free(eng->hk_ids);
    free(eng->hk_vals);
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
    atomic_init(&eng->abandon, 0);
    eng->ring = calloc(cfg->queue_capacity, sizeof *eng->ring);
    eng->threads = calloc(cfg->workers, sizeof *eng->threads);
    eng->stop_ids = calloc(cfg->workers, sizeof *eng->stop_ids);
    eng->hk_ids = calloc(cfg->workers, sizeof *eng->hk_ids);
    eng->hk_vals = calloc(cfg->workers, sizeof *eng->hk_vals);
    if (eng->ring == NULL || eng->threads == NULL || eng->stop_ids == NULL ||
        eng->hk_ids == NULL || eng->hk_vals == NULL) {
        free(eng->ring);
        free(eng->threads);
        free(eng->stop_ids);
        free(eng->hk_ids);
        free(eng->hk_vals);
        free(eng);
        return LADON_ENOMEM;
    }
    if (pthread_mutex_init(&eng->mu, NULL) != 0)
        goto fail_mu;
    if (pthread_cond_init(&eng->work_cv, NULL) != 0)
        goto fail_work;
    if (init_monotonic_cond(&eng->idle_cv) != 0)
        goto fail_idle;
    if (init_monotonic_cond(&eng->hk_cv) != 0)
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
        if (pthread_create(&eng->threads[i], NULL, worker_main, eng) != 0)
            rc = LADON_ESYS;
        else
            eng->nthreads++;
    }
    if (rc == 0) {
        if (pthread_create(&eng->hk_thread, NULL, housekeeper_main, eng) != 0)
            rc = LADON_ESYS;
        else
            eng->hk_started = 1;
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
    free(eng->ring);
    free(eng->threads);
    free(eng->stop_ids);
    free(eng->hk_ids);
    free(eng->hk_vals);
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
        memcpy(ctx->method, method, mlen + 1);
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
    pthread_cond_broadcast(&eng->hk_cv);
    while (eng->reserved > 0)
        pthread_cond_wait(&eng->idle_cv, &eng->mu);
    /* no one else touches the ring now: workers exit on `stopping` */
    while (eng->len > 0) {
        ladon_task_ctx *ctx = eng->ring[eng->head];
        eng->ring[eng->head] = NULL;
        eng->head = (eng->head + 1) % eng->cfg.queue_capacity;
        eng->len--;
        pthread_mutex_unlock(&eng->mu);
        (void)ladon_store_fail(eng->store, ctx->id,
                               LADON_TASK_SHUTDOWN_MESSAGE, eng->cfg.ttl_s);
        free_arg_of(ctx);
        ctx_free(ctx);
        pthread_mutex_lock(&eng->mu);
    }

    struct timespec deadline;
    deadline_after(&deadline, grace_ms);
    int w = 0;
    while (eng->running > 0 && w != ETIMEDOUT)
        w = pthread_cond_timedwait(&eng->idle_cv, &eng->mu, &deadline);
    unsigned n = 0;
    for (ladon_task_ctx *c = eng->running_list; c != NULL; c = c->next)
        eng->stop_ids[n++] = c->id; /* n <= workers */
    pthread_mutex_unlock(&eng->mu);

    for (unsigned i = 0; i < n; i++)
        /* ESTATE: it ended meanwhile and its outcome stands */
        (void)ladon_store_fail(eng->store, eng->stop_ids[i],
                               LADON_TASK_SHUTDOWN_MESSAGE, eng->cfg.ttl_s);
    /* only now: a body that sees this and returns must find its failure
     * already recorded */
    atomic_store(&eng->abandon, 1);

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
    case LADON_TASK_QUEUED:
    case LADON_TASK_RUNNING:
        break;
    }
    free(rec.result);
    return LADON_ESTATE;
}

/* ---- inside a task body ------------------------------------------------ */

void ladon_task_update_progress(ladon_task_ctx *ctx, double fraction)
{
    fraction = ladon__progress_clamp(fraction);
    if (fraction >= 0.0) /* < 0: NaN, ignored */
        ladon__task_live_raise(ctx->live, fraction);
}

int ladon_task_set_result(ladon_task_ctx *ctx, const void *data, size_t len)
{
    if (data == NULL && len > 0)
        return LADON_EINVAL;
    void *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        return LADON_ENOMEM;
    if (len > 0)
        memcpy(copy, data, len);
    free(ctx->result);
    ctx->result = copy;
    ctx->result_len = len;
    return 0;
}

int ladon_task_fail(ladon_task_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
    va_end(ap);
    if (n < 0)
        ctx->message[0] = '\0';
    return LADON_EFAULT;
}

int ladon_task_stopping(const ladon_task_ctx *ctx)
{
    return atomic_load(&ctx->eng->abandon);
}

int32_t ladon_task_id(const ladon_task_ctx *ctx)
{
    return ctx->id;
}

const char *ladon_task_method(const ladon_task_ctx *ctx)
{
    return ctx->method;
}
