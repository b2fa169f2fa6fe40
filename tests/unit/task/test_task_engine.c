/* test_task_engine.c - CUnit suite of the task engine (task_engine.c) on
 * the memory store.  Tasks synchronise with the test through gates, never
 * through sleeps, and no assertion depends on timing.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <CUnit/Basic.h>
#include "../cunit_main.h"
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ladon/error.h"
#include "ladon/task.h"
#include "task_internal.h"
#include "fake_clock.h"

/* ---- helpers ----------------------------------------------------------- */

typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int value;
} gate;

static void gate_init(gate *g)
{
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->value = 0;
}

static void gate_destroy(gate *g)
{
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
}

static void gate_set(gate *g, int v)
{
    pthread_mutex_lock(&g->mu);
    g->value = v;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

static void gate_wait(gate *g, int v)
{
    pthread_mutex_lock(&g->mu);
    while (g->value < v)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static ladon_store *open_store(const char *url)
{
    ladon_store *st = NULL;
    CU_ASSERT_EQUAL_FATAL(ladon_store_open(&st, url, NULL, 0), 0);
    return st;
}

static ladon_task_engine *new_engine(ladon_store *st, unsigned workers,
                                     unsigned capacity, unsigned ttl)
{
    ladon_task_engine_config cfg;
    ladon_task_engine_config_init(&cfg);
    cfg.workers = workers;
    cfg.queue_capacity = capacity;
    cfg.ttl_s = ttl;
    cfg.sweep_interval_ms = 5;
    ladon_task_engine *eng = NULL;
    CU_ASSERT_EQUAL_FATAL(ladon_task_engine_new(&eng, &cfg, st), 0);
    return eng;
}

/* Polls until the task has ended (or 30 s passed); returns the last info. */
static ladon_task_info wait_end(ladon_task_engine *eng, const char *method,
                                int32_t id)
{
    ladon_task_info info = {0};
    for (int i = 0; i < 30000; i++) {
        if (ladon_task_progress(eng, method, id, &info) != 0)
            break;
        if (info.state == LADON_TASK_DONE || info.state == LADON_TASK_FAILED)
            return info;
        sleep_ms(1);
    }
    CU_FAIL("task did not end");
    return info;
}

static atomic_int freed_args;

static void count_free(void *arg)
{
    (void)arg;
    atomic_fetch_add(&freed_args, 1);
}

/* ---- bodies ------------------------------------------------------------ */

static int body_echo(ladon_task_ctx *ctx, void *arg)
{
    const char *s = arg;
    return ladon_task_set_result(ctx, s, strlen(s));
}

static int body_empty(ladon_task_ctx *ctx, void *arg)
{
    (void)ctx;
    (void)arg;
    return 0; /* no result set: an empty, real result */
}

static int body_fail(ladon_task_ctx *ctx, void *arg)
{
    return ladon_task_fail(ctx, "no instance %s", (const char *)arg);
}

static int body_fail_silent(ladon_task_ctx *ctx, void *arg)
{
    (void)arg;
    (void)ladon_task_set_result(ctx, "partial", 7); /* discarded */
    return -1;
}

/* Waits for gates: steps[0] opened by the test lets it go on. */
typedef struct stepper {
    gate in;  /* test -> task */
    gate out; /* task -> test */
} stepper;

static int body_steps(ladon_task_ctx *ctx, void *arg)
{
    stepper *sp = arg;
    gate_set(&sp->out, 1); /* running */
    gate_wait(&sp->in, 1);
    ladon_task_update_progress(ctx, 0.5);
    ladon_task_update_progress(ctx, 0.25); /* lower: ignored */
    ladon_task_update_progress(ctx, NAN);
    ladon_task_update_progress(ctx, -1.0);
    gate_set(&sp->out, 2);
    gate_wait(&sp->in, 2);
    ladon_task_update_progress(ctx, 7.0); /* clamped to 1 */
    gate_set(&sp->out, 3);
    gate_wait(&sp->in, 3);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", ladon_task_id(ctx));
    CU_ASSERT_STRING_EQUAL(ladon_task_method(ctx), "steps");
    return ladon_task_set_result(ctx, buf, (size_t)n);
}

static int body_block(ladon_task_ctx *ctx, void *arg)
{
    (void)ctx;
    stepper *sp = arg;
    gate_set(&sp->out, 1);
    gate_wait(&sp->in, 1);
    return 0;
}

/* ---- tests ------------------------------------------------------------- */

static void test_config(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine_config cfg;
    ladon_task_engine_config_init(&cfg);
    CU_ASSERT_EQUAL(cfg.workers, 4);
    CU_ASSERT_EQUAL(cfg.queue_capacity, 1024);
    CU_ASSERT_EQUAL(cfg.ttl_s, 86400);
    CU_ASSERT_EQUAL(cfg.grace_ms, 10000);
    ladon_task_engine *eng = NULL;
    ladon_task_engine_config bad = cfg;
    bad.workers = 0;
    CU_ASSERT_EQUAL(ladon_task_engine_new(&eng, &bad, st), LADON_EINVAL);
    bad = cfg;
    bad.queue_capacity = 0;
    CU_ASSERT_EQUAL(ladon_task_engine_new(&eng, &bad, st), LADON_EINVAL);
    bad = cfg;
    bad.ttl_s = 0;
    CU_ASSERT_EQUAL(ladon_task_engine_new(&eng, &bad, st), LADON_EINVAL);
    bad = cfg;
    bad.sweep_interval_ms = 0;
    CU_ASSERT_EQUAL(ladon_task_engine_new(&eng, &bad, st), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_task_engine_new(&eng, &cfg, NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NULL(eng);
    CU_ASSERT_EQUAL(ladon_task_engine_new(&eng, &cfg, st), 0);
    int32_t id;
    CU_ASSERT_EQUAL(ladon_task_submit(eng, "", body_empty, NULL, NULL, &id),
                    LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_task_submit(eng, NULL, body_empty, NULL, NULL, &id),
                    LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_task_submit(eng, "m", NULL, NULL, NULL, &id),
                    LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_task_submit(eng, "m", body_empty, NULL, NULL, NULL),
                    LADON_EINVAL);
    ladon_task_engine_free(eng);
    ladon_task_engine_free(NULL);
    ladon_task_engine_shutdown(NULL, 0);
    ladon_store_close(st);
}

static void test_result_repeatable(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 2, 16, 3600);
    atomic_store(&freed_args, 0);
    int32_t id;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "echo", body_echo, "hello",
                                            count_free, &id), 0);
    CU_ASSERT(id > 0);
    ladon_task_info info = wait_end(eng, "echo", id);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(info.progress, 1.0);
    CU_ASSERT_EQUAL(info.id, id);
    for (int i = 0; i < 3; i++) {
        void *res = (void *)1;
        size_t len = 99;
        char msg[64] = "x";
        CU_ASSERT_EQUAL(ladon_task_result(eng, "echo", id, &info, &res, &len,
                                          msg, sizeof msg), 0);
        CU_ASSERT_EQUAL(len, 5);
        CU_ASSERT_PTR_NOT_NULL_FATAL(res);
        CU_ASSERT_STRING_EQUAL(res, "hello");
        CU_ASSERT_STRING_EQUAL(msg, "");
        CU_ASSERT_EQUAL(info.state, LADON_TASK_DONE);
        free(res);
    }
    /* another method's id, unknown ids */
    void *res;
    size_t len;
    CU_ASSERT_EQUAL(ladon_task_result(eng, "other", id, NULL, &res, &len,
                                      NULL, 0), LADON_ENOTFOUND);
    CU_ASSERT_PTR_NULL(res);
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "other", id, &info),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "echo", 0, &info),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "echo", -7, &info),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_task_result(eng, "echo", id, NULL, NULL, &len,
                                      NULL, 0), LADON_EINVAL);
    ladon_task_engine_free(eng);
    CU_ASSERT_EQUAL(atomic_load(&freed_args), 1);
    ladon_store_close(st);
}

