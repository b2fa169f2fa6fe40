/* loop.c - the request threads: one epoll set they all wait on, and each
 * request served to completion by the thread that read it.
 *
 * DESIGN
 * The server has one epoll set (srv->epfd) holding the listening socket,
 * two eventfds (stop, ready queue) and every open connection that is not
 * being served.  --workers threads wait on it (plus --wait-threads spare
 * ones, below).  Connections are registered EPOLLONESHOT: an event is
 * delivered to one thread and disarms the connection, and that thread
 * takes it (state BUSY, conn.h), reads what the socket holds and - when a
 * request is complete, the common case - serves it at once on its own
 * stack (dispatch.c), then any complete pipelined requests behind it (in
 * order, at most MAX_PIPELINED in a row, then the connection goes to the
 * back of the ready queue so one connection cannot starve the others),
 * and re-arms the connection (one epoll_ctl) or closes it.  A request thus
 * crosses no thread: no queue, no condition variable, no eventfd between
 * reading and answering - the listener -> worker -> listener hand-over of
 * the first design cost two context switches per request, which on this
 * kind of VM cost more than the request (bench/README.md).  Any thread may
 * serve any connection next time (no head-of-line blocking behind a slow
 * request, as with one loop per thread), and at most --workers requests
 * run at once, because only --workers threads wait on the set.  A thread
 * takes one event per epoll_wait (MAX_EVENTS), so it holds no event of
 * another connection while it serves.
 *
 * What does not complete stays in the set and costs no thread: a client
 * that sends half a request holds a receive buffer (IDLE -> READING) until
 * its request completes or --recv-timeout passes (408, closed); idle
 * keep-alive connections cost one epoll entry and their slot, and are
 * closed after --idle-timeout; an answered connection that must close is
 * half-closed and lingers (LINGER), discarding input, so the client sees
 * the response rather than a reset; a parked m_wait waits for hang-ups
 * only (PARKED, park.c).  The timeout scan runs every SCAN_MS on whichever
 * thread gets there first (scan_lock).
 *
 * Waiting without the CPU (ladon__worker_wait_begin/_end: a remote task
 * store, ladon_call_wait_begin/_end in user code): the waiting thread
 * stops counting against --workers and a spare thread (--wait-threads: by
 * default 3 per worker with a remote store, else none) joins the set;
 * after the request, a thread beyond --workers becomes spare again.  Spare
 * threads wait on their own condition variable in a stack (the one that
 * waited last is woken first: its stack is still in the cache); a wait
 * that began with no spare on the stack (at start-up, or all taken) is
 * made up by the next thread that comes to it.
 *
 * The ready queue (rq_lock, ready_fd) holds BUSY connections any thread
 * may serve: a pipelining connection's turn, a parked m_wait that a task's
 * end woke (park.c), one whose deadline came.
 *
 * At --max-connections the listening socket is disarmed (new clients wait
 * in the kernel backlog) until a connection closes.  ladon_server_stop()
 * writes the stop eventfd: the first thread to see it closes the listening
 * socket and every connection not being served, answers parked m_waits,
 * and the others finish what they serve (answering "Connection: close");
 * after --shutdown-grace the scan shuts the remaining sockets down so
 * blocked I/O fails.  When nothing is busy every thread exits.
 *
 * Locking: a connection's lock guards its state (conn.h); the other locks
 * (accept_lock, rq_lock, pool_lock, scan_lock, park_lock, the table's) are
 * never held together, except park_lock and the table's lock inside a
 * connection's lock.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "dispatch.h"
#include "http_out.h"
#include "ladon/error.h"
#include "log.h"
#include "park.h"
#include "server_internal.h"

#define MAX_PIPELINED 16
#define LINGER_MS 2000
#define SCAN_MS 100
/* Events one epoll_wait takes: one.  A thread serving the first event of a
 * batch would hold the others (each connection is disarmed, EPOLLONESHOT)
 * until its request ends: a slow or waiting request would delay requests
 * that an idle thread could serve at once (test_loop.c "neighbour"). */
#define MAX_EVENTS 1
/* Default --wait-threads with a remote task store (memcached, redis): 3
 * per worker, at most 64 in all (the stores keep at most 64 connections
 * each); 0 otherwise. */
