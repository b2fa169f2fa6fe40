/* test_loop.c - the request threads' event loop (loop.c) from outside:
 * the requests of one connection are served by one thread at a time, in
 * order; a request that arrives in pieces waits in the loop, holding no
 * thread, and is served when complete; one connection pipelining many
 * requests does not starve another on the same thread; and a thread
 * serving a slow request holds no other connection's event (an idle thread
 * serves it).  The server runs in a thread of this process on port 0.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ladon/ladon.h>
#include "../mono_clock.h"
#include "rt_client.h"
#include "rt_cunit.h"

static char *op_req(const char *op, int ms)
{
    char body[128];
    snprintf(body, sizeof body, "<t:%s xmlns:t=\"urn:ladon:test\"><ms>%d</ms></t:%s>", op, ms, op);
    return post("/Test", body, 1, NULL);
}

/* Sends n requests of op in one write (pipelined), the i-th of ms0 + i * step ms. */
static void send_pipelined(client *c, const char *op, int n, int ms0, int step)
{
    char *all = malloc((size_t)n * 1024);
    size_t len = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(all);
    for (int i = 0; i < n; i++) {
        const char *q = op_req(op, ms0 + i * step);
        CU_ASSERT_FATAL(strlen(q) < 1024);
        memcpy(all + len, q, strlen(q));
        len += strlen(q);
    }
    CU_ASSERT_EQUAL(cl_send(c, all, len), 0);
    free(all);
}

static void start(srv *x, unsigned workers)
{
    ladon_config cfg;
    base_config(&cfg);
    cfg.workers = workers;
    cfg.wait_threads = 0;
    CU_ASSERT_EQUAL_FATAL(srv_start(x, &cfg), 0);
}

/* 4 threads, 3 of them free: 12 pipelined requests of one connection run
 * one after the other (overlap_ms answers -ms when two ran side by side)
 * and are answered in order. */
static void test_one_thread_per_connection(void)
{
    srv x;
    client *c;
    response r;
    start(&x, 4);
    c = cl_open(x.port);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    send_pipelined(c, "overlap_ms", 12, 20, 1);
    for (int i = 0; i < 12; i++) {
        CU_ASSERT_EQUAL_FATAL(cl_read(c, &r, 5000), 0);
        CU_ASSERT_EQUAL(r.status, 200);
        CU_ASSERT_EQUAL(result_of(&r), 20 + i);
    }
    /* the operation does see overlaps: two connections at once */
    {
        client *d = cl_open(x.port);
        int a, b;
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        CU_ASSERT_EQUAL(cl_sends(c, op_req("overlap_ms", 200)), 0);
        CU_ASSERT_EQUAL(cl_sends(d, op_req("overlap_ms", 200)), 0);
        CU_ASSERT_EQUAL_FATAL(cl_read(c, &r, 5000), 0);
        a = result_of(&r);
        CU_ASSERT_EQUAL_FATAL(cl_read(d, &r, 5000), 0);
        b = result_of(&r);
        CU_ASSERT(a == -200 && b == -200);
        cl_close(d);
    }
    cl_close(c);
    CU_ASSERT_EQUAL(srv_stop(&x), 0);
}

/* One thread: a request sent in pieces waits in the loop while another
 * connection is served, and is answered when its last piece arrives. */
static void test_request_in_pieces(void)
{
    srv x;
    client *slow, *fast;
    response r;
    const char *q;
    size_t len;
    double t0;
    start(&x, 1);
    slow = cl_open(x.port);
    fast = cl_open(x.port);
    CU_ASSERT_PTR_NOT_NULL_FATAL(slow);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fast);
    q = add_req(20, 22);
    len = strlen(q);
    CU_ASSERT_EQUAL(cl_send(slow, q, len / 2), 0);
    lg_sleep_ms(100);
    for (int i = 0; i < 3; i++) {
        t0 = lg_mono_s();
        CU_ASSERT_EQUAL(cl_sends(fast, add_req(i, 1)), 0);
        CU_ASSERT_EQUAL_FATAL(cl_read(fast, &r, 3000), 0);
        CU_ASSERT_EQUAL(result_of(&r), i + 1);
        CU_ASSERT(lg_mono_s() - t0 < 0.5);
    }
    CU_ASSERT_EQUAL(cl_send(slow, q + len / 2, len - len / 2), 0);
    CU_ASSERT_EQUAL_FATAL(cl_read(slow, &r, 3000), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(result_of(&r), 42);
    cl_close(slow);
    cl_close(fast);
    CU_ASSERT_EQUAL(srv_stop(&x), 0);
}

