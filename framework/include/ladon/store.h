/* ladon/store.h - where task records live: the task store interface.
 *
 * A task store keeps one record per task (state, method, progress, times,
 * the serialized result or the failure message) under a 32-bit id.  Stores
 * are pluggable: each back end is one `ladon_store_ops` table, chosen at run
 * time by the scheme of a URL ("memory:", "memcached://h:p[,h:p...]",
 * "redis://[[user]:password@]host[:port][/db]"), in the manner of redis'
 * ConnectionType registry.  The rest of the URL belongs to its back end: it
 * checks it (ops->check) and says whether the store is shared by every
 * process that opens it.  A back end of your own, added with
 * ladon_store_register() before ladon_main(), is chosen with --store like
 * the built-in ones (docs/internals.md, "A task store of your own").
 *
 * Users of libladon normally only call ladon_store_open()/ladon_store_close()
 * and hand the store to the task engine (ladon/task.h).  The rest of this
 * header is for the engine and for store implementers.
 *
 * Contract shared by all stores (the engine relies on it):
 *  - Ids are positive int32 values (1..INT32_MAX), because the WSDL's
 *    TaskInfoResponse.task_id is an xsd:int.  They are drawn from getrandom()
 *    and inserted with add-if-absent, so they are unique per store (across
 *    every process sharing it) and neither sequential nor guessable.  The id
 *    space is 2^31 - 1; a collision is simply retried with a new random id.
 *  - Every transition is atomic and conditional on the current state:
 *        add      absent            -> QUEUED   (add-if-absent)
 *        start    QUEUED            -> RUNNING
 *        finish   RUNNING           -> DONE     (result bytes, progress 1.0)
 *        fail     QUEUED|RUNNING    -> FAILED   (message, progress 1.0)
 *        end      QUEUED|RUNNING    -> FAILED or CANCELLED (message, flags)
 *        cancel   QUEUED            -> CANCELLED (LADON_TASK_CANCELLED_MESSAGE)
 *                 RUNNING           -> RUNNING + LADON_TASK_CANCEL_REQUESTED
 *                 ended             -> unchanged (answers the record)
 *        sync     RUNNING           -> RUNNING (progress, status line, lease)
 *        remove   any               -> absent
 *    finish, fail and end of a RUNNING record that carries
 *    LADON_TASK_CANCEL_REQUESTED record CANCELLED instead (message
 *    LADON_TASK_CANCELLED_MESSAGE, result discarded, progress 1.0) and
 *    return LADON_STORE_CANCELLED: a cancel racing a finish has exactly one
 *    winner, in the store, whichever process made either call.
 *    A transition from the wrong state returns LADON_ESTATE and changes
 *    nothing; on a missing (expired, removed) record it returns
 *    LADON_ENOTFOUND and never re-creates it.  So a finish can never
 *    overwrite a failure recorded at shutdown, and nothing resurrects an
 *    expired task.  memcached implements each transition as gets + cas
 *    (retrying on a cas conflict), redis as one Lua script (or WATCH/MULTI).
 *  - DONE and FAILED records expire ttl seconds after they ended; QUEUED and
 *    RUNNING records never expire while their task lives.  (In a store with
 *    leases, a QUEUED or RUNNING record whose lease is no longer renewed -
 *    its process died, or a create timed out after the server stored it -
 *    expires opts.ttl_s seconds after the lease passed, like a task that
 *    failed then.)  An expired record is indistinguishable from one that
 *    never existed.
 *  - A record remembers its method: get() with another method's name is
 *    LADON_ENOTFOUND, so an id of one task method is unknown to another.
 *  - progress is clamped to [0,1] and never decreases; it is 0.0 at creation
 *    and 1.0 once the task ended (done, failed or cancelled).
 *    ladon_store_get() reports at most LADON_TASK_PROGRESS_UNFINISHED_MAX
 *    while a task is QUEUED or RUNNING (a body that reported 1.0 has not
 *    returned yet), so a client that sees 1.0 can fetch the result.
 *  - Leases (stores shared by several processes: memcached, redis): a
 *    QUEUED or RUNNING record carries lease_until (seconds since the epoch)
 *    = now + the store's lease_s, set by add and start and renewed by touch,
 *    which the engine of the owning process calls every lease_s / 3 seconds
 *    for each of its tasks.  ladon_store_get() reports a QUEUED or RUNNING
 *    record whose lease has passed as FAILED with LADON_TASK_LOST_MESSAGE
 *    (its process died or lost the store), after recording that failure
 *    with ops->fail (so it expires like any failed task, and a late finish
 *    from the old owner gets LADON_ESTATE).  Stores with lease_s 0 (memory)
 *    report lease_until 0: no lease.  Hosts sharing a store need clocks
 *    synchronised well within lease_s (NTP).
 *  - starttime is the creation time (seconds since the epoch, fractional):
 *    time spent waiting in the queue counts.  duration is the time since
 *    creation while queued or running, and the total once ended.  The memory
 *    store measures it on the monotonic clock.
 *  - message: the failure text of a FAILED or CANCELLED record; while
 *    RUNNING, the last status line the body set (ladon_task_update_status,
 *    at most LADON_TASK_STATUS_MAX - 1 bytes; "" when none); "" otherwise.
 *  - Change counter (ops->changes, stores shared by several processes): a
 *    number kept in the store that every end (finish, fail, end, a cancel
 *    of a queued task, a lease found passed) and every cancel request
 *    changes, after the record changed.  A process that waits for a task
 *    another one runs reads it every LADON_STORE_CHANGES_POLL_MS and reads
 *    the records it waits for only when it moved.
 *  - Idempotency keys (ops->claim): a start request's key belongs to one
 *    task of one method for ttl_s seconds: claim is add-if-absent of
 *    (method, key) -> (id, hash of the arguments), so of two processes
 *    racing with the same key exactly one claims it and the other reads
 *    the winner's id and hash.
 *  - Owners (ops->add_owned, libladon.so.4): a record may name the user
 *    who started it (ladon_task_record.owner; "" for a task started
 *    anonymously).  The owner is set when the record is added and never
 *    changes; it is a user name, never a credential.  The store keeps it
 *    and answers it; who may see a record is the engine's rule
 *    (ladon/task.h, "Ownership"), not the store's.
 *  - Listing (ops->list): the records of one (owner, method), newest
 *    first by (starttime, id), from a position (ladon_task_pos), so a
 *    page that follows another neither repeats nor skips a record however
 *    many are added meanwhile (they are newer).  Records that expired are
 *    not listed.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_STORE_H
#define LADON_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "ladon/visibility.h"

/* Longest method name, including the terminating NUL. */
#define LADON_TASK_METHOD_MAX 128
/* Longest failure message kept, including the NUL (longer ones are cut). */
#define LADON_TASK_MESSAGE_MAX 512
/* Longest key prefix of a shared store, including the NUL. */
#define LADON_STORE_PREFIX_MAX 64
/* Highest progress reported for a task that has not ended. */
#define LADON_TASK_PROGRESS_UNFINISHED_MAX 0.999
/* Message of a task whose lease passed (its process died). */
#define LADON_TASK_LOST_MESSAGE "task lost"
/* printf format (one size_t) of the message of a task whose result is
 * larger than its store can hold (see ladon_store_finish). */
