/* conn.h - one client connection: its receive buffer and the framing of
 * the request at the front of it (internal).
 *
 * Who may touch a connection is decided by its `state`, changed only with
 * `lock` held (loop.c's DESIGN block): a connection in the epoll set (IDLE,
 * READING, LINGER, PARKED) belongs to nobody until an event or the timeout
 * scan takes it (BUSY); a BUSY connection belongs to the one thread that
 * took it, which reads, serves and re-arms or closes it.  Connections live
 * in a table (conntab.c) whose slots are never freed while the server
 * runs, so an event that arrives for a slot reused since carries an old
 * generation and is ignored.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_CONN_H
#define LADON_SRC_CONN_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "http.h"
#include "ladon/task.h"

enum ladon__conn_state {
    LADON_CONN_FREE,    /* an unused slot of the table */
    LADON_CONN_IDLE,    /* in epoll, nothing buffered */
    LADON_CONN_READING, /* in epoll, part of a request buffered */
    LADON_CONN_BUSY,    /* taken by one thread (served, or on the ready queue) */
    LADON_CONN_LINGER,  /* in epoll, answered and half-closed: input discarded
                           until the client closes or LINGER_MS pass */
    LADON_CONN_PARKED   /* in epoll for hang-ups only: its m_wait waits for a
                           task's end or its deadline (park.c) */
};

/* Free receive buffers a thread keeps for reuse, at most (conn_buf_give). */
#define LADON_BUF_CACHE 32
/* The usual receive buffer: what one recv() asks for. */
#define LADON_READ_CHUNK 16384

typedef struct ladon__buf_cache {
    char *bufs[LADON_BUF_CACHE];
    unsigned n;
} ladon__buf_cache;

typedef struct ladon__conn {
    pthread_mutex_t lock;            /* guards state and gen */
    enum ladon__conn_state state;
    uint32_t gen;                    /* incremented when the slot is freed */
    uint32_t slot;                   /* index in the table (conntab.c) */
    struct ladon__conn *free_next;   /* the table's free list */
    struct ladon__conn *qnext;       /* the ready queue (loop.c) */
    int fd;
    char *buf;                       /* received, not yet served bytes: [rpos, wpos) */
    size_t cap, rpos, wpos;
    int64_t deadline_ms;             /* close (or answer m_wait) when reached, in epoll */
    ladon__http_req req;             /* head of the request at rpos, once ready */
    size_t req_len;                  /* bytes of that whole request (head + body) */
    int early_status;                /* answer this HTTP error and close (0 = none) */
    bool close;                      /* the server answered; close instead of re-arming */
    /* m_wait (park.c).  `parked` is set while serving to hand the request
     * back unanswered; the wait fields and the park list links are guarded
     * by the server's park_lock. */
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

/* Examines the bytes buffered at c->rpos: 1 when a request is ready to
 * serve (complete: c->req and c->req_len set; or an HTTP error to answer in
 * c->early_status), 0 when more bytes are needed.  Sends "100 Continue"
 * when the head asks for it and the body is still to come.  Only the
 * connection's owner calls it. */
int ladon__conn_check(ladon__conn *c, uint64_t max_request_bytes);

/* Reads what the socket holds into c's buffer (growing it as the request
 * at rpos needs, taking a buffer from cache first); returns 0 (the socket
 * is drained for now), 1 (the peer closed its side) or -1 (error or out
 * of memory: close it). */
int ladon__conn_read(ladon__conn *c, ladon__buf_cache *cache, uint64_t max_request_bytes);

/* Gives c's buffer back (to cache when it is of the usual size and the
 * cache has room). */
void ladon__conn_buf_give(ladon__conn *c, ladon__buf_cache *cache);

/* Drops the request at rpos (req_len bytes) from c's buffer, keeping only
 * what follows it (pipelined requests), in a buffer of their size: after
 * gSOAP read a large request, its bytes need not stay while the operation
 * runs.  rpos is then 0, at the next request.  Returns 0; -1 when out of
 * memory (then nothing changed). */
int ladon__conn_drop_request(ladon__conn *c);

/* Cuts c's buffer to the bytes it holds (a parked request should not keep
 * a 16 KiB buffer for a few hundred bytes). */
void ladon__conn_buf_shrink(ladon__conn *c);

/* Frees every buffer of cache. */
void ladon__buf_cache_clear(ladon__buf_cache *cache);

#endif
