/* task_engine_internal.h - the task engine's state, shared by the files
 * that make up the engine (internal; not for the stores):
 *   task_engine.c       creating and stopping the engine, the queue,
 *                       queries
 *   task_worker.c       the task threads, and what a task body calls
 *   task_outcome.c      recording a task's outcome, deferred while the
 *                       store is unavailable
 *   task_housekeeper.c  the housekeeping thread: sweeps, progress, leases
 * The DESIGN block of task_engine.c, with its locking rules and memory
 * ownership, covers all of them.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_TASK_ENGINE_INTERNAL_H
#define LADON_TASK_ENGINE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ladon/store.h"
#include "ladon/task.h"
#include "task_internal.h"

/* Deferred outcomes: first retry after RETRY_FIRST_MS, doubling up to
 * RETRY_MAX_MS. */
#define RETRY_FIRST_MS 100u
#define RETRY_MAX_MS 5000u
/* Tasks written per housekeeping round (the scratch arrays' size). */
#define HK_BATCH 128u

/* What a pending ctx still has to record. */
enum outcome { OUTCOME_NONE = 0, OUTCOME_FINISH, OUTCOME_FAIL };

struct ladon_task_ctx {
    ladon_task_engine *eng;
    ladon_task_ctx *prev, *next; /* running list (eng->mu) */
    int32_t id;
    ladon_task_run_fn run;
    void *arg;
    ladon_task_free_fn free_arg;
    ladon_task_live *live;
    double published;  /* last progress published to the store (eng->mu) */
    double next_touch; /* store-monotonic time its lease is due (eng->mu) */
    unsigned long round; /* housekeeping round that last wrote it (eng->mu) */
    atomic_int gone;   /* its record ended or vanished while it ran */
    atomic_int cancel; /* a cancel was requested (here, or seen in the store) */
    unsigned fail_flags; /* LADON_TASK_CLIENT_FAULT with OUTCOME_FAIL */
    /* the status line (ladon_task_update_status), under eng->mu */
    char status[LADON_TASK_STATUS_MAX];
    int status_dirty;  /* not yet published (stores without live progress) */
    atomic_int ending; /* the body returned: its outcome is being written */
    void *result;      /* set by the body; NULL = empty result */
    size_t result_len;
    char message[LADON_TASK_MESSAGE_MAX];
    char method[LADON_TASK_METHOD_MAX];
    char owner[LADON_TASK_OWNER_MAX]; /* who started it; "" anonymous */
    /* a deferred outcome (pending list) */
    enum outcome outcome;
    unsigned retries;
    unsigned backoff_ms;
    double retry_at;            /* store-monotonic */
    ladon_task_ctx *pnext;
};

struct ladon_task_engine {
    ladon_task_engine_config cfg;
    ladon_store *store;
    int live_store;      /* the store reads live cells itself */
    double touch_period; /* lease / 3 seconds; 0 = the store has no leases */

    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* workers: a task was queued, or stopping */
    pthread_cond_t idle_cv; /* stop: reserved, running dropped, hk_done
                             * (monotonic) */
    pthread_cond_t hk_cv;   /* housekeeper: kick or exit (monotonic) */

    ladon_task_ctx **ring;
    unsigned head, len;
    unsigned reserved; /* submits between slot reservation and push */
    unsigned running;  /* tasks taken by workers */
    ladon_task_ctx *running_list;
    ladon_task_ctx *pending;      /* deferred outcomes, unordered */
    unsigned npending;
    int stopping;
    int stop_done;
    int hk_exit;  /* stop(): the housekeeper should exit */
    int hk_done;  /* the housekeeper has exited (or never ran) */
    int hk_kick;  /* something new is due soon: re-plan the wait */
    int no_defer; /* stop() took the pending list: outcomes are final */
    atomic_int abandon; /* grace expired: ladon_task_stopping() is true */

    pthread_t *threads;
    unsigned nthreads;
    pthread_t hk_thread;
    int hk_started;

