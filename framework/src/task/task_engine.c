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
    free(eng->hk_status);
    free(eng->hk_has_status);
    free(eng->watches);
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
    {
        uint64_t c;
        eng->has_changes = ladon_store_changes(store, &c) != LADON_ENOTSUP;
    }
    eng->hk_done = 1; /* until the housekeeper runs */
    atomic_init(&eng->abandon, 0);
    eng->ring = calloc(cfg->queue_capacity, sizeof *eng->ring);
    eng->threads = calloc(cfg->workers, sizeof *eng->threads);
    eng->stop_ids = calloc(cfg->workers, sizeof *eng->stop_ids);
    eng->hk_ids = calloc(HK_BATCH, sizeof *eng->hk_ids);
    eng->hk_vals = calloc(HK_BATCH, sizeof *eng->hk_vals);
    eng->hk_running = calloc(HK_BATCH, sizeof *eng->hk_running);
    eng->hk_status = calloc(HK_BATCH, sizeof *eng->hk_status);
    eng->hk_has_status = calloc(HK_BATCH, sizeof *eng->hk_has_status);
    if (eng->ring == NULL || eng->threads == NULL || eng->stop_ids == NULL ||
        eng->hk_ids == NULL || eng->hk_vals == NULL ||
        eng->hk_running == NULL || eng->hk_status == NULL ||
        eng->hk_has_status == NULL) {
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
    ladon_task_start start = {
        .method = method, .run = run, .arg = arg, .free_arg = free_arg};
    return ladon_task_submit_start(eng, &start, id_out, NULL);
}

/* With an idempotency key: claims it for the new record ctx->id.  0 when
 * claimed (the task is to be queued); 1 when an earlier task holds it
 * (*id_out is that task; the new record is removed); or an error (the new
 * record is removed). */
static int claim_key(ladon_task_engine *eng, const ladon_task_start *start,
                     ladon_task_ctx *ctx, const char *key, int32_t *id_out)
{
    int32_t holder = 0;
    uint64_t hash = 0;
    int rc = ladon_store_claim(eng->store, start->method, key, start->args_hash,
                               ctx->id, eng->cfg.ttl_s, &holder, &hash);
    if (rc == 0)
        return 0;
    /* the record was never queued: no one else knows its id */
    int rm = ladon_store_remove(eng->store, ctx->id);
    if (rm != 0 && rm != LADON_ENOTFOUND)
        LADON_LOGW("task %ld of %s: its record could not be removed (%s); "
                   "it stays queued until its lease passes",
                   (long)ctx->id, start->method, ladon__task_rc_text(rm));
    if (rc != LADON_STORE_EXISTS)
        return rc;
    if (hash != start->args_hash)
        return LADON_ECONFLICT;
    *id_out = holder;
    return 1;
}

/* The idempotency key as the store claims it.  An owner's: "~" + the owner
 * percent-encoded (its bytes outside 0x21..0x7e, and '%' and '~') + "~" +
 * the key, so that another user's same key is another claim.  An anonymous
 * start's: the client's key as sent, except that a key starting with '~'
 * gets one more '~' in front.  So the two never meet, whatever a client
 * sends: an owned form starts with '~' and never with "~~" (the owner is
 * not empty and its '~' are encoded), an anonymous form starts either with
 * another byte or with "~~" - an anonymous "~alice~k1" is claimed as
 * "~~alice~k1", never as alice's "k1".  Anonymous keys without a leading
 * '~' are claimed as before, so their claims stored earlier still answer.
 * 0, or LADON_EINVAL when the form does not fit in LADON_TASK_KEY_MAX - 1
 * bytes (an anonymous key with a leading '~' may be one byte shorter). */
