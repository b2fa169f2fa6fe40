/* test_store_conformance.c - ONE CUnit suite of the task store contract
 * (ladon/store.h), run against the store named by argv[1]:
 *   memory     "memory:"
 *   memcached  a memcached started by the test on 127.0.0.1:<free port>
 *   redis      a redis-server started likewise
 * Each test opens its own store with its own key prefix, so tests never see
 * each other's records.
 *
 * Time: the stores' clock is the real one plus an offset the tests can
 * advance (durations, leases).  Expiry is done by the memory store on that
 * clock, but by memcached/redis on their own: there the TTL test really
 * sleeps (about 3 s).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <CUnit/Basic.h>
#include "../cunit_main.h"
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ladon/error.h"
#include "ladon/store.h"
#include "store_servers.h"
#include "task_internal.h"

static const char *backend; /* "memory", "memcached", "redis" */
static int remote;          /* memcached or redis: leases, server-side TTL */
static lt_store_server server;
static char base_url[128];

/* ---- clock: real + offset ----------------------------------------------- */

static _Atomic long long offset_ns;

static double real_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double t_realtime(void *ud)
{
    (void)ud;
    return real_clock(CLOCK_REALTIME) + (double)atomic_load(&offset_ns) / 1e9;
}

static double t_monotonic(void *ud)
{
    (void)ud;
    return real_clock(CLOCK_MONOTONIC) + (double)atomic_load(&offset_ns) / 1e9;
}

static const ladon_clock test_clock = {t_realtime, t_monotonic, NULL};

static void advance(double s)
{
    atomic_fetch_add(&offset_ns, (long long)llround(s * 1e9));
}

/* Timing checks bound a value by clock readings taken around the calls that
 * set it, never by a fixed tolerance: a slow run (sanitizers, a loaded
 * machine) cannot fail them, a wrong value still does.  A store computes
 * elapsed times on the realtime or on the monotonic clock, so an elapsed
 * time is bounded by what either clock measured around the calls. */
typedef struct {
    double real, mono;
} stamp;

static stamp now_stamp(void)
{
    stamp t = {t_realtime(NULL), t_monotonic(NULL)};
    return t;
}

#define TIME_SLACK 1e-6 /* rounding of doubles around 1.8e9 s */

static int within(const char *what, double x, double lo, double hi)
{
    int ok = x >= lo - TIME_SLACK && x <= hi + TIME_SLACK;
    if (!ok)
        fprintf(stderr, "\n    %s = %.6f, expected within [%.6f, %.6f]\n",
                what, x, lo, hi);
    return ok;
}

/* x is an elapsed time from an instant in [a0, a1] to one in [b0, b1]. */
static int elapsed_within(const char *what, double x, stamp a0, stamp a1,
                          stamp b0, stamp b1)
{
    double lo_r = b0.real - a1.real, hi_r = b1.real - a0.real;
    double lo_m = b0.mono - a1.mono, hi_m = b1.mono - a0.mono;
    return within(what, x, lo_r < lo_m ? lo_r : lo_m,
                  hi_r > hi_m ? hi_r : hi_m);
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Lets `s` seconds pass for record expiry. */
static void expire_wait(double s)
{
    if (remote)
        sleep_s(s);
    else
        advance(s);
}

/* ---- opening ------------------------------------------------------------ */

static unsigned store_seq;

static ladon_store *open_opts(unsigned lease_s, unsigned ttl_s)
{
    ladon_store_options o;
    ladon_store_options_init(&o);
    snprintf(o.prefix, sizeof o.prefix, "conf%d.%u:", (int)getpid(),
             store_seq++);
    o.lease_s = lease_s;
    o.ttl_s = ttl_s;
    /* nothing here is about timeouts (the store-specific suites test them):
     * generous, so that a slow run (sanitizers, a loaded machine) does not
     * turn a stalled answer or a wait for a free connection into ESTORE */
    o.timeout_ms = 10000;
    ladon_store *st = NULL;
    char err[512] = "";
    int rc = ladon_store_open_with(&st, base_url, &o, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "open %s: %s (%d)\n", base_url, err, rc);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    ladon_store_set_clock(st, &test_clock);
    return st;
}

static ladon_store *open_default(void)
{
    return open_opts(30, 86400);
}

static int32_t running_task(ladon_store *st, const char *method)
{
    int32_t id = 0;
    CU_ASSERT_EQUAL(ladon_store_create(st, method, &id), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    return id;
}

static int state_of(ladon_store *st, const char *method, int32_t id)
{
    ladon_task_record rec;
    int rc = ladon_store_get(st, method, id, &rec, 0);
    return rc != 0 ? rc : (int)rec.info.state;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* ---- tests -------------------------------------------------------------- */

static void test_ids(void)
{
    enum { N = 2000 };
    ladon_store *st = open_default();
    int32_t ids[N];
    size_t ascending = 0;
    for (int i = 0; i < N; i++) {
        CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &ids[i]), 0);
        CU_ASSERT_FATAL(ids[i] >= 1 && ids[i] <= INT32_MAX);
        if (i > 0)
            ascending += ids[i] > ids[i - 1];
    }
    CU_ASSERT(ascending > N * 40 / 100 && ascending < N * 60 / 100);
    qsort(ids, N, sizeof ids[0], cmp_i32);
    for (int i = 1; i < N; i++)
        CU_ASSERT_NOT_EQUAL(ids[i], ids[i - 1]);
    ladon_store_close(st);
}

static void test_add_if_absent(void)
{
    ladon_store *st = open_default();
    const ladon_store_ops *ops = st->ops;
    CU_ASSERT_EQUAL(ops->add(st, 42, "m", t_realtime(NULL)), 0);
    CU_ASSERT_EQUAL(ops->add(st, 42, "other", 1.0), LADON_STORE_EXISTS);
    CU_ASSERT_EQUAL(ops->start(st, 42, NULL), 0);
    CU_ASSERT_EQUAL(ops->add(st, 42, "m", 1.0), LADON_STORE_EXISTS);
    CU_ASSERT_EQUAL(ladon_store_finish(st, 42, "x", 1, 100), 0);
    CU_ASSERT_EQUAL(ops->add(st, 42, "m", 1.0), LADON_STORE_EXISTS);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", 42, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE); /* not overwritten */
    CU_ASSERT_EQUAL(ladon_store_remove(st, 42), 0);
    CU_ASSERT_EQUAL(ops->add(st, 42, "n", 1.0), 0); /* free again */
    CU_ASSERT_EQUAL(ladon_store_remove(st, 42), 0);
    ladon_store_close(st);
}

static void test_method_scoping(void)
{
    ladon_store *st = open_default();
    int32_t id;
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "cloneInstance", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstance", id, &rec, 0), 0);
    CU_ASSERT_STRING_EQUAL(rec.method, "cloneInstance");
    CU_ASSERT_EQUAL(rec.info.id, id);
    CU_ASSERT_EQUAL(ladon_store_get(st, "taskExample", id, &rec, 0),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstanc", id, &rec, 0),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstanceX", id, &rec, 0),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstance", 0, &rec, 0),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstance", -7, &rec, 0),
                    LADON_ENOTFOUND);
    /* longest method name */
    char longname[LADON_TASK_METHOD_MAX];
    memset(longname, 'q', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    int32_t id2;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, longname, &id2), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, longname, id2, &rec, 0), 0);
    CU_ASSERT_STRING_EQUAL(rec.method, longname);
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstance", id2, &rec, 0),
                    LADON_ENOTFOUND);
    ladon_store_close(st);
}

