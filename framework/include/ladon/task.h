/* ladon/task.h - the task engine: long-running methods in the background.
 *
 * A task method `m` is started with ladon_task_submit(), which records the
 * task in the store (QUEUED, progress 0.0) and puts it on a bounded queue; a
 * separate pool of task threads runs it.  Clients poll with
 * ladon_task_progress() and fetch the outcome with ladon_task_result() as
 * often as they like until the finished record expires (the engine's ttl).
 * Semantics of ids, progress, starttime and duration: ladon/store.h.
 *
 * With a shared store (leases, ladon/store.h) the engine renews the lease of
 * every task it holds, queued or running, every lease/3 seconds, in the same
 * write as the coalesced progress.  When the store is unavailable as a task
 * ends, the engine keeps the outcome and retries it in the background (100
 * ms doubling to 5 s) until it is recorded, the record turns out ended or
 * gone (dropped, logged), or shutdown (one last try); the task threads and
 * the callers of this API never wait for those retries.
 *
 * A task body:
 *
 *     static int count_body(ladon_task_ctx *ctx, void *arg)
 *     {
 *         for (int i = 0; i < 60; i++) {
 *             if (ladon_task_stopping(ctx))
 *                 return ladon_task_fail(ctx, "cancelled");
 *             do_step(arg, i);
 *             ladon_task_update_progress(ctx, (i + 1) / 60.0);
 *         }
 *         return ladon_task_set_result(ctx, bytes, n);   // 0 on success
 *     }
 *
 * Returning 0 ends the task DONE with the result set last (none set = an
 * empty result, which is a real result).  Returning anything else ends it
 * FAILED with the message given to ladon_task_fail(), or "task failed" when
 * none was given.  The message is shown to clients: no internals in it.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_TASK_H
#define LADON_TASK_H

#include <stddef.h>
#include <stdint.h>
#include "ladon/store.h"
#include "ladon/visibility.h"

typedef struct ladon_task_engine ladon_task_engine;
/* The running task, as seen by its body.  Valid only inside the body. */
typedef struct ladon_task_ctx ladon_task_ctx;

/* The body of a task; runs on a task thread.  See the example above. */
typedef int (*ladon_task_run_fn)(ladon_task_ctx *ctx, void *arg);
/* Releases a task's argument; called exactly once, on a task thread after
 * the body returned, or at shutdown for a task that never ran. */
typedef void (*ladon_task_free_fn)(void *arg);

/* Message recorded for tasks still queued or running at shutdown. */
#define LADON_TASK_SHUTDOWN_MESSAGE "server shut down"
/* Message recorded when a body fails without giving one. */
#define LADON_TASK_DEFAULT_MESSAGE "task failed"

typedef struct ladon_task_engine_config {
    unsigned workers;           /* task threads, >= 1 (default 4) */
    unsigned queue_capacity;    /* tasks waiting for a thread, >= 1; the
                                 * queue never grows (default 1024) */
    unsigned ttl_s;             /* finished tasks kept this long, >= 1
                                 * (default 86400) */
    unsigned grace_ms;          /* default grace of ladon_task_engine_free()
                                 * when no shutdown was done (default 10000) */
    unsigned sweep_interval_ms; /* housekeeping period: expiry sweep and, for
                                 * stores without live progress, progress
                                 * publishing; >= 1 (default 1000).  Leases
                                 * (stores with ladon_store_lease() > 0) are
                                 * renewed every lease/3 s; outcomes the store
                                 * could not take are retried with backoff
                                 * (100 ms doubling to 5 s), all on the
                                 * store's clock */
} ladon_task_engine_config;

/* Fills cfg with the defaults above. */
LADON_EXTERN void ladon_task_engine_config_init(ladon_task_engine_config *cfg);

/* Starts the task threads.  The engine uses store but does not own it: close
 * the store only after the engine is freed.  LADON_EINVAL for a bad config,
 * LADON_ENOMEM, LADON_ESYS (thread creation failed; nothing is left
 * running).  *out is set only on success. */