static void test_empty_result_and_failures(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 2, 16, 3600);
    int32_t e, f, g;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_empty, NULL, NULL,
                                            &e), 0);
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_fail, "vm-7", NULL,
                                            &f), 0);
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_fail_silent, NULL,
                                            NULL, &g), 0);
    CU_ASSERT_EQUAL(wait_end(eng, "m", e).state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(wait_end(eng, "m", f).state, LADON_TASK_FAILED);
    ladon_task_info gi = wait_end(eng, "m", g);
    CU_ASSERT_EQUAL(gi.state, LADON_TASK_FAILED);
    CU_ASSERT_EQUAL(gi.progress, 1.0);

    void *res = NULL;
    size_t len = 42;
    char msg[LADON_TASK_MESSAGE_MAX];
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", e, NULL, &res, &len, msg,
                                      sizeof msg), 0);
    CU_ASSERT_PTR_NOT_NULL(res);
    CU_ASSERT_EQUAL(len, 0);
    free(res);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(ladon_task_result(eng, "m", f, NULL, &res, &len, msg,
                                          sizeof msg), LADON_EFAULT);
        CU_ASSERT_PTR_NULL(res);
        CU_ASSERT_STRING_EQUAL(msg, "no instance vm-7");
    }
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", g, NULL, &res, &len, msg,
                                      sizeof msg), LADON_EFAULT);
    CU_ASSERT_STRING_EQUAL(msg, LADON_TASK_DEFAULT_MESSAGE);
    char small[4];
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", f, NULL, &res, &len, small,
                                      sizeof small), LADON_EFAULT);
    CU_ASSERT_STRING_EQUAL(small, "no ");
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

static void test_progress_semantics(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 1, 16, 3600);
    stepper blk, sp;
    gate_init(&blk.in);
    gate_init(&blk.out);
    gate_init(&sp.in);
    gate_init(&sp.out);
    int32_t b, id;
    /* the single worker is busy, so the next task stays queued */
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "block", body_block, &blk,
                                            NULL, &b), 0);
    gate_wait(&blk.out, 1);
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "steps", body_steps, &sp,
                                            NULL, &id), 0);
    ladon_task_info q, info;
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "steps", id, &q), 0);
    CU_ASSERT_EQUAL(q.state, LADON_TASK_QUEUED);
    CU_ASSERT_EQUAL(q.progress, 0.0);
    CU_ASSERT(q.starttime > 1.6e9); /* seconds since the epoch */
    void *res;
    size_t len;
    CU_ASSERT_EQUAL(ladon_task_result(eng, "steps", id, &info, &res, &len,
                                      NULL, 0), LADON_ESTATE);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_QUEUED);
    sleep_ms(20); /* queued time counts */
    gate_set(&blk.in, 1);

    gate_wait(&sp.out, 1);
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "steps", id, &info), 0);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_RUNNING);
    CU_ASSERT_EQUAL(info.progress, 0.0);
    CU_ASSERT_EQUAL(info.starttime, q.starttime);
    CU_ASSERT(info.duration > q.duration);
    double d1 = info.duration;
    gate_set(&sp.in, 1);
    gate_wait(&sp.out, 2);
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "steps", id, &info), 0);
    CU_ASSERT_EQUAL(info.progress, 0.5);
    CU_ASSERT_EQUAL(info.starttime, q.starttime);
    CU_ASSERT(info.duration >= d1);
    CU_ASSERT_EQUAL(ladon_task_result(eng, "steps", id, &info, &res, &len,
                                      NULL, 0), LADON_ESTATE);
    CU_ASSERT_EQUAL(info.progress, 0.5);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_RUNNING);
    gate_set(&sp.in, 2);
    gate_wait(&sp.out, 3);
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "steps", id, &info), 0);
    /* the body reported 1.0 but has not returned: 1.0 means ended */
    CU_ASSERT_EQUAL(info.progress, LADON_TASK_PROGRESS_UNFINISHED_MAX);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_RUNNING);
    gate_set(&sp.in, 3);
    info = wait_end(eng, "steps", id);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(info.progress, 1.0);
    double total = info.duration;
    sleep_ms(20);
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "steps", id, &info), 0);
    CU_ASSERT_EQUAL(info.duration, total); /* fixed once ended */
    CU_ASSERT_EQUAL(info.starttime, q.starttime);
    CU_ASSERT_EQUAL(ladon_task_result(eng, "steps", id, NULL, &res, &len,
                                      NULL, 0), 0);
    char want[32];
    snprintf(want, sizeof want, "%d", id);
    CU_ASSERT_STRING_EQUAL(res, want);
    free(res);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
    gate_destroy(&blk.in);
    gate_destroy(&blk.out);
    gate_destroy(&sp.in);
    gate_destroy(&sp.out);
}