static void test_transitions(void)
{
    ladon_store *st = open_default();
    int lease = ladon_store_lease(st) > 0;
    int32_t id;
    ladon_task_record rec;
    /* QUEUED */
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &id), 0);
    CU_ASSERT_EQUAL(state_of(st, "m", id), LADON_TASK_QUEUED);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "r", 1, 10), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.5), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.0); /* touch: no progress queued */
    CU_ASSERT_PTR_NULL(rec.result);
    /* RUNNING */
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), LADON_ESTATE);
    CU_ASSERT_EQUAL(state_of(st, "m", id), LADON_TASK_RUNNING);
    CU_ASSERT_EQUAL(ladon_store_touch(st, id, -1.0), 0);
    /* DONE */
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "result", 6, 100), 0);
    CU_ASSERT_EQUAL(state_of(st, "m", id), LADON_TASK_DONE);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "again", 5, 100), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_fail(st, id, "late", 100), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.1), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.1), lease ? LADON_ESTATE : 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, 6);
    CU_ASSERT_EQUAL(rec.lease_until, 0.0);
    free(rec.result);

    /* RUNNING -> FAILED, then finish after fail: ESTATE, the failure stands */
    int32_t f = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_fail(st, f, "broke", 100), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, f, "x", 1, 100), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_fail(st, f, "again", 100), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_start(st, f, NULL), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_progress(st, f, 0.2), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_touch(st, f, 0.2), lease ? LADON_ESTATE : 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", f, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(rec.message, "broke");
    CU_ASSERT_PTR_NULL(rec.result);

    /* QUEUED -> FAILED (shutdown); it can no longer start */
    int32_t q;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &q), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, q, "server shut down", 100), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, q, NULL), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_finish(st, q, "x", 1, 100), LADON_ESTATE);
    CU_ASSERT_EQUAL(state_of(st, "m", q), LADON_TASK_FAILED);

    /* remove from every state; then nothing resurrects it */
    int32_t queued, running;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &queued), 0);
    running = running_task(st, "m");
    int32_t all[] = {id, f, q, queued, running};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        int32_t x = all[i];
        CU_ASSERT_EQUAL(ladon_store_remove(st, x), 0);
        CU_ASSERT_EQUAL(ladon_store_remove(st, x), LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", x, &rec, 1), LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(ladon_store_start(st, x, NULL), LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(ladon_store_progress(st, x, 0.5), LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(ladon_store_touch(st, x, 0.5),
                        lease ? LADON_ENOTFOUND : 0);
        CU_ASSERT_EQUAL(ladon_store_finish(st, x, "x", 1, 10), LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(ladon_store_fail(st, x, "x", 10), LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", x, &rec, 1), LADON_ENOTFOUND);
    }
    /* argument checks (the wrappers) */
    CU_ASSERT_EQUAL(ladon_store_start(st, 0, NULL), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_finish(st, 5, NULL, 3, 10), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_finish(st, 5, "x", 1, 0), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_fail(st, 5, NULL, 10), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_create(st, "", &q), LADON_EINVAL);
    ladon_store_close(st);
}

static void test_progress(void)
{
    ladon_store *st = open_default();
    int lease = ladon_store_lease(st) > 0;
    int32_t id = running_task(st, "m");
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), 0);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.25), 0); /* not lowered */
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, NAN), 0);  /* ignored */
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, -3.0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.5);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.1 + 0.2), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.5);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.6180339887498949), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.6180339887498949); /* exact */
    if (lease) { /* touch raises like progress, never lowers */
        CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.7), 0);
        CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.2), 0);
        CU_ASSERT_EQUAL(ladon_store_touch(st, id, -1.0), 0);
        CU_ASSERT_EQUAL(ladon_store_touch(st, id, NAN), 0);
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
        CU_ASSERT_EQUAL(rec.info.progress, 0.7);
    }
    /* above 1: clamped; a task not ended reports less than 1.0 */
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 42.0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT(rec.info.progress > 0.99 && rec.info.progress <= 1.0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_RUNNING);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, NULL, 0, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 1.0);
    /* failed: 1.0 too */
    int32_t f = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_progress(st, f, 0.3), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, f, "x", 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", f, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 1.0);
    ladon_store_close(st);
}

static void test_times(void)
{
    ladon_store *st = open_default();
    int32_t id;
    ladon_task_record rec;
    /* c0..c1: around the create; g0..g1: around a get; f0..f1: the finish */
    stamp c0 = now_stamp();
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &id), 0);
    stamp c1 = now_stamp();
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    stamp g1 = now_stamp();
    CU_ASSERT(within("starttime", rec.info.starttime, c0.real, c1.real));
    CU_ASSERT(elapsed_within("duration (new)", rec.info.duration, c0, c1, c1,
                             g1));
    advance(2.0); /* time queued counts */
    stamp g0 = now_stamp();
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    g1 = now_stamp();
    CU_ASSERT(elapsed_within("duration (queued 2 s)", rec.info.duration, c0,
                             c1, g0, g1));
    CU_ASSERT(rec.info.duration >= 2.0 - TIME_SLACK);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    advance(3.0);
    g0 = now_stamp();
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    g1 = now_stamp();
    CU_ASSERT(elapsed_within("duration (running 3 s)", rec.info.duration, c0,
                             c1, g0, g1));
    CU_ASSERT(rec.info.duration >= 5.0 - TIME_SLACK);
    CU_ASSERT(within("starttime", rec.info.starttime, c0.real, c1.real));
    stamp f0 = now_stamp();
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "r", 1, 1000), 0);
    stamp f1 = now_stamp();
    double total = 0;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    total = rec.info.duration;
    CU_ASSERT(elapsed_within("duration (total)", total, c0, c1, f0, f1));
    advance(50.0); /* fixed once ended */
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_DOUBLE_EQUAL(rec.info.duration, total, 1e-9);
    CU_ASSERT(within("starttime", rec.info.starttime, c0.real, c1.real));
    ladon_store_close(st);
}

static void check_result(ladon_store *st, int32_t id, const void *want,
                         size_t len)
{
    for (int i = 0; i < 2; i++) { /* repeatable */
        ladon_task_record rec;
        CU_ASSERT_EQUAL_FATAL(ladon_store_get(st, "m", id, &rec, 1), 0);
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
        CU_ASSERT_PTR_NOT_NULL_FATAL(rec.result);
        CU_ASSERT_EQUAL(rec.result_len, len);
        if (rec.result_len == len)
            CU_ASSERT(len == 0 || memcmp(rec.result, want, len) == 0);
        CU_ASSERT_EQUAL(((char *)rec.result)[rec.result_len], '\0');
        free(rec.result);
    }
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_PTR_NULL(rec.result); /* not asked for */
}

static void test_results(void)
{
    ladon_store *st = open_default();
    /* empty */
    int32_t e = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, e, NULL, 0, 100), 0);
    check_result(st, e, "", 0);
    /* "0": falsy, still a result */
    int32_t z = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, z, "0", 1, 100), 0);
    check_result(st, z, "0", 1);
    /* binary with NULs: every byte value, twice */
    unsigned char bin[512];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7 + (i >> 8));
    bin[0] = 0;
    bin[sizeof bin - 1] = 0;
    int32_t b = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, b, bin, sizeof bin, 100), 0);
    check_result(st, b, bin, sizeof bin);
    /* large: 2 MB of pseudo-random bytes, and sizes around 1 MB */
    size_t sizes[] = {2u * 1024u * 1024u, 1024u * 1024u - 600u,
                      1024u * 1024u + 1u, 3u * 1000u * 1000u + 17u};
    size_t maxlen = sizes[3];
    unsigned char *big = malloc(maxlen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < maxlen; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        big[i] = (unsigned char)x;
    }
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int32_t l = running_task(st, "m");
        CU_ASSERT_EQUAL(ladon_store_finish(st, l, big, sizes[k], 100), 0);
        check_result(st, l, big, sizes[k]);
        CU_ASSERT_EQUAL(ladon_store_remove(st, l), 0);
        ladon_task_record rec;
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", l, &rec, 1), LADON_ENOTFOUND);
    }
    free(big);
    ladon_store_close(st);
}

