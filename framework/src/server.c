/* server.c - the public server API: create, run, stop, free, ladon_main.
 *
 * DESIGN
 * Threads: the thread calling ladon_server_run() becomes the listener
 * (listener.c); ladon_server_run() starts --workers request workers
 * (pool.c) first and joins them after the listener returns.  Signal handlers
 * only call ladon_server_stop(), which sets an atomic flag and writes an
 * eventfd: both async-signal-safe.  Shutdown order: the listener stops
 * accepting and closes idle connections; in-flight requests finish (their
 * responses say "Connection: close"); the workers are joined; the sockets,
 * epoll set and gSOAP contexts are freed by ladon_server_free().
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

#include "ladon/error.h"
#include "log.h"
#include "server_internal.h"

static int open_listener(struct ladon_server *srv)
{
    struct addrinfo hints, *res = NULL, *ai;
    char port[8];
    int rc, fd = -1, last_errno = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(port, sizeof port, "%u", srv->cfg.listen_port);
    rc = getaddrinfo(srv->cfg.listen_host, port, &hints, &res);
    if (rc != 0) {
        LADON_LOGE("cannot resolve listen address %s: %s", srv->cfg.listen_host,
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
        ladon__log_errno(last_errno, "cannot listen on %s:%u", srv->cfg.listen_host,
                         srv->cfg.listen_port);
        return LADON_ESYS;
    }
    {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
            ladon__log_errno(errno, "getsockname(listening socket)");
            close(fd);
            return LADON_ESYS;
        }
        srv->port = ntohs(ss.ss_family == AF_INET6
                              ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                              : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    }
    srv->listen_fd = fd;
    return 0;
}

static int epoll_add(int epfd, int fd, void *ptr)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = ptr};
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

/* Opens the task store and starts the task engine, when there are tasks. */
static int start_tasks(ladon_server *srv)
{
    ladon_task_engine_config tc;
    char err[256];
    int rc;

    if (!has_tasks(srv->binding))
        return 0;
    rc = ladon_store_open(&srv->store, srv->cfg.store_url, err, sizeof err);
    if (rc != 0) {
        LADON_LOGE("--store %s: %s", srv->cfg.store_url, err);
        return rc;
    }
    ladon_task_engine_config_init(&tc);
    tc.workers = srv->cfg.task_workers;
    tc.queue_capacity = srv->cfg.task_queue;
    tc.ttl_s = srv->cfg.task_ttl_s;
    tc.grace_ms = srv->cfg.shutdown_grace_ms;
    rc = ladon_task_engine_new(&srv->tasks, &tc, srv->store);
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

int ladon_server_new(ladon_server **out, const ladon_config *cfg, const ladon_binding *binding)
{
    struct ladon_server *srv;
    struct sigaction sa;
    char err[256];
    int rc;

    if (out == NULL || cfg == NULL || binding == NULL)
        return LADON_EINVAL;
    *out = NULL;
    if (binding->abi != LADON_SERVICE_ABI) {
        LADON_LOGE("binding %s was generated for service ABI %d, this runtime has %d: "
                   "regenerate it", binding->name ? binding->name : "?", binding->abi,
                   LADON_SERVICE_ABI);
        return LADON_EINVAL;
    }
    if (cfg->workers == 0 || cfg->max_connections == 0 || cfg->max_request_bytes == 0) {
        LADON_LOGE("invalid configuration: workers, max_connections and max_request_bytes "
                   "must be positive");
        return LADON_EINVAL;
    }
    ladon__log_set_level(cfg->log_level);
    srv = calloc(1, sizeof *srv);
    if (srv == NULL) {
        LADON_LOGE("out of memory (server)");
        return LADON_ENOMEM;
    }
    srv->cfg = *cfg;
    srv->binding = binding;
    srv->listen_fd = srv->epfd = srv->stop_fd = srv->done_fd = -1;
    atomic_init(&srv->stop_requested, false);
    srv->router.binding = binding;
    srv->router.public_url = srv->cfg.public_url;
    if (ladon__proxies_parse(&srv->router.proxies, srv->cfg.trusted_proxies, err,
                             sizeof err) != 0) {
        LADON_LOGE("--trusted-proxy: %s", err);
        free(srv);
        return LADON_EINVAL;
    }
    if (pthread_mutex_init(&srv->wq_lock, NULL) != 0 ||
        pthread_mutex_init(&srv->dq_lock, NULL) != 0 ||
        pthread_cond_init(&srv->wq_cond, NULL) != 0) {
        LADON_LOGE("cannot initialise locks");
        free(srv);
        return LADON_ESYS;
    }
    srv->locks_ready = true;

    /* A client that goes away must not kill the process. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) != 0)
        ladon__log_errno(errno, "sigaction(SIGPIPE)");

    rc = open_listener(srv);
    if (rc == 0) {
        srv->epfd = epoll_create1(EPOLL_CLOEXEC);
        srv->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        srv->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (srv->epfd < 0 || srv->stop_fd < 0 || srv->done_fd < 0) {
            ladon__log_errno(errno, "epoll_create1/eventfd");
            rc = LADON_ESYS;
        }
    }
    if (rc == 0)
        rc = epoll_add(srv->epfd, srv->listen_fd, &srv->listen_fd);
    if (rc == 0)
        rc = epoll_add(srv->epfd, srv->stop_fd, &srv->stop_fd);
    if (rc == 0)
        rc = epoll_add(srv->epfd, srv->done_fd, &srv->done_fd);
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
    srv->accepting = true;
    *out = srv;
    return 0;
}

uint16_t ladon_server_port(const ladon_server *srv)
{
    return srv ? srv->port : 0;
}

/* Closes and frees every connection still on the server's list. */
static void close_all_conns(ladon_server *srv)
{
    while (srv->conns != NULL) {
        ladon__conn *c = srv->conns;
        srv->conns = c->next;
        if (c->fd >= 0)
            close(c->fd);
        free(c->buf);
        free(c);
    }
    srv->n_conns = 0;
}

int ladon_server_run(ladon_server *srv)
{
    int rc;
    if (srv == NULL || srv->running)
        return LADON_EINVAL;
    srv->running = true;
    rc = ladon__pool_start(srv);
    if (rc == 0)
        rc = ladon__listener_run(srv);
    ladon__pool_stop(srv);
    /* connections still open (listener failure): close them */
    close_all_conns(srv);
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
    ladon__pool_stop(srv);
    close_all_conns(srv);
    stop_tasks(srv);
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    if (srv->epfd >= 0)
        close(srv->epfd);
    if (srv->stop_fd >= 0)
        close(srv->stop_fd);
    if (srv->done_fd >= 0)
        close(srv->done_fd);
    if (srv->master != NULL) {
        soap_destroy(srv->master);
        soap_end(srv->master);
        soap_free(srv->master);
    }
    if (srv->locks_ready) {
        pthread_mutex_destroy(&srv->wq_lock);
        pthread_mutex_destroy(&srv->dq_lock);
        pthread_cond_destroy(&srv->wq_cond);
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

int ladon_main(int argc, char **argv, const ladon_binding *binding)
{
    return ladon_main_init(argc, argv, binding, NULL);
}

int ladon_main_init(int argc, char **argv, const ladon_binding *binding, ladon_init_fn init)
{
    ladon_config cfg;
    ladon_server *srv;
    struct sigaction sa;
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
    if (init != NULL) {
        err[0] = '\0';
        if (init(&cfg, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", prog, err[0] != '\0' ? err : "service initialisation failed");
            return 1;
        }
    }
    rc = ladon_server_new(&srv, &cfg, binding);
    if (rc != 0) /* the cause has been logged */
        return rc == LADON_EINVAL ? 2 : 1;
    atomic_store(&main_server, srv);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0) {
        ladon__log_errno(errno, "sigaction(SIGTERM/SIGINT)");
        atomic_store(&main_server, NULL);
        ladon_server_free(srv);
        return 1;
    }
    for (size_t i = 0; i < binding->n_services; i++) {
        const char *name = binding->services[i]->name;
        if (cfg.public_url[0] != '\0')
            printf("%s: %s/%s?wsdl\n", name, cfg.public_url, name);
        else if (strchr(cfg.listen_host, ':') != NULL)
            printf("%s: http://[%s]:%u/%s?wsdl\n", name, cfg.listen_host, srv->port, name);
        else
            printf("%s: http://%s:%u/%s?wsdl\n", name, cfg.listen_host, srv->port, name);
    }
    if (fflush(stdout) != 0)
        ladon__log_errno(errno, "fflush(stdout)");
    rc = ladon_server_run(srv);
    atomic_store(&main_server, NULL);
    ladon_server_free(srv);
    return rc == 0 ? 0 : 1;
}