static void test_queue_full(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 1, 3, 3600);
    stepper blk;
    gate_init(&blk.in);
    gate_init(&blk.out);
    atomic_store(&freed_args, 0);
    int32_t ids[4], id;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_block, &blk,
                                            count_free, &ids[0]), 0);
    gate_wait(&blk.out, 1);
    for (int i = 1; i <= 3; i++)
        CU_ASSERT_EQUAL(ladon_task_submit(eng, "m", body_empty, NULL,
                                          count_free, &ids[i]), 0);
    for (int i = 0; i < 100; i++) {
        id = -1;
        CU_ASSERT_EQUAL(ladon_task_submit(eng, "m", body_empty, NULL,
                                          count_free, &id), LADON_EBUSY);
        CU_ASSERT_EQUAL(id, -1);
    }
    ladon_task_engine_stats es;
    ladon_task_engine_stats_get(eng, &es);
    CU_ASSERT_EQUAL(es.queued, 3);
    CU_ASSERT_EQUAL(es.running, 1);
    CU_ASSERT_EQUAL(es.capacity, 3);
    CU_ASSERT_EQUAL(es.workers, 1);
    ladon_store_stats ss;
    CU_ASSERT_EQUAL(ladon_store_stats_get(st, &ss), 0);
    CU_ASSERT_EQUAL(ss.records, 4); /* nothing recorded for refused tasks */
    CU_ASSERT_EQUAL(atomic_load(&freed_args), 0); /* refused args not freed */
    gate_set(&blk.in, 1);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(wait_end(eng, "m", ids[i]).state, LADON_TASK_DONE);
    /* room again */
    CU_ASSERT_EQUAL(ladon_task_submit(eng, "m", body_empty, NULL, count_free,
                                      &id), 0);
    CU_ASSERT_EQUAL(wait_end(eng, "m", id).state, LADON_TASK_DONE);
    ladon_task_engine_free(eng);
    CU_ASSERT_EQUAL(atomic_load(&freed_args), 5);
    ladon_store_close(st);
    gate_destroy(&blk.in);
    gate_destroy(&blk.out);
}

/* ---- expiry with an injected clock ------------------------------------- */

static void test_ttl_expiry(void)
{
    enum { N = 2000 };
    ladon_store *st = open_store("memory:");
    ladon_store_set_clock(st, &fake_clock);
    ladon_task_engine *eng = new_engine(st, 2, N, 5);
    static int32_t ids[N];
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_echo, "result",
                                                NULL, &ids[i]), 0);
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL(wait_end(eng, "m", ids[i]).state, LADON_TASK_DONE);
    ladon_store_stats ss;
    CU_ASSERT_EQUAL(ladon_store_stats_get(st, &ss), 0);
    CU_ASSERT_EQUAL(ss.records, N);
    CU_ASSERT_EQUAL(ss.result_bytes, (size_t)N * 6);
    void *res;
    size_t len;
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", ids[0], NULL, &res, &len,
                                      NULL, 0), 0);
    free(res);
    atomic_fetch_add(&fake_ns, 5000000000LL); /* ttl passed */
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", ids[0], NULL, &res, &len,
                                      NULL, 0), LADON_ENOTFOUND);
    /* the housekeeper's periodic sweep releases the rest */
    for (int i = 0; i < 30000; i++) {
        CU_ASSERT_EQUAL(ladon_store_stats_get(st, &ss), 0);
        if (ss.records == 0)
            break;
        sleep_ms(1);
    }
    CU_ASSERT_EQUAL(ss.records, 0);
    CU_ASSERT_EQUAL(ss.result_bytes, 0);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* ---- progress publishing for stores without live progress -------------- */

static void test_published_progress(void)
{
    ladon_store *st = open_store("memory:?live_progress=0");
    ladon_task_engine *eng = new_engine(st, 1, 4, 3600);
    stepper sp;
    gate_init(&sp.in);
    gate_init(&sp.out);
    int32_t id;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "steps", body_steps, &sp,
                                            NULL, &id), 0);
    gate_wait(&sp.out, 1);
    gate_set(&sp.in, 1);
    gate_wait(&sp.out, 2);
    ladon_task_info info = {0};
    for (int i = 0; i < 30000; i++) {
        CU_ASSERT_EQUAL(ladon_task_progress(eng, "steps", id, &info), 0);
        if (info.progress == 0.5)
            break;
        CU_ASSERT(info.progress == 0.0);
        sleep_ms(1);
    }
    CU_ASSERT_EQUAL(info.progress, 0.5);
    gate_set(&sp.in, 3);
    CU_ASSERT_EQUAL(wait_end(eng, "steps", id).state, LADON_TASK_DONE);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
    gate_destroy(&sp.in);
    gate_destroy(&sp.out);
}

/* ---- tight loop --------------------------------------------------------- */

enum { LOOP = 2000000 };

static int body_tight(ladon_task_ctx *ctx, void *arg)
{
    (void)arg;
    for (int i = 0; i <= LOOP; i++)
        ladon_task_update_progress(ctx, (double)i / LOOP);
    for (int i = 0; i <= 1000; i++) /* decreasing: all ignored */
        ladon_task_update_progress(ctx, 1.0 - (double)i / 1000);
    return 0;
}

static void test_tight_loop(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 1, 4, 3600);
    int32_t id;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "tight", body_tight, NULL,
                                            NULL, &id), 0);
    double last = 0.0;
    long polls = 0, backwards = 0;
    ladon_task_info info;
    for (;;) {
        CU_ASSERT_EQUAL_FATAL(ladon_task_progress(eng, "tight", id, &info), 0);
        polls++;
        if (info.progress < last)
            backwards++;
        last = info.progress;
        CU_ASSERT(info.progress >= 0.0 && info.progress <= 1.0);
        if (info.state == LADON_TASK_DONE || info.state == LADON_TASK_FAILED)
            break;
    }
    CU_ASSERT_EQUAL(backwards, 0);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(info.progress, 1.0);
    CU_ASSERT(polls > 0);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* ---- many threads ------------------------------------------------------- */

enum { CLIENTS = 16, PER_CLIENT = 150 };

typedef struct client {
    ladon_task_engine *eng;
    int idx;
    int32_t ids[PER_CLIENT];
    long errors;
} client;

static int body_square(ladon_task_ctx *ctx, void *arg)
{
    long v = (long)(intptr_t)arg;
    for (int i = 1; i <= 1000; i++)
        ladon_task_update_progress(ctx, i / 1000.0);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld", v * v);
    return ladon_task_set_result(ctx, buf, (size_t)n);
}

