/* listener.c - the listener thread: accepts connections and collects requests.
 *
 * DESIGN
 * One thread (the caller of ladon_server_run) owns an epoll set holding the
 * listening socket, two eventfds (stop, done) and every client connection
 * that is not being served.  Connections are registered EPOLLONESHOT: an
 * event disarms the connection until the listener re-arms it, so no event
 * arrives for a connection a worker owns.
 *
 *  - The listener reads whatever a connection sends into the connection's
 *    buffer and runs the HTTP head parser on it.  Only when a request is
 *    complete (head and the whole body, by Content-Length or chunked framing)
 *    is the connection handed to the workers (work queue, pool.c), so a
 *    worker never waits for a client's bytes.  A client
 *    that sends half a request therefore holds no worker; when its request
 *    is not complete --recv-timeout after it began, the listener answers 408
 *    and closes it.  Idle keep-alive connections cost one epoll entry each and
 *    are closed after --idle-timeout.  A connection holds a receive buffer
 *    only while a request is being read or served; the listener keeps up to
 *    LADON_BUF_CACHE freed buffers for the next ones (conn_free_buf).
 *  - A worker serves the request (and any complete pipelined ones already
 *    buffered behind it, in order), then puts the connection on the done
 *    queue and signals the done eventfd.  The listener re-arms it, or
 *    dispatches it again when a complete request is already buffered, or
 *    closes it: after a short lingering half-close (discarding unread input,
 *    so the client sees the response rather than a reset) when the worker
 *    asked for a close.
 *  - At --max-connections the listening socket is taken out of the epoll set
 *    (new clients wait in the kernel backlog) until a connection closes.
 *  - ladon_server_stop() writes the stop eventfd.  The listener closes the
 *    listening socket and every connection it holds, waits for the workers to
 *    return the busy ones (closing them), and after --shutdown-grace shuts
 *    their sockets down so blocked I/O fails.  Then ladon_server_run joins
 *    the workers.
 * Locking: the listener takes the work-queue lock (pool.c) and the done-queue
 * lock, never both at once.  Only the listener changes a connection's state,
 * epoll registration, list membership, or closes its socket.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ladon/error.h"
#include "log.h"
#include "server_internal.h"

#define READ_CHUNK 16384
#define LINGER_MS 2000
#define SCAN_MS 100

int ladon__send_all(int fd, const char *buf, size_t len, int64_t deadline_ms)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int64_t left = deadline_ms - ladon__now_ms();
            int r;
            if (left <= 0)
                return -1;
            r = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
            if (r < 0 && errno != EINTR) {
                ladon__log_errno(errno, "poll");
                return -1;
            }
            continue;
        }
        return -1; /* peer gone: not worth an error line */
    }
    return 0;
}

/* Renames the request's "Expect: 100-continue" header (same length) once
 * it is dealt with (the listener answered it, or the body is already here),
 * so that parsing the same head again as more bytes arrive does not send
 * another "100 Continue".  (gSOAP never reads the client's head: pool.c
 * writes the one it parses.) */
static void hide_expect(ladon__conn *c, char *b)
{
    if (c->req.expect_continue) {
        memcpy(b + c->req.expect_offset, "X-Xpct", 6);
        c->req.expect_continue = false;
    }
}

