/* test_task_faults.c - CUnit suite of the task engine against a store that
 * has leases and can be told to fail: lease renewal of queued and running
 * tasks, coalesced progress, "task lost", and store outages (deferred
 * outcomes retried with backoff, dropped when the record is gone, one last
 * try at shutdown, fast refusals).
 *
 * The store is a fake, "fake:", registered with ladon_store_register(): a
 * wrapper around the memory store that adds leases the way the shared stores
 * keep them (store.h) and whose operations answer LADON_ESTORE on demand.
 * Real memcached/redis cannot fail on cue, so this is the one place a fake
 * is right.  The store's clock is fake too, and the engine follows the
 * store's clock: time moves only when a test moves it, so every count below
 * is exact.  Threads meet through polling with a bound, never through
 * sleeps that must be long enough.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <CUnit/Basic.h>
#include "../cunit_main.h"
#include "../mono_clock.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ladon/error.h"
#include "ladon/task.h"
#include "task_internal.h"

/* ---- time -------------------------------------------------------------- */

#include "fake_clock.h"

static void advance_ms(long ms)
{
    atomic_fetch_add(&fake_ns, ms * 1000000LL);
}

/* Polls cond(arg) every millisecond for up to 10 s of real time. */
static int eventually(int (*cond)(void *), void *arg)
{
    for (int i = 0; i < 10000; i++) {
        if (cond(arg))
            return 1;
        lg_sleep_ms(1);
    }
    return cond(arg);
}

/* ---- the fake store ---------------------------------------------------- */

enum { MAX_RECS = 64 };

/* What the fake knows of one record besides the memory store's copy. */
typedef struct frec {
    int used;
    int32_t id;
    char method[LADON_TASK_METHOD_MAX];
    double lease_until; /* realtime; 0 once ended */
    atomic_int touches, progress_writes, finishes, fails;
} frec;

typedef struct fstore {
    ladon_store base;
    ladon_store *inner; /* memory:?live_progress=0: no live cells, like a
                         * remote store */
    pthread_mutex_t mu;
    frec recs[MAX_RECS];
} fstore;

/* Fault switches: non-zero makes the operation answer LADON_ESTORE. */
static atomic_int down_all, down_touch, down_start, down_add, down_outcome;
/* finish answers like a store whose items cannot hold the result (store.h):
 * records the failure itself and returns LADON_EINVAL */
static atomic_int too_large;
static atomic_int add_calls, finish_calls, fail_calls, touch_calls;

static void reset_faults(void)
{
    atomic_store(&down_all, 0);
    atomic_store(&down_touch, 0);
    atomic_store(&down_start, 0);
    atomic_store(&down_add, 0);
    atomic_store(&down_outcome, 0);
    atomic_store(&too_large, 0);
    atomic_store(&add_calls, 0);
    atomic_store(&finish_calls, 0);
    atomic_store(&fail_calls, 0);
    atomic_store(&touch_calls, 0);
}

/* The fake's entry of id (NULL when none).  Caller holds fs->mu. */
static frec *frec_of(fstore *fs, int32_t id)
{
    for (int i = 0; i < MAX_RECS; i++)
        if (fs->recs[i].used && fs->recs[i].id == id)
            return &fs->recs[i];
    return NULL;
}

static double lease_end(fstore *fs)
{
    return ladon__store_realtime(&fs->base) + fs->base.lease_s;
}

static int fake_open(ladon_store **out, const char *rest,
                     const ladon_store_options *opt, char *err, size_t errlen)
{
    fstore *fs = calloc(1, sizeof *fs);
    if (fs == NULL)
        return LADON_ENOMEM;
    int rc = ladon_store_open(&fs->inner, "memory:?live_progress=0", err,
                              errlen);
    if (rc != 0) {
        free(fs);
        return rc;
    }
    pthread_mutex_init(&fs->mu, NULL);
    fs->base.caps = 0;
    fs->base.lease_s = strcmp(rest, "?nolease") == 0 ? 0 : opt->lease_s;
    *out = &fs->base;
    return 0;
}

static void fake_close(ladon_store *st)
{
    fstore *fs = (fstore *)st;
    ladon_store_close(fs->inner);
    pthread_mutex_destroy(&fs->mu);
    free(fs);
}

static int fake_add(ladon_store *st, int32_t id, const char *method,
                    double starttime)
{
    fstore *fs = (fstore *)st;
    atomic_fetch_add(&add_calls, 1);
    if (atomic_load(&down_all) || atomic_load(&down_add))
        return LADON_ESTORE;
    int rc = fs->inner->ops->add(fs->inner, id, method, starttime);
    if (rc != 0)
        return rc;
    pthread_mutex_lock(&fs->mu);
    for (int i = 0; i < MAX_RECS; i++)
        if (!fs->recs[i].used) {
            frec *r = &fs->recs[i];
            r->used = 1;
            r->id = id;
            snprintf(r->method, sizeof r->method, "%s", method);
            r->lease_until = fs->base.lease_s > 0 ? lease_end(fs) : 0.0;
            atomic_store(&r->touches, 0);
            atomic_store(&r->progress_writes, 0);
            atomic_store(&r->finishes, 0);
            atomic_store(&r->fails, 0);
            break;
        }
    pthread_mutex_unlock(&fs->mu);
    return 0;
}

