/* ladon/server.h - configuring and running a Ladon-C server.
 *
 * The shortest server is
 *     int main(int argc, char **argv)
 *     { return ladon_main(argc, argv, &ladon_binding_myservices); }
 * which parses the command line and environment (docs/configuration.md),
 * serves until SIGTERM/SIGINT and returns the process exit status.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SERVER_H
#define LADON_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include "ladon/service.h"
#include "ladon/visibility.h"

typedef struct ladon_config {
    char listen_host[256];     /* --listen HOST:PORT, default 127.0.0.1:8080 */
    uint16_t listen_port;      /* 0 = any free port (printed when ready) */
    unsigned workers;          /* --workers, request worker threads (default 4) */
    unsigned task_workers;     /* --task-workers (default 4) */
    unsigned task_queue;       /* --task-queue, bounded task queue (default 1024) */
    char store_url[1024];      /* --store, default "memory:" */
    char public_url[1024];     /* --public-url, "" = from the Host header */
    char trusted_proxies[1024];/* --trusted-proxy ADDR[,ADDR...] */
    char data_dir[1024];       /* --data-dir (example services) */
    size_t max_request_bytes;  /* --max-request-size (default 1 MiB) */
    unsigned max_depth;        /* --max-depth, XML nesting (default 64) */
    size_t max_items;          /* --max-items, array items (default 100000) */
    unsigned recv_timeout_ms;  /* --recv-timeout (default 10000) */
    unsigned send_timeout_ms;  /* --send-timeout (default 10000) */
    unsigned max_connections;  /* --max-connections (default 10000) */
    unsigned idle_timeout_ms;  /* --idle-timeout: idle keep-alive connections
                                  are closed after this (default 60000) */
    int gzip;                  /* --gzip / --no-gzip: compress when asked (default 1) */
    int log_level;             /* --log-level error|warn|info|debug (default info) */
    unsigned task_ttl_s;       /* --task-ttl seconds (default 86400) */
    unsigned shutdown_grace_ms;/* --shutdown-grace (default 10000) */
    char store_prefix[64];     /* --store-prefix: key prefix in a shared task store
                                  (default "ladon:") */
    unsigned store_timeout_ms; /* --store-timeout: connect and operation timeout of a
                                  networked task store (default 1000) */
    unsigned task_lease_s;     /* --task-lease: a task whose server stops renewing it
                                  is reported "task lost" after this (default 30) */
    unsigned processes;        /* --processes: server processes sharing the listening
                                  socket, ladon_main() only (default 1) */
    unsigned wait_threads;     /* --wait-threads: threads that serve while requests
                                  wait (ladon_call_wait_begin, shared task stores);
                                  LADON_WAIT_THREADS_AUTO (default): 3 per worker, at
                                  most 64, with a shared --store, else 0 */
    size_t max_response_bytes; /* --max-response-size: largest response body, before
                                  compression (default 16 MiB) */
    size_t max_string_bytes;   /* --max-string-length: longest string or binary value
                                  of a request, in bytes (default 256 KiB) */
    unsigned task_wait_max_s;  /* --task-wait-max: longest m_wait, seconds; 0 = m_wait
                                  answers at once (default 30) */
    unsigned task_probe_limit;     /* --task-probe-limit: unknown task ids a client may
                                      ask for per window before its task lookups are
                                      refused; 0 = no limit (default 20) */
    unsigned task_probe_window_s;  /* --task-probe-window, seconds (default 10) */
    unsigned task_probe_cooldown_s;/* --task-probe-cooldown: how long they are refused,
                                      seconds (default 60) */
    char trusted_user_header[64];  /* --trusted-user-header: the header naming the
                                      authenticated user, believed from a
                                      --trusted-proxy peer only (default
                                      "X-Remote-User") */
    char auth_file[1024];          /* --auth-file: htpasswd file (bcrypt entries) of
                                      the built-in HTTP Basic check; "" = none */
    char auth_realm[128];          /* --auth-realm: realm of WWW-Authenticate
                                      (default "Ladon-C") */
    int auth_required;             /* --auth-required[=soap|all]: LADON_AUTH_NONE
                                      (default), _SOAP (every SOAP call needs an
                                      identity), _ALL (every request) */
    unsigned auth_fail_limit;      /* --auth-fail-limit: failed logins of one client
                                      per minute before its logins are refused for a
                                      minute; 0 = no limit (default 10) */
} ladon_config;

/* ladon_config.auth_required */
#define LADON_AUTH_NONE 0
#define LADON_AUTH_SOAP 1
#define LADON_AUTH_ALL 2

#define LADON_WAIT_THREADS_AUTO UINT32_MAX

/* Defaults as documented. */
LADON_EXTERN void ladon_config_init(ladon_config *cfg);
/* Applies LADON_* environment variables, then argv flags (flags win).
 * Returns 0 when the server should run, 1 when --help/--version was
 * printed, or a negative ladon_errno with a one-line message in err. */
LADON_EXTERN int ladon_config_parse(ladon_config *cfg, int argc, char **argv,
                                    char *err, size_t errlen);

typedef struct ladon_server ladon_server;

/* Creates a server listening as configured; the socket is bound when this
 * returns 0, so ladon_server_port() is known. */
LADON_EXTERN int ladon_server_new(ladon_server **out, const ladon_config *cfg,
                                  const ladon_binding *binding);
/* The bound TCP port. */
LADON_EXTERN uint16_t ladon_server_port(const ladon_server *srv);
/* Serves until ladon_server_stop(); then finishes in-flight requests. */
LADON_EXTERN int ladon_server_run(ladon_server *srv);
/* Asks a running server to stop; async-signal-safe. */
LADON_EXTERN void ladon_server_stop(ladon_server *srv);
LADON_EXTERN void ladon_server_free(ladon_server *srv);

/* Parses config, installs SIGTERM/SIGINT handlers, prints one line per WSDL
 * URL when ready, serves, and returns the exit status: 0 after a clean
 * shutdown, 2 for a bad configuration, 1 for a failure at start-up (the
 * task store cannot be reached, the port is taken, ...).
 *
 * With --processes N > 1 it binds the listening socket, then forks N worker
 * processes that each run the whole server (request workers, task engine,
 * their own store connections) on that socket, and supervises them: it
 * prints the WSDL lines once all are ready, forwards SIGTERM/SIGINT to them,
 * restarts one that dies unexpectedly (after a delay that grows while it
 * keeps dying young), and returns 0 once all stopped cleanly.  Each worker
 * process returns from ladon_main() too, with its own status, so code after
 * it runs in every process.  Several processes need a shared task store when
 * the binding has task methods: the memory store is refused (status 2).
 * The init hook of ladon_main_init() runs once, in the parent, before the
 * fork: it must not start threads. */
LADON_EXTERN int ladon_main(int argc, char **argv, const ladon_binding *binding);

/* Prepares the services once the configuration is known (open files, check
 * cfg->data_dir, ...).  Returns 0, or non-zero with a one-line message in
 * err: the server then does not start. */
typedef int (*ladon_init_fn)(const ladon_config *cfg, char *err, size_t errlen);

/* ladon_main() that calls init(cfg, ...) after parsing the configuration and
 * before listening; when init fails it prints "PROGRAM: MESSAGE" (argv[0])
 * on stderr and returns 1.  init may be NULL. */
LADON_EXTERN int ladon_main_init(int argc, char **argv, const ladon_binding *binding,
                                 ladon_init_fn init);

#endif /* LADON_SERVER_H */