static void *client_main(void *p)
{
    client *c = p;
    char method[16];
    snprintf(method, sizeof method, "sq%d", c->idx % 3);
    for (int i = 0; i < PER_CLIENT; i++) {
        long v = c->idx * 1000L + i;
        int rc;
        while ((rc = ladon_task_submit(c->eng, method, body_square,
                                       (void *)(intptr_t)v, NULL,
                                       &c->ids[i])) == LADON_EBUSY)
            sleep_ms(1);
        if (rc != 0)
            c->errors++;
        /* poll someone's task now and then */
        ladon_task_info info;
        if (ladon_task_progress(c->eng, method, c->ids[i / 2], &info) != 0 ||
            info.progress < 0.0 || info.progress > 1.0)
            c->errors++;
    }
    for (int i = 0; i < PER_CLIENT; i++) {
        long v = c->idx * 1000L + i;
        double last = 0.0;
        for (;;) {
            ladon_task_info info;
            void *res;
            size_t len;
            int rc = ladon_task_result(c->eng, method, c->ids[i], &info, &res,
                                       &len, NULL, 0);
            if (rc == LADON_ESTATE) {
                if (info.progress < last)
                    c->errors++;
                last = info.progress;
                sleep_ms(1);
                continue;
            }
            char want[32];
            snprintf(want, sizeof want, "%ld", v * v);
            if (rc != 0 || strcmp(res, want) != 0)
                c->errors++;
            free(res);
            break;
        }
    }
    return NULL;
}

static void test_concurrent_clients(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 4, 64, 3600);
    static client cl[CLIENTS];
    pthread_t th[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        cl[i] = (client){.eng = eng, .idx = i};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, client_main,
                                             &cl[i]), 0);
    }
    long errors = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        errors += cl[i].errors;
    }
    CU_ASSERT_EQUAL(errors, 0);
    ladon_store_stats ss;
    CU_ASSERT_EQUAL(ladon_store_stats_get(st, &ss), 0);
    CU_ASSERT_EQUAL(ss.records, CLIENTS * PER_CLIENT);
    CU_ASSERT_EQUAL(ss.ended, CLIENTS * PER_CLIENT);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* ---- shutdown ----------------------------------------------------------- */

typedef struct shut_arg {
    gate started;
    atomic_int ran;
} shut_arg;

static int body_quick(ladon_task_ctx *ctx, void *arg)
{
    shut_arg *sa = arg;
    atomic_fetch_add(&sa->ran, 1);
    gate_set(&sa->started, 1);
    sleep_ms(30); /* well inside the grace period */
    return ladon_task_set_result(ctx, "quick", 5);
}

static int body_stubborn(ladon_task_ctx *ctx, void *arg)
{
    shut_arg *sa = arg;
    atomic_fetch_add(&sa->ran, 1);
    gate_set(&sa->started, 1);
    while (!ladon_task_stopping(ctx))
        sleep_ms(1);
    /* finishes anyway: must not overwrite the recorded failure */
    return ladon_task_set_result(ctx, "late", 4);
}

static int body_never(ladon_task_ctx *ctx, void *arg)
{
    (void)ctx;
    shut_arg *sa = arg;
    atomic_fetch_add(&sa->ran, 100);
    return 0;
}

static void test_shutdown(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 2, 8, 3600);
    shut_arg quick = {.ran = 0}, stubborn = {.ran = 0}, never = {.ran = 0};
    gate_init(&quick.started);
    gate_init(&stubborn.started);
    gate_init(&never.started);
    atomic_store(&freed_args, 0);
    int32_t q, s, n[3];
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_quick, &quick,
                                            count_free, &q), 0);
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_stubborn, &stubborn,
                                            count_free, &s), 0);
    gate_wait(&quick.started, 1);
    gate_wait(&stubborn.started, 1);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_never, &never,
                                                count_free, &n[i]), 0);

    int still = ladon_task_engine_stop(eng, 300);
    CU_ASSERT(still == 0 || still == 1); /* the stubborn one, maybe */
    int32_t id;
    CU_ASSERT_EQUAL(ladon_task_submit(eng, "m", body_empty, NULL, NULL, &id),
                    LADON_EBUSY);
    CU_ASSERT(ladon_task_engine_stop(eng, 0) <= 1); /* second call */
    ladon_task_engine_shutdown(eng, 0); /* joins: the stubborn one returned */

    CU_ASSERT_EQUAL(atomic_load(&never.ran), 0);
    CU_ASSERT_EQUAL(atomic_load(&freed_args), 5);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", q, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(rec.result_len, 5);
    free(rec.result);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", s, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(rec.message, LADON_TASK_SHUTDOWN_MESSAGE);
    CU_ASSERT_EQUAL(rec.info.progress, 1.0);
    CU_ASSERT_PTR_NULL(rec.result);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", n[i], &rec, 1), 0);
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
        CU_ASSERT_STRING_EQUAL(rec.message, LADON_TASK_SHUTDOWN_MESSAGE);
    }
    ladon_store_close(st);
    gate_destroy(&quick.started);
    gate_destroy(&stubborn.started);
    gate_destroy(&never.started);
}


/* ---- store faults (a registered wrapper around the memory store) ------- */

static atomic_int fault_add, fault_start, fault_finish;

static int faulty_add(ladon_store *st, int32_t id, const char *method,
                      double starttime)
{
    if (atomic_load(&fault_add))
        return LADON_ESTORE;
    return ladon__store_memory_ops.add(st, id, method, starttime);
}

static int faulty_start(ladon_store *st, int32_t id, ladon_task_live *live)
{
    if (atomic_load(&fault_start))
        return LADON_ESTORE;
    return ladon__store_memory_ops.start(st, id, live);
}

static int faulty_finish(ladon_store *st, int32_t id, const void *result,
                         size_t len, unsigned ttl_s)
{
    if (atomic_load(&fault_finish))
        return LADON_ENOMEM;
    return ladon__store_memory_ops.finish(st, id, result, len, ttl_s);
}

static ladon_store_ops faulty_ops;
static atomic_int body_runs;

static int body_counted(ladon_task_ctx *ctx, void *arg)
{
    (void)arg;
    atomic_fetch_add(&body_runs, 1);
    return ladon_task_set_result(ctx, "ok", 2);
}

