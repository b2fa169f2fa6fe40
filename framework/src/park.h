/* park.h - m_wait requests that wait without a thread (internal).
 *
 * The thread serving m_wait (taskcall.c) calls park_prepare before it
 * reads the task, then answers and calls park_leave, or parks
 * (call->parked); loop.c then keeps the connection in epoll for hang-ups
 * (ladon__park_hold) until park_wake (the engine's wake function) marks
 * it, its deadline passes, or the client hangs up, and serves the same
 * request again.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_PARK_H
#define LADON_SRC_PARK_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "worker.h"

struct ladon_server;

int ladon__park_prepare(ladon__worker *w, const char *method, int32_t id,
                        int64_t deadline_ms);
void ladon__park_leave(struct ladon_server *srv, ladon__conn *c);
/* The engine's wake function (any thread): every parked connection
 * waiting for task id is served again. */
void ladon__park_wake(void *srv, int32_t id);
/* c came back parked from serving (its owner, c BUSY): true when it is to
 * be served again at once (woken meanwhile, or the server stops), false
 * when it now waits in epoll (state PARKED) - or was closed (error). */
bool ladon__park_hold(struct ladon_server *srv, ladon__conn *c);
/* The wait of c (taken BUSY by its caller) ends now: deadline passed,
 * hang-up, shutdown; its m_wait then answers the state it finds. */
void ladon__park_expire(struct ladon_server *srv, ladon__conn *c);

#endif