static void test_messages(void)
{
    ladon_store *st = open_default();
    ladon_task_record rec;
    int32_t id = running_task(st, "m");
    const char *msg = "disk full: \xc3\xa9t\xc3\xa9 <&> \"quoted\"";
    CU_ASSERT_EQUAL(ladon_store_fail(st, id, msg, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(rec.message, msg);
    CU_ASSERT_PTR_NULL(rec.result);
    /* empty message */
    int32_t e = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_fail(st, e, "", 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", e, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(rec.message, "");
    /* long: cut to LADON_TASK_MESSAGE_MAX - 1 */
    char big[2000];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('a' + i % 26);
    big[sizeof big - 1] = '\0';
    int32_t q;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &q), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, q, big, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", q, &rec, 0), 0);
    CU_ASSERT_EQUAL(strlen(rec.message), LADON_TASK_MESSAGE_MAX - 1);
    CU_ASSERT(strncmp(rec.message, big, LADON_TASK_MESSAGE_MAX - 1) == 0);
    /* a DONE record has no message */
    int32_t d = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, d, "r", 1, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", d, &rec, 0), 0);
    CU_ASSERT_STRING_EQUAL(rec.message, "");
    ladon_store_close(st);
}

static void test_ttl(void)
{
    /* the store's own ttl (for "task lost") is 2 s too */
    ladon_store *st = open_opts(30, 2);
    ladon_task_record rec;
    int32_t done_short = running_task(st, "m");
    int32_t failed_short = running_task(st, "m");
    int32_t done_long = running_task(st, "m");
    int32_t running = running_task(st, "m");
    int32_t queued;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &queued), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, done_short, "short", 5, 2), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, failed_short, "short", 2), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, done_long, "long", 4, 1000), 0);
    /* a large (chunked in memcached) result expires whole */
    size_t blen = 1536u * 1024u;
    char *big = calloc(1, blen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    int32_t big_short = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, big_short, big, blen, 2), 0);
    free(big);
    int32_t lost = 0;
    ladon_store *st2 = NULL;
    if (ladon_store_lease(st) > 0) { /* a lost task expires with opts.ttl_s */
        st2 = open_opts(3, 2);
        lost = running_task(st2, "m");
        advance(10.0);
        CU_ASSERT_EQUAL(ladon_store_get(st2, "m", lost, &rec, 0), 0);
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
        CU_ASSERT_STRING_EQUAL(rec.message, LADON_TASK_LOST_MESSAGE);
    }
    int32_t now_ids[] = {done_short, failed_short, done_long, running, queued,
                         big_short};
    for (size_t i = 0; i < sizeof now_ids / sizeof now_ids[0]; i++)
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", now_ids[i], &rec, 0), 0);

    expire_wait(3.2);

    int32_t gone[] = {done_short, failed_short, big_short};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", gone[i], &rec, 1),
                        LADON_ENOTFOUND);
        /* an expired record is not resurrected by a late transition */
        CU_ASSERT_EQUAL(ladon_store_fail(st, gone[i], "x", 100),
                        LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(ladon_store_finish(st, gone[i], "x", 1, 100),
                        LADON_ENOTFOUND);
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", gone[i], &rec, 0),
                        LADON_ENOTFOUND);
    }
    if (st2 != NULL) {
        CU_ASSERT_EQUAL(ladon_store_get(st2, "m", lost, &rec, 0),
                        LADON_ENOTFOUND);
        ladon_store_close(st2);
    }
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", done_long, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, 4);
    free(rec.result);
    CU_ASSERT_EQUAL(state_of(st, "m", running), LADON_TASK_RUNNING);
    CU_ASSERT_EQUAL(state_of(st, "m", queued), LADON_TASK_QUEUED);
    /* the id of an expired record is free again */
    CU_ASSERT_EQUAL(st->ops->add(st, done_short, "m", t_realtime(NULL)), 0);
    CU_ASSERT_EQUAL(state_of(st, "m", done_short), LADON_TASK_QUEUED);
    ladon_store_close(st);
}

static void test_lease(void)
{
    ladon_store *st = open_opts(3, 100);
    ladon_task_record rec;
    int32_t id;
    /* lease_until = the store's realtime during the call + the lease */
    double t0 = t_realtime(NULL);
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &id), 0);
    double t1 = t_realtime(NULL);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    if (ladon_store_lease(st) == 0) { /* memory: no lease, never lost */
        CU_ASSERT_EQUAL(rec.lease_until, 0.0);
        CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
        advance(1e6);
        CU_ASSERT_EQUAL(state_of(st, "m", id), LADON_TASK_RUNNING);
        CU_ASSERT_EQUAL(ladon_store_finish(st, id, "ok", 2, 10), 0);
        ladon_store_close(st);
        return;
    }
    CU_ASSERT_EQUAL(ladon_store_lease(st), 3);
    CU_ASSERT(within("lease_until (create)", rec.lease_until, t0 + 3.0,
                     t1 + 3.0));
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    /* renewed by touch: never lost while touched */
    for (int i = 0; i < 3; i++) {
        advance(2.0);
        t0 = t_realtime(NULL);
        CU_ASSERT_EQUAL(ladon_store_touch(st, id, -1.0), 0);
        t1 = t_realtime(NULL);
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_RUNNING);
        CU_ASSERT(within("lease_until (touch)", rec.lease_until, t0 + 3.0,
                         t1 + 3.0));
    }
    /* its process is gone: the lease passes */
    advance(3.5);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(rec.message, LADON_TASK_LOST_MESSAGE);
    CU_ASSERT_EQUAL(rec.info.progress, 1.0);
    CU_ASSERT_EQUAL(rec.lease_until, 0.0);
    CU_ASSERT_PTR_NULL(rec.result);
    /* the late owner cannot overwrite it */
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "late", 4, 100), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.5), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    /* a queued task whose process died is lost too */
    int32_t q;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &q), 0);
    advance(4.0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", q, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(rec.message, LADON_TASK_LOST_MESSAGE);
    CU_ASSERT_EQUAL(ladon_store_start(st, q, NULL), LADON_ESTATE);
    /* an ended record has no lease to pass */
    int32_t d = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, d, "ok", 2, 100), 0);
    advance(10.0);
    CU_ASSERT_EQUAL(state_of(st, "m", d), LADON_TASK_DONE);
    ladon_store_close(st);
}

/* A record whose lease nobody renews and nobody reads (its process died
 * right after creating it, or a create timed out after the server stored
 * it) does not stay forever in a shared store: it expires opts.ttl_s after
 * its lease passed.  The memory store has no leases (its records die with
 * the process). */
static void test_orphan_expires(void)
{
    if (!remote)
        return;
    ladon_store *st = open_opts(3, 1); /* lease 3 s, ttl 1 s */
    int32_t q, r = running_task(st, "m");
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &q), 0);
    expire_wait(1.0);
    CU_ASSERT_EQUAL(state_of(st, "m", r), LADON_TASK_RUNNING); /* lease not passed */
    /* lease 3 s + 1 s + ttl 1 s, plus memcached's one-second clock */
    expire_wait(6.0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", q, &rec, 0), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", r, &rec, 0), LADON_ENOTFOUND);
    ladon_store_close(st);
}

/* ---- concurrency -------------------------------------------------------- */

enum { RACE_IDS = 150, RACE_THREADS = 8 };

typedef struct {
    ladon_store *st;
    int idx;
    int32_t *ids;
    atomic_int *wins;   /* per id: how many transitions succeeded */
    atomic_int *winner; /* per id: the winning thread */
    _Atomic long *bad;  /* unexpected return codes */
} race_arg;