static void test_store_faults(void)
{
    faulty_ops = ladon__store_memory_ops;
    faulty_ops.scheme = "faulty";
    faulty_ops.add = faulty_add;
    faulty_ops.start = faulty_start;
    faulty_ops.finish = faulty_finish;
    CU_ASSERT_EQUAL_FATAL(ladon_store_register(&faulty_ops), 0);
    ladon_store *st = open_store("faulty:");
    ladon_task_engine *eng = new_engine(st, 1, 2, 3600);
    atomic_store(&freed_args, 0);
    atomic_store(&body_runs, 0);
    int32_t id = -1;

    /* store down at submit: refused, nothing kept, slot released */
    atomic_store(&fault_add, 1);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(ladon_task_submit(eng, "m", body_counted, NULL,
                                          count_free, &id), LADON_ESTORE);
    CU_ASSERT_EQUAL(id, -1);
    CU_ASSERT_EQUAL(atomic_load(&freed_args), 0);
    atomic_store(&fault_add, 0);
    ladon_task_engine_stats es;
    ladon_task_engine_stats_get(eng, &es);
    CU_ASSERT_EQUAL(es.queued, 0);

    /* start fails: the task fails with a clear message, body never runs */
    atomic_store(&fault_start, 1);
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_counted, NULL,
                                            count_free, &id), 0);
    ladon_task_info info = wait_end(eng, "m", id);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_FAILED);
    char msg[LADON_TASK_MESSAGE_MAX];
    void *res;
    size_t len;
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", id, NULL, &res, &len, msg,
                                      sizeof msg), LADON_EFAULT);
    CU_ASSERT_STRING_EQUAL(msg, "task could not be started");
    CU_ASSERT_EQUAL(atomic_load(&body_runs), 0);
    atomic_store(&fault_start, 0);

    /* the result cannot be stored: failed, never a missing result */
    atomic_store(&fault_finish, 1);
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_counted, NULL,
                                            count_free, &id), 0);
    info = wait_end(eng, "m", id);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_FAILED);
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", id, NULL, &res, &len, msg,
                                      sizeof msg), LADON_EFAULT);
    CU_ASSERT_STRING_EQUAL(msg, "the task's result could not be stored");
    CU_ASSERT_EQUAL(atomic_load(&body_runs), 1);
    atomic_store(&fault_finish, 0);

    ladon_task_engine_free(eng);
    CU_ASSERT_EQUAL(atomic_load(&freed_args), 2);
    ladon_store_close(st);
}

/* ---- shutdown while clients keep submitting ----------------------------- */

enum { SUBMITTERS = 4, MAX_PER_SUBMITTER = 4000 };

typedef struct submitter {
    ladon_task_engine *eng;
    atomic_int *done;
    int32_t ids[MAX_PER_SUBMITTER];
    int n;
    long errors;
} submitter;

static int body_short(ladon_task_ctx *ctx, void *arg)
{
    (void)arg;
    for (int i = 1; i <= 100; i++)
        ladon_task_update_progress(ctx, i / 100.0);
    if (ladon_task_id(ctx) % 3 == 0)
        sleep_ms(1);
    return ladon_task_set_result(ctx, "s", 1);
}

static void *submitter_main(void *p)
{
    submitter *sb = p;
    while (!atomic_load(sb->done) && sb->n < MAX_PER_SUBMITTER) {
        int rc = ladon_task_submit(sb->eng, "m", body_short, NULL, count_free,
                                   &sb->ids[sb->n]);
        if (rc == 0)
            sb->n++;
        else if (rc != LADON_EBUSY)
            sb->errors++;
        else
            sched_yield();
    }
    return NULL;
}

static void test_shutdown_under_load(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 4, 64, 3600);
    atomic_store(&freed_args, 0);
    atomic_int done = 0;
    static submitter sb[SUBMITTERS];
    pthread_t th[SUBMITTERS];
    for (int i = 0; i < SUBMITTERS; i++) {
        sb[i] = (submitter){.eng = eng, .done = &done};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, submitter_main,
                                             &sb[i]), 0);
    }
    sleep_ms(30);
    (void)ladon_task_engine_stop(eng, 0); /* no grace at all */
    atomic_store(&done, 1);
    int total = 0;
    long errors = 0;
    for (int i = 0; i < SUBMITTERS; i++) {
        pthread_join(th[i], NULL);
        total += sb[i].n;
        errors += sb[i].errors;
    }
    ladon_task_engine_shutdown(eng, 0);
    CU_ASSERT_EQUAL(errors, 0);
    CU_ASSERT(total > 0);
    CU_ASSERT_EQUAL(atomic_load(&freed_args), total);
    ladon_store_stats ss;
    CU_ASSERT_EQUAL(ladon_store_stats_get(st, &ss), 0);
    CU_ASSERT_EQUAL(ss.records, (size_t)total); /* nothing else recorded */
    CU_ASSERT_EQUAL(ss.ended, (size_t)total);   /* nothing left running */
    int done_n = 0, failed_n = 0, bad = 0;
    for (int i = 0; i < SUBMITTERS; i++)
        for (int k = 0; k < sb[i].n; k++) {
            ladon_task_record rec;
            if (ladon_store_get(st, "m", sb[i].ids[k], &rec, 1) != 0) {
                bad++;
                continue;
            }
            if (rec.info.state == LADON_TASK_DONE && rec.result_len == 1)
                done_n++;
            else if (rec.info.state == LADON_TASK_FAILED &&
                     strcmp(rec.message, LADON_TASK_SHUTDOWN_MESSAGE) == 0)
                failed_n++;
            else
                bad++;
            CU_ASSERT_EQUAL(rec.info.progress, 1.0);
            free(rec.result);
        }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(done_n + failed_n, total);
    ladon_store_close(st);
}

/* ---- the lifecycle (issue 13) ------------------------------------------ */

static atomic_int woken_id, woken_n;

static void record_wake(void *ud, int32_t id)
{
    (void)ud;
    atomic_store(&woken_id, id);
    atomic_fetch_add(&woken_n, 1);
}

/* Runs until told to stop; sets a status line first. */
static int body_until_stopped(ladon_task_ctx *ctx, void *arg)
{
    stepper *sp = arg;
    ladon_task_update_status(ctx, "copying %s", "swap.img");
    gate_set(&sp->out, 1);
    while (!ladon_task_stopping(ctx))
        sleep_ms(1);
    return ladon_task_set_result(ctx, "late", 4); /* discarded: cancelled */
}

static int body_client_fault(ladon_task_ctx *ctx, void *arg)
{
    (void)arg;
    return ladon_task_fail_client(ctx, "no instance %s", "i-9");
}