static int scoped_key(const char *owner, const char *key, char *out)
{
    size_t n = 0, kl = strlen(key);
    if (owner == NULL || owner[0] == '\0') {
        if (key[0] == '~')
            out[n++] = '~';
        if (n + kl >= LADON_TASK_KEY_MAX)
            return LADON_EINVAL;
        memcpy(out + n, key, kl + 1);
        return 0;
    }
    static const char hex[] = "0123456789ABCDEF";
    out[n++] = '~';
    for (const unsigned char *p = (const unsigned char *)owner; *p != '\0'; p++) {
        if (n + 4 >= LADON_TASK_KEY_MAX)
            return LADON_EINVAL;
        if (*p < 0x21 || *p > 0x7e || *p == '%' || *p == '~') {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        } else {
            out[n++] = (char)*p;
        }
    }
    out[n++] = '~';
    if (n + kl >= LADON_TASK_KEY_MAX)
        return LADON_EINVAL;
    memcpy(out + n, key, kl + 1);
    return 0;
}

int ladon_task_submit_start(ladon_task_engine *eng,
                            const ladon_task_start *start, int32_t *id_out,
                            int *existed)
{
    if (existed != NULL)
        *existed = 0;
    if (eng == NULL || start == NULL || start->run == NULL || id_out == NULL ||
        start->method == NULL)
        return LADON_EINVAL;
    size_t mlen = strnlen(start->method, LADON_TASK_METHOD_MAX);
    if (mlen == 0 || mlen >= LADON_TASK_METHOD_MAX)
        return LADON_EINVAL;
    const char *owner = start->owner != NULL ? start->owner : "";
    size_t olen = strnlen(owner, LADON_TASK_OWNER_MAX);
    if (olen >= LADON_TASK_OWNER_MAX)
        return LADON_EINVAL;
    char key[LADON_TASK_KEY_MAX];
    if (start->idempotency_key != NULL && scoped_key(owner, start->idempotency_key, key) != 0)
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
    int32_t earlier = 0;
    ladon_task_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx != NULL)
        ctx->live = ladon__task_live_new();
    if (ctx != NULL && ctx->live != NULL) {
        ctx->eng = eng;
        ctx->run = start->run;
        ctx->arg = start->arg;
        ctx->free_arg = start->free_arg;
        atomic_init(&ctx->gone, 0);
        atomic_init(&ctx->ending, 0);
        atomic_init(&ctx->cancel, 0);
        memcpy(ctx->method, start->method, mlen + 1);
        memcpy(ctx->owner, owner, olen + 1);
        /* the lease runs from the add: renew it a period later */
        ctx->next_touch = store_now(eng) + eng->touch_period;
        rc = ladon_store_create_owned(eng->store, start->method, owner, &ctx->id);
        if (rc == 0 && start->idempotency_key != NULL)
            rc = claim_key(eng, start, ctx, key, &earlier);
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
    if (rc == 1) {
        *id_out = earlier;
        if (existed != NULL)
            *existed = 1;
        rc = 0;
        ctx->free_arg = NULL; /* the argument stays the caller's */
        ctx_free(ctx);
    } else if (rc != 0 && ctx != NULL) {
        ctx_free(ctx);
    }
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
        ladon__task_wake(eng, ctx->id);
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

    for (unsigned i = 0; i < n; i++) {
        /* ESTATE: it ended meanwhile and its outcome stands */
        (void)stop_fail(eng, eng->stop_ids[i], NULL, &down);
        ladon__task_wake(eng, eng->stop_ids[i]);
    }
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
    case LADON_TASK_CANCELLED:
        if (message != NULL && message_len > 0)
            snprintf(message, message_len, "%s", rec.message);
        free(rec.result);
        return rec.info.state == LADON_TASK_FAILED ? LADON_EFAULT : LADON_ECANCELLED;
    case LADON_TASK_QUEUED:
    case LADON_TASK_RUNNING:
        break;
    }
    free(rec.result);
    return LADON_ESTATE;
}

int ladon_task_query(ladon_task_engine *eng, const char *method, int32_t id,
                     ladon_task_record *out)
{
    if (eng == NULL || out == NULL)
        return LADON_EINVAL;
    return ladon_store_get(eng->store, method, id, out, 0);
}

int ladon_task_fetch(ladon_task_engine *eng, const char *method, int32_t id,
                     ladon_task_record *out)
{
    if (eng == NULL || out == NULL)
        return LADON_EINVAL;
    return ladon_store_get(eng->store, method, id, out, 1);
}