int ladon__conn_check(struct ladon_server *srv, ladon__conn *c)
{
    char *b = c->buf + c->rpos;
    size_t n = c->wpos - c->rpos;
    int r;

    c->early_status = 0;
    c->req_len = 0;
    if (n == 0)
        return 0;
    r = ladon__http_parse_head(b, n, &c->req);
    if (r == 0)
        return 0;
    if (r < 0) {
        c->early_status = -r;
        return 1;
    }
    if (c->req.content_length > 0 &&
        (uint64_t)c->req.content_length > srv->cfg.max_request_bytes) {
        c->early_status = 413;
        return 1;
    }
    if (c->req.chunked) {
        size_t end = 0;
        r = ladon__http_chunked_end(b + c->req.head_len, n - c->req.head_len,
                                    srv->cfg.max_request_bytes, &end);
        if (r < 0) {
            c->early_status = -r;
            return 1;
        }
        if (r == 1) {
            c->req_len = c->req.head_len + end;
            hide_expect(c, b);
            return 1;
        }
        /* chunk framing may not inflate the buffer without bound */
        if (n > c->req.head_len + 2 * srv->cfg.max_request_bytes + 65536) {
            c->early_status = 413;
            return 1;
        }
    } else {
        uint64_t total;
        if (c->req.content_length < 0 && strcmp(c->req.method, "POST") == 0) {
            c->early_status = 411;
            return 1;
        }
        total = c->req.head_len + (uint64_t)(c->req.content_length > 0 ? c->req.content_length : 0);
        if (n >= total) {
            c->req_len = (size_t)total;
            hide_expect(c, b);
            return 1;
        }
    }
    if (c->req.expect_continue) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        /* Best effort, non-blocking: 25 bytes fit in any socket buffer. */
        ssize_t w = send(c->fd, cont, sizeof cont - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w != (ssize_t)(sizeof cont - 1))
            LADON_LOGD("%s: could not send 100 Continue", c->peer_str);
        hide_expect(c, b);
    }
    return 0;
}

static int arm(struct ladon_server *srv, ladon__conn *c, int op)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.ptr = c};
    if (epoll_ctl(srv->epfd, op, c->fd, &ev) != 0) {
        ladon__log_errno(errno, "epoll_ctl(connection %d)", c->fd);
        return -1;
    }
    return 0;
}

static void set_accepting(struct ladon_server *srv, bool on)
{
    struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.ptr = &srv->listen_fd};
    if (srv->accepting == on || srv->listen_fd < 0)
        return;
    if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, srv->listen_fd, &ev) != 0) {
        ladon__log_errno(errno, "epoll_ctl(listening socket)");
        return;
    }
    srv->accepting = on;
}

/* Gives c's buffer back: a buffer of the usual size (READ_CHUNK) goes to
 * the listener's cache, when it has room.  Without the cache every request
 * on a keep-alive connection malloc()ed and free()d 16 KiB, and with a few
 * dozen busy connections glibc gave the top of the heap back to the kernel
 * and took it again all the time (brk, page faults, TLB shootdowns between
 * threads): measured, that cost ~40% of the sync throughput (bench/README.md). */
static void conn_free_buf(struct ladon_server *srv, ladon__conn *c)
{
    if (c->buf != NULL && c->cap == READ_CHUNK && srv->n_buf_cache < LADON_BUF_CACHE)
        srv->buf_cache[srv->n_buf_cache++] = c->buf;
    else
        free(c->buf);
    c->buf = NULL;
    c->cap = c->rpos = c->wpos = 0;
}

/* Frees the cached buffers (the listener is exiting). */
static void buf_cache_clear(struct ladon_server *srv)
{
    while (srv->n_buf_cache > 0)
        free(srv->buf_cache[--srv->n_buf_cache]);
}