LADON_EXTERN int ladon_task_engine_new(ladon_task_engine **out,
                                       const ladon_task_engine_config *cfg,
                                       ladon_store *store);

/* Starts `method` in the background: records it QUEUED and queues
 * run(ctx, arg).  Never waits for the store longer than one store operation
 * (a networked store's timeout).  On success writes the new id to *id_out, and arg belongs
 * to the engine (free_arg, if not NULL, is called exactly once).  On failure
 * nothing is recorded and arg still belongs to the caller:
 *   LADON_EBUSY     the queue is full, or the engine is shutting down;
 *   LADON_EINVAL    bad arguments (method NULL, empty, too long; run NULL);
 *   LADON_ENOMEM, LADON_ESTORE (store unreachable). */
LADON_EXTERN int ladon_task_submit(ladon_task_engine *eng, const char *method,
                                   ladon_task_run_fn run, void *arg,
                                   ladon_task_free_fn free_arg,
                                   int32_t *id_out);

/* ladon_task_submit() with more to say about the start. */
typedef struct ladon_task_start {
    const char *method;
    ladon_task_run_fn run;
    void *arg;
    ladon_task_free_fn free_arg;
    /* Idempotency-Key of the start request, or NULL: a start with the key
     * of an earlier start of the same method (within the ttl, on any
     * process sharing the store) starts nothing and answers the earlier
     * task's id; with another args_hash it is LADON_ECONFLICT. */
    const char *idempotency_key;
    uint64_t args_hash; /* hash of the arguments (with idempotency_key) */
    /* Who starts it (libladon.so.4): a user name, or NULL or "" for an
     * anonymous start.  The task is then that user's (see "Ownership"
     * below) and its idempotency key is that user's: the same key sent by
     * another user (or anonymously) names another task. */
    const char *owner;
} ladon_task_start;

/* As ladon_task_submit(); *existed (may be NULL) is set to 1 when the key
 * named an earlier task, whose id is then *id_out (arg still belongs to the
 * caller, as on failure), else 0.  Also LADON_ECONFLICT (the key was used
 * with other arguments), LADON_EINVAL for a malformed key, LADON_ENOTSUP for
 * a key on a store without keys. */
LADON_EXTERN int ladon_task_submit_start(ladon_task_engine *eng,
                                         const ladon_task_start *start,
                                         int32_t *id_out, int *existed);

/* Ownership.  A task started with an owner is visible only to that owner:
 * the _as functions below, given any other caller (another user, or NULL
 * or "" for an anonymous one), answer LADON_ENOTFOUND exactly as for an id
 * that does not exist, and change nothing.  A task started anonymously is
 * visible to every caller.  The functions without _as do not check (for
 * the server's own use).  ladon_task_fetch_as() checks the owner on a
 * record read without the result and reads the result (a second store
 * read, checked again) only for a caller who may see it: another's id
 * never makes the store read a result. */
LADON_EXTERN int ladon_task_query_as(ladon_task_engine *eng, const char *method,
                                     const char *caller, int32_t id,
                                     ladon_task_record *out);
LADON_EXTERN int ladon_task_fetch_as(ladon_task_engine *eng, const char *method,
                                     const char *caller, int32_t id,
                                     ladon_task_record *out);
LADON_EXTERN int ladon_task_cancel_as(ladon_task_engine *eng, const char *method,
                                      const char *caller, int32_t id,
                                      ladon_task_record *out);
/* m_list: caller's (not empty) tasks of method, newest first, strictly
 * older than after (NULL: from the newest), at most limit (>= 1), as
 * ladon_store_list().  LADON_EINVAL for an empty caller. */
LADON_EXTERN int ladon_task_list(ladon_task_engine *eng, const char *method,
                                 const char *caller, const ladon_task_pos *after,
                                 size_t limit, ladon_task_info *out,
                                 size_t *n_out, int *more);