static void *racer(void *p)
{
    race_arg *a = p;
    char res[32];
    int len = snprintf(res, sizeof res, "winner %d", a->idx);
    for (int k = 0; k < RACE_IDS; k++) {
        /* different orders per thread, so every pair of threads meets */
        int i = (a->idx % 2 == 0) ? k : RACE_IDS - 1 - k;
        int32_t id = a->ids[i];
        int rc;
        if (a->idx == RACE_THREADS) { /* the progress/touch writer */
            rc = ladon_store_progress(a->st, id, 0.5);
            if (rc == 0 || rc == LADON_ESTATE)
                rc = ladon_store_touch(a->st, id, 0.75);
            if (rc != 0 && rc != LADON_ESTATE)
                atomic_fetch_add(a->bad, 1);
            continue;
        }
        if (a->idx % 2 == 0)
            rc = ladon_store_finish(a->st, id, res, (size_t)len, 1000);
        else
            rc = ladon_store_fail(a->st, id, res, 1000);
        if (rc == 0) {
            atomic_fetch_add(&a->wins[i], 1);
            atomic_store(&a->winner[i], a->idx);
        } else if (rc != LADON_ESTATE) {
            atomic_fetch_add(a->bad, 1);
        }
    }
    return NULL;
}

static void test_race_finish_fail(void)
{
    ladon_store *st = open_default();
    int32_t ids[RACE_IDS];
    atomic_int wins[RACE_IDS], winner[RACE_IDS];
    _Atomic long bad = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < RACE_IDS; i++) {
            ids[i] = running_task(st, "m");
            atomic_init(&wins[i], 0);
            atomic_init(&winner[i], -1);
        }
        pthread_t th[RACE_THREADS + 1];
        race_arg ra[RACE_THREADS + 1];
        for (int t = 0; t <= RACE_THREADS; t++) {
            ra[t] = (race_arg){st, t, ids, wins, winner, &bad};
            CU_ASSERT_EQUAL_FATAL(pthread_create(&th[t], NULL, racer, &ra[t]),
                                  0);
        }
        for (int t = 0; t <= RACE_THREADS; t++)
            pthread_join(th[t], NULL);
        CU_ASSERT_EQUAL(atomic_load(&bad), 0);
        for (int i = 0; i < RACE_IDS; i++) {
            CU_ASSERT_EQUAL(atomic_load(&wins[i]), 1); /* exactly one */
            int w = atomic_load(&winner[i]);
            char want[32];
            int len = snprintf(want, sizeof want, "winner %d", w);
            ladon_task_record rec;
            CU_ASSERT_EQUAL_FATAL(ladon_store_get(st, "m", ids[i], &rec, 1), 0);
            if (w % 2 == 0) {
                CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
                CU_ASSERT_EQUAL(rec.result_len, (size_t)len);
                CU_ASSERT(rec.result != NULL &&
                          memcmp(rec.result, want, (size_t)len) == 0);
            } else {
                CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
                CU_ASSERT_STRING_EQUAL(rec.message, want);
            }
            CU_ASSERT_EQUAL(rec.info.progress, 1.0);
            free(rec.result);
        }
    }
    ladon_store_close(st);
}

enum { LIFE_THREADS = 8, LIFE_ROUNDS = 150 };

typedef struct {
    ladon_store *st;
    int idx;
    int32_t *ids; /* LIFE_ROUNDS per thread */
    _Atomic long *errors;
} life_arg;

/* rc of a store call in a thread: a failure counts in *errors and the first
 * few are shown (which call, which code), so a failed run says why. */
static atomic_int noted_shown;

static int noted(int rc, const char *what, _Atomic long *errors)
{
    if (rc != 0) {
        atomic_fetch_add(errors, 1);
        if (atomic_fetch_add(&noted_shown, 1) < 8)
            fprintf(stderr, "\n    %s: rc %d", what, rc);
    }
    return rc;
}

static void *lifecycle(void *p)
{
    life_arg *a = p;
    char method[16];
    snprintf(method, sizeof method, "m%d", a->idx);
    for (int i = 0; i < LIFE_ROUNDS; i++) {
        int32_t id;
        if (noted(ladon_store_create(a->st, method, &id), "create",
                  a->errors) != 0 ||
            noted(ladon_store_start(a->st, id, NULL), "start", a->errors) != 0)
            continue;
        a->ids[i] = id;
        for (int k = 1; k <= 3; k++)
            noted(ladon_store_progress(a->st, id, k / 4.0), "progress",
                  a->errors);
        char res[32];
        int len = snprintf(res, sizeof res, "%d:%d", a->idx, i);
        if (i % 3 == 0)
            noted(ladon_store_fail(a->st, id, res, 1000), "fail", a->errors);
        else
            noted(ladon_store_finish(a->st, id, res, (size_t)len, 1000),
                  "finish", a->errors);
        ladon_task_record rec;
        if (noted(ladon_store_get(a->st, method, id, &rec, 1), "get",
                  a->errors) != 0)
            continue;
        if (i % 3 == 0 ? rec.info.state != LADON_TASK_FAILED ||
                             strcmp(rec.message, res) != 0
                       : rec.info.state != LADON_TASK_DONE ||
                             rec.result_len != (size_t)len ||
                             memcmp(rec.result, res, (size_t)len) != 0)
            atomic_fetch_add(a->errors, 1);
        free(rec.result);
        if (i % 2 == 0)
            noted(ladon_store_remove(a->st, id), "remove", a->errors);
    }
    return NULL;
}

static void test_concurrent_lifecycle(void)
{
    ladon_store *st = open_default();
    static int32_t ids[LIFE_THREADS * LIFE_ROUNDS];
    memset(ids, 0, sizeof ids);
    _Atomic long errors = 0;
    pthread_t th[LIFE_THREADS];
    life_arg la[LIFE_THREADS];
    for (int t = 0; t < LIFE_THREADS; t++) {
        la[t] = (life_arg){st, t, ids + t * LIFE_ROUNDS, &errors};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[t], NULL, lifecycle, &la[t]),
                              0);
    }
    for (int t = 0; t < LIFE_THREADS; t++)
        pthread_join(th[t], NULL);
    CU_ASSERT_EQUAL(atomic_load(&errors), 0);
    qsort(ids, LIFE_THREADS * LIFE_ROUNDS, sizeof ids[0], cmp_i32);
    for (int i = 1; i < LIFE_THREADS * LIFE_ROUNDS; i++)
        CU_ASSERT(ids[i] != ids[i - 1] && ids[i] > 0);
    ladon_store_close(st);
}

/* More threads than a pool has connections (64): they wait their turn
 * rather than fail. */
enum { CROWD_THREADS = 80, CROWD_ROUNDS = 10 };

static void *crowd_member(void *p)
{
    life_arg *a = p;
    for (int i = 0; i < CROWD_ROUNDS; i++) {
        int32_t id;
        ladon_task_record rec;
        if (noted(ladon_store_create(a->st, "m", &id), "create", a->errors) ||
            noted(ladon_store_start(a->st, id, NULL), "start", a->errors) ||
            noted(ladon_store_finish(a->st, id, "crowd", 5, 100), "finish",
                  a->errors) ||
            noted(ladon_store_get(a->st, "m", id, &rec, 1), "get", a->errors))
            continue;
        if (rec.result_len != 5 || memcmp(rec.result, "crowd", 5) != 0)
            atomic_fetch_add(a->errors, 1);
        free(rec.result);
    }
    return NULL;
}

static void test_crowd(void)
{
    ladon_store *st = open_default();
    _Atomic long errors = 0;
    pthread_t th[CROWD_THREADS];
    life_arg la[CROWD_THREADS];
    for (int t = 0; t < CROWD_THREADS; t++) {
        la[t] = (life_arg){st, t, NULL, &errors};
        CU_ASSERT_EQUAL_FATAL(
            pthread_create(&th[t], NULL, crowd_member, &la[t]), 0);
    }
    for (int t = 0; t < CROWD_THREADS; t++)
        pthread_join(th[t], NULL);
    CU_ASSERT_EQUAL(atomic_load(&errors), 0);
    ladon_store_close(st);
}