#define WAIT_THREADS_PER_WORKER 3u
#define WAIT_THREADS_AUTO_MAX 64u


static void lock_conn(ladon__conn *c)
{
    if (pthread_mutex_lock(&c->lock) != 0)
        abort();
}

static void unlock_conn(ladon__conn *c)
{
    pthread_mutex_unlock(&c->lock);
}

static void lock(pthread_mutex_t *m)
{
    if (pthread_mutex_lock(m) != 0)
        abort();
}

static void eventfd_signal(int fd)
{
    uint64_t one = 1;
    ssize_t r;
    do
        r = write(fd, &one, sizeof one);
    while (r < 0 && errno == EINTR);
    if (r < 0 && errno != EAGAIN)
        ladon__log_errno(errno, "write(eventfd)");
}

static void eventfd_drain(int fd)
{
    uint64_t v;
    ssize_t r;
    do
        r = read(fd, &v, sizeof v);
    while (r < 0 && errno == EINTR);
    if (r < 0 && errno != EAGAIN)
        ladon__log_errno(errno, "read(eventfd)");
}

/* ---- the listening socket ------------------------------------------------- */

/* Arms or disarms the listening socket (accept_lock held). */
static void set_accepting(struct ladon_server *srv, bool on)
{
    struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.u64 = LADON__KEY_LISTEN};
    if (atomic_load(&srv->accepting) == on || srv->listen_fd < 0)
        return;
    if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, srv->listen_fd, &ev) != 0) {
        ladon__log_errno(errno, "epoll_ctl(listening socket)");
        return;
    }
    atomic_store(&srv->accepting, on);
}

/* Accepts again when below --max-connections (after a close, a scan). */
static void resume_accepting(struct ladon_server *srv)
{
    if (atomic_load(&srv->accepting) || atomic_load(&srv->stopping))
        return;
    lock(&srv->accept_lock);
    if (!atomic_load(&srv->stopping) &&
        atomic_load(&srv->n_conns) < srv->cfg.max_connections)
        set_accepting(srv, true);
    pthread_mutex_unlock(&srv->accept_lock);
}

/* ---- closing ---------------------------------------------------------------- */

/* Closes c (its lock held) and frees its slot; a buffer goes to cache. */
static void close_locked(struct ladon_server *srv, ladon__conn *c, ladon__buf_cache *cache)
{
    ladon__park_leave(srv, c);
    if (c->fd >= 0 && close(c->fd) != 0) /* close() removes it from the epoll set */
        ladon__log_errno(errno, "close(connection)");
    c->fd = -1;
    ladon__conn_buf_give(c, cache);
    if (c->state == LADON_CONN_BUSY)
        atomic_fetch_sub(&srv->n_busy, 1);
    ladon__conntab_release(&srv->conns, c);
    atomic_fetch_sub(&srv->n_conns, 1);
}

static void close_conn(struct ladon_server *srv, ladon__conn *c, ladon__buf_cache *cache)
{
    lock_conn(c);
    close_locked(srv, c, cache);
    unlock_conn(c);
    resume_accepting(srv);
}

void ladon__loop_close_locked(struct ladon_server *srv, ladon__conn *c)
{
    close_locked(srv, c, NULL);
}

/* ---- handing a connection back to the epoll set ---------------------------- */

/* Re-arms c for `events` in state `st` (c BUSY, its lock held); false when
 * epoll refused (then the caller closes it). */
static bool rearm_locked(struct ladon_server *srv, ladon__conn *c, uint32_t events,
                         enum ladon__conn_state st)
{
    struct epoll_event ev = {.events = events | EPOLLONESHOT, .data.u64 = ladon__conn_key(c)};
    if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
        ladon__log_errno(errno, "epoll_ctl(connection %d)", c->fd);
        return false;
    }
    c->state = st;
    atomic_fetch_sub(&srv->n_busy, 1);
    return true;
}

/* c (BUSY) waits for its next bytes: IDLE (nothing buffered, its buffer
 * given back) or READING (a request begun: its --recv-timeout runs from
 * `fresh` ? now : as before).  At shutdown it is closed instead. */