/* Whether caller may see rec: its owner's, or nobody's. */
static int visible(const ladon_task_record *rec, const char *caller)
{
    return rec->owner[0] == '\0' || (caller != NULL && strcmp(rec->owner, caller) == 0);
}

/* out as an unknown id leaves it (ladon_store_get's failure). */
static int unknown(ladon_task_record *out)
{
    free(out->result);
    memset(out, 0, sizeof *out);
    return LADON_ENOTFOUND;
}

int ladon_task_query_as(ladon_task_engine *eng, const char *method, const char *caller,
                        int32_t id, ladon_task_record *out)
{
    int rc = ladon_task_query(eng, method, id, out);
    return rc == 0 && !visible(out, caller) ? unknown(out) : rc;
}

int ladon_task_fetch_as(ladon_task_engine *eng, const char *method, const char *caller,
                        int32_t id, ladon_task_record *out)
{
    /* The owner first, on a record read without the result: another's id
     * (or an unknown one) costs the store what a progress query costs, never
     * the read of a result (up to 64 memcached chunks), so its answer comes
     * as fast as an unknown id's.  Only a DONE record has a result: the
     * owner's is read again with it, and that second record is checked
     * again (an id that expired and was drawn again in between). */
    int rc = ladon_task_query_as(eng, method, caller, id, out);
    if (rc != 0 || out->info.state != LADON_TASK_DONE)
        return rc;
    rc = ladon_task_fetch(eng, method, id, out);
    return rc == 0 && !visible(out, caller) ? unknown(out) : rc;
}

int ladon_task_cancel_as(ladon_task_engine *eng, const char *method, const char *caller,
                         int32_t id, ladon_task_record *out)
{
    /* The owner never changes, so reading it first decides: only a record
     * that expired and whose id was drawn again between the two calls could
     * differ (a finished task's ttl and a 1 in 2^31 draw), and the check
     * after the cancel catches even that in the answer. */
    int rc = ladon_task_query_as(eng, method, caller, id, out);
    if (rc != 0)
        return rc;
    rc = ladon_task_cancel(eng, method, id, out);
    if (rc == 0 && !visible(out, caller)) {
        LADON_LOGW("task %ld of %s: its id was taken by another owner's task during a cancel",
                   (long)id, method);
        return unknown(out);
    }
    return rc;
}

int ladon_task_list(ladon_task_engine *eng, const char *method, const char *caller,
                    const ladon_task_pos *after, size_t limit, ladon_task_info *out,
                    size_t *n_out, int *more)
{
    if (eng == NULL || caller == NULL || caller[0] == '\0')
        return LADON_EINVAL;
    return ladon_store_list(eng->store, method, caller, after, limit, out, n_out, more);
}

/* Takes a queued task of this engine off the ring, or returns NULL. */
static ladon_task_ctx *unqueue_locked(ladon_task_engine *eng, int32_t id)
{
    unsigned cap = eng->cfg.queue_capacity;
    for (unsigned i = 0; i < eng->len; i++) {
        unsigned at = (eng->head + i) % cap;
        ladon_task_ctx *c = eng->ring[at];
        if (c->id != id)
            continue;
        /* close the gap: the tasks behind it move up by one */
        for (unsigned k = i; k + 1 < eng->len; k++)
            eng->ring[(eng->head + k) % cap] = eng->ring[(eng->head + k + 1) % cap];
        eng->ring[(eng->head + eng->len - 1) % cap] = NULL;
        eng->len--;
        return c;
    }
    return NULL;
}