static void test_misc(void)
{
    ladon_store *st = open_default();
    ladon_store_stats s;
    if (remote) {
        CU_ASSERT_EQUAL(ladon_store_stats_get(st, &s), LADON_EINVAL);
        CU_ASSERT_EQUAL(ladon_store_sweep(st), 0);
        CU_ASSERT_EQUAL(ladon_store_has_live_progress(st), 0);
        CU_ASSERT_EQUAL(ladon_store_lease(st), 30);
    } else {
        CU_ASSERT_EQUAL(ladon_store_stats_get(st, &s), 0);
        CU_ASSERT_EQUAL(ladon_store_lease(st), 0);
    }
    /* a live cell given to start is never required */
    ladon_task_live *live = ladon__task_live_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(live);
    int32_t id;
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, live), 0);
    ladon__task_live_raise(live, 0.5);
    if (!ladon_store_has_live_progress(st))
        CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), 0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.5);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "", 0, 10), 0);
    ladon_task_live_unref(live);
    ladon_store_close(st);
}

/* ---- main --------------------------------------------------------------- */

/* ---- the lifecycle (issue 13): cancel, end, sync, change counter, keys -- */

static void test_lifecycle_transitions(void)
{
    ladon_store *st = open_default();
    ladon_task_record rec;
    int32_t q, r, d, f;
    uint64_t c0 = 0, c1 = 0;
    int counted = ladon_store_changes(st, &c0) == 0;
    CU_ASSERT_EQUAL(counted, remote); /* memory: ends are seen in process */
    /* cancel of a queued task: CANCELLED at once, progress 1.0, message */
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &q), 0);
    CU_ASSERT_EQUAL(ladon_store_cancel(st, "other", q, 100, &rec), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_cancel(st, "m", q, 100, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_CANCELLED);
    CU_ASSERT_EQUAL(rec.info.progress, 1.0);
    CU_ASSERT_STRING_EQUAL(rec.message, LADON_TASK_CANCELLED_MESSAGE);
    CU_ASSERT_EQUAL(ladon_store_start(st, q, NULL), LADON_ESTATE); /* never runs */
    if (counted) {
        CU_ASSERT_EQUAL(ladon_store_changes(st, &c1), 0);
        CU_ASSERT(c1 != c0);
        c0 = c1;
    }
    /* cancel of a running task: the flag; sync reads it; a finish ends it cancelled */
    r = running_task(st, "m");
    unsigned flags = 99;
    CU_ASSERT_EQUAL(ladon_store_sync(st, r, 0.25, "copying a", 1, &flags), 0);
    CU_ASSERT_EQUAL(flags, 0);
    if (counted) { /* progress and status do not move the counter */
        CU_ASSERT_EQUAL(ladon_store_changes(st, &c1), 0);
        CU_ASSERT_EQUAL(c1, c0);
    }
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", r, &rec, 0), 0);
    CU_ASSERT_STRING_EQUAL(rec.message, "copying a");
    CU_ASSERT(rec.info.progress >= 0.25);
    CU_ASSERT_EQUAL(ladon_store_cancel(st, "m", r, 100, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_RUNNING);
    CU_ASSERT(rec.flags & LADON_TASK_CANCEL_REQUESTED);
    CU_ASSERT_EQUAL(ladon_store_cancel(st, "m", r, 100, &rec), 0); /* idempotent */
    CU_ASSERT_EQUAL(ladon_store_sync(st, r, -1.0, NULL, 0, &flags), 0);
    CU_ASSERT(flags & LADON_TASK_CANCEL_REQUESTED);
    if (counted) {
        CU_ASSERT_EQUAL(ladon_store_changes(st, &c1), 0);
        CU_ASSERT(c1 != c0);
        c0 = c1;
    }
    CU_ASSERT_EQUAL(ladon_store_finish(st, r, "late", 4, 100), LADON_STORE_CANCELLED);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", r, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_CANCELLED);
    CU_ASSERT_PTR_NULL(rec.result);
    CU_ASSERT_EQUAL(ladon_store_sync(st, r, 0.5, NULL, 0, &flags), LADON_ESTATE);
    /* cancel after the end: unchanged */
    d = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, d, "ok", 2, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_cancel(st, "m", d, 100, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", d, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, 2);
    free(rec.result);
    /* end with the client's fault; and a cancel-requested record's fail */
    f = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_end(st, f, LADON_TASK_FAILED, LADON_TASK_CLIENT_FAULT,
                                    "bad id", 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", f, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT(rec.flags & LADON_TASK_CLIENT_FAULT);
    CU_ASSERT_STRING_EQUAL(rec.message, "bad id");
    CU_ASSERT_EQUAL(ladon_store_end(st, f, LADON_TASK_FAILED, 0, "x", 100), LADON_ESTATE);
    f = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_cancel(st, "m", f, 100, &rec), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, f, "boom", 100), LADON_STORE_CANCELLED);
    CU_ASSERT_EQUAL(state_of(st, "m", f), LADON_TASK_CANCELLED);
    /* a missing record */
    CU_ASSERT_EQUAL(ladon_store_cancel(st, "m", 12345, 100, &rec), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_sync(st, 12345, 0.5, NULL, 0, &flags), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_end(st, 12345, LADON_TASK_CANCELLED, 0, "x", 100),
                    LADON_ENOTFOUND);
    /* a status line is cut at a character boundary */
    char longs[LADON_TASK_STATUS_MAX + 8];
    memset(longs, 'a', sizeof longs);
    memcpy(longs + LADON_TASK_STATUS_MAX - 2, "\xc3\xa9\xc3\xa9", 4); /* e-acute twice */
    longs[sizeof longs - 1] = '\0';
    r = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_sync(st, r, -1.0, longs, 0, &flags), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", r, &rec, 0), 0);
    CU_ASSERT_EQUAL(strlen(rec.message), LADON_TASK_STATUS_MAX - 2);
    ladon_store_close(st);
}

static void test_keys(void)
{
    ladon_store *st = open_default();
    int32_t a, b, holder = 0;
    uint64_t h = 0;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &a), 0);
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &b), 0);
    CU_ASSERT_EQUAL(ladon_store_claim(st, "m", "key-1", 7, a, 100, &holder, &h), 0);
    CU_ASSERT_EQUAL(ladon_store_claim(st, "m", "key-1", 8, b, 100, &holder, &h),
                    LADON_STORE_EXISTS);
    CU_ASSERT_EQUAL(holder, a);
    CU_ASSERT_EQUAL(h, 7);
    /* another method's key of the same name is another key */
    CU_ASSERT_EQUAL(ladon_store_claim(st, "n", "key-1", 8, b, 100, &holder, &h), 0);
    CU_ASSERT_EQUAL(ladon_store_claim(st, "m", "bad key", 1, a, 100, &holder, &h), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_claim(st, "m", "", 1, a, 100, &holder, &h), LADON_EINVAL);
    /* unclaim by another id changes nothing; by the holder it frees the key */
    CU_ASSERT_EQUAL(ladon_store_unclaim(st, "m", "key-1", b), 0);
    CU_ASSERT_EQUAL(ladon_store_claim(st, "m", "key-1", 9, b, 100, &holder, &h),
                    LADON_STORE_EXISTS);
    CU_ASSERT_EQUAL(ladon_store_unclaim(st, "m", "key-1", a), 0);
    CU_ASSERT_EQUAL(ladon_store_claim(st, "m", "key-1", 9, b, 100, &holder, &h), 0);
    /* keys expire with their ttl */
    CU_ASSERT_EQUAL(ladon_store_claim(st, "m", "short", 1, a, 1, &holder, &h), 0);
    expire_wait(2.1); /* memcached counts expiry in whole seconds */
    CU_ASSERT_EQUAL(ladon_store_claim(st, "m", "short", 2, b, 100, &holder, &h), 0);
    ladon_store_close(st);
}