static void release_waiting(ladon__worker *w, ladon__conn *c, bool fresh, int64_t now)
{
    struct ladon_server *srv = w->srv;
    bool idle = c->wpos == c->rpos;
    if (idle)
        ladon__conn_buf_give(c, &w->bufs);
    lock_conn(c);
    if (atomic_load(&srv->stopping)) {
        close_locked(srv, c, &w->bufs);
    } else {
        if (idle)
            c->deadline_ms = now + srv->cfg.idle_timeout_ms;
        else if (fresh)
            c->deadline_ms = now + srv->cfg.recv_timeout_ms;
        if (!rearm_locked(srv, c, EPOLLIN | EPOLLRDHUP, idle ? LADON_CONN_IDLE : LADON_CONN_READING))
            close_locked(srv, c, &w->bufs);
    }
    unlock_conn(c);
    resume_accepting(srv);
}

/* c (BUSY) was answered and must close: half-close and linger. */
static void start_linger(ladon__worker *w, ladon__conn *c, int64_t now)
{
    struct ladon_server *srv = w->srv;
    ladon__conn_buf_give(c, &w->bufs);
    lock_conn(c);
    if (atomic_load(&srv->stopping) || shutdown(c->fd, SHUT_WR) != 0 ||
        (c->deadline_ms = now + LINGER_MS,
         !rearm_locked(srv, c, EPOLLIN | EPOLLRDHUP, LADON_CONN_LINGER)))
        close_locked(srv, c, &w->bufs);
    unlock_conn(c);
    resume_accepting(srv);
}

/* ---- the ready queue -------------------------------------------------------- */

void ladon__loop_ready(struct ladon_server *srv, ladon__conn *c)
{
    bool was_empty;
    c->qnext = NULL;
    lock(&srv->rq_lock);
    was_empty = srv->rq_head == NULL;
    if (srv->rq_tail != NULL)
        srv->rq_tail->qnext = c;
    else
        srv->rq_head = c;
    srv->rq_tail = c;
    if (was_empty)
        eventfd_signal(srv->ready_fd);
    pthread_mutex_unlock(&srv->rq_lock);
}

static ladon__conn *ready_pop(struct ladon_server *srv)
{
    ladon__conn *c;
    lock(&srv->rq_lock);
    c = srv->rq_head;
    if (c != NULL) {
        srv->rq_head = c->qnext;
        if (srv->rq_head == NULL)
            srv->rq_tail = NULL;
        c->qnext = NULL;
    }
    if (srv->rq_head == NULL)
        eventfd_drain(srv->ready_fd);
    pthread_mutex_unlock(&srv->rq_lock);
    return c;
}

/* ---- serving ---------------------------------------------------------------- */

/* An operation that began a wait and did not end it: ended here. */
static void end_wait(ladon__worker *w)
{
    if (w->waiting) {
        LADON_LOGW("operation '%s' returned between ladon_call_wait_begin and "
                   "ladon_call_wait_end", w->call.op != NULL ? w->call.op->name : "?");
        ladon__worker_wait_end(w);
    }
}

/* Serves the request ready at c->rpos (ladon__conn_check said 1) and the
 * complete ones behind it, then hands c back (c BUSY, taken by w). */
static void serve_conn(ladon__worker *w, ladon__conn *c)
{
    struct ladon_server *srv = w->srv;
    int served = 0;

    c->close = false;
    for (;;) {
        bool keep = ladon__dispatch(w, c);
        served++;
        if (c->parked) {
            /* unanswered, back to the epoll set (park.c).  gSOAP closed
             * (fclose) a request that asked for "Connection: close" while
             * it was cleaned up: that is for the answer, still to come */
            c->close = false;
            if (ladon__park_hold(srv, c))
                continue; /* woken meanwhile, or stopping: serve it again */
            end_wait(w);
            return;
        }
        if (!keep || atomic_load(&srv->stop_requested)) {
            c->close = true;
            break;
        }
        if (ladon__conn_check(c, srv->cfg.max_request_bytes) != 1)
            break;
        if (served >= MAX_PIPELINED) {
            end_wait(w);
            ladon__loop_ready(srv, c); /* the others' turn first */
            return;
        }
    }
    end_wait(w);
    if (c->close)
        start_linger(w, c, ladon__now_ms());
    else
        release_waiting(w, c, true, ladon__now_ms());
}