static void conn_close(struct ladon_server *srv, ladon__conn *c)
{
    ladon__park_leave(srv, c);
    if (c->fd >= 0) {
        /* close() removes the fd from the epoll set */
        if (close(c->fd) != 0)
            ladon__log_errno(errno, "close(connection)");
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->n_conns--;
    conn_free_buf(srv, c);
    free(c);
    if (!srv->stopping && srv->n_conns < srv->cfg.max_connections)
        set_accepting(srv, true);
}

static void dispatch(struct ladon_server *srv, ladon__conn *c)
{
    c->state = LADON_CONN_BUSY;
    c->close = false;
    srv->n_busy++;
    ladon__pool_push(srv, c);
}

void ladon__listener_dispatch(struct ladon_server *srv, ladon__conn *c)
{
    dispatch(srv, c);
}

static void start_linger(struct ladon_server *srv, ladon__conn *c, int64_t now)
{
    if (srv->stopping || shutdown(c->fd, SHUT_WR) != 0 || arm(srv, c, EPOLL_CTL_MOD) != 0) {
        conn_close(srv, c);
        return;
    }
    conn_free_buf(srv, c);
    c->state = LADON_CONN_LINGER;
    c->deadline_ms = now + LINGER_MS;
}

/* Makes room for `want` bytes from rpos (compacting, then growing); false
 * when out of memory. */
static bool conn_reserve(struct ladon_server *srv, ladon__conn *c, size_t want)
{
    size_t ncap;
    char *nb;
    if (c->buf == NULL && want <= READ_CHUNK && srv->n_buf_cache > 0) {
        c->buf = srv->buf_cache[--srv->n_buf_cache];
        c->cap = READ_CHUNK;
        c->rpos = c->wpos = 0;
        return true;
    }
    if (c->rpos > 0 && c->rpos == c->wpos)
        c->rpos = c->wpos = 0;
    if (c->cap - c->rpos >= want)
        return true;
    if (c->rpos > 0) {
        memmove(c->buf, c->buf + c->rpos, c->wpos - c->rpos);
        c->wpos -= c->rpos;
        c->rpos = 0;
    }
    if (c->cap >= want)
        return true;
    ncap = c->cap ? c->cap : 4096;
    while (ncap < want)
        ncap *= 2;
    nb = realloc(c->buf, ncap);
    if (nb == NULL) {
        LADON_LOGE("out of memory (connection buffer of %zu bytes)", ncap);
        return false;
    }
    c->buf = nb;
    c->cap = ncap;
    return true;
}

/* How many bytes (from rpos) the buffer should have room for: the whole
 * request at rpos when its length is known, plus a chunk for what follows. */
static size_t wanted_bytes(struct ladon_server *srv, ladon__conn *c)
{
    size_t have = c->wpos - c->rpos;
    ladon__http_req req;
    int r = have ? ladon__http_parse_head(c->buf + c->rpos, have, &req) : 0;
    if (r > 0 && !req.chunked && req.content_length > 0 &&
        (uint64_t)req.content_length <= srv->cfg.max_request_bytes) {
        size_t need = (size_t)r + (size_t)req.content_length;
        return (need > have ? need : have) + READ_CHUNK;
    }
    return have + READ_CHUNK;
}

static void on_readable(struct ladon_server *srv, ladon__conn *c, int64_t now)
{
    bool eof = false;

    /* A parked m_wait dispatched by a wake or its deadline (park.c) was
     * still armed for hang-ups: such an event may come while a worker owns
     * the connection.  Drop it (ONESHOT disarmed it; the re-arm when the
     * worker hands the connection back reports the hang-up again). */
    if (c->state == LADON_CONN_BUSY)
        return;
    if (c->state == LADON_CONN_PARKED) {
        /* the client hung up (or half-closed) while its m_wait waited:
         * answer now what there is */
        ladon__park_expire(srv, c);
        return;
    }

    if (c->state == LADON_CONN_LINGER) {
        char junk[4096];
        for (;;) {
            ssize_t r = recv(c->fd, junk, sizeof junk, 0);
            if (r > 0)
                continue;
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && arm(srv, c, EPOLL_CTL_MOD) == 0)
                return;
            conn_close(srv, c);
            return;
        }
    }

    for (;;) {
        size_t room;
        ssize_t r;
        if (!conn_reserve(srv, c, wanted_bytes(srv, c))) {
            conn_close(srv, c);
            return;
        }
        room = c->cap - c->wpos;
        r = recv(c->fd, c->buf + c->wpos, room, 0);
        if (r > 0) {
            c->wpos += (size_t)r;
            if ((size_t)r < room)
                break; /* drained the socket for now */
            if (c->wpos - c->rpos > LADON_HTTP_MAX_HEAD + srv->cfg.max_request_bytes ||
                ladon__http_parse_head(c->buf + c->rpos, c->wpos - c->rpos, &c->req) < 0)
                break; /* the check below rejects it */
            continue;
        }
        if (r == 0) {
            eof = true;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        if (errno != ECONNRESET)
            ladon__log_errno(errno, "recv from %s", c->peer_str);
        conn_close(srv, c);
        return;
    }

    if (ladon__conn_check(srv, c) == 1) {
        dispatch(srv, c);
        return;
    }
    if (eof) {
        if (c->wpos > c->rpos)
            LADON_LOGI("%s: connection closed in the middle of a request", c->peer_str);
        conn_close(srv, c);
        return;
    }
    if (c->wpos == c->rpos) {
        c->state = LADON_CONN_IDLE;
        c->deadline_ms = now + srv->cfg.idle_timeout_ms;
        conn_free_buf(srv, c);
    } else if (c->state == LADON_CONN_IDLE) {
        c->state = LADON_CONN_READING;
        c->deadline_ms = now + srv->cfg.recv_timeout_ms;
    }
    if (arm(srv, c, EPOLL_CTL_MOD) != 0)
        conn_close(srv, c);
}

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

static void on_accept(struct ladon_server *srv, int64_t now)
{
    static int64_t last_full_log;
    for (;;) {
        struct sockaddr_storage ss, ls;
        socklen_t sl = sizeof ss, lsl = sizeof ls;
        ladon__conn *c;
        int fd, one = 1;

        if (srv->n_conns >= srv->cfg.max_connections) {
            if (now - last_full_log > 1000) {
                LADON_LOGW("%zu connections open (--max-connections): not accepting",
                           srv->n_conns);
                last_full_log = now;
            }
            set_accepting(srv, false);
            return;
        }
        fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (now - last_full_log > 1000) {
                ladon__log_errno(errno, "accept");
                last_full_log = now;
            }
            /* EMFILE and the like: pause accepting until the next scan */
            set_accepting(srv, false);
            return;
        }
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
            ladon__log_errno(errno, "setsockopt(TCP_NODELAY)");
        c = calloc(1, sizeof *c);
        if (c == NULL) {
            LADON_LOGE("out of memory (connection)");
            close(fd);
            continue;
        }
        c->fd = fd;
        c->peer = ss;
        addr_string(&ss, c->peer_str, sizeof c->peer_str, false);
        if (getsockname(fd, (struct sockaddr *)&ls, &lsl) == 0) {
            addr_string(&ls, c->local_host, sizeof c->local_host, true);
        } else {
            ladon__log_errno(errno, "getsockname");
            snprintf(c->local_host, sizeof c->local_host, "localhost:%u", srv->port);
        }
        if (arm(srv, c, EPOLL_CTL_ADD) != 0) {
            close(fd);
            free(c);
            continue;
        }
        c->state = LADON_CONN_IDLE;
        c->deadline_ms = now + srv->cfg.idle_timeout_ms;
        c->next = srv->conns;
        if (srv->conns)
            srv->conns->prev = c;
        srv->conns = c;
        srv->n_conns++;
    }
}

