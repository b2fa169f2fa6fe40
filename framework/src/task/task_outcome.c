/* task_outcome.c - recording a task's outcome (its result or its failure)
 * in the store, and keeping it while the store is unavailable.
 *
 * Store outages.  A finish or fail that answers LADON_ESTORE does not lose
 * the outcome: the worker hands the task's ctx (with its result or message)
 * to the `pending` list and takes the next task at once; the housekeeper
 * retries each pending outcome with exponential backoff (RETRY_FIRST_MS
 * doubling to RETRY_MAX_MS) until it is recorded, or the store says the
 * record ended or is gone (ESTATE/ENOTFOUND: recorded "task lost" by
 * another process, or evicted/expired) - then it is logged and dropped.  A
 * running task keeps running while the store is down (only its lease
 * renewals fail).  Request threads never wait for retries: they only see
 * submit/progress/result answer LADON_ESTORE within the store's timeout.
 * At shutdown, stop() (task_engine.c) gives the pending outcomes one last
 * try.  Locking and ownership: the DESIGN block of task_engine.c.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <pthread.h>
#include <stdio.h>

#include "ladon/error.h"
#include "ladon/task.h"
#include "log.h"
#include "task_engine_internal.h"

const char *ladon__task_rc_text(int rc)
{
    switch (rc) {
    case LADON_ESTORE: return "task store unavailable";
    case LADON_ESTATE: return "its record has already ended";
    case LADON_ENOTFOUND: return "its record is gone";
    case LADON_ENOMEM: return "out of memory";
    default: return "store error";
    }
}

const char *ladon__task_outcome_text(const ladon_task_ctx *ctx)
{
    return ctx->outcome == OUTCOME_FINISH ? "result" : "failure";
}

/* One attempt at recording ctx's outcome.  A store that recorded the task
 * CANCELLED instead (a cancel was requested while it ran) answers
 * LADON_STORE_CANCELLED: recorded, so 0.  Whoever waits for the task
 * (m_wait) is woken once it is recorded. */
int ladon__task_write_outcome(ladon_task_engine *eng, ladon_task_ctx *ctx)
{
    int rc;
    if (ctx->outcome == OUTCOME_FINISH)
        rc = ladon_store_finish(eng->store, ctx->id, ctx->result,
                                ctx->result_len, eng->cfg.ttl_s);
    else
        rc = ladon_store_end(eng->store, ctx->id, LADON_TASK_FAILED,
                             ctx->fail_flags, ctx->message, eng->cfg.ttl_s);
    if (rc == LADON_STORE_CANCELLED) {
        LADON_LOGD("task %ld of %s: cancelled (its %s discarded)", (long)ctx->id,
                   ctx->method, ladon__task_outcome_text(ctx));
        rc = 0;
    }
    /* EINVAL after a finish: the store recorded it failed (too large) */
    if (rc == 0 || rc == LADON_ESTATE || rc == LADON_ENOTFOUND ||
        (rc == LADON_EINVAL && ctx->outcome == OUTCOME_FINISH))
        ladon__task_wake(eng, ctx->id);
    return rc;
}

/* After ladon__task_write_outcome() answered rc (not 0, not ESTORE): a
 * finish the store refused for another reason (out of memory) becomes a
 * failure, so clients never see a missing result; a result too large for
 * the store (EINVAL) was recorded as a failure by the store itself.  Returns
 * 1 when ctx now holds a new outcome to write, 0 when it is settled (logged
 * unless `quiet`: a task failed at shutdown, or already known to be lost,
 * ends this way). */
int ladon__task_outcome_refused(ladon_task_ctx *ctx, int rc, int quiet)
{
    if (rc == LADON_ESTATE || rc == LADON_ENOTFOUND) {
        if (!quiet)
            LADON_LOGW("task %ld of %s: %s dropped: %s (recorded \"%s\" by "
                       "another server, or expired)",
                       (long)ctx->id, ctx->method,
                       ladon__task_outcome_text(ctx), ladon__task_rc_text(rc),
                       LADON_TASK_LOST_MESSAGE);
        return 0;
    }
    if (ctx->outcome == OUTCOME_FINISH && rc == LADON_EINVAL) {
        /* store.h: a result too large for the store; the store recorded
         * the failure (LADON_TASK_TOO_LARGE_MESSAGE) itself */
        LADON_LOGW("task %ld of %s: its result (%zu bytes) is too large for "
                   "the task store: recorded as failed",
                   (long)ctx->id, ctx->method, ctx->result_len);
        return 0;
    }
    if (ctx->outcome == OUTCOME_FINISH) {
        snprintf(ctx->message, sizeof ctx->message, "%s",
                 "the task's result could not be stored");
        ctx->outcome = OUTCOME_FAIL;
        return 1;
    }
    LADON_LOGE("task %ld of %s: its failure could not be recorded: %s",
               (long)ctx->id, ctx->method, ladon__task_rc_text(rc));
    return 0;
}