static void test_cancel_and_wake(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 1, 8, 3600);
    ladon_task_set_waker(eng, record_wake, NULL);
    stepper run;
    gate_init(&run.in);
    gate_init(&run.out);
    atomic_store(&freed_args, 0);
    int32_t a, b;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_until_stopped, &run, count_free, &a), 0);
    gate_wait(&run.out, 1);
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_empty, NULL, count_free, &b), 0);
    ladon_task_record rec;
    /* the status line while running */
    CU_ASSERT_EQUAL(ladon_task_query(eng, "m", a, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_RUNNING);
    CU_ASSERT_STRING_EQUAL(rec.message, "copying swap.img");
    /* queued: cancelled at once, out of the ring, its argument freed */
    CU_ASSERT_EQUAL(ladon_task_watch(eng, "m", b), 0);
    CU_ASSERT_EQUAL(ladon_task_cancel(eng, "m", b, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_CANCELLED);
    CU_ASSERT_STRING_EQUAL(rec.message, LADON_TASK_CANCELLED_MESSAGE);
    CU_ASSERT_EQUAL(atomic_load(&woken_id), b);
    ladon_task_engine_stats es;
    ladon_task_engine_stats_get(eng, &es);
    CU_ASSERT_EQUAL(es.queued, 0);
    CU_ASSERT_EQUAL(atomic_load(&freed_args), 1);
    ladon_task_unwatch(eng, b);
    /* another method's id is unknown to cancel */
    CU_ASSERT_EQUAL(ladon_task_cancel(eng, "other", a, &rec), LADON_ENOTFOUND);
    /* running: asked to stop, ends cancelled, its result discarded */
    CU_ASSERT_EQUAL(ladon_task_watch(eng, "m", a), 0);
    atomic_store(&woken_n, 0);
    CU_ASSERT_EQUAL(ladon_task_cancel(eng, "m", a, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_RUNNING);
    CU_ASSERT(rec.flags & LADON_TASK_CANCEL_REQUESTED);
    for (int i = 0; i < 5000 && atomic_load(&woken_n) == 0; i++)
        sleep_ms(1);
    CU_ASSERT_EQUAL(atomic_load(&woken_id), a);
    CU_ASSERT_EQUAL(ladon_task_query(eng, "m", a, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_CANCELLED);
    CU_ASSERT_EQUAL(rec.info.progress, 1.0);
    void *res = NULL;
    size_t len = 0;
    char msg[64];
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", a, NULL, &res, &len, msg, sizeof msg),
                    LADON_ECANCELLED);
    CU_ASSERT_PTR_NULL(res);
    /* ended: cancel changes nothing */
    CU_ASSERT_EQUAL(ladon_task_cancel(eng, "m", a, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_CANCELLED);
    ladon_task_unwatch(eng, a);
    /* a body's client fault keeps its flag */
    int32_t c;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_client_fault, NULL, NULL, &c), 0);
    CU_ASSERT_EQUAL(wait_end(eng, "m", c).state, LADON_TASK_FAILED);
    CU_ASSERT_EQUAL(ladon_task_query(eng, "m", c, &rec), 0);
    CU_ASSERT(rec.flags & LADON_TASK_CLIENT_FAULT);
    CU_ASSERT_STRING_EQUAL(rec.message, "no instance i-9");
    ladon_task_engine_free(eng);
    ladon_store_close(st);
    gate_destroy(&run.in);
    gate_destroy(&run.out);
}

static void test_idempotency_key(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 2, 8, 3600);
    int32_t a = 0, b = 0, c = 0;
    int existed = -1;
    ladon_task_start s = {.method = "m", .run = body_empty, .idempotency_key = "k-1",
                          .args_hash = 42};
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &s, &a, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &s, &b, &existed), 0);
    CU_ASSERT_EQUAL(existed, 1);
    CU_ASSERT_EQUAL(a, b);
    s.args_hash = 43;
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &s, &c, &existed), LADON_ECONFLICT);
    s.method = "n"; /* the same key of another method: its own task */
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &s, &c, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT_NOT_EQUAL(c, a);
    s.idempotency_key = "bad key";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &s, &c, &existed), LADON_EINVAL);
    /* the loser's records were removed: a, c and the one of "n" only */
    ladon_store_stats ss;
    CU_ASSERT_EQUAL(wait_end(eng, "m", a).state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(ladon_store_stats_get(st, &ss), 0);
    CU_ASSERT_EQUAL(ss.records, 2);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* ---- ownership (issue 16) ---------------------------------------------- */

static int body_owner(ladon_task_ctx *ctx, void *arg)
{
    (void)arg;
    const char *o = ladon_task_owner(ctx);
    return ladon_task_set_result(ctx, o, strlen(o));
}

/* What every _as query answers for id as caller: its rc; a non-zero rc
 * must leave the record as an unknown id does (all zero). */
static int seen_as(ladon_task_engine *eng, const char *caller, int32_t id)
{
    static const ladon_task_record zero;
    ladon_task_record rec;
    int q = ladon_task_query_as(eng, "m", caller, id, &rec);
    if (q != 0)
        CU_ASSERT(memcmp(&rec, &zero, sizeof rec) == 0);
    int f = ladon_task_fetch_as(eng, "m", caller, id, &rec);
    if (f == 0)
        free(rec.result);
    else
        CU_ASSERT(memcmp(&rec, &zero, sizeof rec) == 0);
    CU_ASSERT_EQUAL(q, f);
    return q;
}

static void test_ownership(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 2, 16, 3600);
    int32_t a = 0, anon = 0, unknown_id = 0;
    ladon_task_start s = {.method = "m", .run = body_owner, .owner = "alice"};
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &s, &a, NULL), 0);
    s.owner = NULL;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &s, &anon, NULL), 0);
    CU_ASSERT_EQUAL(wait_end(eng, "m", a).state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(wait_end(eng, "m", anon).state, LADON_TASK_DONE);
    do
        unknown_id = (int32_t)(random() & 0x7fffffff);
    while (unknown_id == 0 || unknown_id == a || unknown_id == anon);

    /* the body ran as its owner */
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_task_fetch_as(eng, "m", "alice", a, &rec), 0);
    CU_ASSERT_EQUAL(rec.result_len, 5);
    CU_ASSERT_NSTRING_EQUAL(rec.result, "alice", 5);
    CU_ASSERT_STRING_EQUAL(rec.owner, "alice");
    free(rec.result);
    CU_ASSERT_EQUAL_FATAL(ladon_task_fetch_as(eng, "m", NULL, anon, &rec), 0);
    CU_ASSERT_EQUAL(rec.result_len, 0);
    free(rec.result);

    /* alice's: hers only; bob, anonymous, a near name: as unknown */
    CU_ASSERT_EQUAL(seen_as(eng, "alice", a), 0);
    CU_ASSERT_EQUAL(seen_as(eng, "bob", a), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(seen_as(eng, NULL, a), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(seen_as(eng, "", a), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(seen_as(eng, "alice ", a), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(seen_as(eng, "bob", unknown_id), LADON_ENOTFOUND);
    /* an anonymous task: everyone's */
    CU_ASSERT_EQUAL(seen_as(eng, NULL, anon), 0);
    CU_ASSERT_EQUAL(seen_as(eng, "bob", anon), 0);
    CU_ASSERT_EQUAL(seen_as(eng, "alice", anon), 0);

    /* cancel by another changes nothing and answers as unknown */
    stepper sp = {0}, sp2 = {0};
    gate_init(&sp.in);
    gate_init(&sp.out);
    gate_init(&sp2.in);
    gate_init(&sp2.out);
    int32_t q = 0;
    s.run = body_never;
    s.owner = "alice";
    /* a queued one: fill the workers first with two blocked tasks */
    int32_t b1 = 0, b2 = 0;
    ladon_task_start blk = {.method = "blk", .run = body_block, .arg = &sp};
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &blk, &b1, NULL), 0);
    blk.arg = &sp2;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &blk, &b2, NULL), 0);
    gate_wait(&sp.out, 1);
    gate_wait(&sp2.out, 1);
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &s, &q, NULL), 0);
    static const ladon_task_record zero;
    CU_ASSERT_EQUAL(ladon_task_cancel_as(eng, "m", "bob", q, &rec), LADON_ENOTFOUND);
    CU_ASSERT(memcmp(&rec, &zero, sizeof rec) == 0);
    CU_ASSERT_EQUAL(ladon_task_cancel_as(eng, "m", NULL, q, &rec), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_task_cancel_as(eng, "m", "bob", unknown_id, &rec), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_task_query(eng, "m", q, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_QUEUED);
    CU_ASSERT_EQUAL(ladon_task_cancel_as(eng, "m", "alice", q, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_CANCELLED);
    gate_set(&sp.in, 1);
    gate_set(&sp2.in, 1);
    CU_ASSERT_EQUAL(wait_end(eng, "blk", b1).state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(wait_end(eng, "blk", b2).state, LADON_TASK_DONE);

    /* listing: alice's own of the method, newest first; never anonymous */
    ladon_task_info page[8];
    size_t n = 0;
    int more = 1;
    CU_ASSERT_EQUAL(ladon_task_list(eng, "m", "alice", NULL, 8, page, &n, &more), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(page[0].id, q);
    CU_ASSERT_EQUAL(page[1].id, a);
    CU_ASSERT_EQUAL(more, 0);
    CU_ASSERT_EQUAL(ladon_task_list(eng, "m", "bob", NULL, 8, page, &n, &more), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(ladon_task_list(eng, "m", NULL, NULL, 8, page, &n, &more), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_task_list(eng, "m", "", NULL, 8, page, &n, &more), LADON_EINVAL);

    /* an idempotency key is its user's: the same key of bob, of an
     * anonymous caller, is another task; alice's again is hers */
    int32_t ka = 0, kb = 0, kn = 0, ka2 = 0;
    int existed = -1;
    ladon_task_start k = {.method = "m", .run = body_owner, .idempotency_key = "same",
                          .args_hash = 7, .owner = "alice"};
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &ka, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    k.owner = "bob";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &kb, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT_NOT_EQUAL(kb, ka);
    k.owner = NULL;
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &kn, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT(kn != ka && kn != kb);
    k.owner = "alice";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &ka2, &existed), 0);
    CU_ASSERT_EQUAL(existed, 1);
    CU_ASSERT_EQUAL(ka2, ka);
    /* a name ending like a scope does not reach another's claim */
    k.owner = "alice~same";
    k.idempotency_key = "x";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &kb, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    /* a key too long once scoped by a long name is refused */
    char lname[200], lkey[200];
    memset(lname, 'n', sizeof lname - 1);
    lname[sizeof lname - 1] = '\0';
    memset(lkey, 'k', sizeof lkey - 1);
    lkey[sizeof lkey - 1] = '\0';
    k.owner = lname;
    k.idempotency_key = lkey;
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &kb, &existed), LADON_EINVAL);
    k.owner = NULL; /* anonymous, the same key fits */
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &kb, &existed), 0);

    ladon_task_engine_free(eng);
    gate_destroy(&sp.in);
    gate_destroy(&sp.out);
    gate_destroy(&sp2.in);
    gate_destroy(&sp2.out);
    ladon_store_close(st);
}