#define LADON_TASK_TOO_LARGE_MESSAGE "result too large for the store (%zu bytes)"

/* Longest status line of a running task, including the NUL (longer ones
 * are cut at a UTF-8 character boundary). */
#define LADON_TASK_STATUS_MAX 256
/* Longest idempotency key, including the NUL. */
#define LADON_TASK_KEY_MAX 256
/* Longest owner (user name) of a task, including the NUL; the same as
 * LADON_USER_MAX (ladon/call.h). */
#define LADON_TASK_OWNER_MAX 256
/* Message of a cancelled task. */
#define LADON_TASK_CANCELLED_MESSAGE "cancelled"
/* How often a waiting process reads a shared store's change counter. */
#define LADON_STORE_CHANGES_POLL_MS 200

/* Returned by ops->add when the id is taken, and by ops->claim when the key
 * is taken: a status, not an error. */
#define LADON_STORE_EXISTS 1
/* Returned by finish, fail and end when the record was recorded CANCELLED
 * instead (a cancel was requested while it ran): a status, not an error. */
#define LADON_STORE_CANCELLED 2

/* Flags of a record (ladon_task_record.flags). */
/* RUNNING: a cancel was requested; the body should stop (ladon_should_stop). */
#define LADON_TASK_CANCEL_REQUESTED 0x1u
/* FAILED: the failure is the client's (SOAP faultcode Client), not the
 * server's. */