    /* housekeeper only (see the locking rules) */
    unsigned long round;
    int touch_all;       /* a store call failed: write every task next time */
    unsigned down_ms;    /* backoff of lease/progress writes; 0 = store up */
    double down_until;   /* no lease/progress writes before (store clock) */
    int outage_logged;   /* "unavailable" logged; "available again" not yet */
    double next_sweep, next_publish;

    /* m_wait (eng->mu): the ids watched, with their counts; wake() is called
     * without eng->mu held */
    ladon_task_wake_fn wake;
    void *wake_ud;
    struct watch {
        int32_t id;
        unsigned count;
        char method[LADON_TASK_METHOD_MAX];
    } *watches;
    size_t nwatches, capwatches;
    /* housekeeper only: the store's change counter (stores with one) */
    int has_changes;
    uint64_t changes;
    double next_changes;
    int changes_known;

    /* scratch: stop() (sized `workers`) and the housekeeper (HK_BATCH) */
    int32_t *stop_ids;
    int32_t *hk_ids;
    double *hk_vals;
    unsigned char *hk_running;
    char (*hk_status)[LADON_TASK_STATUS_MAX]; /* status to publish, "" none */
    unsigned char *hk_has_status;
};

/* The store's monotonic clock, in seconds (tests drive it). */
static inline double store_now(const ladon_task_engine *eng)
{
    return ladon__store_monotonic(eng->store);
}

/* Frees ctx with its result and its reference to the live cell. */
static inline void ctx_free(ladon_task_ctx *ctx)
{
    ladon_task_live_unref(ctx->live);
    free(ctx->result);
    free(ctx);
}

/* Calls the task's free_arg on its argument, at most once. */
static inline void free_arg_of(ladon_task_ctx *ctx)
{
    if (ctx->free_arg != NULL)
        ctx->free_arg(ctx->arg);
    ctx->arg = NULL;
    ctx->free_arg = NULL;
}

/* Calls the wake function for id when someone waits for it (m_wait).
 * Caller does not hold eng->mu. */
void ladon__task_wake(ladon_task_engine *eng, int32_t id);

/* ---- task_worker.c ----------------------------------------------------- */

/* A task thread (p: the engine); returns once the engine is stopping. */
void *ladon__task_worker_main(void *p);

/* ---- task_outcome.c ---------------------------------------------------- */

/* A short text for a store call's failure code, for log lines. */
const char *ladon__task_rc_text(int rc);
/* "result" or "failure": what ctx's outcome is. */
const char *ladon__task_outcome_text(const ladon_task_ctx *ctx);
/* One attempt at recording ctx's outcome: the store call's answer. */
int ladon__task_write_outcome(ladon_task_engine *eng, ladon_task_ctx *ctx);
/* After ladon__task_write_outcome() answered rc (not 0, not LADON_ESTORE):
 * 1 when ctx now holds a new outcome to write, 0 when it is settled. */
int ladon__task_outcome_refused(ladon_task_ctx *ctx, int rc, int quiet);
/* Hands ctx to the pending list (caller holds eng->mu); 0, or -1 once
 * stop() has taken the pending list. */
int ladon__task_defer_locked(ladon_task_engine *eng, ladon_task_ctx *ctx);
/* Logs that ctx's outcome is lost (`when`: "at shutdown", ...). */
void ladon__task_log_outcome_lost(const ladon_task_ctx *ctx, const char *when);
/* The housekeeper's retry of the pending outcomes that are due; 0, or
 * LADON_ESTORE while the store is down. */
int ladon__task_retry_pending(ladon_task_engine *eng, double now,
                              double *next_due, unsigned *answered);

/* ---- task_housekeeper.c ------------------------------------------------ */

/* The housekeeping thread (p: the engine); returns once eng->hk_exit is set,
 * having set eng->hk_done. */
void *ladon__task_housekeeper_main(void *p);

#endif /* LADON_TASK_ENGINE_INTERNAL_H */