/* An anonymous caller's key never names a user's claim, and a user's key
 * never names an anonymous claim, whatever bytes the client sends: the
 * anonymous "~alice~k1" is not alice's "k1" (scoped "~alice~k1"), and an
 * anonymous "~carol~k9" claimed first does not capture carol's "k9". */
static void test_key_scopes_apart(void)
{
    ladon_store *st = open_store("memory:");
    ladon_task_engine *eng = new_engine(st, 2, 16, 3600);
    int32_t mine = 0, theirs = 0, again = 0;
    int existed = -1;
    ladon_task_start k = {.method = "m", .run = body_owner, .idempotency_key = "k1",
                          .args_hash = 7, .owner = "alice"};
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &k, &mine, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    /* alice's scoped form sent anonymously, same arguments: a new task */
    k.owner = NULL;
    k.idempotency_key = "~alice~k1";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &theirs, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT_NOT_EQUAL(theirs, mine);
    /* ... and its own claim from now on (it still works as a key) */
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &again, &existed), 0);
    CU_ASSERT_EQUAL(existed, 1);
    CU_ASSERT_EQUAL(again, theirs);
    /* other arguments: no conflict with alice's claim (that would tell them) */
    k.owner = "alice";
    k.idempotency_key = "k2";
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &k, &mine, &existed), 0);
    k.owner = NULL;
    k.idempotency_key = "~alice~k2";
    k.args_hash = 8;
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &theirs, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT_NOT_EQUAL(theirs, mine);
    /* a name that is percent-encoded in the scope: its encoded form too */
    k.owner = "a~l%ce";
    k.idempotency_key = "k3";
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &k, &mine, &existed), 0);
    k.owner = NULL;
    k.idempotency_key = "~a%7El%25ce~k3";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &theirs, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT_NOT_EQUAL(theirs, mine);

    /* the other direction: an anonymous claim of carol's scoped form first */
    k.owner = NULL;
    k.idempotency_key = "~carol~k9";
    k.args_hash = 9;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &k, &theirs, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    k.owner = "carol";
    k.idempotency_key = "k9";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &mine, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT_NOT_EQUAL(mine, theirs);
    CU_ASSERT_EQUAL(wait_end(eng, "m", mine).state, LADON_TASK_DONE);
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_task_fetch_as(eng, "m", "carol", mine, &rec), 0);
    CU_ASSERT_STRING_EQUAL(rec.owner, "carol");
    free(rec.result);
    /* with other arguments: carol's own claim answers, not the anonymous one */
    k.args_hash = 10;
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &again, &existed), LADON_ECONFLICT);

    /* anonymous keys stay apart from each other: "~x", "~~x", "x" */
    k.owner = NULL;
    k.args_hash = 11;
    int32_t t1 = 0, t2 = 0, t3 = 0;
    k.idempotency_key = "~x";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &t1, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    k.idempotency_key = "~~x";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &t2, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    k.idempotency_key = "x";
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &t3, &existed), 0);
    CU_ASSERT_EQUAL(existed, 0);
    CU_ASSERT(t1 != t2 && t2 != t3 && t1 != t3);

    /* an anonymous key without a leading '~' is claimed as sent, as before:
     * a claim stored by an earlier version still answers within its ttl */
    int32_t old = 0, holder = 0;
    uint64_t hash = 0;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &old), 0);
    CU_ASSERT_EQUAL_FATAL(ladon_store_claim(st, "m", "old-key", 12, old, 3600, &holder, &hash),
                          0);
    k.idempotency_key = "old-key";
    k.args_hash = 12;
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &again, &existed), 0);
    CU_ASSERT_EQUAL(existed, 1);
    CU_ASSERT_EQUAL(again, old);
    CU_ASSERT_EQUAL(ladon_store_remove(st, old), 0);

    /* the longest key: as sent it fits; with a leading '~' one byte less */
    char lkey[LADON_TASK_KEY_MAX];
    memset(lkey, '~', sizeof lkey - 1);
    lkey[sizeof lkey - 1] = '\0';
    k.idempotency_key = lkey;
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &again, &existed), LADON_EINVAL);
    lkey[sizeof lkey - 2] = '\0';
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &again, &existed), 0);
    memset(lkey, 'k', sizeof lkey - 1);
    lkey[sizeof lkey - 1] = '\0';
    CU_ASSERT_EQUAL(ladon_task_submit_start(eng, &k, &again, &existed), 0);

    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* ---- m_result reads the result only for its owner ---------------------- */