/* What m_progress, m_cancel and m_wait answer: the record without its
 * result (state, progress, times, message, flags).  0, or LADON_ENOTFOUND
 * (unknown, expired, or another method's id), LADON_ESTORE. */
LADON_EXTERN int ladon_task_query(ladon_task_engine *eng, const char *method,
                                  int32_t id, ladon_task_record *out);

/* ladon_task_query() with the result of a DONE record (out->result, which
 * the caller frees), as ladon_store_get(..., 1). */
LADON_EXTERN int ladon_task_fetch(ladon_task_engine *eng, const char *method,
                                  int32_t id, ladon_task_record *out);

/* m_cancel: a queued task is CANCELLED at once and never runs (its argument
 * is freed when it leaves the queue); a running one is asked to stop
 * (ladon_task_stopping() turns true on whichever process runs it: at once
 * here, within a second elsewhere) and ends CANCELLED when its body
 * returns; an ended one is left alone.  Fills *out with the record after
 * the cancel, like ladon_task_query().  Also LADON_ENOTSUP (a store without
 * cancel). */
LADON_EXTERN int ladon_task_cancel(ladon_task_engine *eng, const char *method,
                                   int32_t id, ladon_task_record *out);

/* Waking waiters (m_wait).  The engine calls wake(ud, id) - on any of its
 * threads, with no lock of its own held - once task id has ended, for every
 * id watched with ladon_task_watch(): at once for a task that ended in this
 * process, within LADON_STORE_CHANGES_POLL_MS plus one store round trip for
 * one that ended in another process sharing the store.  wake must not block
 * nor call into the engine.  A wake may also come for a task that has not
 * ended (spurious: check again). */
typedef void (*ladon_task_wake_fn)(void *ud, int32_t id);
/* Sets the one wake function (NULL: none).  Before the first watch. */
LADON_EXTERN void ladon_task_set_waker(ladon_task_engine *eng,
                                       ladon_task_wake_fn wake, void *ud);
/* Counts one more waiter for task id of method / one less.  watch: 0,
 * LADON_EINVAL (bad method or id) or LADON_ENOMEM. */
LADON_EXTERN int ladon_task_watch(ladon_task_engine *eng, const char *method,
                                  int32_t id);
LADON_EXTERN void ladon_task_unwatch(ladon_task_engine *eng, int32_t id);

/* What m_progress answers: 0 and *out filled, or LADON_ENOTFOUND (unknown,
 * expired, or another method's id), LADON_ESTORE. */
LADON_EXTERN int ladon_task_progress(ladon_task_engine *eng, const char *method,
                                     int32_t id, ladon_task_info *out);

/* What m_result answers.  info may be NULL; message may be NULL when
 * message_len is 0.
 *   0                  DONE: *result is a malloc()ed copy of the result bytes
 *                      (with an extra NUL after *result_len bytes; never NULL,
 *                      also for an empty result); free() it.
 *   LADON_ESTATE       still queued or running; info has the progress.
 *   LADON_EFAULT       FAILED; message has the task's message.
 *   LADON_ECANCELLED   CANCELLED; message has its message.
 *   LADON_ENOTFOUND    unknown, expired, or another method's id.
 *   LADON_ENOMEM, LADON_ESTORE.
 * *result is set to NULL and *result_len to 0 unless the answer is 0.
 * Repeatable until the record expires. */
LADON_EXTERN int ladon_task_result(ladon_task_engine *eng, const char *method,
                                   int32_t id, ladon_task_info *info,
                                   void **result, size_t *result_len,
                                   char *message, size_t message_len);

/* Counts, for tests and monitoring. */
typedef struct ladon_task_engine_stats {
    unsigned queued;   /* waiting in the queue */
    unsigned running;  /* taken by a task thread */
    unsigned capacity; /* the queue's fixed capacity */
    unsigned workers;
} ladon_task_engine_stats;
LADON_EXTERN void ladon_task_engine_stats_get(ladon_task_engine *eng,
                                              ladon_task_engine_stats *out);

