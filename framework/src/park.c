/* park.c - m_wait requests that wait for a task without a worker or a
 * thread of their own.
 *
 * DESIGN
 * A worker serving m_wait (taskcall.c) first calls ladon__park_prepare():
 * the connection joins the server's park list (srv->park_lock) and the task
 * engine counts one more watcher of the task.  Then it reads the task.  If
 * the task has ended, or the wait's deadline has passed, it answers and
 * calls ladon__park_leave().  Otherwise it sets call->parked and the request
 * is handed back unanswered, with the request still at rpos (dispatch.c).
 * The thread (ladon__park_hold) leaves it in epoll for hang-ups only
 * (EPOLLRDHUP; pipelined bytes stay in the kernel), state PARKED, until:
 *  - the engine's wake function (ladon__park_wake, any thread) marks every
 *    parked connection waiting for the task (`wake_pending`), takes those
 *    that are PARKED and puts them on the ready queue (loop.c).  A wake
 *    that comes while the connection is still being served is not lost: the
 *    mark stays, and ladon__park_hold checks it;
 *  - its deadline passes (the timeout scan), or the client hangs up, or the
 *    server stops (ladon__park_expire: the deadline becomes now).
 * Each time, a thread serves the same request again: m_wait reads the task
 * and answers, or (a spurious wake) parks it again.  A parked request costs
 * its connection (sizeof(ladon__conn): about 3.7 KB on x86-64, its parsed
 * head included), its request bytes (the buffer is cut to fit when it
 * parks) and one watch entry in the engine; no thread.
 *
 * Locking: park_lock guards the list, the links and the wait fields of
 * every connection on it; it is a leaf (taken inside a connection's lock,
 * never the other way) except that ladon__park_prepare and
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
#include "loop.h"
#include "park.h"
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

/* Takes c when it waits in epoll (PARKED, generation gen) and puts it on
 * the ready queue. */
static void take_woken(struct ladon_server *srv, ladon__conn *c, uint32_t gen)
{
    bool take;
    if (pthread_mutex_lock(&c->lock) != 0)
        abort();
    take = c->gen == gen && c->state == LADON_CONN_PARKED;
    if (take) {
        c->state = LADON_CONN_BUSY;
        atomic_fetch_add(&srv->n_busy, 1);
        park_lock(srv);
        c->wake_pending = false;
        pthread_mutex_unlock(&srv->park_lock);
    }
    pthread_mutex_unlock(&c->lock);
    if (take)
        ladon__loop_ready(srv, c);
}

void ladon__park_wake(void *ud, int32_t id)
{
    struct ladon_server *srv = ud;
    struct woken {
        ladon__conn *c;
        uint32_t gen;
    } some[16], *list = some;
    size_t n = 0, cap = 16;

    park_lock(srv);
    for (ladon__conn *c = srv->parked; c != NULL; c = c->park_next) {
        if (c->wait_id != id)
            continue;
        c->wake_pending = true;
        if (n == cap) {
            /* more waiters of one task than fit: grow (rare); without
             * memory the others answer at their deadline */
            struct woken *more = malloc(2 * cap * sizeof *more);
            if (more == NULL) {
                LADON_LOGW("out of memory: m_wait of task %ld answers at its deadline",
                           (long)id);
                continue;
            }
            memcpy(more, list, n * sizeof *more);
            if (list != some)
                free(list);
            list = more;
            cap *= 2;
        }
        list[n].c = c;
        list[n].gen = c->gen; /* stable: the connection is on the list, not freed */
        n++;
    }
    pthread_mutex_unlock(&srv->park_lock);
    for (size_t i = 0; i < n; i++)
        take_woken(srv, list[i].c, list[i].gen);
    if (list != some)
        free(list);
}

bool ladon__park_hold(struct ladon_server *srv, ladon__conn *c)
{
    struct epoll_event ev = {.events = EPOLLRDHUP | EPOLLONESHOT};
    bool again;

    c->parked = false;
    LADON_LOGD("%s: m_wait parked (task %ld)", c->peer_str, (long)c->wait_id);
    ladon__conn_buf_shrink(c);
    if (pthread_mutex_lock(&c->lock) != 0)
        abort();
    park_lock(srv);
    c->deadline_ms = c->wait_deadline_ms;
    again = c->wake_pending || atomic_load(&srv->stopping);
    c->wake_pending = false;
    pthread_mutex_unlock(&srv->park_lock);
    if (again) {
        pthread_mutex_unlock(&c->lock);
        if (atomic_load(&srv->stopping))
            ladon__park_expire(srv, c);
        return true;
    }
    ev.data.u64 = ladon__conn_key(c);
    if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
        ladon__log_errno(errno, "epoll_ctl(parked connection %d)", c->fd);
        ladon__loop_close_locked(srv, c);
        pthread_mutex_unlock(&c->lock);
        return false;
    }
    c->state = LADON_CONN_PARKED;
    atomic_fetch_sub(&srv->n_busy, 1);
    pthread_mutex_unlock(&c->lock);
    return false;
}

void ladon__park_expire(struct ladon_server *srv, ladon__conn *c)
{
    LADON_LOGD("%s: m_wait answered now (deadline, hang-up or shutdown)", c->peer_str);
    park_lock(srv);
    c->wait_deadline_ms = ladon__now_ms();
    c->wake_pending = false;
    pthread_mutex_unlock(&srv->park_lock);
}