/* One thread: connection A pipelines 100 requests of 5 ms (0.5 s of work);
 * connection B's one request, sent just after, is answered within a few
 * of A's turns (loop.c: MAX_PIPELINED in a row), long before A's last.
 * Without turns B would be answered after all of A's. */
static void test_fairness(void)
{
    srv x;
    client *a, *b;
    response r;
    double t0, tb, ta;
    start(&x, 1);
    a = cl_open(x.port);
    b = cl_open(x.port);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    t0 = lg_mono_s();
    send_pipelined(a, "sleep_ms", 100, 5, 0);
    lg_sleep_ms(20);
    CU_ASSERT_EQUAL(cl_sends(b, add_req(2, 3)), 0);
    CU_ASSERT_EQUAL_FATAL(cl_read(b, &r, 10000), 0);
    tb = lg_mono_s() - t0;
    CU_ASSERT_EQUAL(result_of(&r), 5);
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL_FATAL(cl_read(a, &r, 10000), 0);
        CU_ASSERT_EQUAL(result_of(&r), 5);
    }
    ta = lg_mono_s() - t0;
    fprintf(stderr, "\n  B answered after %.2f s, A's 100th after %.2f s\n", tb, ta);
    CU_ASSERT(ta >= 0.5);
    CU_ASSERT(ta - tb > 0.2);
    cl_close(a);
    cl_close(b);
    CU_ASSERT_EQUAL(srv_stop(&x), 0);
}

/* Two threads, both busy for 0.3 s; meanwhile connection S sends a 0.3 s
 * request and then F an add.  When the threads come free, one serves S and
 * the other F at once: the thread that takes S's event does not also hold
 * F's until S is done (which answered F after 0.6 s). */
static void test_neighbour(void)
{
    srv x;
    client *busy[2], *s, *f;
    response r;
    double t0, tf;
    start(&x, 2);
    /* S and F are open and idle in the loop (a new connection's first
     * request is served by the thread that accepts it) */
    s = cl_open(x.port);
    f = cl_open(x.port);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(cl_sends(i ? f : s, add_req(i, 0)), 0);
        CU_ASSERT_EQUAL_FATAL(cl_read(i ? f : s, &r, 3000), 0);
        busy[i] = cl_open(x.port);
        CU_ASSERT_PTR_NOT_NULL_FATAL(busy[i]);
    }
    t0 = lg_mono_s();
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(cl_sends(busy[i], op_req("sleep_ms", 300)), 0);
    lg_sleep_ms(80);
    CU_ASSERT_EQUAL(cl_sends(s, op_req("sleep_ms", 300)), 0);
    lg_sleep_ms(20);
    CU_ASSERT_EQUAL(cl_sends(f, add_req(1, 1)), 0);
    CU_ASSERT_EQUAL_FATAL(cl_read(f, &r, 5000), 0);
    tf = lg_mono_s() - t0;
    CU_ASSERT_EQUAL(result_of(&r), 2);
    fprintf(stderr, "\n  F answered after %.2f s (threads free after 0.30 s)\n", tf);
    CU_ASSERT(tf < 0.5);
    CU_ASSERT_EQUAL_FATAL(cl_read(s, &r, 5000), 0);
    CU_ASSERT_EQUAL(result_of(&r), 300);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL_FATAL(cl_read(busy[i], &r, 5000), 0);
        CU_ASSERT_EQUAL(result_of(&r), 300);
        cl_close(busy[i]);
    }
    cl_close(s);
    cl_close(f);
    CU_ASSERT_EQUAL(srv_stop(&x), 0);
}

int main(void)
{
    static const rt_test tests[] = {
        {"one connection, one thread at a time, in order", test_one_thread_per_connection},
        {"a request in pieces waits without a thread", test_request_in_pieces},
        {"a pipelining connection does not starve another", test_fairness},
        {"a slow request holds no other connection's event", test_neighbour},
        {NULL, NULL},
    };
    return rt_run("runtime-loop", tests, NULL, NULL);
}