/* c (BUSY) is readable: reads, and serves what is complete. */
static void read_and_serve(ladon__worker *w, ladon__conn *c, bool was_reading, int64_t now)
{
    struct ladon_server *srv = w->srv;
    int r = ladon__conn_read(c, &w->bufs, srv->cfg.max_request_bytes);

    if (r < 0) {
        close_conn(srv, c, &w->bufs);
        return;
    }
    if (ladon__conn_check(c, srv->cfg.max_request_bytes) == 1) {
        serve_conn(w, c);
        return;
    }
    if (r == 1) {
        if (c->wpos > c->rpos)
            LADON_LOGI("%s: connection closed in the middle of a request", c->peer_str);
        close_conn(srv, c, &w->bufs);
        return;
    }
    release_waiting(w, c, !was_reading, now);
}

/* A lingering connection's input is discarded until the client closes. */
static void linger_read(ladon__worker *w, ladon__conn *c)
{
    struct ladon_server *srv = w->srv;
    char junk[4096];
    for (;;) {
        ssize_t r = recv(c->fd, junk, sizeof junk, 0);
        if (r > 0 || (r < 0 && errno == EINTR))
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            lock_conn(c);
            if (atomic_load(&srv->stopping) ||
                !rearm_locked(srv, c, EPOLLIN | EPOLLRDHUP, LADON_CONN_LINGER))
                close_locked(srv, c, &w->bufs);
            unlock_conn(c);
            return;
        }
        close_conn(srv, c, &w->bufs);
        return;
    }
}

/* Serves a connection taken from the ready queue (a pipelining one's
 * turn, a woken or expired m_wait). */
static void serve_ready(ladon__worker *w, ladon__conn *c)
{
    if (ladon__conn_check(c, w->srv->cfg.max_request_bytes) == 1)
        serve_conn(w, c);
    else
        release_waiting(w, c, true, ladon__now_ms());
}

/* ---- accepting -------------------------------------------------------------- */

static void addr_string(const struct sockaddr_storage *ss, char *out, size_t outlen,
                        bool with_port)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    bool v6 = false;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)ss;
        inet_ntop(AF_INET, &s->sin_addr, ip, sizeof ip);
        port = ntohs(s->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)ss;
        if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr)) {
            inet_ntop(AF_INET, &s->sin6_addr.s6_addr[12], ip, sizeof ip);
        } else {
            inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof ip);
            v6 = true;
        }
        port = ntohs(s->sin6_port);
    }
    if (with_port)
        snprintf(out, outlen, v6 ? "[%s]:%u" : "%s:%u", ip, port);
    else
        snprintf(out, outlen, "%s", ip);
}

/* A fresh connection in slot c (FREE) for socket fd. */
static void conn_init(struct ladon_server *srv, ladon__conn *c, int fd,
                      const struct sockaddr_storage *ss)
{
    struct sockaddr_storage ls;
    socklen_t lsl = sizeof ls;

    c->fd = fd;
    c->qnext = NULL;
    c->buf = NULL;
    c->cap = c->rpos = c->wpos = 0;
    c->deadline_ms = 0;
    c->req_len = 0;
    c->early_status = 0;
    c->close = c->parked = c->in_park_list = c->wake_pending = false;
    c->park_prev = c->park_next = NULL;
    c->wait_deadline_ms = 0;
    c->wait_id = 0;
    c->wait_method[0] = '\0';
    c->peer = *ss;
    addr_string(ss, c->peer_str, sizeof c->peer_str, false);
    if (getsockname(fd, (struct sockaddr *)&ls, &lsl) == 0) {
        addr_string(&ls, c->local_host, sizeof c->local_host, true);
    } else {
        ladon__log_errno(errno, "getsockname");
        snprintf(c->local_host, sizeof c->local_host, "localhost:%u", srv->port);
    }
}