#define LADON_TASK_CLIENT_FAULT 0x2u
/* The flags a store keeps (others are ignored). */
#define LADON_TASK_FLAGS_MASK 0x3u

/* Property of a store URL (ladon_store_check, ops->check): every process,
 * on any host, that opens the same URL with the same prefix sees the same
 * records, so the store can serve --processes N and several hosts. */
#define LADON_STORE_SHARED 0x1u

typedef enum ladon_task_state {
    LADON_TASK_QUEUED = 1, /* accepted, waiting for a task thread */
    LADON_TASK_RUNNING,    /* the task body is running */
    LADON_TASK_DONE,       /* finished with a result (possibly 0 bytes) */
    LADON_TASK_FAILED,     /* failed, or unfinished at shutdown; has a message */
    LADON_TASK_CANCELLED   /* cancelled (m_cancel); has a message */
} ladon_task_state;

/* "queued", "running", "done", "failed", "cancelled"; "unknown" for other
 * values. */
LADON_EXTERN const char *ladon_task_state_name(ladon_task_state state);

/* What m_progress shows of a task. */
typedef struct ladon_task_info {
    int32_t id;
    ladon_task_state state;
    double progress;  /* [0,1], never decreasing, 1.0 once ended */
    double starttime; /* creation time, seconds since the epoch */
    double duration;  /* seconds since creation, or the total once ended */
} ladon_task_info;

/* A full record as returned by ladon_store_get(). */
typedef struct ladon_task_record {
    ladon_task_info info;
    char method[LADON_TASK_METHOD_MAX];
    /* DONE and asked for: a malloc()ed copy of the result, with one extra
     * NUL byte after result_len bytes (so it is never NULL, even for an empty
     * result); the caller frees it.  NULL otherwise. */
    void *result;
    size_t result_len;
    /* FAILED, CANCELLED: the task's message; RUNNING: its status line ("" for
     * none); "" otherwise. */
    char message[LADON_TASK_MESSAGE_MAX];
    /* LADON_TASK_CANCEL_REQUESTED, LADON_TASK_CLIENT_FAULT. */
    unsigned flags;
    /* QUEUED|RUNNING in a store with leases: when the lease passes (seconds
     * since the epoch); 0 otherwise. */
    double lease_until;
    /* Who started the task (libladon.so.4): a user name, "" when it was
     * started anonymously (or the store keeps no owners). */
    char owner[LADON_TASK_OWNER_MAX];
} ladon_task_record;

/* A position in a listing: the (starttime, id) of a record.  Records are
 * listed newest first: by starttime, descending, then id, descending. */
typedef struct ladon_task_pos {
    double starttime;
    int32_t id;
} ladon_task_pos;

/* Record counts, for tests and monitoring. */
typedef struct ladon_store_stats {
    size_t records;      /* records held, in any state (expired ones not yet
                          * released included) */
    size_t ended;        /* of which DONE or FAILED */
    size_t result_bytes; /* bytes of results held */
} ladon_store_stats;

/* Time source of a store.  Tests inject a fake one to test expiry without
 * sleeping; the default reads CLOCK_REALTIME and CLOCK_MONOTONIC. */
typedef struct ladon_clock {
    double (*realtime)(void *ud);  /* seconds since the epoch */
    double (*monotonic)(void *ud); /* seconds from an arbitrary origin */
    void *ud;
} ladon_clock;

/* Live progress of a running task: a reference-counted cell that the task
 * raises with lock-free atomics and anyone may read without a lock.
 * A store that can read it directly (the memory store) keeps a reference
 * while the task runs, so a progress update costs no lock and no store
 * write; other stores get the value published by the engine instead. */
typedef struct ladon_task_live ladon_task_live;

/* Current value; lock-free. */
LADON_EXTERN double ladon_task_live_get(const ladon_task_live *live);
/* Takes a reference; returns live. */
LADON_EXTERN ladon_task_live *ladon_task_live_ref(ladon_task_live *live);
/* Drops a reference; the last one frees the cell.  NULL is ignored. */
LADON_EXTERN void ladon_task_live_unref(ladon_task_live *live);

typedef struct ladon_store ladon_store;

