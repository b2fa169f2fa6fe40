/* server.c - a server's life: create, run, stop, free; and ladon_main,
 * which runs one server as a program until SIGTERM/SIGINT.
 *
 * DESIGN
 * Threads: ladon_server_run() starts the request threads on the server's
 * epoll set (loop.c) and joins them; they accept, read and serve.  Signal
 * handlers only call ladon_server_stop(), which sets an atomic flag and
 * writes an eventfd: both async-signal-safe.  Shutdown order: the request
 * threads stop accepting and close idle connections; in-flight requests
 * finish (their responses say "Connection: close"); the threads are joined;
 * running tasks get the grace period and the rest are recorded as failed;
 * the sockets, epoll set and gSOAP contexts are freed by
 * ladon_server_free().
 *
 * With --processes N, ladon_main hands over to the supervisor of worker
 * processes (supervisor.c), each of which runs ladon__serve() here around
 * the listening socket it inherits; supervisor.h lists what the supervisor
 * uses of this file.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <stdsoap2.h>

#include "clock.h"
#include "config.h"
#include "dispatch.h"
#include "loop.h"
#include "park.h"
#include "ladon/error.h"
#include "log.h"
#include "server_internal.h"
#include "supervisor.h"

/* Binds and listens on cfg's address.  Returns the socket (non-blocking,
 * close-on-exec) or a negative ladon_errno (logged). */
int ladon__listen_socket(const ladon_config *cfg)
{
    struct addrinfo hints, *res = NULL, *ai;
    char port[8];
    int rc, fd = -1, last_errno = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(port, sizeof port, "%u", cfg->listen_port);
    rc = getaddrinfo(cfg->listen_host, port, &hints, &res);
    if (rc != 0) {
        LADON_LOGE("cannot resolve listen address %s: %s", cfg->listen_host,
                   gai_strerror(rc));
        return LADON_EINVAL;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        int one = 1;
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
            bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
            continue;
        }
        break;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        ladon__log_errno(last_errno, "cannot listen on %s:%u", cfg->listen_host,
                         cfg->listen_port);
        return LADON_ESYS;
    }
    return fd;
}

/* The port fd is bound to; 0 or LADON_ESYS (logged). */
int ladon__bound_port(int fd, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        ladon__log_errno(errno, "getsockname(listening socket)");
        return LADON_ESYS;
    }
    *port = ntohs(ss.ss_family == AF_INET6
                      ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                      : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    return 0;
}

/* The server's listening socket: fd when >= 0 (inherited from the parent of
 * several processes; the server then owns it), else a new one. */
static int open_listener(struct ladon_server *srv, int fd)
{
    int rc;
    if (fd < 0) {
        fd = ladon__listen_socket(&srv->cfg);
        if (fd < 0)
            return fd;
    }
    srv->listen_fd = fd;
    rc = ladon__bound_port(fd, &srv->port);
    if (rc != 0) {
        close(fd);
        srv->listen_fd = -1;
    }
    return rc;
}

static int epoll_add(int epfd, int fd, uint32_t events, uint64_t key)
{
    struct epoll_event ev = {.events = events, .data.u64 = key};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        ladon__log_errno(errno, "epoll_ctl(ADD)");
        return LADON_ESYS;
    }
    return 0;
}

/* Whether any service of the binding has a task method. */
static bool has_tasks(const ladon_binding *b)
{
    for (size_t i = 0; i < b->n_services; i++)
        for (size_t k = 0; k < b->services[i]->n_operations; k++)
            if (b->services[i]->operations[k].kind == LADON_OP_TASK_START)
                return true;
    return false;
}

/* The store options of cfg. */
static void store_options(const ladon_config *cfg, ladon_store_options *o)
{
    ladon_store_options_init(o);
    snprintf(o->prefix, sizeof o->prefix, "%s", cfg->store_prefix);
    o->timeout_ms = cfg->store_timeout_ms;
    o->lease_s = cfg->task_lease_s;
    o->ttl_s = cfg->task_ttl_s;
}