/* Accepts one connection and serves what it already sent. */
static void on_accept(ladon__worker *w, int64_t now)
{
    static _Atomic int64_t last_full_log;
    struct ladon_server *srv = w->srv;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    struct epoll_event ev = {.events = EPOLLONESHOT};
    ladon__conn *c;
    int fd, one = 1;

    lock(&srv->accept_lock);
    if (srv->listen_fd < 0 || atomic_load(&srv->stopping)) {
        pthread_mutex_unlock(&srv->accept_lock);
        return;
    }
    if (atomic_load(&srv->n_conns) >= srv->cfg.max_connections) {
        if (now - atomic_load(&last_full_log) > 1000) {
            LADON_LOGW("%zu connections open (--max-connections): not accepting",
                       atomic_load(&srv->n_conns));
            atomic_store(&last_full_log, now);
        }
        set_accepting(srv, false);
        pthread_mutex_unlock(&srv->accept_lock);
        return;
    }
    fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e != EINTR && e != ECONNABORTED && e != EPROTO && e != EAGAIN && e != EWOULDBLOCK) {
            if (now - atomic_load(&last_full_log) > 1000) {
                ladon__log_errno(e, "accept");
                atomic_store(&last_full_log, now);
            }
            /* EMFILE and the like: pause accepting until the next scan */
            set_accepting(srv, false);
        }
        pthread_mutex_unlock(&srv->accept_lock);
        return;
    }
    atomic_fetch_add(&srv->n_conns, 1);
    pthread_mutex_unlock(&srv->accept_lock);

    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        ladon__log_errno(errno, "setsockopt(TCP_NODELAY)");
    c = ladon__conntab_alloc(&srv->conns);
    if (c == NULL) {
        close(fd);
        atomic_fetch_sub(&srv->n_conns, 1);
        return;
    }
    conn_init(srv, c, fd, &ss);
    lock_conn(c);
    c->state = LADON_CONN_BUSY;
    atomic_fetch_add(&srv->n_busy, 1);
    /* registered disarmed: armed when handed back */
    ev.data.u64 = ladon__conn_key(c);
    if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        ladon__log_errno(errno, "epoll_ctl(connection %d)", fd);
        close_locked(srv, c, &w->bufs);
        unlock_conn(c);
        return;
    }
    unlock_conn(c);
    read_and_serve(w, c, false, now); /* the request often came with the connection */
}

/* ---- events ----------------------------------------------------------------- */

/* The connection an event is for, taken (BUSY) with the state it had; NULL
 * when the event is stale (the slot was freed or reused) or the connection
 * is already taken (a parked one woken meanwhile). */
static ladon__conn *take(struct ladon_server *srv, uint64_t key, enum ladon__conn_state *was)
{
    ladon__conn *c = ladon__conntab_get(&srv->conns, (uint32_t)(key >> 32));
    if (c == NULL)
        return NULL;
    lock_conn(c);
    if (c->gen != (uint32_t)key || c->state == LADON_CONN_FREE || c->state == LADON_CONN_BUSY) {
        unlock_conn(c);
        return NULL;
    }
    *was = c->state;
    c->state = LADON_CONN_BUSY;
    atomic_fetch_add(&srv->n_busy, 1);
    unlock_conn(c);
    return c;
}

/* Takes the spare thread that waited last off the stack and wakes it
 * (pool_lock held). */
static void wake_one(struct ladon_server *srv)
{
    ladon__worker *s = srv->idle;
    srv->idle = s->idle_next;
    s->idle_next = NULL;
    s->woken = true;
    srv->waking++;
    pthread_cond_signal(&s->wake);
}

static void check_finished(struct ladon_server *srv);

/* Stop: no more accepting; what nobody serves is closed (a parked m_wait
 * is answered first); what is being served finishes. */
static void begin_stop(struct ladon_server *srv, ladon__worker *w)
{
    size_t slots;

    lock(&srv->accept_lock);
    atomic_store(&srv->stopping, true);
    if (srv->listen_fd >= 0) {
        if (close(srv->listen_fd) != 0)
            ladon__log_errno(errno, "close(listening socket)");
        srv->listen_fd = -1;
        atomic_store(&srv->accepting, false);
    }
    pthread_mutex_unlock(&srv->accept_lock);
    lock(&srv->scan_lock);
    srv->grace_deadline_ms = ladon__now_ms() + srv->cfg.shutdown_grace_ms;
    pthread_mutex_unlock(&srv->scan_lock);

    slots = ladon__conntab_slots(&srv->conns);
    for (size_t i = 0; i < slots; i++) {
        ladon__conn *c = ladon__conntab_get(&srv->conns, (uint32_t)i);
        lock_conn(c);
        switch (c->state) {
        case LADON_CONN_IDLE:
        case LADON_CONN_READING:
        case LADON_CONN_LINGER:
            close_locked(srv, c, &w->bufs);
            break;
        case LADON_CONN_PARKED:
            c->state = LADON_CONN_BUSY;
            atomic_fetch_add(&srv->n_busy, 1);
            unlock_conn(c);
            ladon__park_expire(srv, c); /* answered now, then closed */
            ladon__loop_ready(srv, c);
            continue;
        default:
            break;
        }
        unlock_conn(c);
    }
    LADON_LOGI("shutting down: %zu request(s) in progress", atomic_load(&srv->n_busy));
    check_finished(srv);
}