/* Options of ladon_store_open_with(); stores ignore what does not apply. */
typedef struct ladon_store_options {
    char prefix[LADON_STORE_PREFIX_MAX]; /* key prefix in a shared store, so
                                          * deployments can share one server
                                          * (default "ladon:") */
    unsigned timeout_ms; /* connect and per-operation timeout of a networked
                          * store; a store that does not answer in time is
                          * LADON_ESTORE (default 1000) */
    unsigned lease_s;    /* lease of QUEUED/RUNNING records in a shared store
                          * (default 30); >= 3 */
    unsigned ttl_s;      /* how long a record found lost is kept (default
                          * 86400: use the engine's ttl) */
} ladon_store_options;

/* ---- using a store -------------------------------------------------- */

/* Fills o with the defaults above. */
LADON_EXTERN void ladon_store_options_init(ladon_store_options *o);

/* Checks url without opening it: finds the back end of its scheme (built in
 * or registered) and lets it check the rest, without connecting anywhere.
 * Returns 0 and sets *props (when props is not NULL) to the URL's
 * LADON_STORE_* properties; or LADON_EINVAL with a one-line reason in err
 * (if errlen > 0): "unknown store 'SCHEME:' in 'URL' (expected FORMS)",
 * "bad store URL 'URL': REASON".  The reason quotes url as given, password
 * included: hide it before showing the text to anyone.  LADON_ENOMEM when a
 * back end runs out of memory checking.  The server checks --store with it
 * when it reads its configuration. */
LADON_EXTERN int ladon_store_check(const char *url, unsigned *props,
                                   char *err, size_t errlen);

/* Opens the store named by url with options opt (NULL: defaults).
 * Errors as ladon_store_open(); a networked store that cannot be reached
 * at open is LADON_ESTORE with the reason in err. */
LADON_EXTERN int ladon_store_open_with(ladon_store **out, const char *url,
                                       const ladon_store_options *opt,
                                       char *err, size_t errlen);

/* Opens the store named by url ("memory:", "memcached://...",
 * "redis://...") with the default options.  On failure returns a negative
 * ladon_errno (LADON_EINVAL for an unknown scheme or a bad URL: the reasons
 * of ladon_store_check) and writes a one-line reason to err (if errlen > 0);
 * *out is then untouched. */
LADON_EXTERN int ladon_store_open(ladon_store **out, const char *url,
                                  char *err, size_t errlen);
/* Closes the store and frees everything it holds.  No call on it may be in
 * progress, and no engine may use it any more.  NULL is ignored. */
LADON_EXTERN void ladon_store_close(ladon_store *st);

/* Replaces the store's clock (NULL restores the system clock).  For tests:
 * call it right after opening, before any other use. */
LADON_EXTERN void ladon_store_set_clock(ladon_store *st, const ladon_clock *clk);

/* Creates a QUEUED record for method with progress 0.0 and starttime now,
 * under a fresh random id written to *id_out.  LADON_EINVAL for a NULL,
 * empty or too long method; LADON_EBUSY when no free id was found after
 * many tries (the id space is practically full); LADON_ENOMEM; LADON_ESTORE
 * when the back end is unreachable. */
LADON_EXTERN int ladon_store_create(ladon_store *st, const char *method,
                                    int32_t *id_out);
/* ladon_store_create() of a record owned by owner (NULL or "": none, as
 * ladon_store_create).  LADON_EINVAL also for an owner of
 * LADON_TASK_OWNER_MAX bytes or more; LADON_ENOTSUP for an owner on a store
 * without ops->add_owned (it could not keep it: the task is not created). */
LADON_EXTERN int ladon_store_create_owned(ladon_store *st, const char *method,
                                          const char *owner, int32_t *id_out);
/* The tasks of method owned by owner (not empty), newest first, from after
 * (NULL: the newest; else strictly older than that position): at most
 * limit (>= 1) of them into out[0..*n_out), each as ladon_store_get()
 * reports it (a lease that passed is recorded lost).  *more is set to 1
 * when older ones remain (the position of out[*n_out - 1] continues the
 * listing), else 0.  Records found expired are dropped from the store's
 * index on the way.  LADON_EINVAL for bad arguments; LADON_ENOTSUP for a
 * store without ops->list; LADON_ESTORE, LADON_ENOMEM. */