/* Hands ctx, whose outcome the store could not take, to the pending list.
 * Caller holds eng->mu.  Returns 0, or -1 when stop() has already given the
 * pending outcomes their last try (the caller then logs and frees ctx). */
int ladon__task_defer_locked(ladon_task_engine *eng, ladon_task_ctx *ctx)
{
    if (eng->no_defer)
        return -1;
    ctx->retries = 0;
    ctx->backoff_ms = RETRY_FIRST_MS;
    ctx->retry_at = store_now(eng) + RETRY_FIRST_MS / 1000.0;
    ctx->pnext = eng->pending;
    eng->pending = ctx;
    eng->npending++;
    eng->hk_kick = 1;
    pthread_cond_signal(&eng->hk_cv);
    return 0;
}

void ladon__task_log_outcome_lost(const ladon_task_ctx *ctx, const char *when)
{
    LADON_LOGE("task %ld of %s: its %s could not be recorded %s: task store "
               "unavailable (with leases, other servers report it \"%s\" "
               "once its lease passed)",
               (long)ctx->id, ctx->method, ladon__task_outcome_text(ctx), when,
               LADON_TASK_LOST_MESSAGE);
}

/* Retries the pending outcomes that are due.  Returns 0, or LADON_ESTORE
 * when the store is still down; *next_due is lowered to the earliest retry
 * time left; *answered counts the store calls that got an answer. */
int ladon__task_retry_pending(ladon_task_engine *eng, double now,
                              double *next_due, unsigned *answered)
{
    pthread_mutex_lock(&eng->mu);
    ladon_task_ctx *list = eng->pending, *keep = NULL;
    eng->pending = NULL;
    pthread_mutex_unlock(&eng->mu);

    int down = 0;
    double down_until = now;
    unsigned settled = 0;
    while (list != NULL) {
        ladon_task_ctx *ctx = list;
        list = ctx->pnext;
        int rc = 1; /* 1: not tried */
        if (ctx->retry_at <= now && !down) {
            for (;;) {
                rc = ladon__task_write_outcome(eng, ctx);
                if (rc == 0 || rc == LADON_ESTORE ||
                    !ladon__task_outcome_refused(ctx, rc, 0))
                    break;
            }
            ctx->retries++;
            if (rc != LADON_ESTORE)
                (*answered)++;
        }
        if (rc == LADON_ESTORE) {
            down = 1;
            ctx->backoff_ms = ctx->backoff_ms >= RETRY_MAX_MS / 2
                                  ? RETRY_MAX_MS
                                  : ctx->backoff_ms * 2;
            ctx->retry_at = now + ctx->backoff_ms / 1000.0;
            down_until = ctx->retry_at;
        } else if (rc == 1 && down && ctx->retry_at < down_until) {
            ctx->retry_at = down_until; /* no use trying before the probe */
        }
        if (rc == 0) {
            LADON_LOGI("task %ld of %s: %s recorded after %u retr%s",
                       (long)ctx->id, ctx->method,
                       ladon__task_outcome_text(ctx), ctx->retries,
                       ctx->retries == 1 ? "y" : "ies");
        }
        if (rc == 0 || (rc != 1 && rc != LADON_ESTORE)) {
            ctx_free(ctx); /* recorded, or settled and logged */
            settled++;
            continue;
        }
        if (ctx->retry_at < *next_due)
            *next_due = ctx->retry_at;
        ctx->pnext = keep;
        keep = ctx;
    }

    pthread_mutex_lock(&eng->mu);
    eng->npending -= settled;
    while (keep != NULL) {
        ladon_task_ctx *ctx = keep;
        keep = ctx->pnext;
        ctx->pnext = eng->pending;
        eng->pending = ctx;
    }
    pthread_mutex_unlock(&eng->mu);
    return down ? LADON_ESTORE : 0;
}
