/* supervisor.h - between ladon_main (server.c) and the supervisor of
 * several worker processes (supervisor.c, --processes N): the supervisor's
 * entry point, and the parts of a single server it builds on (internal).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_SUPERVISOR_H
#define LADON_SRC_SUPERVISOR_H

#include <signal.h>
#include <stdint.h>

#include "ladon/server.h"

/* supervisor.c: ladon_main with cfg->processes > 1; returns the exit status
 * (in a worker process: that worker's, once its server has stopped). */
int ladon__run_processes(const ladon_config *cfg, const ladon_binding *binding);

/* server.c */

/* Binds and listens on cfg's address: the socket (non-blocking,
 * close-on-exec) or a negative ladon_errno (logged). */
int ladon__listen_socket(const ladon_config *cfg);
/* The port fd is bound to; 0 or LADON_ESYS (logged). */
int ladon__bound_port(int fd, uint16_t *port);
/* 0 when binding has no tasks or cfg's task store opens, else the
 * ladon_errno (logged; LADON_EINVAL: a bad URL or option). */
int ladon__store_opens(const ladon_config *cfg, const ladon_binding *binding);
/* Prints the ready lines, one WSDL URL per service. */
void ladon__print_ready(const ladon_config *cfg, const ladon_binding *binding, uint16_t port);
/* Runs one server until SIGTERM/SIGINT and returns the exit status; with
 * listen_fd >= 0 as a worker process (see its definition). */
int ladon__serve(const ladon_config *cfg, const ladon_binding *binding, int listen_fd,
                 int ready_fd, const sigset_t *old_mask);

#endif