/* Opens cfg's task store; on failure logs why, naming the URL with its
 * password hidden, and returns the ladon_errno (LADON_EINVAL: a bad URL or
 * option; LADON_ESTORE: the store cannot be reached). */
static int open_store(const ladon_config *cfg, ladon_store **out)
{
    ladon_store_options o;
    char err[sizeof cfg->store_url + LADON__REASON_ROOM], shown[256];
    int rc;

    store_options(cfg, &o);
    rc = ladon_store_open_with(out, cfg->store_url, &o, err, sizeof err);
    if (rc != 0) {
        ladon__url_redact(cfg->store_url, shown, sizeof shown);
        ladon__text_redact(err, sizeof err, cfg->store_url);
        LADON_LOGE("cannot open the task store %s: %s", shown,
                   err[0] != '\0' ? err : ladon_err_name(rc));
    }
    return rc;
}

/* Whether cfg's task store opens, when binding has tasks (the supervisor
 * asks before it forks): 0, or open_store()'s ladon_errno (logged). */
int ladon__store_opens(const ladon_config *cfg, const ladon_binding *binding)
{
    ladon_store *st = NULL;
    int rc;

    if (!has_tasks(binding))
        return 0;
    rc = open_store(cfg, &st);
    if (rc == 0)
        ladon_store_close(st);
    return rc;
}

/* Opens the task store and starts the task engine, when there are tasks. */
static int start_tasks(ladon_server *srv)
{
    ladon_task_engine_config tc;
    int rc;

    if (!has_tasks(srv->binding))
        return 0;
    rc = open_store(&srv->cfg, &srv->store);
    if (rc != 0)
        return rc;
    ladon_task_engine_config_init(&tc);
    tc.workers = srv->cfg.task_workers;
    tc.queue_capacity = srv->cfg.task_queue;
    tc.ttl_s = srv->cfg.task_ttl_s;
    tc.grace_ms = srv->cfg.shutdown_grace_ms;
    rc = ladon_task_engine_new(&srv->tasks, &tc, srv->store);
    if (rc == 0)
        ladon_task_set_waker(srv->tasks, ladon__park_wake, srv);
    if (rc != 0)
        LADON_LOGE("cannot start the task engine (%u task workers): %s", tc.workers,
                   ladon_err_name(rc));
    return rc;
}

/* How long ladon_server_free() waits, after the grace, for task bodies that
 * were told to stop (ladon_should_stop) before it gives up on them. */
#define TASK_STOP_WAIT_MS 2000

/* Gives running tasks the grace period, then records the rest as failed
 * ("server shut down").  Frees the engine and the store unless a task body
 * ignores ladon_should_stop(): then they are left to the process's exit. */