/* Stops the engine, in this order: refuses new submits (LADON_EBUSY);
 * records every queued task as failed ("server shut down") and frees its
 * argument; waits up to grace_ms for running tasks to end; records those
 * still running as failed ("server shut down") - when they end later, their
 * result is discarded and the failure stands - and makes
 * ladon_task_stopping() true for them; gives the outcomes still waiting for
 * an unavailable store one last try.  Once a store call answered
 * LADON_ESTORE it makes no more (each would wait for the timeout): what it
 * could not record is logged, and in a store with leases other processes
 * report those tasks "task lost" once their lease passed.  Returns how many
 * task bodies are still running (0 when all ended).  Threads are not
 * joined; a second call only returns the count.  A server that must exit at
 * once may skip ladon_task_engine_free() when this returned > 0. */
LADON_EXTERN int ladon_task_engine_stop(ladon_task_engine *eng,
                                        unsigned grace_ms);

/* ladon_task_engine_stop(eng, grace_ms), then waits for every task body to
 * return, joins all threads and frees the engine.  Blocks as long as a body
 * ignores ladon_task_stopping().  NULL is ignored. */
LADON_EXTERN void ladon_task_engine_shutdown(ladon_task_engine *eng,
                                             unsigned grace_ms);

/* ladon_task_engine_shutdown() with the configured grace_ms. */
LADON_EXTERN void ladon_task_engine_free(ladon_task_engine *eng);

/* ---- inside a task body --------------------------------------------- */

/* Reports progress: clamped to [0,1]; NaN and values below what was already
 * reported are ignored, so clients never see it go backwards.  Cheap enough
 * for a tight loop: one atomic load; a compare-and-swap only when the value
 * rose by 1/16384 or more (smaller rises are not shown until they add up) or
 * reached 1.0; no lock.  May be called from any thread while the body runs. */
LADON_EXTERN void ladon_task_update_progress(ladon_task_ctx *ctx,
                                             double fraction);
/* Sets the result bytes (copied; len 0 is a valid, empty result; a later
 * call replaces an earlier one).  Returns 0 or LADON_ENOMEM (the previous
 * result, if any, is kept). */
LADON_EXTERN int ladon_task_set_result(ladon_task_ctx *ctx, const void *data,
                                       size_t len);
/* Records the failure message shown to clients (printf-style, cut to
 * LADON_TASK_MESSAGE_MAX - 1 bytes) and returns LADON_EFAULT, for
 * `return ladon_task_fail(ctx, "no instance %s", id);`. */
LADON_EXTERN int ladon_task_fail(ladon_task_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* ladon_task_fail() with LADON_TASK_CLIENT_FAULT: the failure is the
 * client's (a bad argument), so m_result answers a Client fault. */
LADON_EXTERN int ladon_task_fail_client(ladon_task_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets the status line shown with the progress while the task runs
 * (printf-style, cut to LADON_TASK_STATUS_MAX - 1 bytes at a character
 * boundary; "" clears it).  Published like progress: at once with the
 * memory store, with the next housekeeping round (<= 1 s) otherwise.  May
 * be called from any thread while the body runs. */
LADON_EXTERN void ladon_task_update_status(ladon_task_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* True once a cancel was requested (ladon_task_cancel, here or on another
 * process sharing the store), once the engine gave up on this task
 * (shutdown grace expired), or
 * once a lease renewal found its record ended or gone (another process
 * recorded it "task lost" while this one could not reach the store): the
 * body should return soon (after a cancel, whatever it returns ends it
 * CANCELLED; otherwise its outcome is already recorded as failed). */
LADON_EXTERN int ladon_task_stopping(const ladon_task_ctx *ctx);
LADON_EXTERN int32_t ladon_task_id(const ladon_task_ctx *ctx);
LADON_EXTERN const char *ladon_task_method(const ladon_task_ctx *ctx);
/* The user who started the task; "" when it was started anonymously. */
LADON_EXTERN const char *ladon_task_owner(const ladon_task_ctx *ctx);

#endif /* LADON_TASK_H */