static void drain_eventfd(int fd)
{
    uint64_t v;
    ssize_t r;
    do
        r = read(fd, &v, sizeof v);
    while (r < 0 && errno == EINTR);
    if (r < 0 && errno != EAGAIN)
        ladon__log_errno(errno, "read(eventfd)");
}

static void on_done(struct ladon_server *srv, int64_t now)
{
    ladon__conn *list;

    drain_eventfd(srv->done_fd);
    if (pthread_mutex_lock(&srv->dq_lock) != 0)
        abort();
    list = srv->dq_head;
    srv->dq_head = srv->dq_tail = NULL;
    pthread_mutex_unlock(&srv->dq_lock);

    while (list != NULL) {
        ladon__conn *c = list;
        list = c->qnext;
        c->qnext = NULL;
        srv->n_busy--;
        if (c->parked && !c->close) { /* (at shutdown it is answered at once) */
            if (ladon__park_hold(srv, c) != 0)
                conn_close(srv, c);
            continue;
        }
        if (srv->stopping) {
            conn_close(srv, c);
            continue;
        }
        if (c->close) {
            start_linger(srv, c, now);
            continue;
        }
        if (ladon__conn_check(srv, c) == 1) {
            dispatch(srv, c);
            continue;
        }
        if (c->wpos == c->rpos) {
            c->state = LADON_CONN_IDLE;
            c->deadline_ms = now + srv->cfg.idle_timeout_ms;
            conn_free_buf(srv, c);
        } else {
            c->state = LADON_CONN_READING;
            c->deadline_ms = now + srv->cfg.recv_timeout_ms;
        }
        if (arm(srv, c, EPOLL_CTL_MOD) != 0)
            conn_close(srv, c);
    }
    ladon__park_dispatch_woken(srv);
}