enum { KEY_ROUNDS = 40 };

typedef struct {
    ladon_store *st;
    int idx, round;
    pthread_barrier_t *go;
    int32_t *ids;        /* [RACE_THREADS] records, one per thread */
    int32_t *seen;       /* [RACE_THREADS] the holder each thread got */
    int *won;            /* [RACE_THREADS] */
    _Atomic long *bad;
} key_arg;

static void *key_racer(void *p)
{
    key_arg *a = p;
    char key[32];
    snprintf(key, sizeof key, "race-%d", a->round);
    pthread_barrier_wait(a->go);
    int32_t holder = 0;
    uint64_t h = 0;
    int rc = ladon_store_claim(a->st, "m", key, 5, a->ids[a->idx], 100, &holder, &h);
    a->won[a->idx] = rc == 0;
    a->seen[a->idx] = rc == 0 ? a->ids[a->idx] : holder;
    if (rc != 0 && (rc != LADON_STORE_EXISTS || h != 5))
        atomic_fetch_add(a->bad, 1);
    return NULL;
}

static void test_race_keys(void)
{
    ladon_store *st = open_default();
    _Atomic long bad = 0;
    for (int round = 0; round < KEY_ROUNDS; round++) {
        pthread_t th[RACE_THREADS];
        key_arg args[RACE_THREADS];
        int32_t ids[RACE_THREADS], seen[RACE_THREADS];
        int won[RACE_THREADS];
        pthread_barrier_t go;
        CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&go, NULL, RACE_THREADS), 0);
        for (int i = 0; i < RACE_THREADS; i++)
            CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &ids[i]), 0);
        for (int i = 0; i < RACE_THREADS; i++) {
            args[i] = (key_arg){st, i, round, &go, ids, seen, won, &bad};
            CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, key_racer, &args[i]), 0);
        }
        int winners = 0, winner = -1;
        for (int i = 0; i < RACE_THREADS; i++)
            pthread_join(th[i], NULL);
        for (int i = 0; i < RACE_THREADS; i++)
            if (won[i]) {
                winners++;
                winner = i;
            }
        CU_ASSERT_EQUAL(winners, 1);
        for (int i = 0; i < RACE_THREADS && winner >= 0; i++)
            CU_ASSERT_EQUAL(seen[i], ids[winner]);
        pthread_barrier_destroy(&go);
    }
    CU_ASSERT_EQUAL(atomic_load(&bad), 0);
    ladon_store_close(st);
}

typedef struct {
    ladon_store *st;
    int idx;
    int32_t *ids;
    int *fin_rc; /* per id: what the finisher got */
    _Atomic long *bad;
    pthread_barrier_t *meet; /* every thread starts on record i together */
} cancel_arg;

static void *cancel_racer(void *p)
{
    cancel_arg *a = p;
    for (int i = 0; i < RACE_IDS; i++) {
        int32_t id = a->ids[i];
        /* without meeting per record, the finisher (one store call per
         * record) outran the cancellers on the memory store every time */
        pthread_barrier_wait(a->meet);
        if (a->idx == 0) {
            int rc = ladon_store_finish(a->st, id, "r", 1, 1000);
            a->fin_rc[i] = rc;
            if (rc != 0 && rc != LADON_STORE_CANCELLED)
                atomic_fetch_add(a->bad, 1);
        } else {
            ladon_task_record rec;
            int rc = ladon_store_cancel(a->st, "m", id, 1000, &rec);
            if (rc != 0)
                atomic_fetch_add(a->bad, 1);
        }
    }
    return NULL;
}

static void test_race_cancel_finish(void)
{
    ladon_store *st = open_default();
    int32_t ids[RACE_IDS];
    int fin_rc[RACE_IDS];
    _Atomic long bad = 0;
    for (int i = 0; i < RACE_IDS; i++)
        ids[i] = running_task(st, "m");
    pthread_t th[RACE_THREADS];
    cancel_arg args[RACE_THREADS];
    pthread_barrier_t meet;
    CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&meet, NULL, RACE_THREADS), 0);
    for (int i = 0; i < RACE_THREADS; i++) {
        args[i] = (cancel_arg){st, i, ids, fin_rc, &bad, &meet};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, cancel_racer, &args[i]), 0);
    }
    for (int i = 0; i < RACE_THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&meet);
    CU_ASSERT_EQUAL(atomic_load(&bad), 0);
    int done_n = 0, cancelled_n = 0, mismatch = 0;
    for (int i = 0; i < RACE_IDS; i++) {
        int state = state_of(st, "m", ids[i]);
        /* exactly one winner: the finish (DONE) or the cancel (CANCELLED) */
        if (fin_rc[i] == 0 && state == LADON_TASK_DONE)
            done_n++;
        else if (fin_rc[i] == LADON_STORE_CANCELLED && state == LADON_TASK_CANCELLED)
            cancelled_n++;
        else
            mismatch++;
    }
    CU_ASSERT_EQUAL(mismatch, 0);
    CU_ASSERT_EQUAL(done_n + cancelled_n, RACE_IDS);
    printf("\n    cancel vs finish: %d done, %d cancelled\n", done_n, cancelled_n);
    ladon_store_close(st);
}

typedef struct {
    ladon_store *st;
    int idx;
    int32_t *ids;
    _Atomic long *bad;
} lost_arg;

static void *lost_racer(void *p)
{
    lost_arg *a = p;
    for (int k = 0; k < RACE_IDS; k++) {
        int i = (a->idx % 2 == 0) ? k : RACE_IDS - 1 - k;
        ladon_task_record rec;
        int rc = a->idx % 2 == 0 ? ladon_store_cancel(a->st, "m", a->ids[i], 100, &rec)
                                 : ladon_store_get(a->st, "m", a->ids[i], &rec, 0);
        /* whoever asks sees it ended: lost, or cancelled */
        if (rc != 0 || (rec.info.state != LADON_TASK_FAILED &&
                        rec.info.state != LADON_TASK_CANCELLED))
            atomic_fetch_add(a->bad, 1);
    }
    return NULL;
}

/* A cancel racing the discovery that the task's lease passed: one outcome
 * per record, seen the same by every thread and every later read. */
static void test_race_cancel_lost(void)
{
    ladon_store *st = open_opts(3, 100);
    if (ladon_store_lease(st) == 0) { /* memory: no leases */
        ladon_store_close(st);
        return;
    }
    int32_t ids[RACE_IDS];
    for (int i = 0; i < RACE_IDS; i++)
        ids[i] = running_task(st, "m");
    advance(3.5);
    _Atomic long bad = 0;
    pthread_t th[RACE_THREADS];
    lost_arg args[RACE_THREADS];
    for (int i = 0; i < RACE_THREADS; i++) {
        args[i] = (lost_arg){st, i, ids, &bad};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, lost_racer, &args[i]), 0);
    }
    for (int i = 0; i < RACE_THREADS; i++)
        pthread_join(th[i], NULL);
    CU_ASSERT_EQUAL(atomic_load(&bad), 0);
    int lost = 0, cancelled = 0;
    for (int i = 0; i < RACE_IDS; i++) {
        ladon_task_record a, b;
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", ids[i], &a, 0), 0);
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", ids[i], &b, 0), 0);
        CU_ASSERT_EQUAL(a.info.state, b.info.state);
        if (a.info.state == LADON_TASK_FAILED &&
            strcmp(a.message, LADON_TASK_LOST_MESSAGE) == 0)
            lost++;
        else if (a.info.state == LADON_TASK_CANCELLED)
            cancelled++;
    }
    CU_ASSERT_EQUAL(lost + cancelled, RACE_IDS);
    printf("\n    cancel vs lease loss: %d lost, %d cancelled\n", lost, cancelled);
    ladon_store_close(st);
}

