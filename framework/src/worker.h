/* worker.h - what one request thread owns (internal).
 *
 * Each request thread (loop.c) has one ladon__worker: its gSOAP context,
 * the ladon_call of the request it serves, the buffers that decode and
 * check request bodies, the state of the response being written, and a
 * cache of free receive buffers.  Only its thread touches it; dispatch.c
 * serves a request with it, taskcall.c and park.c reach it through the
 * call (call->worker).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_WORKER_H
#define LADON_SRC_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <stdsoap2.h>

#include "buf.h"
#include "call_internal.h"
#include "conn.h"
#include "utf8.h"

struct ladon_server;

typedef struct ladon__worker {
    struct ladon_server *srv;
    unsigned index;
    pthread_t thread;
    bool started;
    /* the pool of spare threads (loop.c), under the server's pool_lock */
    pthread_cond_t wake;
    bool wake_ready;
    bool woken;
    struct ladon__worker *idle_next;
    bool waiting;             /* between ladon__worker_wait_begin and _end */
    ladon__buf_cache bufs;    /* free receive buffers (conn.h) */

    /* the request being served (dispatch.c) */
    struct soap *soap;
    ladon_call call;
    ladon__conn *conn;
    struct {                  /* what frecv hands gSOAP: the head dispatch.c */
        const char *p;        /* wrote, then the decoded, checked body */
        size_t n;
    } in[2];
    char head[1700];          /* that head (only when gSOAP parses it: recv.c) */
    bool ids_clean;           /* gSOAP's id table is empty (recv.c): only serve_soap
                                 reads XML on this context (task bodies and
                                 stored results have contexts of their own) */
    ladon__buf dec_a, dec_b;  /* body decoding (body.c) */
    ladon__buf norm;          /* body rewriting (xmlnorm.c) */
    ladon__xmlout_check out_check; /* the response being serialized (ffiltersend) */
    size_t out_bytes;         /* its bytes so far in this pass */
    bool out_counting;        /* gSOAP's counting pass is on */
    bool out_checked;         /* a counting pass checked it all */
    bool out_header;          /* gSOAP writes the HTTP head (fresponse) */
    int out_refused;          /* 0, OUT_TOO_LARGE or OUT_INVALID (dispatch.c) */
    bool sent_any;            /* response bytes were written */
    unsigned head_match;      /* of the "\r\n\r\n" that ends the response head */
    size_t body_sent;         /* response body bytes written after it */
    bool resp_announced;      /* gSOAP wrote a response head (fresponse) ... */
    ULONG64 resp_len;         /* ... announcing this Content-Length */
    bool io_failed;           /* a write failed or timed out */
    bool input_dropped;       /* the request's bytes were released once read (dispatch.c) */
    short fault_keep_alive;   /* while a fault is sent: the request's keep_alive */
    bool fault_answered;      /* the fault's HTTP response head was written */
} ladon__worker;

/* Around a wait that uses no CPU (a remote task store, taskcall.c; the
 * public ladon_call_wait_begin/_end): the thread stops counting against
 * --workers meanwhile, and a spare thread takes its place (loop.c).
 * No-ops without wait threads, when w is NULL, and when already (not)
 * waiting. */
void ladon__worker_wait_begin(ladon__worker *w);
void ladon__worker_wait_end(ladon__worker *w);

#endif
