/* server_internal.h - the state of one server (internal): what server.c
 * creates and loop.c, dispatch.c, park.c and taskcall.c share.
 *
 * Ownership of connections: conn.h and loop.c's DESIGN block.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_SERVER_INTERNAL_H
#define LADON_SRC_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <stdsoap2.h>

#include "conn.h"
#include "conntab.h"
#include "ladon/server.h"
#include "ladon/store.h"
#include "ladon/task.h"
#include "auth.h"
#include "probe.h"
#include "router.h"
#include "worker.h"

struct ladon_server {
    ladon_config cfg;
    const ladon_binding *binding;
    ladon__router router;
    uint16_t port;
    int epfd;      /* the one epoll set of every request thread (loop.c) */
    int stop_fd;   /* eventfd: ladon_server_stop() writes it */
    int ready_fd;  /* eventfd: the ready queue is not empty */
    atomic_bool stop_requested;
    bool running;

    /* the listening socket (accept_lock) */
    pthread_mutex_t accept_lock;
    int listen_fd;
    atomic_bool accepting;       /* listen_fd is armed in epfd (changed under accept_lock) */

    /* connections (conntab.h, conn.h) */
    ladon__conntab conns;
    atomic_size_t n_conns;       /* open */
    atomic_size_t n_busy;        /* BUSY: being served or on the ready queue */

    /* the ready queue: BUSY connections any thread may serve (rq_lock) */
    pthread_mutex_t rq_lock;
    ladon__conn *rq_head, *rq_tail;

    /* request threads (loop.c, pool_lock) */
    pthread_mutex_t pool_lock;
    unsigned active;             /* threads in the loop, not waiting (wait_begin) */
    unsigned waking;             /* spare threads woken, not yet active */
    ladon__worker *idle;         /* spare threads, the last one to wait first */
    ladon__worker *workers;
    unsigned n_workers;          /* threads started: cfg.workers + wait threads */
    bool has_wait_threads;       /* more threads than cfg.workers */
    bool store_remote;           /* store calls wait for round trips (taskcall.c) */

    /* timeouts and shutdown (loop.c) */
    pthread_mutex_t scan_lock;   /* one scan at a time (trylock) */
    int64_t next_scan_ms;        /* scan_lock */
    atomic_bool stopping;        /* stop seen: no accepting, answering what is in progress */
    int64_t grace_deadline_ms;   /* scan_lock */
    bool forced;                 /* scan_lock: busy sockets were shut down */
    atomic_bool finished;        /* stopping and nothing busy: threads exit */
    atomic_int error;            /* a thread's epoll_wait failed: ladon_errno */

    /* parked m_wait requests (park.c) */
    pthread_mutex_t park_lock;
    ladon__conn *parked;
    size_t n_parked;

    struct soap *master;
    int (*gsoap_fresponse)(struct soap *, int, ULONG64); /* gSOAP's own (dispatch.c) */
    int (*gsoap_fposthdr)(struct soap *, const char *, const char *); /* same */
    ladon__probe probe;        /* clients sweeping task ids (probe.h, taskcall.c) */
    ladon__auth auth;          /* who the caller is (auth.h, dispatch.c) */
    ladon_store *store;        /* task store; NULL when no service has tasks */
    ladon_task_engine *tasks;  /* task engine; NULL when no service has tasks */
    bool locks_ready;
};

#endif