static int fake_start(ladon_store *st, int32_t id, ladon_task_live *live)
{
    fstore *fs = (fstore *)st;
    if (atomic_load(&down_all) || atomic_load(&down_start))
        return LADON_ESTORE;
    int rc = fs->inner->ops->start(fs->inner, id, live);
    if (rc == 0 && fs->base.lease_s > 0) {
        pthread_mutex_lock(&fs->mu);
        frec *r = frec_of(fs, id);
        if (r != NULL)
            r->lease_until = lease_end(fs);
        pthread_mutex_unlock(&fs->mu);
    }
    return rc;
}

static int fake_progress(ladon_store *st, int32_t id, double fraction)
{
    fstore *fs = (fstore *)st;
    pthread_mutex_lock(&fs->mu);
    frec *r = frec_of(fs, id);
    if (r != NULL)
        atomic_fetch_add(&r->progress_writes, 1);
    pthread_mutex_unlock(&fs->mu);
    if (atomic_load(&down_all))
        return LADON_ESTORE;
    return fs->inner->ops->progress(fs->inner, id, fraction);
}

static int fake_touch(ladon_store *st, int32_t id, double fraction)
{
    fstore *fs = (fstore *)st;
    ladon_task_record rec;
    atomic_fetch_add(&touch_calls, 1);
    pthread_mutex_lock(&fs->mu);
    frec *r = frec_of(fs, id);
    char method[LADON_TASK_METHOD_MAX] = "";
    if (r != NULL) {
        atomic_fetch_add(&r->touches, 1);
        memcpy(method, r->method, sizeof method);
    }
    pthread_mutex_unlock(&fs->mu);
    if (atomic_load(&down_all) || atomic_load(&down_touch))
        return LADON_ESTORE;
    if (r == NULL)
        return LADON_ENOTFOUND;
    int rc = fs->inner->ops->get(fs->inner, method, id, &rec, 0);
    if (rc != 0)
        return rc;
    if (rec.info.state != LADON_TASK_QUEUED &&
        rec.info.state != LADON_TASK_RUNNING)
        return LADON_ESTATE;
    if (rec.info.state == LADON_TASK_RUNNING && fraction >= 0.0)
        (void)fs->inner->ops->progress(fs->inner, id, fraction);
    pthread_mutex_lock(&fs->mu);
    r = frec_of(fs, id);
    if (r != NULL)
        r->lease_until = lease_end(fs);
    pthread_mutex_unlock(&fs->mu);
    return 0;
}

static void ended(fstore *fs, int32_t id, int finish)
{
    pthread_mutex_lock(&fs->mu);
    frec *r = frec_of(fs, id);
    if (r != NULL) {
        r->lease_until = 0.0;
        atomic_fetch_add(finish ? &r->finishes : &r->fails, 1);
    }
    pthread_mutex_unlock(&fs->mu);
}

static int fake_finish(ladon_store *st, int32_t id, const void *result,
                       size_t len, unsigned ttl_s)
{
    fstore *fs = (fstore *)st;
    atomic_fetch_add(&finish_calls, 1);
    if (atomic_load(&down_all) || atomic_load(&down_outcome))
        return LADON_ESTORE;
    if (atomic_load(&too_large)) {
        char msg[128];
        snprintf(msg, sizeof msg, LADON_TASK_TOO_LARGE_MESSAGE, len);
        if (fs->inner->ops->fail(fs->inner, id, msg, ttl_s) == 0)
            ended(fs, id, 0);
        return LADON_EINVAL;
    }
    int rc = fs->inner->ops->finish(fs->inner, id, result, len, ttl_s);
    if (rc == 0)
        ended(fs, id, 1);
    return rc;
}

static int fake_fail(ladon_store *st, int32_t id, const char *message,
                     unsigned ttl_s)
{
    fstore *fs = (fstore *)st;
    atomic_fetch_add(&fail_calls, 1);
    if (atomic_load(&down_all) || atomic_load(&down_outcome))
        return LADON_ESTORE;
    int rc = fs->inner->ops->fail(fs->inner, id, message, ttl_s);
    if (rc == 0)
        ended(fs, id, 0);
    return rc;
}

static int fake_get(ladon_store *st, const char *method, int32_t id,
                    ladon_task_record *out, int want_result)
{
    fstore *fs = (fstore *)st;
    if (atomic_load(&down_all))
        return LADON_ESTORE;
    int rc = fs->inner->ops->get(fs->inner, method, id, out, want_result);
    if (rc == 0 && fs->base.lease_s > 0 &&
        (out->info.state == LADON_TASK_QUEUED ||
         out->info.state == LADON_TASK_RUNNING)) {
        pthread_mutex_lock(&fs->mu);
        frec *r = frec_of(fs, id);
        out->lease_until = r != NULL ? r->lease_until : 0.0;
        pthread_mutex_unlock(&fs->mu);
    }
    return rc;
}