static void stop_tasks(ladon_server *srv)
{
    int still;
    if (srv->tasks == NULL) {
        ladon_store_close(srv->store);
        srv->store = NULL;
        return;
    }
    still = ladon_task_engine_stop(srv->tasks, srv->cfg.shutdown_grace_ms);
    if (still > 0) {
        int64_t deadline = ladon__now_ms() + TASK_STOP_WAIT_MS;
        ladon_task_engine_stats st;
        LADON_LOGW("%d task(s) still running after the %u ms shutdown grace: recorded as "
                   "failed (\"%s\")", still, srv->cfg.shutdown_grace_ms,
                   LADON_TASK_SHUTDOWN_MESSAGE);
        for (;;) {
            ladon_task_engine_stats_get(srv->tasks, &st);
            if (st.running == 0 || ladon__now_ms() >= deadline)
                break;
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (st.running > 0) {
            LADON_LOGW("%u task(s) ignore ladon_should_stop(); not waiting for them",
                       st.running);
            srv->tasks = NULL; /* left running, with the store, until exit */
            srv->store = NULL;
            return;
        }
    }
    ladon_task_engine_free(srv->tasks);
    srv->tasks = NULL;
    ladon_store_close(srv->store);
    srv->store = NULL;
}

/* ladon_server_new() around listen_fd when it is >= 0 (owned by the server
 * from then on, also on failure). */
static int server_new(ladon_server **out, const ladon_config *cfg, const ladon_binding *binding,
                      int listen_fd)
{
    struct ladon_server *srv;
    struct sigaction sa;
    char err[256];
    int rc;

    rc = LADON_EINVAL;
    if (out == NULL || cfg == NULL || binding == NULL)
        goto fail_fd;
    *out = NULL;
    if (binding->abi != LADON_SERVICE_ABI) {
        LADON_LOGE("binding %s was generated for service ABI %d, this runtime has %d: "
                   "regenerate it", binding->name ? binding->name : "?", binding->abi,
                   LADON_SERVICE_ABI);
        goto fail_fd;
    }
    if (cfg->workers == 0 || cfg->max_connections == 0 || cfg->max_request_bytes == 0) {
        LADON_LOGE("invalid configuration: workers, max_connections and max_request_bytes "
                   "must be positive");
        goto fail_fd;
    }
    ladon__log_set_level(cfg->log_level);
    srv = calloc(1, sizeof *srv);
    if (srv == NULL) {
        LADON_LOGE("out of memory (server)");
        rc = LADON_ENOMEM;
        goto fail_fd;
    }
    srv->cfg = *cfg;
    srv->binding = binding;
    srv->listen_fd = srv->epfd = srv->stop_fd = srv->ready_fd = -1;
    atomic_init(&srv->n_conns, 0);
    atomic_init(&srv->n_busy, 0);
    atomic_init(&srv->stopping, false);
    atomic_init(&srv->finished, false);
    atomic_init(&srv->accepting, false);
    atomic_init(&srv->error, 0);
    atomic_init(&srv->stop_requested, false);
    srv->router.binding = binding;
    srv->router.public_url = srv->cfg.public_url;
    if (ladon__proxies_parse(&srv->router.proxies, srv->cfg.trusted_proxies, err,
                             sizeof err) != 0) {
        LADON_LOGE("--trusted-proxy: %s", err);
        free(srv);
        goto fail_fd;
    }
    {
        /* the server's locks, all or none */
        pthread_mutex_t *locks[] = {&srv->accept_lock, &srv->rq_lock, &srv->pool_lock,
                                    &srv->scan_lock, &srv->park_lock};
        size_t i;
        for (i = 0; i < sizeof locks / sizeof locks[0]; i++)
            if (pthread_mutex_init(locks[i], NULL) != 0)
                break;
        if (i < sizeof locks / sizeof locks[0]) {
            while (i-- > 0)
                pthread_mutex_destroy(locks[i]);
            LADON_LOGE("cannot initialise locks");
            free(srv);
            rc = LADON_ESYS;
            goto fail_fd;
        }
    }
    srv->locks_ready = true;

    /* A client that goes away must not kill the process. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) != 0)
        ladon__log_errno(errno, "sigaction(SIGPIPE)");

    rc = open_listener(srv, listen_fd); /* owns listen_fd from here on */
    if (rc == 0) {
        srv->epfd = epoll_create1(EPOLL_CLOEXEC);
        srv->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        srv->ready_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (srv->epfd < 0 || srv->stop_fd < 0 || srv->ready_fd < 0) {
            ladon__log_errno(errno, "epoll_create1/eventfd");
            rc = LADON_ESYS;
        }
    }
    if (rc == 0)
        rc = ladon__conntab_init(&srv->conns, srv->cfg.max_connections);
    if (rc == 0 && ladon__probe_init(&srv->probe, srv->cfg.task_probe_limit,
                                     srv->cfg.task_probe_window_s,
                                     srv->cfg.task_probe_cooldown_s) != 0)
        rc = LADON_ENOMEM;
    if (rc == 0) {
        char why[1280];
        if (ladon__auth_init(&srv->auth, &srv->cfg, why, sizeof why) != 0) {
            LADON_LOGE("--auth-file: %s", why);
            rc = LADON_EINVAL;
        }
    }
    if (rc == 0)
        rc = epoll_add(srv->epfd, srv->listen_fd, EPOLLIN, LADON__KEY_LISTEN);
    if (rc == 0)
        rc = epoll_add(srv->epfd, srv->stop_fd, EPOLLIN | EPOLLONESHOT, LADON__KEY_STOP);
    if (rc == 0)
        rc = epoll_add(srv->epfd, srv->ready_fd, EPOLLIN, LADON__KEY_READY);
    if (rc != 0) {
        ladon_server_free(srv);
        return rc;
    }
    if (rc == 0)
        rc = start_tasks(srv);
    if (rc != 0) {
        ladon_server_free(srv);
        return rc;
    }
    atomic_store(&srv->accepting, true);
    *out = srv;
    return 0;

fail_fd:
    if (listen_fd >= 0)
        close(listen_fd);
    return rc;
}

int ladon_server_new(ladon_server **out, const ladon_config *cfg, const ladon_binding *binding)
{
    return server_new(out, cfg, binding, -1);
}

uint16_t ladon_server_port(const ladon_server *srv)
{
    return srv ? srv->port : 0;
}

int ladon_server_run(ladon_server *srv)
{
    int rc;
    if (srv == NULL || srv->running)
        return LADON_EINVAL;
    srv->running = true;
    rc = ladon__loop_run(srv);
    stop_tasks(srv);
    if (rc == 0)
        LADON_LOGI("server stopped");
    return rc;
}

void ladon_server_stop(ladon_server *srv)
{
    uint64_t one = 1;
    int saved = errno; /* async-signal-safe: keep errno */
    if (srv == NULL)
        return;
    atomic_store(&srv->stop_requested, true);
    if (srv->stop_fd >= 0 && write(srv->stop_fd, &one, sizeof one) < 0) {
        /* counter overflow is impossible in practice; nothing else to do */
    }
    errno = saved;
}

void ladon_server_free(ladon_server *srv)
{
    if (srv == NULL)
        return;
    stop_tasks(srv);
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    if (srv->epfd >= 0)
        close(srv->epfd);
    if (srv->stop_fd >= 0)
        close(srv->stop_fd);
    if (srv->ready_fd >= 0)
        close(srv->ready_fd);
    ladon__dispatch_free(srv);
    ladon__conntab_destroy(&srv->conns);
    ladon__probe_destroy(&srv->probe);
    ladon__auth_destroy(&srv->auth);
    if (srv->locks_ready) {
        pthread_mutex_destroy(&srv->accept_lock);
        pthread_mutex_destroy(&srv->rq_lock);
        pthread_mutex_destroy(&srv->pool_lock);
        pthread_mutex_destroy(&srv->scan_lock);
        pthread_mutex_destroy(&srv->park_lock);
    }
    free(srv);
}

/* ---- ladon_main ------------------------------------------------------------ */

static ladon_server *_Atomic main_server;

static void on_signal(int sig)
{
    (void)sig;
    ladon_server_stop(atomic_load(&main_server));
}

/* SIGHUP: --auth-file is read again by the next timeout scan (loop.c). */
static void on_hup(int sig)
{
    ladon_server *srv = atomic_load(&main_server);
    (void)sig;
    if (srv != NULL)
        atomic_store(&srv->auth.reload_requested, true);
}

int ladon_main(int argc, char **argv, const ladon_binding *binding)
{
    return ladon_main_init(argc, argv, binding, NULL);
}

/* The ready lines: one per service, naming its WSDL URL. */
void ladon__print_ready(const ladon_config *cfg, const ladon_binding *binding, uint16_t port)
{
    for (size_t i = 0; i < binding->n_services; i++) {
        const char *name = binding->services[i]->name;
        if (cfg->public_url[0] != '\0')
            printf("%s: %s/%s?wsdl\n", name, cfg->public_url, name);
        else if (strchr(cfg->listen_host, ':') != NULL)
            printf("%s: http://[%s]:%u/%s?wsdl\n", name, cfg->listen_host, port, name);
        else
            printf("%s: http://%s:%u/%s?wsdl\n", name, cfg->listen_host, port, name);
    }
    if (fflush(stdout) != 0)
        ladon__log_errno(errno, "fflush(stdout)");
}

/* Runs one server until SIGTERM/SIGINT and returns the exit status.  With
 * listen_fd >= 0 it is a worker of several processes: it serves on that
 * socket, restores old_mask once its signal handlers are in place, and
 * writes one byte to ready_fd instead of printing the ready lines. */
int ladon__serve(const ladon_config *cfg, const ladon_binding *binding, int listen_fd,
                 int ready_fd, const sigset_t *old_mask)
{
    ladon_server *srv;
    struct sigaction sa;
    int rc = server_new(&srv, cfg, binding, listen_fd);

    if (rc != 0) { /* the cause has been logged */
        if (ready_fd >= 0)
            close(ready_fd);
        return rc == LADON_EINVAL ? 2 : 1;
    }
    atomic_store(&main_server, srv);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0 ||
        (sa.sa_handler = on_hup, sigaction(SIGHUP, &sa, NULL)) != 0) {
        ladon__log_errno(errno, "sigaction(SIGTERM/SIGINT/SIGHUP)");
        atomic_store(&main_server, NULL);
        ladon_server_free(srv);
        if (ready_fd >= 0)
            close(ready_fd);
        return 1;
    }
    if (old_mask != NULL && sigprocmask(SIG_SETMASK, old_mask, NULL) != 0)
        ladon__log_errno(errno, "sigprocmask");
    if (ready_fd >= 0) {
        char b = 'R';
        ssize_t w;
        do
            w = write(ready_fd, &b, 1);
        while (w < 0 && errno == EINTR);
        if (w != 1)
            ladon__log_errno(errno, "write(ready pipe)");
        close(ready_fd);
    } else {
        ladon__print_ready(cfg, binding, srv->port);
    }
    rc = ladon_server_run(srv);
    atomic_store(&main_server, NULL);
    ladon_server_free(srv);
    return rc == 0 ? 0 : 1;
}