LADON_EXTERN int ladon_store_list(ladon_store *st, const char *method,
                                  const char *owner, const ladon_task_pos *after,
                                  size_t limit, ladon_task_info *out,
                                  size_t *n_out, int *more);
/* QUEUED -> RUNNING.  live may be NULL; a store with the live-progress
 * capability keeps a reference to it until the task ends. */
LADON_EXTERN int ladon_store_start(ladon_store *st, int32_t id,
                                   ladon_task_live *live);
/* Raises the stored progress of a RUNNING task to fraction (clamped, NaN
 * ignored, never lowered).  LADON_ESTATE when not running. */
LADON_EXTERN int ladon_store_progress(ladon_store *st, int32_t id,
                                      double fraction);
/* Renews the lease of a QUEUED or RUNNING record and, when RUNNING, raises
 * its progress like ladon_store_progress (fraction < 0: progress unchanged).
 * One write.  0 for stores without leases (nothing to do); LADON_ESTATE
 * when the record has ended; LADON_ENOTFOUND when it is gone. */
LADON_EXTERN int ladon_store_touch(ladon_store *st, int32_t id,
                                   double fraction);
/* The store's lease in seconds; 0 when it has none (memory). */
LADON_EXTERN unsigned ladon_store_lease(const ladon_store *st);
/* RUNNING -> DONE with a copy of result[0..len) (result may be NULL when len
 * is 0); expires ttl_s (>= 1) seconds later.  A result larger than the store
 * can hold (memcached: 64 items' worth, redis: its proto-max-bulk-len) is
 * never truncated: the task becomes FAILED with the message
 * LADON_TASK_TOO_LARGE_MESSAGE and the call returns LADON_EINVAL. */
LADON_EXTERN int ladon_store_finish(ladon_store *st, int32_t id,
                                    const void *result, size_t len,
                                    unsigned ttl_s);
/* QUEUED|RUNNING -> FAILED with a copy of message (cut to
 * LADON_TASK_MESSAGE_MAX - 1 bytes); expires ttl_s (>= 1) seconds later. */
LADON_EXTERN int ladon_store_fail(ladon_store *st, int32_t id,
                                  const char *message, unsigned ttl_s);
/* QUEUED|RUNNING -> to (LADON_TASK_FAILED or LADON_TASK_CANCELLED) with a
 * copy of message and flags (LADON_TASK_CLIENT_FAULT for a failure that is
 * the client's); expires ttl_s (>= 1) seconds later.  Like fail, a RUNNING
 * record with LADON_TASK_CANCEL_REQUESTED becomes CANCELLED
 * (LADON_STORE_CANCELLED).  A store without ops->end: fail, without flags,
 * for to FAILED; LADON_ENOTSUP for CANCELLED. */
LADON_EXTERN int ladon_store_end(ladon_store *st, int32_t id,
                                 ladon_task_state to, unsigned flags,
                                 const char *message, unsigned ttl_s);
/* Cancels the record of id if it belongs to method, in one atomic step:
 * QUEUED -> CANCELLED (expires ttl_s later), RUNNING -> RUNNING with
 * LADON_TASK_CANCEL_REQUESTED, ended -> unchanged.  Fills *out with the
 * record after the step (never the result).  LADON_ENOTFOUND when unknown,
 * expired or another method's; LADON_ENOTSUP for a store without
 * ops->cancel. */
LADON_EXTERN int ladon_store_cancel(ladon_store *st, const char *method,
                                    int32_t id, unsigned ttl_s,
                                    ladon_task_record *out);
/* For a RUNNING record, one write: raises progress like
 * ladon_store_progress (fraction < 0: unchanged), sets the status line when
 * status is not NULL (cut to LADON_TASK_STATUS_MAX - 1 bytes), and renews
 * the lease when renew is non-zero (QUEUED records too; a store without
 * leases ignores it).  Writes the record's flags to *flags (may be NULL):
 * that is how a process learns that another one asked its task to stop.
 * LADON_ESTATE when ended (flags still written), LADON_ENOTFOUND when gone.
 * A store without ops->sync: touch or progress, flags 0. */
LADON_EXTERN int ladon_store_sync(ladon_store *st, int32_t id,
                                  double fraction, const char *status,
                                  int renew, unsigned *flags);
/* Reads the change counter into *out.  LADON_ENOTSUP for a store without
 * one (memory: ends are seen in process). */
