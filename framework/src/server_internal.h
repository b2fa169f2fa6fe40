/* server_internal.h - state shared by server.c, listener.c and pool.c.
 *
 * Ownership (see the DESIGN blocks of listener.c and pool.c): a connection
 * belongs either to the listener (in the epoll set, state IDLE or READING)
 * or to exactly one worker (state BUSY, queued or being served).  It moves
 * between them only through the work queue (listener -> workers) and the
 * done queue (workers -> listener), whose mutexes order all accesses.  Only
 * the listener changes `state`, re-arms or closes a connection.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_SERVER_INTERNAL_H
#define LADON_SRC_SERVER_INTERNAL_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <stdsoap2.h>

#include "buf.h"
#include "call_internal.h"
#include "clock.h"
#include "http.h"
#include "ladon/server.h"
#include "ladon/store.h"
#include "ladon/task.h"
#include "router.h"
#include "utf8.h"

/* The Server header of every response: one product name, no version. */
#define LADON_SERVER_NAME "Ladon-C"

/* Free connection buffers the listener keeps for reuse, at most. */
#define LADON_BUF_CACHE 64

enum ladon__conn_state {
    LADON_CONN_IDLE,    /* in epoll, nothing buffered */
    LADON_CONN_READING, /* in epoll, part of a request buffered */
    LADON_CONN_BUSY,    /* handed to the workers */
    LADON_CONN_LINGER,  /* in epoll, answered and half-closed: input discarded
                           until the client closes or LINGER_MS pass */
    LADON_CONN_PARKED   /* in epoll for hang-ups only: its m_wait waits for a
                           task's end or its deadline (park.c) */
};

typedef struct ladon__conn {
    int fd;
    enum ladon__conn_state state;
    struct ladon__conn *prev, *next; /* the listener's list of all connections */
    struct ladon__conn *qnext;       /* work / done queue link */
    char *buf;                       /* received, not yet served bytes: [rpos, wpos) */
    size_t cap, rpos, wpos;
    int64_t deadline_ms;             /* listener: close when reached (IDLE/READING) */
    ladon__http_req req;             /* head of the request at rpos, once ready */
    size_t req_len;                  /* bytes of that whole request (head + body) */
    int early_status;                /* answer this HTTP error and close (0 = none) */
    bool continue_sent;              /* 100 Continue sent for the request at rpos */
    bool close;                      /* worker: close instead of re-arming */
    /* m_wait (park.c).  The worker sets `parked` to hand the request back
     * unanswered; the wait fields and the park list links are guarded by
     * srv->park_lock. */
    bool parked;
    bool in_park_list;
    bool wake_pending;               /* its task ended (or a spurious wake) */
    struct ladon__conn *park_prev, *park_next;
    int64_t wait_deadline_ms;        /* 0: not waiting */
    int32_t wait_id;
    char wait_method[LADON_TASK_METHOD_MAX];
    struct sockaddr_storage peer;
    char peer_str[64];               /* "127.0.0.1" */
    char local_host[72];             /* "127.0.0.1:8080", fallback Host */
} ladon__conn;

typedef struct ladon__worker {
    struct ladon_server *srv;
    pthread_t thread;
    bool started;
    pthread_cond_t wake;      /* wq_lock: signalled when taken off wq_idle */
    bool wake_ready;
    bool woken;
    struct ladon__worker *idle_next;
    bool waiting;             /* between ladon__worker_wait_begin and _end */
    struct soap *soap;
    struct soap *data;        /* m_result reads stored results here (taskcall.c);
                                 created on first use, emptied after each request */
    void *result_xml;         /* the stored result being read (m_result); freed
                                 with the data context after each request */
    ladon_call call;
    ladon__conn *conn;        /* being served */
    struct {                  /* what frecv hands gSOAP: the head pool.c wrote, */
        const char *p;        /* then the decoded, checked body */
        size_t n;
    } in[2];
    char head[1700];          /* that head */
    ladon__buf dec_a, dec_b;  /* body decoding (body.c) */
    ladon__buf norm;          /* body rewriting (xmlnorm.c) */
    ladon__xmlout_check out_check; /* the response being serialized (ffiltersend) */
    size_t out_bytes;         /* its bytes so far in this pass */
    bool out_counting;        /* gSOAP's counting pass is on */
    bool out_checked;         /* a counting pass checked it all */
    bool out_header;          /* gSOAP writes the HTTP head (fresponse) */
    int out_refused;          /* 0, OUT_TOO_LARGE or OUT_INVALID (pool.c) */
    bool sent_any;            /* response bytes were written */
    unsigned head_match;      /* of the "\r\n\r\n" that ends the response head */
    size_t body_sent;         /* response body bytes written after it */
    bool resp_announced;      /* gSOAP wrote a response head (fresponse) ... */
    ULONG64 resp_len;         /* ... announcing this Content-Length */
    bool io_failed;           /* a write failed or timed out */
    short fault_keep_alive;   /* while a fault is sent: the request's keep_alive */
    bool fault_answered;      /* the fault's HTTP response head was written */
} ladon__worker;