/* ---- owners and listing ------------------------------------------------- */

static int32_t owned_task(ladon_store *st, const char *method, const char *owner)
{
    int32_t id = 0;
    CU_ASSERT_EQUAL(ladon_store_create_owned(st, method, owner, &id), 0);
    advance(0.001); /* distinct starttimes: the order is known */
    return id;
}

static void owner_is(ladon_store *st, const char *method, int32_t id, const char *want)
{
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_store_get(st, method, id, &rec, 0), 0);
    CU_ASSERT_STRING_EQUAL(rec.owner, want);
}

static void test_owner_roundtrip(void)
{
    ladon_store *st = open_default();
    char longname[LADON_TASK_OWNER_MAX + 1];
    memset(longname, 'u', sizeof longname);
    longname[LADON_TASK_OWNER_MAX - 1] = '\0'; /* the longest */
    int32_t a = owned_task(st, "m", "alice");
    int32_t anon = owned_task(st, "m", "");
    int32_t anon2 = owned_task(st, "m", NULL);
    int32_t lng = owned_task(st, "m", longname);
    int32_t utf = owned_task(st, "m", "j\xc3\xb6rg o'neil:x y");
    owner_is(st, "m", a, "alice");
    owner_is(st, "m", anon, "");
    owner_is(st, "m", anon2, "");
    owner_is(st, "m", lng, longname);
    owner_is(st, "m", utf, "j\xc3\xb6rg o'neil:x y");
    /* kept through every transition */
    CU_ASSERT_EQUAL(ladon_store_start(st, a, NULL), 0);
    owner_is(st, "m", a, "alice");
    CU_ASSERT_EQUAL(ladon_store_sync(st, a, 0.5, "half", 1, NULL), 0);
    owner_is(st, "m", a, "alice");
    CU_ASSERT_EQUAL(ladon_store_finish(st, a, "<r/>", 4, 100), 0);
    owner_is(st, "m", a, "alice");
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", a, &rec, 1), 0);
    CU_ASSERT_STRING_EQUAL(rec.owner, "alice");
    CU_ASSERT_EQUAL(rec.result_len, 4);
    free(rec.result);
    CU_ASSERT_EQUAL(ladon_store_cancel(st, "m", lng, 100, &rec), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_CANCELLED);
    CU_ASSERT_STRING_EQUAL(rec.owner, longname);
    CU_ASSERT_EQUAL(ladon_store_fail(st, utf, "no", 100), 0);
    owner_is(st, "m", utf, "j\xc3\xb6rg o'neil:x y");
    /* too long an owner is refused, and nothing is created */
    int32_t id = 0;
    longname[LADON_TASK_OWNER_MAX - 1] = 'u';
    longname[LADON_TASK_OWNER_MAX] = '\0';
    CU_ASSERT_EQUAL(ladon_store_create_owned(st, "m", longname, &id), LADON_EINVAL);
    CU_ASSERT_EQUAL(id, 0);
    ladon_store_close(st);
}

/* The whole listing of owner's tasks of method, pages of limit; the ids
 * into ids[] (at most max), their count.  Checks the order and that every
 * page but the last is full and says more. */
static size_t list_all(ladon_store *st, const char *method, const char *owner, size_t limit,
                       int32_t *ids, size_t max)
{
    ladon_task_info *page = calloc(limit, sizeof *page);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    ladon_task_pos pos = {0}, prev = {0};
    size_t total = 0;
    int more = 1, first = 1;
    for (int pages = 0; more && pages < 10000; pages++) {
        size_t n = 99999;
        CU_ASSERT_EQUAL_FATAL(ladon_store_list(st, method, owner, first ? NULL : &pos, limit, page,
                                               &n, &more), 0);
        CU_ASSERT(n <= limit);
        if (more)
            CU_ASSERT_EQUAL(n, limit);
        for (size_t i = 0; i < n; i++) {
            ladon_task_pos p = {page[i].starttime, page[i].id};
            if (total > 0) /* strictly older than the one before */
                CU_ASSERT(p.starttime < prev.starttime ||
                          (p.starttime == prev.starttime && p.id < prev.id));
            prev = p;
            if (total < max)
                ids[total] = page[i].id;
            total++;
        }
        if (n > 0)
            pos = prev;
        first = 0;
        if (n == 0)
            break;
    }
    CU_ASSERT_EQUAL(more, 0);
    free(page);
    return total;
}

static void test_list_own(void)
{
    ladon_store *st = open_default();
    int32_t a1 = owned_task(st, "m", "alice");
    int32_t b1 = owned_task(st, "m", "bob");
    int32_t a2 = owned_task(st, "m", "alice");
    int32_t an = owned_task(st, "n", "alice"); /* another method's */
    (void)owned_task(st, "m", NULL);           /* nobody's */
    int32_t a3 = owned_task(st, "m", "alice");
    int32_t b2 = owned_task(st, "m", "bob");
    (void)owned_task(st, "m", "alice2");       /* a name alice is a prefix of */
    CU_ASSERT_EQUAL(ladon_store_start(st, a2, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_progress(st, a2, 0.25), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, a3, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, a3, "x", 1, 100), 0);

    ladon_task_info page[10];
    size_t n = 0;
    int more = 1;
    CU_ASSERT_EQUAL_FATAL(ladon_store_list(st, "m", "alice", NULL, 10, page, &n, &more), 0);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(more, 0);
    /* newest first, as get reports them */
    CU_ASSERT_EQUAL(page[0].id, a3);
    CU_ASSERT_EQUAL(page[0].state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(page[0].progress, 1.0);
    CU_ASSERT_EQUAL(page[1].id, a2);
    CU_ASSERT_EQUAL(page[1].state, LADON_TASK_RUNNING);
    CU_ASSERT_EQUAL(page[1].progress, 0.25);
    CU_ASSERT_EQUAL(page[2].id, a1);
    CU_ASSERT_EQUAL(page[2].state, LADON_TASK_QUEUED);
    CU_ASSERT(page[0].starttime > page[1].starttime && page[1].starttime > page[2].starttime);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", a1, &rec, 0), 0);
    CU_ASSERT_EQUAL(page[2].starttime, rec.info.starttime);

    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "bob", NULL, 10, page, &n, &more), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(page[0].id, b2);
    CU_ASSERT_EQUAL(page[1].id, b1);
    CU_ASSERT_EQUAL(ladon_store_list(st, "n", "alice", NULL, 10, page, &n, &more), 0);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(page[0].id, an);
    CU_ASSERT_EQUAL(ladon_store_list(st, "n", "bob", NULL, 10, page, &n, &more), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "carol", NULL, 10, page, &n, &more), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(more, 0);
    /* a removed record is not listed */
    CU_ASSERT_EQUAL(ladon_store_remove(st, a2), 0);
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "alice", NULL, 10, page, &n, &more), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(page[0].id, a3);
    CU_ASSERT_EQUAL(page[1].id, a1);
    /* pages of one */
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "alice", NULL, 1, page, &n, &more), 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(more, 1);
    ladon_task_pos pos = {page[0].starttime, page[0].id};
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "alice", &pos, 1, page, &n, &more), 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(page[0].id, a1);
    CU_ASSERT_EQUAL(more, 0);
    /* bad arguments */
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "", NULL, 10, page, &n, &more), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", NULL, NULL, 10, page, &n, &more), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "alice", NULL, 0, page, &n, &more), LADON_EINVAL);
    ladon_store_close(st);
}

#define PAGED 250

