/* loop.h - the request threads and their event loop (internal).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_LOOP_H
#define LADON_SRC_LOOP_H

#include <stdint.h>

#include "conn.h"

/* The epoll data of what is not a connection (a connection's is its slot
 * << 32 | its generation: conntab.h). */
#define LADON__KEY_LISTEN UINT64_MAX
#define LADON__KEY_STOP (UINT64_MAX - 1)
#define LADON__KEY_READY (UINT64_MAX - 2)

struct ladon_server;

/* Starts the request threads (--workers, plus --wait-threads spare ones)
 * on srv's epoll set, runs until ladon_server_stop() and every request in
 * progress is answered (or --shutdown-grace has passed and their sockets
 * were shut down), joins them and closes every connection.  0 or a
 * ladon_errno. */
int ladon__loop_run(struct ladon_server *srv);

/* Puts c (BUSY, taken by the caller) on the ready queue: some request
 * thread serves the request buffered at its rpos soon.  Any thread. */
void ladon__loop_ready(struct ladon_server *srv, ladon__conn *c);

/* Closes c (its lock held by the caller) and frees its slot. */
void ladon__loop_close_locked(struct ladon_server *srv, ladon__conn *c);

#endif