LADON_EXTERN int ladon_store_changes(ladon_store *st, uint64_t *out);
/* Claims idempotency key for task id of method, with hash (of the start's
 * arguments), for ttl_s seconds.  0 when claimed; LADON_STORE_EXISTS when
 * the key is held: *id_out and *hash_out are the holder's.  LADON_EINVAL
 * for an empty or too long key, or one with bytes outside 0x21..0x7e;
 * LADON_ENOTSUP for a store without ops->claim. */
LADON_EXTERN int ladon_store_claim(ladon_store *st, const char *method,
                                   const char *key, uint64_t hash, int32_t id,
                                   unsigned ttl_s, int32_t *id_out,
                                   uint64_t *hash_out);
/* Releases the claim of key when task id holds it (a start that could not
 * queue its task); 0 also when another task holds it or none does. */
LADON_EXTERN int ladon_store_unclaim(ladon_store *st, const char *method,
                                     const char *key, int32_t id);
/* Reads the record of id if it belongs to method.  want_result: copy the
 * result of a DONE record into out->result (see ladon_task_record).
 * LADON_ENOTFOUND when unknown, expired or another method's. */
LADON_EXTERN int ladon_store_get(ladon_store *st, const char *method,
                                 int32_t id, ladon_task_record *out,
                                 int want_result);
/* Forgets the record in any state.  LADON_ENOTFOUND when absent. */
LADON_EXTERN int ladon_store_remove(ladon_store *st, int32_t id);
/* Releases the memory of expired records now; returns how many.  Stores
 * whose server expires records itself return 0. */
LADON_EXTERN size_t ladon_store_sweep(ladon_store *st);
/* LADON_EINVAL when the store cannot count. */
LADON_EXTERN int ladon_store_stats_get(ladon_store *st, ladon_store_stats *out);
/* Nonzero when the store reads live progress cells itself (no publishing
 * needed). */
LADON_EXTERN int ladon_store_has_live_progress(const ladon_store *st);

/* ---- implementing a store ------------------------------------------- */

/* Capability bits of ladon_store.caps. */
#define LADON_STORE_CAP_LIVE_PROGRESS 0x1u

/* One back end.  Every function returns 0 or a negative ladon_errno (add
 * also LADON_STORE_EXISTS) and must be safe to call from many threads at
 * once.  The wrappers above validate arguments (id > 0, method length,
 * ttl >= 1, clamped progress) before calling these.
 *
 * Write the table with designated initializers (.scheme = ..., .open = ...):
 * members added later go at the end, and a member left out is NULL, which
 * keeps the behaviour it had before that member existed. */