/* Once stopping and nothing is busy: every thread (and spare) exits. */
static void check_finished(struct ladon_server *srv)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = LADON__KEY_STOP};
    if (!atomic_load(&srv->stopping) || atomic_load(&srv->n_busy) != 0 ||
        atomic_exchange(&srv->finished, true))
        return;
    /* the stop eventfd stays readable: armed without ONESHOT it wakes
     * every thread in epoll_wait */
    if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, srv->stop_fd, &ev) != 0)
        ladon__log_errno(errno, "epoll_ctl(stop eventfd)");
    lock(&srv->pool_lock);
    while (srv->idle != NULL)
        wake_one(srv);
    pthread_mutex_unlock(&srv->pool_lock);
}

/* Every SCAN_MS, on one thread: timeouts, the shutdown grace, accepting
 * again after EMFILE. */
static void scan(ladon__worker *w, int64_t now)
{
    struct ladon_server *srv = w->srv;
    bool force = false;
    size_t slots;

    if (pthread_mutex_trylock(&srv->scan_lock) != 0)
        return;
    if (now < srv->next_scan_ms) {
        pthread_mutex_unlock(&srv->scan_lock);
        return;
    }
    srv->next_scan_ms = now + SCAN_MS;
    if (atomic_load(&srv->stopping) && !srv->forced && now >= srv->grace_deadline_ms) {
        LADON_LOGW("shutdown grace period over: interrupting %zu request(s)",
                   atomic_load(&srv->n_busy));
        srv->forced = force = true;
    }
    slots = ladon__conntab_slots(&srv->conns);
    for (size_t i = 0; i < slots; i++) {
        ladon__conn *c = ladon__conntab_get(&srv->conns, (uint32_t)i);
        lock_conn(c);
        if (c->state == LADON_CONN_BUSY) {
            if (force && shutdown(c->fd, SHUT_RDWR) != 0)
                LADON_LOGD("shutdown(connection): %s", strerror(errno));
        } else if (c->state != LADON_CONN_FREE && now >= c->deadline_ms) {
            if (c->state == LADON_CONN_PARKED) {
                c->state = LADON_CONN_BUSY; /* its m_wait's timeout */
                atomic_fetch_add(&srv->n_busy, 1);
                unlock_conn(c);
                ladon__park_expire(srv, c);
                ladon__loop_ready(srv, c);
                continue;
            }
            if (c->state == LADON_CONN_READING) {
                LADON_LOGI("%s: request not complete after %u ms (--recv-timeout): closed",
                           c->peer_str, srv->cfg.recv_timeout_ms);
                if (ladon__http_send_timeout(c->fd) != 0)
                    LADON_LOGD("%s: could not send 408", c->peer_str);
            }
            close_locked(srv, c, &w->bufs); /* idle, lingering or stalled */
        }
        unlock_conn(c);
    }
    pthread_mutex_unlock(&srv->scan_lock);
    resume_accepting(srv);
    /* SIGHUP (server.c): read --auth-file again, on this thread, once */
    if (atomic_exchange(&srv->auth.reload_requested, false))
        ladon__auth_reload(&srv->auth);
}