/* Whether cfg's task store lives inside one process (its back end says). */
static bool store_is_local(const ladon_config *cfg)
{
    unsigned props = 0;
    return ladon_store_check(cfg->store_url, &props, NULL, 0) != 0 ||
           (props & LADON_STORE_SHARED) == 0;
}

int ladon_main_init(int argc, char **argv, const ladon_binding *binding, ladon_init_fn init)
{
    ladon_config cfg;
    char err[512];
    const char *prog = argc > 0 && argv && argv[0] ? argv[0] : "ladon";
    int rc;

    ladon_config_init(&cfg);
    rc = ladon_config_parse(&cfg, argc, argv, err, sizeof err);
    if (rc == 1)
        return 0;
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return 2;
    }
    ladon__log_set_level(cfg.log_level);
    if (binding == NULL) {
        fprintf(stderr, "%s: no binding\n", prog);
        return 2;
    }
    if (cfg.processes > 1 && has_tasks(binding) && store_is_local(&cfg)) {
        /* the scheme names the back end; the rest may hold a password */
        char why[96];
        if (strncasecmp(cfg.store_url, "memory:", 7) == 0)
            snprintf(why, sizeof why, "the memory store lives in one process");
        else
            snprintf(why, sizeof why, "the '%.*s:' store is not shared across processes",
                     (int)strcspn(cfg.store_url, ":"), cfg.store_url);
        fprintf(stderr,
                "%s: --processes %u needs a shared task store (--store memcached://... or "
                "redis://...): %s\n",
                prog, cfg.processes, why);
        return 2;
    }
    if (cfg.auth_file[0] != '\0') {
        /* a bad --auth-file is a configuration error, found before any fork */
        ladon__htpasswd *users;
        char why[1280];
        if (ladon__htpasswd_load(cfg.auth_file, &users, why, sizeof why) != 0) {
            fprintf(stderr, "%s: --auth-file: %s\n", prog, why);
            return 2;
        }
        ladon__htpasswd_free(users);
    }
    if (init != NULL) {
        err[0] = '\0';
        if (init(&cfg, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", prog, err[0] != '\0' ? err : "service initialisation failed");
            return 1;
        }
    }
    if (cfg.processes > 1)
        return ladon__run_processes(&cfg, binding);
    return ladon__serve(&cfg, binding, -1, -1, NULL);
}
