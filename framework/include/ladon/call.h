/* ladon/call.h - what an operation's implementation may do with its call.
 *
 * Memory: everything an operation returns (strings, arrays, nested structs)
 * is allocated from the call's arena with ladon_alloc()/ladon_strdup() and
 * freed by the framework after the response has been written.  Never return
 * pointers to stack memory; pointers to static constant data are fine.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_CALL_H
#define LADON_CALL_H

#include <stddef.h>
#include "ladon/annotate.h"
#include "ladon/visibility.h"

/* Who is to blame for a fault: the SOAP 1.1 faultcode Client or Server. */
typedef enum ladon_fault_code {
    LADON_FAULT_CLIENT = 1, /* the request was wrong: bad argument, unknown id */
    LADON_FAULT_SERVER = 2  /* the server could not do it: I/O error, busy */
} ladon_fault_code;

/* Zeroed memory from the call's arena; NULL when out of memory.  Freed by
 * the framework at the end of the request. */
LADON_EXTERN void *ladon_alloc(ladon_call *call, size_t size);
/* Copy of s in the call's arena; NULL when s is NULL or out of memory. */
LADON_EXTERN char *ladon_strdup(ladon_call *call, const char *s);

/* Records a SOAP Fault for this call, with a printf-style message, and
 * returns LADON_EFAULT: write `return ladon_fault(call, LADON_FAULT_CLIENT,
 * "no instance %s", id);`.  The message is sent to the client as the
 * faultstring, so it must not contain internals.  The last call wins. */
LADON_EXTERN int ladon_fault(ladon_call *call, ladon_fault_code code,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* In a task (LADON_TASK, docs/tasks.md): reports how far the task is, as a
 * fraction.  Clamped to [0,1]; NaN and values below what was already
 * reported are ignored, so clients never see progress go backwards.  Cheap
 * enough for a tight loop (one atomic load; a compare-and-swap only when the
 * value rose by 1/16384 or more, or reached 1.0; no lock; ~2 ns, see
 * bench/README.md).  In a plain method it does nothing. */
LADON_EXTERN void ladon_update_progress(ladon_call *call, double fraction);

/* In a task: sets the status line that m_progress shows as `message` while
 * the task runs ("copying swap.img"), printf-style, cut to 255 bytes at a
 * character boundary; "" clears it.  Shown at once with the memory store,
 * within a second with memcached and redis.  In a plain method it does
 * nothing. */
LADON_EXTERN void ladon_update_status(ladon_call *call, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* In a task: non-zero once a client cancelled it (m_cancel, on any host
 * sharing the store: seen within a second) - whatever the task returns
 * then, it ends `cancelled` and its result is discarded - or once the
 * server gave up waiting for it (shutdown
 * grace expired; the task is already recorded as failed, "server shut
 * down"), or once a shared store shows the task already ended (it was
 * recorded "task lost" while this server could not reach the store): its
 * outcome would be dropped, so return soon.  Always 0 in a plain method. */
LADON_EXTERN int ladon_should_stop(const ladon_call *call);

/* Bracket a wait that uses no CPU - a database query, a call to another
 * service, a slow disk - in a plain method:
 *
 *     ladon_call_wait_begin(call);
 *     rc = query_the_database(...);
 *     ladon_call_wait_end(call);
 *
 * Meanwhile the request does not count against --workers, so one of the
 * --wait-threads may serve another request; at most --workers requests use
 * the CPU at once.  Without wait threads they change nothing.  A begin while
 * waiting and an end while not waiting are ignored; a method that returns
 * between the two is ended for it (with a warning in the log).  In a task
 * body, which runs on a task thread, both do nothing.  The runtime does the
 * same around its own calls to a shared task store. */
LADON_EXTERN void ladon_call_wait_begin(ladon_call *call);
LADON_EXTERN void ladon_call_wait_end(ladon_call *call);

/* Name of the operation being served ("add"); never NULL. */
LADON_EXTERN const char *ladon_call_operation(const ladon_call *call);

/* Longest caller name, with its NUL byte (docs/security.md). */
#define LADON_USER_MAX 256

/* The authenticated caller of this request (docs/security.md: the built-in
 * HTTP Basic check of --auth-file, or the header a --trusted-proxy names),
 * or NULL for an anonymous caller.  In a task body: the user who started the
 * task.  Valid until the method or task body returns. */
LADON_EXTERN const char *ladon_call_user(const ladon_call *call);

#endif /* LADON_CALL_H */