static int fake_remove(ladon_store *st, int32_t id)
{
    fstore *fs = (fstore *)st;
    return fs->inner->ops->remove(fs->inner, id);
}

static const ladon_store_ops fake_ops = {
    .scheme = "fake",
    .open = fake_open,
    .close = fake_close,
    .add = fake_add,
    .start = fake_start,
    .progress = fake_progress,
    .touch = fake_touch,
    .finish = fake_finish,
    .fail = fake_fail,
    .get = fake_get,
    .remove = fake_remove,
};

/* What "another server" does to a record behind this engine's back. */
static int behind_fail(ladon_store *st, int32_t id, const char *message)
{
    fstore *fs = (fstore *)st;
    return fs->inner->ops->fail(fs->inner, id, message, 3600);
}

static int counter(ladon_store *st, int32_t id, int which)
{
    fstore *fs = (fstore *)st;
    int n = -1;
    pthread_mutex_lock(&fs->mu);
    frec *r = frec_of(fs, id);
    if (r != NULL)
        n = atomic_load(which == 0   ? &r->touches
                        : which == 1 ? &r->progress_writes
                        : which == 2 ? &r->finishes
                                     : &r->fails);
    pthread_mutex_unlock(&fs->mu);
    return n;
}

#define TOUCHES(st, id) counter(st, id, 0)
#define PROGRESS_WRITES(st, id) counter(st, id, 1)

/* ---- engine helpers ---------------------------------------------------- */

static ladon_store *open_fake(const char *url, unsigned lease_s)
{
    ladon_store_options o;
    ladon_store_options_init(&o);
    o.lease_s = lease_s;
    o.ttl_s = 3600;
    ladon_store *st = NULL;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(ladon_store_open_with(&st, url, &o, err, sizeof err),
                          0);
    ladon_store_set_clock(st, &fake_clock);
    reset_faults();
    return st;
}

static ladon_task_engine *new_engine(ladon_store *st, unsigned workers)
{
    ladon_task_engine_config cfg;
    ladon_task_engine_config_init(&cfg);
    cfg.workers = workers;
    cfg.queue_capacity = 16;
    cfg.ttl_s = 3600;
    cfg.sweep_interval_ms = 5; /* real and store time: a round every 5 ms */
    ladon_task_engine *eng = NULL;
    CU_ASSERT_EQUAL_FATAL(ladon_task_engine_new(&eng, &cfg, st), 0);
    return eng;
}

/* A body that waits for the test: `go` opens it, `stop` makes it wait for
 * ladon_task_stopping() instead. */
typedef struct ctl {
    atomic_int started;
    atomic_int go;
    atomic_int saw_stopping;
    atomic_int progress_calls;
    atomic_int done;
    int32_t id;
} ctl;

static int body_ctl(ladon_task_ctx *ctx, void *arg)
{
    ctl *c = arg;
    atomic_store(&c->started, 1);
    while (!atomic_load(&c->go)) {
        if (ladon_task_stopping(ctx)) {
            atomic_store(&c->saw_stopping, 1);
            atomic_store(&c->done, 1);
            return ladon_task_fail(ctx, "stopped");
        }
        /* many updates, few writes; rising for 10^7 calls */
        int n = atomic_fetch_add(&c->progress_calls, 1);
        double v = (n + 1) / 1e7;
        ladon_task_update_progress(ctx, v < 0.999 ? v : 0.999);
        sched_yield();
    }
    atomic_store(&c->done, 1);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "r%d", ladon_task_id(ctx));
    return ladon_task_set_result(ctx, buf, (size_t)n);
}

/* Queues body_ctl(c) as a task of method "m"; the test stops if it cannot. */
static void submit_ctl(ladon_task_engine *eng, ctl *c)
{
    CU_ASSERT_EQUAL_FATAL(ladon_task_submit(eng, "m", body_ctl, c, NULL, &c->id), 0);
}

static int started(void *p) { return atomic_load(&((ctl *)p)->started); }
static int body_done(void *p) { return atomic_load(&((ctl *)p)->done); }

typedef struct watch {
    ladon_store *st;
    int32_t id;
    int which;
    int at_least;
} watch;

static int counter_reached(void *p)
{
    watch *w = p;
    return counter(w->st, w->id, w->which) >= w->at_least;
}

typedef struct pend {
    ladon_task_engine *eng;
    unsigned n;
} pend;

static int pending_is(void *p)
{
    pend *pe = p;
    return ladon__task_engine_pending(pe->eng) == pe->n;
}

typedef struct calls {
    atomic_int *counter;
    int at_least;
} calls;

static int calls_reached(void *p)
{
    calls *c = p;
    return atomic_load(c->counter) >= c->at_least;
}

static ladon_task_state state_of(ladon_store *st, const char *method,
                                 int32_t id, char *msg, size_t msglen)
{
    ladon_task_record rec;
    int rc = ladon_store_get(st, method, id, &rec, 0);
    if (rc != 0)
        return (ladon_task_state)0;
    if (msg != NULL)
        snprintf(msg, msglen, "%s", rec.message);
    return rec.info.state;
}

typedef struct ended_arg {
    ladon_store *st;
    int32_t id;
} ended_arg;