static void on_event(ladon__worker *w, uint64_t key, int64_t now)
{
    struct ladon_server *srv = w->srv;
    enum ladon__conn_state was;
    ladon__conn *c;

    if (key == LADON__KEY_LISTEN) {
        on_accept(w, now);
        return;
    }
    if (key == LADON__KEY_STOP) {
        if (!atomic_load(&srv->stopping))
            begin_stop(srv, w);
        return;
    }
    if (key == LADON__KEY_READY) {
        if ((c = ready_pop(srv)) != NULL)
            serve_ready(w, c);
        return;
    }
    if ((c = take(srv, key, &was)) == NULL)
        return;
    switch (was) {
    case LADON_CONN_LINGER:
        linger_read(w, c);
        break;
    case LADON_CONN_PARKED:
        /* the client hung up (or half-closed) while its m_wait waited:
         * answer now what there is */
        ladon__park_expire(srv, c);
        serve_ready(w, c);
        break;
    default:
        read_and_serve(w, c, was == LADON_CONN_READING, now);
        break;
    }
}

/* ---- spare threads ------------------------------------------------------------ */

/* w waits as a spare thread until a waiting request makes room (pool_lock
 * held); false when the server has finished. */
static bool spare_wait(ladon__worker *w)
{
    struct ladon_server *srv = w->srv;
    while (!atomic_load(&srv->finished)) {
        /* a request began waiting when no spare was on the stack (at
         * start-up, or all were taken): take its place now */
        if (srv->active + srv->waking < srv->cfg.workers) {
            srv->active++;
            return true;
        }
        w->woken = false;
        w->idle_next = srv->idle;
        srv->idle = w;
        while (!w->woken)
            pthread_cond_wait(&w->wake, &srv->pool_lock);
        srv->waking--;
        if (!atomic_load(&srv->finished) && srv->active < srv->cfg.workers) {
            srv->active++;
            return true;
        }
    }
    return false;
}

/* w waits (the CPU is free for another request) */
void ladon__worker_wait_begin(ladon__worker *w)
{
    struct ladon_server *srv;
    if (w == NULL || !w->srv->has_wait_threads || w->waiting)
        return;
    srv = w->srv;
    w->waiting = true;
    lock(&srv->pool_lock);
    srv->active--;
    if (srv->idle != NULL && srv->active + srv->waking < srv->cfg.workers)
        wake_one(srv);
    pthread_mutex_unlock(&srv->pool_lock);
}

void ladon__worker_wait_end(ladon__worker *w)
{
    struct ladon_server *srv;
    if (w == NULL || !w->waiting)
        return;
    srv = w->srv;
    w->waiting = false;
    lock(&srv->pool_lock);
    srv->active++;
    pthread_mutex_unlock(&srv->pool_lock);
}

/* After a batch of events: a thread beyond --workers (its request waited
 * and another thread took its place) becomes spare.  False when the server
 * has finished. */
static bool stay_active(ladon__worker *w)
{
    struct ladon_server *srv = w->srv;
    bool ok = true;
    lock(&srv->pool_lock);
    if (srv->active > srv->cfg.workers) {
        srv->active--;
        ok = spare_wait(w);
    }
    pthread_mutex_unlock(&srv->pool_lock);
    return ok;
}

/* ---- the threads ---------------------------------------------------------------- */

static void *thread_main(void *arg)
{
    ladon__worker *w = arg;
    struct ladon_server *srv = w->srv;
    struct epoll_event ev[MAX_EVENTS];

    if (w->index >= srv->cfg.workers) { /* a spare thread */
        bool go;
        lock(&srv->pool_lock);
        go = spare_wait(w);
        pthread_mutex_unlock(&srv->pool_lock);
        if (!go)
            return NULL;
    }
    while (!atomic_load(&srv->finished)) {
        int n = epoll_wait(srv->epfd, ev, MAX_EVENTS, SCAN_MS);
        int64_t now;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ladon__log_errno(errno, "epoll_wait");
            atomic_store(&srv->error, LADON_ESYS);
            ladon_server_stop(srv);
            n = 0;
        }
        now = ladon__now_ms();
        for (int i = 0; i < n; i++)
            on_event(w, ev[i].data.u64, now);
        scan(w, now);
        check_finished(srv);
        if (srv->has_wait_threads && !stay_active(w))
            break;
    }
    return NULL;
}