struct ladon_server {
    ladon_config cfg;
    const ladon_binding *binding;
    ladon__router router;
    int listen_fd;
    uint16_t port;
    int epfd;
    int stop_fd;   /* eventfd: ladon_server_stop() writes it */
    int done_fd;   /* eventfd: workers returned connections */
    atomic_bool stop_requested;
    bool running;

    /* listener-only */
    ladon__conn *conns;
    size_t n_conns;
    size_t n_busy;
    bool accepting;
    bool stopping;
    char *buf_cache[LADON_BUF_CACHE]; /* free connection buffers (listener.c) */
    unsigned n_buf_cache;

    /* work queue: listener -> workers (pool.c) */
    pthread_mutex_t wq_lock;
    ladon__conn *wq_head, *wq_tail;
    bool wq_stop;
    unsigned wq_running;         /* workers serving, not waiting (ladon__worker_wait_begin) */
    unsigned wq_waking;          /* workers woken, not yet serving */
    struct ladon__worker *wq_idle; /* waiting workers, the last one to wait first */

    /* done queue: workers -> listener */
    pthread_mutex_t dq_lock;
    ladon__conn *dq_head, *dq_tail;

    /* parked m_wait requests (park.c) */
    pthread_mutex_t park_lock;
    ladon__conn *parked;
    size_t n_parked;

    struct soap *master;
    int (*gsoap_fresponse)(struct soap *, int, ULONG64); /* gSOAP's own (pool.c) */
    int (*gsoap_fposthdr)(struct soap *, const char *, const char *); /* same */
    ladon_store *store;        /* task store; NULL when no service has tasks */
    ladon_task_engine *tasks;  /* task engine; NULL when no service has tasks */
    ladon__worker *workers;
    unsigned n_workers;        /* threads started: cfg.workers + wait threads */
    bool has_wait_threads;     /* more threads than cfg.workers (pool.c) */
    bool store_remote;         /* store calls wait for round trips (pool.c) */
    bool locks_ready;
};

/* Examines the bytes buffered at conn->rpos: 1 when a request is ready for
 * a worker (complete: conn->req and conn->req_len set; or an error to answer
 * in conn->early_status), 0 when more bytes are needed.  May send
 * "100 Continue".  Safe from the listener and from the worker owning conn. */
int ladon__conn_check(struct ladon_server *srv, ladon__conn *conn);

/* Sends all of buf before deadline (ms); 0 or -1. */
int ladon__send_all(int fd, const char *buf, size_t len, int64_t deadline_ms);

/* taskcall.c: a gSOAP context for task arguments and results, with the
 * binding's namespaces and the request contexts' XML modes. */
struct soap *ladon__data_soap_new(const ladon_binding *binding);
void ladon__data_soap_free(struct soap *s);

/* pool.c */
int ladon__pool_start(struct ladon_server *srv);
void ladon__pool_push(struct ladon_server *srv, ladon__conn *conn);
void ladon__pool_stop(struct ladon_server *srv);
/* Around a wait that uses no CPU (a remote task store, taskcall.c; the
 * public ladon_call_wait_begin/_end): the worker stops counting against
 * --workers meanwhile.  No-ops without wait threads, when w is NULL, and
 * when already (not) waiting. */
void ladon__worker_wait_begin(ladon__worker *w);
void ladon__worker_wait_end(ladon__worker *w);

/* listener.c */
int ladon__listener_run(struct ladon_server *srv);
/* Hands c to the workers (the listener's thread only). */
void ladon__listener_dispatch(struct ladon_server *srv, ladon__conn *c);

/* park.c: m_wait requests that wait without a worker.  The worker (in
 * taskcall.c) calls park_prepare before it reads the task, then answers and
 * calls park_leave, or parks (call->parked); the listener keeps a parked
 * connection in epoll until park_wake (the engine's wake function) marks
 * it, its deadline passes, or the client hangs up, and dispatches the same
 * request again. */
int ladon__park_prepare(ladon__worker *w, const char *method, int32_t id,
                        int64_t deadline_ms);
void ladon__park_leave(struct ladon_server *srv, ladon__conn *c);
void ladon__park_wake(void *srv, int32_t id);
/* Listener: c came back parked from a worker; 0, or -1 (close it). */
int ladon__park_hold(struct ladon_server *srv, ladon__conn *c);
/* Listener: dispatches every parked connection whose task was woken. */
void ladon__park_dispatch_woken(struct ladon_server *srv);
/* Listener: dispatches c at once (deadline passed, hang-up, shutdown): its
 * m_wait then answers the state it finds. */
void ladon__park_expire(struct ladon_server *srv, ladon__conn *c);

#endif