typedef struct ladon_store_ops {
    const char *scheme; /* URL scheme without the colon: "memory" */
    /* rest: the URL after "scheme:" (may be ""), already accepted by check.
     * Allocates the store (its first member a `struct ladon_store`) and
     * sets its caps and lease_s (0 = no leases); the caller then sets ops,
     * clock and opts.  opt is never NULL. */
    int (*open)(ladon_store **out, const char *rest,
                const ladon_store_options *opt, char *err, size_t errlen);
    void (*close)(ladon_store *st);
    /* add-if-absent of a QUEUED record; LADON_STORE_EXISTS if id is taken. */
    int (*add)(ladon_store *st, int32_t id, const char *method,
               double starttime);
    int (*start)(ladon_store *st, int32_t id, ladon_task_live *live);
    int (*progress)(ladon_store *st, int32_t id, double fraction);
    /* renew the lease (QUEUED|RUNNING), raise progress when RUNNING and
     * fraction >= 0; may be NULL when lease_s is 0 */
    int (*touch)(ladon_store *st, int32_t id, double fraction);
    int (*finish)(ladon_store *st, int32_t id, const void *result, size_t len,
                  unsigned ttl_s);
    int (*fail)(ladon_store *st, int32_t id, const char *message,
                unsigned ttl_s);
    int (*get)(ladon_store *st, const char *method, int32_t id,
               ladon_task_record *out, int want_result);
    int (*remove)(ladon_store *st, int32_t id);
    size_t (*sweep)(ladon_store *st);                      /* may be NULL */
    int (*stats)(ladon_store *st, ladon_store_stats *out); /* may be NULL */
    /* The URL's form for messages and --help, e.g.
     * "memcached://HOST[:PORT][,HOST[:PORT]...]"; NULL: "scheme:...". */
    const char *form;
    /* The back end's URL grammar: checks rest (the URL after "scheme:")
     * without connecting, allocating nothing that outlives the call, and
     * sets *props (never NULL, 0 on entry) to its LADON_STORE_* properties.
     * Returns 0, or LADON_EINVAL (LADON_ENOMEM when out of memory, or
     * LADON_EINVAL where a decoding step cannot tell the two apart) with
     * the reason in err (errlen may be 0), without the URL: the caller
     * quotes it.  Called by ladon_store_check()
     * (so at start-up, when the server reads --store) and before every
     * open.  NULL: every rest passes until open, and the store does not
     * count as shared (--processes N with task methods is refused). */
    int (*check)(const char *rest, unsigned *props, char *err,
                 size_t errlen);
    /* The task lifecycle (libladon.so.2; ladon_store_end, _cancel, _sync,
     * _changes, _claim, _unclaim say what each does).  NULL: see there.
     * The wrappers check the arguments (to, ttl_s, the key's bytes) first. */
    int (*end)(ladon_store *st, int32_t id, ladon_task_state to,
               unsigned flags, const char *message, unsigned ttl_s);
    int (*cancel)(ladon_store *st, const char *method, int32_t id,
                  unsigned ttl_s, ladon_task_record *out);
    int (*sync)(ladon_store *st, int32_t id, double fraction,
                const char *status, int renew, unsigned *flags);
    int (*changes)(ladon_store *st, uint64_t *out);
    int (*claim)(ladon_store *st, const char *method, const char *key,
                 uint64_t hash, int32_t id, unsigned ttl_s, int32_t *id_out,
                 uint64_t *hash_out);
    int (*unclaim)(ladon_store *st, const char *method, const char *key,
                   int32_t id);
    /* Owners and listing (libladon.so.4).  add_owned: add with an owner
     * (not empty) kept with the record, answered by get and cancel in
     * out->owner, and entered in the index of (owner, method) that list
     * reads.  NULL: owned tasks cannot be created (LADON_ENOTSUP).
     * list: positions of owner's records of method, newest first, strictly
     * after *after (NULL: from the newest), at most max, into
     * out[0..*n_out).  It may answer positions whose record is gone (the
     * wrapper reads each with get and skips those); gone[0..ngone) are ids
     * the wrapper found gone: the store drops them from the index first
     * (max may then be 0).  NULL: LADON_ENOTSUP. */
    int (*add_owned)(ladon_store *st, int32_t id, const char *method,
                     const char *owner, double starttime);
    int (*list)(ladon_store *st, const char *method, const char *owner,
                const ladon_task_pos *after, const int32_t *gone,
                size_t ngone, ladon_task_pos *out, size_t max,
                size_t *n_out);
    /* Members are only ever added at the end, so a table written for an
     * older version of this header still compiles (the new members are
     * NULL); a program built against an older header must be rebuilt: the
     * library's soname changes with the layout (libladon.so.1 has form and
     * check; libladon.so.2 the lifecycle members after them; libladon.so.4
     * add_owned and list, and ladon_task_record with owner). */
} ladon_store_ops;

/* The common head of every store object. */
struct ladon_store {
    const ladon_store_ops *ops;
    ladon_clock clock;
    unsigned caps;    /* LADON_STORE_CAP_* of this instance */
    unsigned lease_s; /* 0 = no leases; set by open */
    ladon_store_options opts;
};

/* Adds a back end to the registry (memory, memcached and redis are built
 * in), so that ladon_store_check() and ladon_store_open*() find it by its
 * scheme (case-insensitive).  LADON_EINVAL when the table is incomplete (a
 * NULL or empty scheme, or NULL among open, close, add, start, progress,
 * finish, fail, get, remove) or the scheme is taken; LADON_ENOMEM when the
 * registry is full (16 registered back ends).  ops must stay valid for the life of the
 * process.  Thread-safe.
 *
 * Register before ladon_main() (or ladon_config_parse()): the server checks
 * --store against the registry when it reads its configuration, so a back
 * end registered later, for instance in a ladon_main_init() hook, is an
 * unknown store to it.  With --processes N the worker processes inherit the
 * registry by fork(). */
LADON_EXTERN int ladon_store_register(const ladon_store_ops *ops);

#endif /* LADON_STORE_H */