static int has_ended(void *p)
{
    ended_arg *e = p;
    ladon_task_state s = state_of(e->st, "m", e->id, NULL, 0);
    return s == LADON_TASK_DONE || s == LADON_TASK_FAILED;
}

/* ---- tests ------------------------------------------------------------- */

/* Queued and running tasks get their lease renewed every lease/3 seconds,
 * exactly once a period each, so they outlive many leases. */
static void test_lease_renewal(void)
{
    ladon_store *st = open_fake("fake:", 3);
    CU_ASSERT_EQUAL(ladon_store_lease(st), 3);
    ladon_task_engine *eng = new_engine(st, 1);
    ctl run = {0}, q1 = {0}, q2 = {0};
    submit_ctl(eng, &run);
    CU_ASSERT_FATAL(eventually(started, &run));
    submit_ctl(eng, &q1);
    submit_ctl(eng, &q2);
    lg_sleep_ms(30); /* rounds pass; nothing is due while the clock stands */
    CU_ASSERT_EQUAL(TOUCHES(st, q1.id), 0);
    CU_ASSERT_EQUAL(TOUCHES(st, q2.id), 0);

    /* steps a little longer than the period (lease/3 = 1 s), so every step
     * makes each task due exactly once, whatever the float rounding */
    enum { PERIODS = 12 }; /* 12 s: four leases */
    for (int p = 1; p <= PERIODS; p++) {
        advance_ms(1001);
        int32_t ids[3] = {run.id, q1.id, q2.id};
        for (int k = 0; k < 3; k++) {
            watch w = {st, ids[k], 0, p};
            CU_ASSERT(eventually(counter_reached, &w));
        }
        lg_sleep_ms(15); /* a few more rounds: no second touch this period */
        CU_ASSERT_EQUAL(TOUCHES(st, q1.id), p);
        CU_ASSERT_EQUAL(TOUCHES(st, q2.id), p);
        /* the running task: plus the progress published in the very first
         * round (before the clock moved), if its progress had risen then */
        CU_ASSERT(TOUCHES(st, run.id) == p || TOUCHES(st, run.id) == p + 1);
        /* never reported lost */
        CU_ASSERT_EQUAL(state_of(st, "m", run.id, NULL, 0),
                        LADON_TASK_RUNNING);
        CU_ASSERT_EQUAL(state_of(st, "m", q1.id, NULL, 0), LADON_TASK_QUEUED);
    }
    /* the running task's progress rode on the touches: no other writes */
    CU_ASSERT_EQUAL(PROGRESS_WRITES(st, run.id), 0);
    ladon_task_info info;
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "m", run.id, &info), 0);
    CU_ASSERT(info.progress > 0.0);
    CU_ASSERT(atomic_load(&run.progress_calls) > 1000);

    atomic_store(&run.go, 1);
    atomic_store(&q1.go, 1);
    atomic_store(&q2.go, 1);
    ended_arg e = {st, q2.id};
    CU_ASSERT(eventually(has_ended, &e));
    CU_ASSERT_EQUAL(state_of(st, "m", run.id, NULL, 0), LADON_TASK_DONE);
    CU_ASSERT_EQUAL(state_of(st, "m", q2.id, NULL, 0), LADON_TASK_DONE);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* A million progress updates cost at most one store write per round of
 * the (store) clock; the final state is written by finish. */
