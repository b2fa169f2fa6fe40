/* store_servers.h - real memcached and redis servers for the store tests.
 *
 * A server is started on 127.0.0.1 and a free port (or a given one, to
 * restart it where it was), waited for until it answers, and stopped by its
 * PID - never by name.  Servers still running at exit are killed by an
 * atexit handler, and each child gets PR_SET_PDEATHSIG, so a crashed test
 * leaves no server behind.  A server that cannot be started is a test
 * FAILURE (STYLE.md), never a skip.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LADON_TEST_STORE_SERVERS_H
#define LADON_TEST_STORE_SERVERS_H

/* Bound of a call against a hung server whose timeout is 0.5 s: one
 * timeout plus scheduling.  Sanitizer builds run several times slower and
 * CI runs two suites at once on two cores, so they get more slack; a call
 * that waited for the server (no timeout) or retried several timeouts still
 * fails it.  */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define LT_HUNG_CALL_MAX_S 2.5
#else
#define LT_HUNG_CALL_MAX_S 1.0
#endif

#include <stddef.h>
#include <sys/types.h>

typedef enum { LT_MEMCACHED, LT_REDIS } lt_store_kind;

typedef struct lt_store_server {
    lt_store_kind kind;
    pid_t pid;     /* 0 when not running */
    unsigned port;
    char extra[8][64]; /* extra arguments, "" terminated */
} lt_store_server;

/* Starts a server of kind on port (0: a free one) with the extra arguments
 * (NULL-terminated list, may be NULL) and waits until it answers (up to
 * 5 s).  0, or -1 with a message on stderr. */
int lt_store_server_start(lt_store_server *s, lt_store_kind kind, unsigned port,
                          const char *const *extra);
/* Starts s again, on the same port with the same arguments. */
int lt_store_server_restart(lt_store_server *s);
/* Sends sig to the server's PID and reaps it (waits up to 5 s, then
 * SIGKILL).  No-op when not running. */
void lt_store_server_stop(lt_store_server *s, int sig);

/* Sends cmd to 127.0.0.1:port and reads the answer until it ends with
 * `until`, or is memcached's one-line "BUSY ...\r\n" (its crawler serves
 * someone else), or 2 s pass; returns the bytes read (NUL-terminated in reply),
 * or -1 when no connection could be made. */
long lt_raw(unsigned port, const char *cmd, size_t cmdlen, char *reply,
            size_t replysz, const char *until);

/* Waits (up to 2 s) until the process pid is stopped (SIGSTOP delivered);
 * nonzero when it is. */
int lt_wait_stopped(pid_t pid);

/* Seconds on the monotonic clock. */
double lt_now(void);

#endif