static void scan_timeouts(struct ladon_server *srv, int64_t now)
{
    ladon__conn *c = srv->conns, *next;
    for (; c != NULL; c = next) {
        next = c->next;
        if (c->state == LADON_CONN_BUSY || now < c->deadline_ms)
            continue;
        if (c->state == LADON_CONN_PARKED) {
            ladon__park_expire(srv, c); /* its m_wait's timeout */
            continue;
        }
        if (c->state == LADON_CONN_READING) {
            static const char resp[] = "HTTP/1.1 408 Request Timeout\r\nServer: " LADON_SERVER_NAME
                                       "\r\nContent-Length: 0\r\n"
                                       "Connection: close\r\n\r\n";
            LADON_LOGI("%s: request not complete after %u ms (--recv-timeout): closed",
                       c->peer_str, srv->cfg.recv_timeout_ms);
            if (send(c->fd, resp, sizeof resp - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
                LADON_LOGD("%s: could not send 408", c->peer_str);
        }
        conn_close(srv, c); /* idle, lingering or stalled */
    }
    if (!srv->stopping && !srv->accepting && srv->n_conns < srv->cfg.max_connections)
        set_accepting(srv, true);
}

static void begin_stop(struct ladon_server *srv)
{
    ladon__conn *c, *next;
    srv->stopping = true;
    if (srv->listen_fd >= 0) {
        if (close(srv->listen_fd) != 0)
            ladon__log_errno(errno, "close(listening socket)");
        srv->listen_fd = -1;
        srv->accepting = false;
    }
    for (c = srv->conns; c != NULL; c = next) {
        next = c->next;
        if (c->state == LADON_CONN_PARKED)
            ladon__park_expire(srv, c); /* answered now, then closed */
        else if (c->state != LADON_CONN_BUSY)
            conn_close(srv, c);
    }
    LADON_LOGI("shutting down: %zu request(s) in progress", srv->n_busy);
}

int ladon__listener_run(struct ladon_server *srv)
{
    struct epoll_event events[256];
    int64_t next_scan = ladon__now_ms() + SCAN_MS, grace_deadline = 0;
    bool forced = false;

    for (;;) {
        int64_t now = ladon__now_ms();
        int timeout = (int)(next_scan > now ? next_scan - now : 0);
        int n = epoll_wait(srv->epfd, events, 256, timeout);
        bool done_signalled = false, stop_signalled = false;

        if (n < 0) {
            if (errno == EINTR)
                continue;
            ladon__log_errno(errno, "epoll_wait");
            buf_cache_clear(srv);
            return LADON_ESYS;
        }
        now = ladon__now_ms();
        for (int i = 0; i < n; i++) {
            void *p = events[i].data.ptr;
            if (p == &srv->listen_fd) {
                if (!srv->stopping)
                    on_accept(srv, now);
            } else if (p == &srv->stop_fd) {
                stop_signalled = true;
            } else if (p == &srv->done_fd) {
                done_signalled = true;
            } else {
                on_readable(srv, (ladon__conn *)p, now);
            }
        }
        if (stop_signalled && !srv->stopping) {
            drain_eventfd(srv->stop_fd);
            begin_stop(srv);
            grace_deadline = now + srv->cfg.shutdown_grace_ms;
        }
        if (done_signalled)
            on_done(srv, now);
        if (now >= next_scan) {
            scan_timeouts(srv, now);
            next_scan = now + SCAN_MS;
        }
        if (srv->stopping) {
            if (srv->n_busy == 0) {
                buf_cache_clear(srv);
                return 0;
            }
            if (!forced && now >= grace_deadline) {
                LADON_LOGW("shutdown grace period over: interrupting %zu request(s)",
                           srv->n_busy);
                for (ladon__conn *c = srv->conns; c != NULL; c = c->next)
                    if (c->state == LADON_CONN_BUSY && shutdown(c->fd, SHUT_RDWR) != 0)
                        LADON_LOGD("shutdown(connection): %s", strerror(errno));
                forced = true;
            }
        }
    }
}
