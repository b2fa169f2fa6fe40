/* dispatch.h - serving one request on a request thread (internal).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_DISPATCH_H
#define LADON_SRC_DISPATCH_H

#include <stdbool.h>

#include "conn.h"
#include "worker.h"

struct ladon_server;

/* The server's master gSOAP context, with the runtime's hooks and limits
 * (srv->master); 0 or a ladon_errno.  ladon__dispatch_free frees it. */
int ladon__dispatch_init(struct ladon_server *srv);
void ladon__dispatch_free(struct ladon_server *srv);

/* A request thread's gSOAP context (a copy of the master's) and call;
 * 0 or a ladon_errno.  _free releases them and the thread's buffers. */
int ladon__dispatch_worker_init(ladon__worker *w);
void ladon__dispatch_worker_free(ladon__worker *w);

/* Serves the request at c->rpos, which ladon__conn_check found ready
 * (complete, or an HTTP error in c->early_status), on w: writes the
 * response and moves c->rpos past the request.  Returns whether the
 * connection may serve another request.  When m_wait parked the request
 * (park.c), c->parked is set, nothing was sent and rpos still points at
 * it. */
bool ladon__dispatch(ladon__worker *w, ladon__conn *c);

#endif
