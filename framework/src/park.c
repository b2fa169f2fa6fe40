/* park.c - m_wait requests that wait for a task without a worker or a
 * thread of their own.
 *
 * DESIGN
 * A worker serving m_wait (taskcall.c) first calls ladon__park_prepare():
 * the connection joins the server's park list (srv->park_lock) and the task
 * engine counts one more watcher of the task.  Then it reads the task.  If
 * the task has ended, or the wait's deadline has passed, it answers and
 * calls ladon__park_leave().  Otherwise it sets call->parked and the worker
 * hands the connection back to the listener unanswered, with the request
 * still at rpos (pool.c).  The listener (ladon__park_hold) keeps it in epoll
 * for hang-ups only (EPOLLRDHUP; pipelined bytes stay in the kernel) until:
 *  - the engine's wake function (ladon__park_wake, any thread) marks every
 *    parked connection waiting for the task (`wake_pending`) and signals the
 *    done eventfd; the listener then dispatches the marked ones
 *    (ladon__park_dispatch_woken).  A wake that comes while the connection
 *    is still with its worker is not lost: the mark stays, and the listener
 *    checks it when the connection comes back (ladon__park_hold);
 *  - its deadline passes (the listener's timeout scan), or the client hangs
 *    up, or the server stops (ladon__park_expire: the deadline becomes now).
 * Each time, a worker serves the same request again: m_wait reads the task
 * and answers, or (a spurious wake) parks it again.  A parked request costs
 * its connection (sizeof(ladon__conn): 3,624 bytes on x86-64, its parsed head included),
 * its request bytes (the buffer is cut to fit when it parks) and one watch
 * entry in the engine; no thread, no worker.
 *
 * Locking: park_lock guards the list, the links and the wait fields of
 * every connection on it; it is a leaf except that ladon__park_prepare and
 * ladon__park_leave call the engine's watch/unwatch after releasing it.  The
 * engine calls the wake function with none of its locks held.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"
#include "ladon/error.h"
#include "log.h"
#include "server_internal.h"

static void park_lock(struct ladon_server *srv)
{
    if (pthread_mutex_lock(&srv->park_lock) != 0)
        abort();
}

int ladon__park_prepare(ladon__worker *w, const char *method, int32_t id, int64_t deadline_ms)
{
    struct ladon_server *srv = w->srv;
    ladon__conn *c = w->conn;
    size_t mlen = strlen(method);
    bool same;

    if (c == NULL || srv->tasks == NULL || mlen >= sizeof c->wait_method)
        return LADON_EINVAL;
    park_lock(srv);
    same = c->in_park_list && c->wait_id == id && strcmp(c->wait_method, method) == 0;
    if (same) {
        /* the same request again (woken, or its deadline came) */
        c->wake_pending = false;
        c->wait_deadline_ms = deadline_ms;
    }
    pthread_mutex_unlock(&srv->park_lock);
    if (same)
        return 0;
    ladon__park_leave(srv, c); /* a wait for another task on this connection */
    if (ladon_task_watch(srv->tasks, method, id) != 0)
        return LADON_ENOMEM;
    park_lock(srv);
    c->in_park_list = true;
    c->wake_pending = false;
    c->wait_deadline_ms = deadline_ms;
    c->wait_id = id;
    memcpy(c->wait_method, method, mlen + 1);
    c->park_prev = NULL;
    c->park_next = srv->parked;
    if (srv->parked != NULL)
        srv->parked->park_prev = c;
    srv->parked = c;
    srv->n_parked++;
    pthread_mutex_unlock(&srv->park_lock);
    return 0;
}

void ladon__park_leave(struct ladon_server *srv, ladon__conn *c)
{
    int32_t id;

    park_lock(srv);
    if (!c->in_park_list) {
        c->wait_deadline_ms = 0;
        pthread_mutex_unlock(&srv->park_lock);
        return;
    }
    if (c->park_prev != NULL)
        c->park_prev->park_next = c->park_next;
    else
        srv->parked = c->park_next;
    if (c->park_next != NULL)
        c->park_next->park_prev = c->park_prev;
    c->park_prev = c->park_next = NULL;
    c->in_park_list = false;
    c->wake_pending = false;
    c->wait_deadline_ms = 0;
    id = c->wait_id;
    srv->n_parked--;
    pthread_mutex_unlock(&srv->park_lock);
    ladon_task_unwatch(srv->tasks, id);
}

void ladon__park_wake(void *ud, int32_t id)
{
    struct ladon_server *srv = ud;
    bool any = false;

    park_lock(srv);
    for (ladon__conn *c = srv->parked; c != NULL; c = c->park_next)
        if (c->wait_id == id) {
            c->wake_pending = true;
            any = true;
        }
    pthread_mutex_unlock(&srv->park_lock);
    if (any) {
        uint64_t one = 1;
        ssize_t r;
        do
            r = write(srv->done_fd, &one, sizeof one);
        while (r < 0 && errno == EINTR);
        if (r < 0 && errno != EAGAIN)
            ladon__log_errno(errno, "write(eventfd)");
    }
}

/* The request's bytes only: a parked connection should not hold a 16 KiB
 * receive buffer for a request of a few hundred bytes. */
static void shrink_buffer(ladon__conn *c)
{
    size_t have = c->wpos - c->rpos;
    char *nb;
    if (c->buf == NULL || c->cap <= have + 512)
        return;
    memmove(c->buf, c->buf + c->rpos, have);
    c->rpos = 0;
    c->wpos = have;
    nb = realloc(c->buf, have > 0 ? have : 1);
    if (nb != NULL) { /* else: keep the larger buffer */
        c->buf = nb;
        c->cap = have > 0 ? have : 1;
    }
}

int ladon__park_hold(struct ladon_server *srv, ladon__conn *c)
{
    struct epoll_event ev = {.events = EPOLLRDHUP | EPOLLONESHOT, .data.ptr = c};
    bool woken;

    c->parked = false;
    c->state = LADON_CONN_PARKED;
    LADON_LOGD("%s: m_wait parked (task %ld)", c->peer_str, (long)c->wait_id);
    park_lock(srv);
    c->deadline_ms = c->wait_deadline_ms;
    woken = c->wake_pending;
    pthread_mutex_unlock(&srv->park_lock);
    shrink_buffer(c);
    if (woken || srv->stopping) {
        if (srv->stopping)
            ladon__park_expire(srv, c);
        else
            ladon__listener_dispatch(srv, c);
        return 0;
    }
    if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
        ladon__log_errno(errno, "epoll_ctl(parked connection %d)", c->fd);
        return -1;
    }
    return 0;
}

void ladon__park_dispatch_woken(struct ladon_server *srv)
{
    ladon__conn *ready[256];
    size_t n;

    do {
        n = 0;
        park_lock(srv);
        /* state is the listener's (this thread's) own field */
        for (ladon__conn *c = srv->parked; c != NULL && n < 256; c = c->park_next)
            if (c->wake_pending && c->state == LADON_CONN_PARKED) {
                c->wake_pending = false;
                ready[n++] = c;
            }
        pthread_mutex_unlock(&srv->park_lock);
        for (size_t i = 0; i < n; i++)
            ladon__listener_dispatch(srv, ready[i]);
    } while (n == 256);
}

void ladon__park_expire(struct ladon_server *srv, ladon__conn *c)
{
    LADON_LOGD("%s: m_wait answered now (deadline, hang-up or shutdown)", c->peer_str);
    park_lock(srv);
    c->wait_deadline_ms = ladon__now_ms();
    c->wake_pending = false;
    pthread_mutex_unlock(&srv->park_lock);
    ladon__listener_dispatch(srv, c);
}