static void test_list_paging(void)
{
    ladon_store *st = open_default();
    int32_t made[PAGED], seen[PAGED + 100];
    for (int i = 0; i < PAGED; i++)
        made[i] = owned_task(st, "m", "alice");
    for (int i = 0; i < 20; i++)
        (void)owned_task(st, "m", "bob");
    static const size_t limits[] = {1, 7, 50, 249, 250, 1000};
    for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
        size_t n = list_all(st, "m", "alice", limits[l], seen, PAGED + 100);
        CU_ASSERT_EQUAL_FATAL(n, PAGED);
        for (int i = 0; i < PAGED; i++) /* newest first: made in reverse */
            CU_ASSERT_EQUAL(seen[i], made[PAGED - 1 - i]);
    }
    /* stable under inserts: tasks added while paging are newer, so the pages
     * that follow neither repeat nor skip one */
    ladon_task_info page[40];
    ladon_task_pos pos;
    size_t total = 0, n = 0;
    int more = 1, first = 1;
    while (more) {
        CU_ASSERT_EQUAL_FATAL(ladon_store_list(st, "m", "alice", first ? NULL : &pos, 40, page,
                                               &n, &more), 0);
        for (size_t i = 0; i < n && total < PAGED; i++)
            seen[total++] = page[i].id;
        if (n > 0)
            pos = (ladon_task_pos){page[n - 1].starttime, page[n - 1].id};
        first = 0;
        (void)owned_task(st, "m", "alice");
        (void)owned_task(st, "m", "alice");
        if (n == 0)
            break;
    }
    CU_ASSERT_EQUAL(total, PAGED);
    for (size_t i = 0; i < total; i++)
        CU_ASSERT_EQUAL(seen[i], made[PAGED - 1 - i]);
    ladon_store_close(st);
}

static void test_list_expiry(void)
{
    ladon_store *st = open_opts(30, 2);
    int32_t keep = owned_task(st, "m", "alice");
    int32_t gone1 = owned_task(st, "m", "alice");
    int32_t gone2 = owned_task(st, "m", "alice");
    int32_t done = owned_task(st, "m", "alice");
    CU_ASSERT_EQUAL(ladon_store_start(st, gone1, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, gone1, "x", 1, 2), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, gone2, "x", 2), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, done, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, done, "y", 1, 1000), 0);
    ladon_task_info page[10];
    size_t n = 0;
    int more = 0;
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "alice", NULL, 10, page, &n, &more), 0);
    CU_ASSERT_EQUAL(n, 4);
    expire_wait(3.2);
    (void)ladon_store_sweep(st);
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "alice", NULL, 10, page, &n, &more), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(page[0].id, done);
    CU_ASSERT_EQUAL(page[1].id, keep);
    /* the listing pruned the index: the store itself no longer names them */
    ladon_task_pos raw[10];
    size_t rn = 0;
    CU_ASSERT_EQUAL(st->ops->list(st, "m", "alice", NULL, NULL, 0, raw, 10, &rn), 0);
    CU_ASSERT_EQUAL(rn, 2);
    for (size_t i = 0; i < rn; i++)
        CU_ASSERT(raw[i].id != gone1 && raw[i].id != gone2);
    ladon_store_close(st);
}

/* 4 threads add (and end) owned tasks while the main thread lists: every listing is in order
 * and holds no task twice; in the end all are listed. */
#define LIST_ADDERS 4
#define LIST_ADDS 100

typedef struct list_adder {
    ladon_store *st;
    _Atomic long errors;
} list_adder;

static void *list_adder_main(void *p)
{
    list_adder *a = p;
    for (int i = 0; i < LIST_ADDS; i++) {
        int32_t id = 0;
        if (ladon_store_create_owned(a->st, "m", "carol", &id) != 0 ||
            ladon_store_start(a->st, id, NULL) != 0 ||
            (i % 2 == 0 && ladon_store_finish(a->st, id, "r", 1, 1000) != 0))
            atomic_fetch_add(&a->errors, 1);
    }
    return NULL;
}

static void test_list_concurrent(void)
{
    ladon_store *st = open_default();
    list_adder a = {st, 0};
    pthread_t th[LIST_ADDERS];
    for (int i = 0; i < LIST_ADDERS; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, list_adder_main, &a), 0);
    int32_t *seen = calloc(LIST_ADDERS * LIST_ADDS, sizeof *seen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    for (int round = 0; round < 20; round++) {
        size_t n = list_all(st, "m", "carol", 25, seen, LIST_ADDERS * LIST_ADDS);
        CU_ASSERT(n <= LIST_ADDERS * LIST_ADDS);
        size_t m = n < LIST_ADDERS * LIST_ADDS ? n : LIST_ADDERS * LIST_ADDS;
        qsort(seen, m, sizeof *seen, cmp_i32);
        for (size_t i = 1; i < m; i++)
            CU_ASSERT(seen[i] != seen[i - 1]);
    }
    for (int i = 0; i < LIST_ADDERS; i++)
        pthread_join(th[i], NULL);
    CU_ASSERT_EQUAL(atomic_load(&a.errors), 0);
    CU_ASSERT_EQUAL(list_all(st, "m", "carol", 1000, seen, LIST_ADDERS * LIST_ADDS),
                    (size_t)(LIST_ADDERS * LIST_ADDS));
    free(seen);
    ladon_store_close(st);
}

static int suite_init(void)
{
    if (strcmp(backend, "memory") == 0) {
        snprintf(base_url, sizeof base_url, "memory:");
        return 0;
    }
    remote = 1;
    if (strcmp(backend, "memcached") == 0) {
        if (lt_store_server_start(&server, LT_MEMCACHED, 0, NULL) != 0)
            return 1;
        snprintf(base_url, sizeof base_url, "memcached://127.0.0.1:%u",
                 server.port);
    } else {
        if (lt_store_server_start(&server, LT_REDIS, 0, NULL) != 0)
            return 1;
        snprintf(base_url, sizeof base_url, "redis://127.0.0.1:%u/2",
                 server.port);
    }
    return 0;
}

static int suite_clean(void)
{
    lt_store_server_stop(&server, SIGTERM);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "memory") != 0 &&
                      strcmp(argv[1], "memcached") != 0 &&
                      strcmp(argv[1], "redis") != 0)) {
        fprintf(stderr, "usage: %s memory|memcached|redis\n", argv[0]);
        return 2;
    }
    backend = argv[1];
    static const lg_test tests[] = {
        {"ids unique, positive, random", test_ids},
        {"add-if-absent", test_add_if_absent},
        {"method scoping", test_method_scoping},
        {"every transition, legal and not", test_transitions},
        {"progress clamped and monotonic", test_progress},
        {"starttime and duration", test_times},
        {"result bytes exact", test_results},
        {"failure messages", test_messages},
        {"ttl expiry", test_ttl},
        {"lease passed: task lost", test_lease},
        {"an orphaned record expires", test_orphan_expires},
        {"8 threads race finish vs fail", test_race_finish_fail},
        {"8 threads, whole lifecycles", test_concurrent_lifecycle},
        {"80 threads, more than connections", test_crowd},
        {"stats, sweep, live cells", test_misc},
        {"lifecycle: cancel, end, sync, changes", test_lifecycle_transitions},
        {"idempotency keys", test_keys},
        {"8 threads race for one key", test_race_keys},
        {"8 threads race cancel vs finish", test_race_cancel_finish},
        {"8 threads race cancel vs lease loss", test_race_cancel_lost},
        {"owner kept through every transition", test_owner_roundtrip},
        {"list: own tasks only, newest first", test_list_own},
        {"list: 250 tasks in pages, stable under inserts", test_list_paging},
        {"list: expired tasks pruned", test_list_expiry},
        {"list: 4 threads add while listing", test_list_concurrent},
        {NULL, NULL},
    };
    char name[64];
    snprintf(name, sizeof name, "store_conformance(%s)", backend);
    return lg_run_suite_with(name, suite_init, suite_clean, tests);
}