/* Closes what is left (the threads have exited). */
static void close_all(struct ladon_server *srv)
{
    size_t slots = ladon__conntab_slots(&srv->conns);
    for (size_t i = 0; i < slots; i++) {
        ladon__conn *c = ladon__conntab_get(&srv->conns, (uint32_t)i);
        lock_conn(c);
        if (c->state != LADON_CONN_FREE)
            close_locked(srv, c, NULL);
        unlock_conn(c);
    }
}

static void threads_free(struct ladon_server *srv)
{
    for (unsigned i = 0; i < srv->n_workers; i++) {
        ladon__worker *w = &srv->workers[i];
        ladon__dispatch_worker_free(w);
        ladon__buf_cache_clear(&w->bufs);
        if (w->wake_ready)
            pthread_cond_destroy(&w->wake);
    }
    free(srv->workers);
    srv->workers = NULL;
    srv->n_workers = 0;
}

int ladon__loop_run(struct ladon_server *srv)
{
    unsigned threads, wait_threads, started = 0;
    int rc;

    if (srv->master == NULL && (rc = ladon__dispatch_init(srv)) != 0)
        return rc;
    srv->store_remote = srv->store != NULL && !ladon_store_has_live_progress(srv->store);
    wait_threads = srv->cfg.wait_threads;
    if (wait_threads == LADON_WAIT_THREADS_AUTO)
        wait_threads = !srv->store_remote ? 0
                       : srv->cfg.workers > WAIT_THREADS_AUTO_MAX / WAIT_THREADS_PER_WORKER
                           ? WAIT_THREADS_AUTO_MAX
                           : srv->cfg.workers * WAIT_THREADS_PER_WORKER;
    if (wait_threads > 1024)
        wait_threads = 1024; /* the flag's range; a caller's struct may hold more */
    if (srv->cfg.workers > UINT_MAX - wait_threads) {
        LADON_LOGE("too many workers (%u)", srv->cfg.workers);
        return LADON_EINVAL;
    }
    threads = srv->cfg.workers + wait_threads;
    srv->has_wait_threads = wait_threads > 0;
    srv->workers = calloc(threads, sizeof *srv->workers);
    if (srv->workers == NULL) {
        LADON_LOGE("out of memory (%u request threads)", threads);
        return LADON_ENOMEM;
    }
    srv->active = srv->cfg.workers;
    srv->waking = 0;
    srv->idle = NULL;
    srv->next_scan_ms = ladon__now_ms() + SCAN_MS;
    rc = 0;
    for (unsigned i = 0; i < threads && rc == 0; i++) {
        ladon__worker *w = &srv->workers[i];
        w->srv = srv;
        w->index = i;
        if (pthread_cond_init(&w->wake, NULL) != 0) {
            LADON_LOGE("cannot initialise a condition variable");
            rc = LADON_ESYS;
            break;
        }
        w->wake_ready = true;
        srv->n_workers = i + 1;
        rc = ladon__dispatch_worker_init(w);
    }
    for (unsigned i = 0; i < srv->n_workers && rc == 0; i++) {
        int e = pthread_create(&srv->workers[i].thread, NULL, thread_main, &srv->workers[i]);
        if (e != 0) {
            ladon__log_errno(e, "pthread_create (request thread %u)", i);
            rc = LADON_ESYS;
            break;
        }
        srv->workers[i].started = true;
        started++;
    }
    if (rc != 0 && started > 0) {
        /* stop the ones started: they see the stop and nothing busy */
        ladon_server_stop(srv);
    } else if (rc != 0) {
        threads_free(srv);
        return rc;
    }
    for (unsigned i = 0; i < srv->n_workers; i++) {
        ladon__worker *w = &srv->workers[i];
        if (w->started) {
            int e = pthread_join(w->thread, NULL);
            if (e != 0)
                ladon__log_errno(e, "pthread_join");
            w->started = false;
        }
    }
    close_all(srv);
    threads_free(srv);
    if (rc == 0)
        rc = atomic_load(&srv->error);
    return rc;
}

/* ---- ladon/call.h -------------------------------------------------------- */

void ladon_call_wait_begin(ladon_call *call)
{
    if (call != NULL)
        ladon__worker_wait_begin(call->worker); /* NULL on a task thread */
}

void ladon_call_wait_end(ladon_call *call)
{
    if (call != NULL)
        ladon__worker_wait_end(call->worker);
}
