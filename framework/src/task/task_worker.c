/* task_worker.c - the task threads, which run task bodies, and what a body
 * calls while it runs (progress, result, failure, whether to stop).
 *
 * A task thread takes the oldest queued task off the ring, moves it to the
 * running list, runs it (store start, the body, free_arg, then the outcome
 * recorded through task_outcome.c, or deferred there while the store is
 * down) and takes the next, until the engine is stopping.
 *
 * Progress.  Each task has a ladon_task_live cell (store.c): an update is a
 * relaxed load, a compare and, only when the value rises, one CAS (so helper
 * threads of a body may report too).  No lock, no store call.  The memory
 * store reads the cell of a running task when polled.
 *
 * Locking and ownership: the DESIGN block of task_engine.c.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladon/error.h"
#include "ladon/task.h"
#include "log.h"
#include "task_engine_internal.h"
#include "task_internal.h"

/* ---- task threads ------------------------------------------------------ */

/* Runs one task and records its outcome.  Returns 1 when the outcome could
 * not be recorded because the store is unavailable: ctx then carries it
 * (outcome, result or message) for the pending list. */
static int run_task(ladon_task_engine *eng, ladon_task_ctx *ctx)
{
    ladon_store *st = eng->store;
    int rc = ladon_store_start(st, ctx->id, ctx->live);
    if (rc != 0) {
        free_arg_of(ctx);
        /* LADON_ESTATE/ENOTFOUND: failed at shutdown, removed, or recorded
         * lost - nothing to record.  Otherwise the store could not start it:
         * say so. */
        if (rc == LADON_ESTATE || rc == LADON_ENOTFOUND) {
            pthread_mutex_lock(&eng->mu);
            int stopping = eng->stopping;
            pthread_mutex_unlock(&eng->mu);
            ladon_task_record rec;
            if (rc == LADON_ESTATE &&
                ladon_store_get(st, ctx->method, ctx->id, &rec, 0) == 0 &&
                rec.info.state == LADON_TASK_CANCELLED)
                /* cancelled while queued, by another process */
                LADON_LOGD("task %ld of %s not run: cancelled", (long)ctx->id,
                           ctx->method);
            else if (!stopping) /* at shutdown this is expected */
                LADON_LOGW("task %ld of %s not run: %s (recorded \"%s\" by "
                           "another server?)", (long)ctx->id, ctx->method,
                           ladon__task_rc_text(rc), LADON_TASK_LOST_MESSAGE);
            return 0;
        }
        snprintf(ctx->message, sizeof ctx->message, "%s",
                 "task could not be started");
        ctx->outcome = OUTCOME_FAIL;
    } else {
        rc = ctx->run(ctx, ctx->arg);
        free_arg_of(ctx);
        if (rc == 0) {
            ctx->outcome = OUTCOME_FINISH;
        } else {
            if (ctx->message[0] == '\0')
                snprintf(ctx->message, sizeof ctx->message, "%s",
                         LADON_TASK_DEFAULT_MESSAGE);
            ctx->outcome = OUTCOME_FAIL;
        }
    }
    atomic_store(&ctx->ending, 1); /* a touch answering ESTATE now is ours */
    for (;;) {
        rc = ladon__task_write_outcome(eng, ctx);
        if (rc == 0)
            return 0;
        if (rc == LADON_ESTORE)
            return 1;
        pthread_mutex_lock(&eng->mu);
        int quiet = eng->stopping || atomic_load(&ctx->gone);
        pthread_mutex_unlock(&eng->mu);
        if (!ladon__task_outcome_refused(ctx, rc, quiet))
            return 0;
    }
}

void *ladon__task_worker_main(void *p)
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

        int unrecorded = run_task(eng, ctx);
        long id = (long)ctx->id;
        const char *what = ladon__task_outcome_text(ctx);
        char method[LADON_TASK_METHOD_MAX];
        if (unrecorded)
            memcpy(method, ctx->method, sizeof method);

        pthread_mutex_lock(&eng->mu);
        if (ctx->prev != NULL)
            ctx->prev->next = ctx->next;
        else
            eng->running_list = ctx->next;
        if (ctx->next != NULL)
            ctx->next->prev = ctx->prev;
        eng->running--;
        int deferred = unrecorded && ladon__task_defer_locked(eng, ctx) == 0;
        pthread_cond_broadcast(&eng->idle_cv);
        pthread_mutex_unlock(&eng->mu);
        /* a deferred ctx belongs to the housekeeper now: use the copies */
        if (unrecorded && deferred)
            LADON_LOGW("task %ld of %s: its %s could not be recorded: task "
                       "store unavailable; retrying in the background",
                       id, method, what);
        else if (unrecorded)
            ladon__task_log_outcome_lost(ctx, "at shutdown");
        if (!deferred)
            ctx_free(ctx);
        pthread_mutex_lock(&eng->mu);
    }
    pthread_mutex_unlock(&eng->mu);
    return NULL;
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

static int vfail(ladon_task_ctx *ctx, unsigned flags, const char *fmt, va_list ap)
{
    if (vsnprintf(ctx->message, sizeof ctx->message, fmt, ap) < 0)
        ctx->message[0] = '\0';
    ctx->fail_flags = flags;
    return LADON_EFAULT;
}

int ladon_task_fail(ladon_task_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(ctx, 0, fmt, ap);
    va_end(ap);
    return rc;
}

int ladon_task_fail_client(ladon_task_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(ctx, LADON_TASK_CLIENT_FAULT, fmt, ap);
    va_end(ap);
    return rc;
}

/* Cuts s (len bytes) at a UTF-8 character boundary no longer than max. */
static void cut_utf8(char *s, size_t len, size_t max)
{
    if (len <= max)
        return;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0u) == 0x80u)
        n--;
    s[n] = '\0';
}

void ladon_task_update_status(ladon_task_ctx *ctx, const char *fmt, ...)
{
    char line[LADON_TASK_STATUS_MAX + 8];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    cut_utf8(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1,
             LADON_TASK_STATUS_MAX - 1);
    ladon_task_engine *eng = ctx->eng;
    pthread_mutex_lock(&eng->mu);
    int same = strcmp(ctx->status, line) == 0;
    if (!same) {
        memcpy(ctx->status, line, strlen(line) + 1);
        ctx->status_dirty = !eng->live_store;
    }
    pthread_mutex_unlock(&eng->mu);
    /* the memory store: written at once (one lock, no round trip); the
     * others: with the housekeeper's next round */
    if (!same && eng->live_store)
        (void)ladon_store_sync(eng->store, ctx->id, -1.0, line, 0, NULL);
}

int ladon_task_stopping(const ladon_task_ctx *ctx)
{
    return atomic_load(&ctx->eng->abandon) || atomic_load(&ctx->gone) ||
           atomic_load(&ctx->cancel);
}

int32_t ladon_task_id(const ladon_task_ctx *ctx)
{
    return ctx->id;
}

const char *ladon_task_method(const ladon_task_ctx *ctx)
{
    return ctx->method;
}

const char *ladon_task_owner(const ladon_task_ctx *ctx)
{
    return ctx->owner;
}