static void test_coalesced_progress(void)
{
    ladon_store *st = open_fake("fake:?nolease", 3);
    CU_ASSERT_EQUAL(ladon_store_lease(st), 0);
    ladon_task_engine *eng = new_engine(st, 1);
    ctl c = {0};
    submit_ctl(eng, &c);
    CU_ASSERT_FATAL(eventually(started, &c));
    while (atomic_load(&c.progress_calls) < 200000)
        lg_sleep_ms(1);
    /* step the clock just over the 5 ms interval until 5 publications
     * happened (a step where the body had not raised its progress since the
     * last one publishes nothing) */
    int steps = 0, published = 0;
    while (published < 5 && steps < 5000) {
        int before = PROGRESS_WRITES(st, c.id);
        advance_ms(6);
        steps++;
        lg_sleep_ms(3);
        if (PROGRESS_WRITES(st, c.id) > before)
            published++;
    }
    CU_ASSERT_EQUAL(published, 5);
    int writes = PROGRESS_WRITES(st, c.id);
    lg_sleep_ms(30); /* the clock stands: no more writes */
    CU_ASSERT_EQUAL(PROGRESS_WRITES(st, c.id), writes);
    atomic_store(&c.go, 1);
    ended_arg e = {st, c.id};
    CU_ASSERT(eventually(has_ended, &e));
    /* at most one publication before the clock moved, one per step */
    CU_ASSERT(PROGRESS_WRITES(st, c.id) <= steps + 1);
    CU_ASSERT(atomic_load(&c.progress_calls) >= 200000);
    CU_ASSERT_EQUAL(TOUCHES(st, c.id), 0); /* no leases: no touches */
    ladon_task_info info;
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "m", c.id, &info), 0);
    CU_ASSERT_EQUAL(info.state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(info.progress, 1.0);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* The engine cannot renew (touch fails): after the lease the task is
 * reported lost; when the store answers again the engine learns it and
 * tells the body to stop; the body's late outcome is dropped. */
static void test_task_lost(void)
{
    ladon_store *st = open_fake("fake:", 3);
    ladon_task_engine *eng = new_engine(st, 1);
    ctl c = {0};
    submit_ctl(eng, &c);
    CU_ASSERT_FATAL(eventually(started, &c));
    atomic_store(&down_touch, 1);
    advance_ms(3100); /* the lease passed without a renewal */
    calls tc = {&touch_calls, 1};
    CU_ASSERT(eventually(calls_reached, &tc));
    char msg[LADON_TASK_MESSAGE_MAX] = "";
    CU_ASSERT_EQUAL(state_of(st, "m", c.id, msg, sizeof msg),
                    LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(msg, LADON_TASK_LOST_MESSAGE);
    CU_ASSERT_EQUAL(atomic_load(&c.saw_stopping), 0); /* not told yet */
    /* the store answers again: the next renewal finds the record ended */
    atomic_store(&down_touch, 0);
    advance_ms(5000); /* past the store-down backoff */
    CU_ASSERT(eventually(body_done, &c));
    CU_ASSERT_EQUAL(atomic_load(&c.saw_stopping), 1);
    pend pe = {eng, 0};
    CU_ASSERT(eventually(pending_is, &pe));
    ladon_task_engine_free(eng);
    /* its "stopped" failure did not replace "task lost" */
    CU_ASSERT_EQUAL(state_of(st, "m", c.id, msg, sizeof msg),
                    LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(msg, LADON_TASK_LOST_MESSAGE);
    ladon_store_close(st);
}

/* The store is down when a task ends: the outcome is kept and retried with
 * backoff (100 ms, doubling, at most 5 s) from the housekeeper; meanwhile the
 * worker runs other tasks, submits are refused fast, and the outcome lands
 * once the store is back. */
static void test_outcome_retry(void)
{
    ladon_store *st = open_fake("fake:", 30);
    ladon_task_engine *eng = new_engine(st, 1);
    ctl a = {0}, b = {0};
    submit_ctl(eng, &a);
    CU_ASSERT_FATAL(eventually(started, &a));
    atomic_store(&down_all, 1);
    atomic_store(&a.go, 1); /* ends while the store is down */
    calls fc = {&finish_calls, 1};
    CU_ASSERT(eventually(calls_reached, &fc));
    pend one = {eng, 1};
    CU_ASSERT(eventually(pending_is, &one));

    /* submit answers at once; nothing queued, arg still the caller's */
    int32_t id = -1;
    double t0 = lg_mono_s();
    CU_ASSERT_EQUAL(ladon_task_submit(eng, "m", body_ctl, &b, NULL, &id),
                    LADON_ESTORE);
    CU_ASSERT(lg_mono_s() - t0 < 1.0);
    CU_ASSERT_EQUAL(id, -1);
    ladon_task_info info;
    CU_ASSERT_EQUAL(ladon_task_progress(eng, "m", a.id, &info), LADON_ESTORE);

    /* the backoff schedule, on the store clock: a try 100 ms after the
     * failure, then 200, 400, ... 3200 ms after each failed try, then every
     * 5000 ms.  The test steps to 1 ms before each due time (no try yet)
     * and 1 ms after it (the try happens then, so the next is due from
     * there). */
    long now = 0, due = 100, backoff = 100;
    for (int k = 0; k < 8; k++) {
        advance_ms(due - 1 - now);
        now = due - 1;
        lg_sleep_ms(20);
        CU_ASSERT_EQUAL(atomic_load(&finish_calls), 1 + k);
        advance_ms(2);
        now = due + 1;
        calls c = {&finish_calls, 2 + k};
        CU_ASSERT(eventually(calls_reached, &c));
        CU_ASSERT_EQUAL(ladon__task_engine_pending(eng), 1);
        backoff = backoff >= 2500 ? 5000 : backoff * 2;
        due = now + backoff;
    }
    CU_ASSERT_EQUAL(backoff, 5000);
    lg_sleep_ms(20);
    CU_ASSERT_EQUAL(atomic_load(&finish_calls), 9);

    /* the worker is free: with the store up again, another task runs and
     * ends even before the deferred outcome's next try */
    atomic_store(&down_all, 0);
    submit_ctl(eng, &b);
    atomic_store(&b.go, 1);
    ended_arg eb = {st, b.id};
    CU_ASSERT(eventually(has_ended, &eb));
    CU_ASSERT_EQUAL(ladon__task_engine_pending(eng), 1);
    CU_ASSERT_EQUAL(state_of(st, "m", a.id, NULL, 0), LADON_TASK_RUNNING);
    advance_ms(5001);
    pend none = {eng, 0};
    CU_ASSERT(eventually(pending_is, &none));
    void *res = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL(ladon_task_result(eng, "m", a.id, NULL, &res, &len, NULL,
                                      0), 0);
    char want[32];
    snprintf(want, sizeof want, "r%d", a.id);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res);
    CU_ASSERT_STRING_EQUAL(res, want);
    free(res);
    CU_ASSERT_EQUAL(counter(st, a.id, 2), 1); /* recorded once */
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* A deferred outcome whose record ended (recorded lost by another server)
 * or vanished (evicted) meanwhile is dropped, never re-creating anything. */
static void test_outcome_dropped(void)
{
    ladon_store *st = open_fake("fake:", 30);
    ladon_task_engine *eng = new_engine(st, 2);
    ctl a = {0}, b = {0};
    submit_ctl(eng, &a);
    submit_ctl(eng, &b);
    CU_ASSERT_FATAL(eventually(started, &a));
    CU_ASSERT_FATAL(eventually(started, &b));
    atomic_store(&down_all, 1);
    atomic_store(&a.go, 1);
    atomic_store(&b.go, 1);
    pend two = {eng, 2};
    CU_ASSERT(eventually(pending_is, &two));
    /* behind the engine's back */
    CU_ASSERT_EQUAL(behind_fail(st, a.id, LADON_TASK_LOST_MESSAGE), 0);
    CU_ASSERT_EQUAL(ladon_store_remove(st, b.id), 0);
    atomic_store(&down_all, 0);
    advance_ms(101);
    pend none = {eng, 0};
    CU_ASSERT(eventually(pending_is, &none));
    char msg[LADON_TASK_MESSAGE_MAX];
    CU_ASSERT_EQUAL(state_of(st, "m", a.id, msg, sizeof msg),
                    LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(msg, LADON_TASK_LOST_MESSAGE);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", b.id, &rec, 0), LADON_ENOTFOUND);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* The store is down at shutdown: the pending outcome gets one last try;
 * queued tasks cost one failed call in all (not one timeout each); stop()
 * returns promptly.  When the store is back, the last try records it. */
static void test_shutdown_store_down(void)
{
    /* 1: one pending outcome, the store down */
    ladon_store *st = open_fake("fake:", 30);
    ladon_task_engine *eng = new_engine(st, 1);
    ctl a = {0};
    submit_ctl(eng, &a);
    CU_ASSERT_FATAL(eventually(started, &a));
    atomic_store(&down_all, 1);
    atomic_store(&a.go, 1);
    pend one = {eng, 1};
    CU_ASSERT(eventually(pending_is, &one));
    int finishes = atomic_load(&finish_calls);
    double t0 = lg_mono_s();
    CU_ASSERT_EQUAL(ladon_task_engine_stop(eng, 100), 0);
    CU_ASSERT(lg_mono_s() - t0 < 2.0);
    CU_ASSERT_EQUAL(atomic_load(&finish_calls) - finishes, 1); /* last try */
    CU_ASSERT_EQUAL(ladon__task_engine_pending(eng), 0);
    ladon_task_engine_shutdown(eng, 0);
    ladon_store_close(st);

    /* 2: queued tasks and a running one, outcomes cannot be written */
    st = open_fake("fake:", 30);
    eng = new_engine(st, 1);
    ctl b = {0}, q[3] = {{0}};
    submit_ctl(eng, &b);
    CU_ASSERT_FATAL(eventually(started, &b));
    for (int i = 0; i < 3; i++)
        submit_ctl(eng, &q[i]);
    atomic_store(&down_outcome, 1);
    atomic_store(&b.go, 1); /* deferred; the worker takes q[0] */
    CU_ASSERT(eventually(started, &q[0]));
    CU_ASSERT_EQUAL(ladon__task_engine_pending(eng), 1);
    finishes = atomic_load(&finish_calls);
    int fails = atomic_load(&fail_calls);
    t0 = lg_mono_s();
    int still = ladon_task_engine_stop(eng, 50);
    CU_ASSERT(still == 0 || still == 1);
    CU_ASSERT(lg_mono_s() - t0 < 2.0);
    /* q[1] found the store down; q[2], q[0] (after the grace) and the
     * pending finish were not tried again; q[0]'s own failure maybe once */
    CU_ASSERT(atomic_load(&fail_calls) - fails >= 1);
    CU_ASSERT(atomic_load(&fail_calls) - fails <= 2);
    CU_ASSERT_EQUAL(atomic_load(&finish_calls), finishes);
    CU_ASSERT_EQUAL(ladon__task_engine_pending(eng), 0);
    ladon_task_engine_shutdown(eng, 0);
    CU_ASSERT_EQUAL(atomic_load(&q[0].saw_stopping), 1);
    CU_ASSERT_EQUAL(atomic_load(&q[1].started), 0);
    CU_ASSERT_EQUAL(atomic_load(&q[2].started), 0);
    ladon_store_close(st);

    /* 3: the store is back before shutdown, the retry not due yet: the
     * last try records the outcome */
    st = open_fake("fake:", 30);
    eng = new_engine(st, 1);
    ctl c = {0};
    submit_ctl(eng, &c);
    CU_ASSERT_FATAL(eventually(started, &c));
    atomic_store(&down_all, 1);
    atomic_store(&c.go, 1);
    pend onemore = {eng, 1};
    CU_ASSERT(eventually(pending_is, &onemore));
    atomic_store(&down_all, 0);
    CU_ASSERT_EQUAL(ladon_task_engine_stop(eng, 0), 0);
    CU_ASSERT_EQUAL(state_of(st, "m", c.id, NULL, 0), LADON_TASK_DONE);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* The store is down when a queued task is taken: it could not be started,
 * and that failure is itself deferred and recorded later; the body never
 * runs. */
static void test_start_down(void)
{
    ladon_store *st = open_fake("fake:", 30);
    ladon_task_engine *eng = new_engine(st, 1);
    ctl blk = {0}, c = {0};
    submit_ctl(eng, &blk);
    CU_ASSERT_FATAL(eventually(started, &blk));
    submit_ctl(eng, &c);
    atomic_store(&down_all, 1);
    atomic_store(&blk.go, 1); /* blk's finish and c's start both fail */
    pend two = {eng, 2};
    CU_ASSERT(eventually(pending_is, &two));
    CU_ASSERT_EQUAL(atomic_load(&c.started), 0);
    atomic_store(&down_all, 0);
    advance_ms(101);
    pend none = {eng, 0};
    CU_ASSERT(eventually(pending_is, &none));
    char msg[LADON_TASK_MESSAGE_MAX];
    CU_ASSERT_EQUAL(state_of(st, "m", blk.id, NULL, 0), LADON_TASK_DONE);
    CU_ASSERT_EQUAL(state_of(st, "m", c.id, msg, sizeof msg),
                    LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(msg, "task could not be started");
    CU_ASSERT_EQUAL(atomic_load(&c.started), 0);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* Lease renewals that fail do not hammer the store: one probe per backoff
 * step; after the outage every task is renewed at once. */
static void test_renewal_backoff(void)
{
    ladon_store *st = open_fake("fake:", 30);
    ladon_task_engine *eng = new_engine(st, 2);
    ctl a = {0}, b = {0};
    submit_ctl(eng, &a);
    submit_ctl(eng, &b);
    CU_ASSERT_FATAL(eventually(started, &a));
    CU_ASSERT_FATAL(eventually(started, &b));
    lg_sleep_ms(20); /* the first round may publish their progress (a touch) */
    int base = atomic_load(&touch_calls);
    atomic_store(&down_touch, 1);
    advance_ms(10001); /* renewals due */
    calls one = {&touch_calls, base + 1};
    CU_ASSERT(eventually(calls_reached, &one));
    lg_sleep_ms(50); /* many rounds, the clock stands: no second probe */
    CU_ASSERT_EQUAL(atomic_load(&touch_calls), base + 1);
    advance_ms(101);
    calls two = {&touch_calls, base + 2};
    CU_ASSERT(eventually(calls_reached, &two));
    lg_sleep_ms(30);
    CU_ASSERT_EQUAL(atomic_load(&touch_calls), base + 2);
    atomic_store(&down_touch, 0);
    advance_ms(201); /* the next probe succeeds, then everyone is renewed */
    calls four = {&touch_calls, base + 4};
    CU_ASSERT(eventually(calls_reached, &four));
    lg_sleep_ms(30);
    CU_ASSERT_EQUAL(atomic_load(&touch_calls), base + 4); /* once each */
    CU_ASSERT_EQUAL(state_of(st, "m", a.id, NULL, 0), LADON_TASK_RUNNING);
    CU_ASSERT_EQUAL(state_of(st, "m", b.id, NULL, 0), LADON_TASK_RUNNING);
    atomic_store(&a.go, 1);
    atomic_store(&b.go, 1);
    ladon_task_engine_free(eng);
    CU_ASSERT_EQUAL(state_of(st, "m", a.id, NULL, 0), LADON_TASK_DONE);
    ladon_store_close(st);
}

/* ---- the log ----------------------------------------------------------- */

/* Runs with stderr (the log, one write(2) per line) going to a temporary
 * file; log_end() restores it and returns what was written (malloc()ed). */
static int saved_stderr = -1;
static FILE *log_file;

static void log_begin(void)
{
    fflush(stderr);
    log_file = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(log_file);
    saved_stderr = dup(STDERR_FILENO);
    CU_ASSERT_FATAL(saved_stderr >= 0);
    CU_ASSERT_FATAL(dup2(fileno(log_file), STDERR_FILENO) >= 0);
}

static char *log_end(void)
{
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    saved_stderr = -1;
    long n = fseek(log_file, 0, SEEK_END) == 0 ? ftell(log_file) : -1;
    char *text = calloc(1, n > 0 ? (size_t)n + 1 : 1);
    if (text != NULL && n > 0) {
        rewind(log_file);
        size_t got = fread(text, 1, (size_t)n, log_file);
        text[got] = '\0';
    }
    fclose(log_file);
    log_file = NULL;
    fputs(text != NULL ? text : "", stderr); /* still shown with the test */
    return text;
}

static int count_of(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; p != NULL && (p = strstr(p, what)) != NULL;
         p += strlen(what))
        n++;
    return n;
}

/* The log says "task store unavailable" once per outage and "task store
 * available again" once the store answers again - not when a housekeeping
 * round merely had nothing to write (here: no task left, the one outcome
 * waiting for its next try), which used to make the log flap while the
 * store was still down. */
static void test_outage_log(void)
{
    static const char down_line[] = "task store unavailable: leases and "
                                    "progress of running tasks cannot be "
                                    "written";
    static const char up_line[] = "task store available again";
    ladon_store *st = open_fake("fake:", 30);
    ladon_task_engine *eng = new_engine(st, 1);
    ctl a = {0};
    submit_ctl(eng, &a);
    CU_ASSERT_FATAL(eventually(started, &a));
    lg_sleep_ms(20);
    log_begin();
    atomic_store(&down_all, 1);
    atomic_store(&a.go, 1); /* ends while the store is down: deferred */
    pend one = {eng, 1};
    CU_ASSERT(eventually(pending_is, &one));
    /* t = 0: deferred, first try at 100 ms */
    advance_ms(101); /* the try fails: the outage is noticed and logged */
    calls second = {&finish_calls, 2};
    CU_ASSERT(eventually(calls_reached, &second));
    /* next try at 301 ms; the housekeeper's own backoff ends at 201 ms:
     * rounds between them have nothing to write */
    advance_ms(149);
    lg_sleep_ms(50);
    CU_ASSERT_EQUAL(atomic_load(&finish_calls), 2);
    advance_ms(60); /* 310 ms: the try fails again */
    calls third = {&finish_calls, 3};
    CU_ASSERT(eventually(calls_reached, &third));
    lg_sleep_ms(20);
    /* back: the try at 710 ms succeeds */
    atomic_store(&down_all, 0);
    advance_ms(401);
    pend none = {eng, 0};
    CU_ASSERT(eventually(pending_is, &none));
    lg_sleep_ms(50);
    char *log = log_end();
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_EQUAL(count_of(log, down_line), 1);
    CU_ASSERT_EQUAL(count_of(log, up_line), 1);
    const char *recorded = strstr(log, "recorded after 3 retries");
    const char *up = strstr(log, up_line);
    CU_ASSERT_PTR_NOT_NULL(recorded);
    CU_ASSERT(up != NULL && recorded != NULL && up > recorded);
    free(log);
    CU_ASSERT_EQUAL(state_of(st, "m", a.id, NULL, 0), LADON_TASK_DONE);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

/* A result the store cannot hold: the store records the failure with its
 * message; the engine neither overwrites it nor retries.  Also after an
 * outage (the deferred finish meets the same answer). */
static void test_result_too_large(void)
{
    ladon_store *st = open_fake("fake:", 30);
    ladon_task_engine *eng = new_engine(st, 1);
    ctl a = {0}, b = {0};
    char want[128], msg[LADON_TASK_MESSAGE_MAX];
    atomic_store(&too_large, 1);
    submit_ctl(eng, &a);
    atomic_store(&a.go, 1);
    ended_arg ea = {st, a.id};
    CU_ASSERT(eventually(has_ended, &ea));
    CU_ASSERT_EQUAL(state_of(st, "m", a.id, msg, sizeof msg), LADON_TASK_FAILED);
    snprintf(want, sizeof want, LADON_TASK_TOO_LARGE_MESSAGE, strlen("r") +
             (size_t)snprintf(NULL, 0, "%d", a.id));
    CU_ASSERT_STRING_EQUAL(msg, want);
    lg_sleep_ms(20);
    CU_ASSERT_EQUAL(atomic_load(&finish_calls), 1);
    CU_ASSERT_EQUAL(ladon__task_engine_pending(eng), 0);

    submit_ctl(eng, &b);
    CU_ASSERT_FATAL(eventually(started, &b));
    atomic_store(&down_all, 1);
    atomic_store(&b.go, 1);
    pend one = {eng, 1};
    CU_ASSERT(eventually(pending_is, &one));
    atomic_store(&down_all, 0);
    advance_ms(101);
    pend none = {eng, 0};
    CU_ASSERT(eventually(pending_is, &none));
    CU_ASSERT_EQUAL(state_of(st, "m", b.id, msg, sizeof msg), LADON_TASK_FAILED);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "result too large for the store"));
    ladon_task_engine_free(eng);
    ladon_store_close(st);
}

int main(void)
{
    static const lg_test tests[] = {
        {"lease renewal of queued and running tasks", test_lease_renewal},
        {"coalesced progress", test_coalesced_progress},
        {"task lost, body told to stop", test_task_lost},
        {"outcome retried with backoff", test_outcome_retry},
        {"outcome dropped when the record is gone", test_outcome_dropped},
        {"shutdown with the store down", test_shutdown_store_down},
        {"start with the store down", test_start_down},
        {"renewal backoff", test_renewal_backoff},
        {"result too large for the store", test_result_too_large},
        {"outage logged once, recovery once", test_outage_log},
        {NULL, NULL},
    };
    if (ladon_store_register(&fake_ops) != 0) {
        fprintf(stderr, "cannot register the fake store\n");
        return 2;
    }
    return lg_run_suite_with("task_faults", NULL, NULL, tests);
}