int ladon_task_cancel(ladon_task_engine *eng, const char *method, int32_t id,
                      ladon_task_record *out)
{
    if (eng == NULL || out == NULL)
        return LADON_EINVAL;
    int rc = ladon_store_cancel(eng->store, method, id, eng->cfg.ttl_s, out);
    if (rc != 0)
        return rc;
    ladon_task_ctx *dropped = NULL;
    int running_here = 0;
    pthread_mutex_lock(&eng->mu);
    if (out->info.state == LADON_TASK_CANCELLED) {
        /* cancelled while queued: if it waits in this engine's ring, it
         * leaves it now (its record already says so) */
        dropped = unqueue_locked(eng, id);
    } else if (out->info.state == LADON_TASK_RUNNING &&
               (out->flags & LADON_TASK_CANCEL_REQUESTED)) {
        for (ladon_task_ctx *c = eng->running_list; c != NULL; c = c->next)
            if (c->id == id) {
                atomic_store(&c->cancel, 1);
                running_here = 1;
                break;
            }
    }
    pthread_mutex_unlock(&eng->mu);
    if (dropped != NULL) {
        LADON_LOGD("task %ld of %s cancelled while queued", (long)id,
                   dropped->method);
        free_arg_of(dropped);
        ctx_free(dropped);
    }
    if (out->info.state == LADON_TASK_CANCELLED)
        ladon__task_wake(eng, id);
    if (running_here)
        LADON_LOGD("task %ld of %s: cancel requested while it runs", (long)id,
                   method);
    return 0;
}

/* ---- waiters (m_wait) ---------------------------------------------------- */

void ladon_task_set_waker(ladon_task_engine *eng, ladon_task_wake_fn wake,
                          void *ud)
{
    if (eng == NULL)
        return;
    pthread_mutex_lock(&eng->mu);
    eng->wake = wake;
    eng->wake_ud = ud;
    pthread_mutex_unlock(&eng->mu);
}

int ladon_task_watch(ladon_task_engine *eng, const char *method, int32_t id)
{
    size_t mlen = method != NULL ? strnlen(method, LADON_TASK_METHOD_MAX) : 0;
    if (eng == NULL || id <= 0 || mlen == 0 || mlen >= LADON_TASK_METHOD_MAX)
        return LADON_EINVAL;
    pthread_mutex_lock(&eng->mu);
    for (size_t i = 0; i < eng->nwatches; i++)
        if (eng->watches[i].id == id) {
            eng->watches[i].count++;
            pthread_mutex_unlock(&eng->mu);
            return 0;
        }
    if (eng->nwatches == eng->capwatches) {
        size_t cap = eng->capwatches ? eng->capwatches * 2 : 16;
        struct watch *w = realloc(eng->watches, cap * sizeof *w);
        if (w == NULL) {
            pthread_mutex_unlock(&eng->mu);
            return LADON_ENOMEM;
        }
        eng->watches = w;
        eng->capwatches = cap;
    }
    eng->watches[eng->nwatches].id = id;
    eng->watches[eng->nwatches].count = 1;
    memcpy(eng->watches[eng->nwatches].method, method, mlen + 1);
    eng->nwatches++;
    eng->hk_kick = 1; /* the housekeeper polls the store's changes now */
    pthread_cond_signal(&eng->hk_cv);
    pthread_mutex_unlock(&eng->mu);
    return 0;
}

void ladon_task_unwatch(ladon_task_engine *eng, int32_t id)
{
    if (eng == NULL)
        return;
    pthread_mutex_lock(&eng->mu);
    for (size_t i = 0; i < eng->nwatches; i++)
        if (eng->watches[i].id == id) {
            if (--eng->watches[i].count == 0)
                eng->watches[i] = eng->watches[--eng->nwatches];
            break;
        }
    pthread_mutex_unlock(&eng->mu);
}

void ladon__task_wake(ladon_task_engine *eng, int32_t id)
{
    ladon_task_wake_fn wake = NULL;
    void *ud = NULL;
    pthread_mutex_lock(&eng->mu);
    for (size_t i = 0; i < eng->nwatches; i++)
        if (eng->watches[i].id == id) {
            wake = eng->wake;
            ud = eng->wake_ud;
            break;
        }
    pthread_mutex_unlock(&eng->mu);
    if (wake != NULL)
        wake(ud, id);
}

unsigned ladon__task_engine_pending(ladon_task_engine *eng)
{
    pthread_mutex_lock(&eng->mu);
    unsigned n = eng->npending;
    pthread_mutex_unlock(&eng->mu);
    return n;
}