/* A memory store that counts the gets that read a result. */
static atomic_int gets_with_result, gets_without;

static int counting_get(ladon_store *st, const char *method, int32_t id,
                        ladon_task_record *out, int want_result)
{
    atomic_fetch_add(want_result ? &gets_with_result : &gets_without, 1);
    return ladon__store_memory_ops.get(st, method, id, out, want_result);
}

static ladon_store_ops counting_ops;

static int body_big(ladon_task_ctx *ctx, void *arg)
{
    (void)arg;
    static char big[100000];
    memset(big, 'r', sizeof big);
    return ladon_task_set_result(ctx, big, sizeof big);
}

/* Another's (or an unknown) id never makes the store read a result: the
 * owner is checked on a record read without it; the owner gets the result
 * with one more read. */
static void test_fetch_as_owner_first(void)
{
    counting_ops = ladon__store_memory_ops;
    counting_ops.scheme = "counting";
    counting_ops.get = counting_get;
    CU_ASSERT_EQUAL_FATAL(ladon_store_register(&counting_ops), 0);
    ladon_store *st = open_store("counting:");
    ladon_task_engine *eng = new_engine(st, 1, 4, 3600);
    int32_t a = 0, anon = 0;
    ladon_task_start s = {.method = "m", .run = body_big, .owner = "alice"};
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &s, &a, NULL), 0);
    s.owner = NULL;
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit_start(eng, &s, &anon, NULL), 0);
    CU_ASSERT_EQUAL(wait_end(eng, "m", a).state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(wait_end(eng, "m", anon).state, LADON_TASK_DONE);
    int32_t never = 0;
    do
        never = (int32_t)(random() & 0x7fffffff);
    while (never == 0 || never == a || never == anon);

    static const ladon_task_record zero;
    ladon_task_record rec;
    const char *const others[] = {"bob", NULL, "", "alice "};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        atomic_store(&gets_with_result, 0);
        atomic_store(&gets_without, 0);
        CU_ASSERT_EQUAL(ladon_task_fetch_as(eng, "m", others[i], a, &rec), LADON_ENOTFOUND);
        CU_ASSERT(memcmp(&rec, &zero, sizeof rec) == 0);
        CU_ASSERT_EQUAL(atomic_load(&gets_with_result), 0);
        CU_ASSERT_EQUAL(atomic_load(&gets_without), 1);
        /* an id never issued: the same reads */
        atomic_store(&gets_without, 0);
        CU_ASSERT_EQUAL(ladon_task_fetch_as(eng, "m", others[i], never, &rec), LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(atomic_load(&gets_with_result), 0);
        CU_ASSERT_EQUAL(atomic_load(&gets_without), 1);
    }
    /* the owner: the result, read once */
    atomic_store(&gets_with_result, 0);
    CU_ASSERT_EQUAL_FATAL(ladon_task_fetch_as(eng, "m", "alice", a, &rec), 0);
    CU_ASSERT_EQUAL(rec.result_len, 100000);
    CU_ASSERT_STRING_EQUAL(rec.owner, "alice");
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
    free(rec.result);
    CU_ASSERT_EQUAL(atomic_load(&gets_with_result), 1);
    /* an anonymous task: everyone's, result and all */
    CU_ASSERT_EQUAL_FATAL(ladon_task_fetch_as(eng, "m", "bob", anon, &rec), 0);
    CU_ASSERT_EQUAL(rec.result_len, 100000);
    free(rec.result);
    CU_ASSERT_EQUAL_FATAL(ladon_task_fetch_as(eng, "m", NULL, anon, &rec), 0);
    CU_ASSERT_EQUAL(rec.result_len, 100000);
    free(rec.result);
    CU_ASSERT_EQUAL(atomic_load(&gets_with_result), 3);

    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* free without stop: the configured grace applies; idle engine exits fast */
static void test_free_idle(void)
{
    ladon_store *st = open_store("memory:");
    for (int i = 0; i < 20; i++) {
        ladon_task_engine *eng = new_engine(st, 3, 2, 60);
        ladon_task_engine_free(eng);
    }
    ladon_store_close(st);
}

int main(void)
{
    static const lg_test tests[] = {
        {"config and arguments", test_config},
        {"result repeatable, scoping", test_result_repeatable},
        {"empty result, failures", test_empty_result_and_failures},
        {"progress, starttime, duration", test_progress_semantics},
        {"queue full", test_queue_full},
        {"ttl expiry releases memory", test_ttl_expiry},
        {"published progress", test_published_progress},
        {"tight-loop updates", test_tight_loop},
        {"concurrent clients", test_concurrent_clients},
        {"shutdown with grace", test_shutdown},
        {"store faults", test_store_faults},
        {"shutdown under load", test_shutdown_under_load},
        {"free idle engines", test_free_idle},
        {"cancel, wake, status, client fault", test_cancel_and_wake},
        {"idempotency keys", test_idempotency_key},
        {"ownership: as unknown to others, keys and lists per user", test_ownership},
        {"idempotency keys: anonymous and owned scopes never meet", test_key_scopes_apart},
        {"fetch_as: the owner is checked before the result is read", test_fetch_as_owner_first},
        {NULL, NULL},
    };
    return lg_run_suite_with("task_engine", NULL, NULL, tests);
}
