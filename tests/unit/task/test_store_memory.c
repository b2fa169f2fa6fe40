/* test_store_memory.c - CUnit suite of the in-memory task store ("memory:")
 * and of the store wrappers and registry (store.c).
 *
 * Time is injected (fake_clock) so expiry is tested without sleeping.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <CUnit/Basic.h>
#include "../cunit_main.h"
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladon/error.h"
#include "ladon/store.h"
#include "task_internal.h"

/* ---- fake clock -------------------------------------------------------- */

#define LT_FAKE_MONOTONIC_ORIGIN 5000.0
#include "fake_clock.h"

static void advance(double seconds)
{
    atomic_fetch_add(&fake_ns, (long long)llround(seconds * 1e9));
}

static ladon_store *open_fake(const char *url)
{
    ladon_store *st = NULL;
    char err[256];
    int rc = ladon_store_open(&st, url, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    ladon_store_set_clock(st, &fake_clock);
    return st;
}

static size_t records(ladon_store *st)
{
    ladon_store_stats s;
    CU_ASSERT_EQUAL(ladon_store_stats_get(st, &s), 0);
    return s.records;
}

/* create + start */
static int32_t running_task(ladon_store *st, const char *method)
{
    int32_t id = 0;
    CU_ASSERT_EQUAL(ladon_store_create(st, method, &id), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    return id;
}

/* ---- tests ------------------------------------------------------------- */

static void test_open_urls(void)
{
    static const char *good[] = {"memory:", "memory://", "MEMORY:",
                                 "memory:?live_progress=0",
                                 "memory:?live_progress=1"};
    static const char *bad[] = {"", "memory", "memory:host", "memory://h:1",
                                "bogus:", "redis-nope://x", "1memory:",
                                "memory:?live_progress=2"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ladon_store *st = NULL;
        char err[256] = "x";
        CU_ASSERT_EQUAL(ladon_store_open(&st, good[i], err, sizeof err), 0);
        CU_ASSERT_PTR_NOT_NULL(st);
        CU_ASSERT_STRING_EQUAL(err, "");
        ladon_store_close(st);
    }
    CU_ASSERT_EQUAL(ladon_store_open(NULL, "memory:", NULL, 0), LADON_EINVAL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ladon_store *st = (ladon_store *)0x1;
        char err[256] = "";
        CU_ASSERT_EQUAL(ladon_store_open(&st, bad[i], err, sizeof err),
                        LADON_EINVAL);
        CU_ASSERT_PTR_EQUAL(st, (ladon_store *)0x1); /* untouched */
        CU_ASSERT(strlen(err) > 0);
    }
    ladon_store *st = NULL;
    CU_ASSERT_EQUAL(ladon_store_open(&st, NULL, NULL, 0), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_has_live_progress(NULL), 0);
    ladon_store_close(NULL);
}

static ladon_store_ops testmem_ops;

static void test_registry(void)
{
    ladon_store_ops incomplete = {.scheme = "half"};
    CU_ASSERT_EQUAL(ladon_store_register(&incomplete), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_register(NULL), LADON_EINVAL);
    ladon_store_ops dup = ladon__store_memory_ops;
    CU_ASSERT_EQUAL(ladon_store_register(&dup), LADON_EINVAL);

    testmem_ops = ladon__store_memory_ops;
    testmem_ops.scheme = "testmem";
    CU_ASSERT_EQUAL(ladon_store_register(&testmem_ops), 0);
    CU_ASSERT_EQUAL(ladon_store_register(&testmem_ops), LADON_EINVAL);
    ladon_store *st = NULL;
    CU_ASSERT_EQUAL_FATAL(ladon_store_open(&st, "testmem:", NULL, 0), 0);
    CU_ASSERT_PTR_EQUAL(st->ops, &testmem_ops);
    int32_t id;
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &id), 0);
    ladon_store_close(st);
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static void test_ids_unique_random(void)
{
    enum { N = 100000 };
    ladon_store *st = open_fake("memory:");
    int32_t *ids = malloc(N * sizeof *ids);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
    size_t ascending = 0, adjacent = 0;
    for (size_t i = 0; i < N; i++) {
        CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &ids[i]), 0);
        CU_ASSERT_FATAL(ids[i] >= 1 && ids[i] <= INT32_MAX);
        if (i > 0) {
            ascending += ids[i] > ids[i - 1];
            adjacent += llabs((long long)ids[i] - ids[i - 1]) <= 1000;
        }
    }
    CU_ASSERT_EQUAL(records(st), N);
    /* random order: about half the steps go up, almost none are close */
    CU_ASSERT(ascending > N * 45 / 100 && ascending < N * 55 / 100);
    CU_ASSERT(adjacent < 100);
    qsort(ids, N, sizeof *ids, cmp_i32);
    size_t dups = 0;
    for (size_t i = 1; i < N; i++)
        dups += ids[i] == ids[i - 1];
    CU_ASSERT_EQUAL(dups, 0);
    free(ids);
    ladon_store_close(st);
}

static void test_add_if_absent(void)
{
    ladon_store *st = open_fake("memory:");
    const ladon_store_ops *ops = st->ops;
    CU_ASSERT_EQUAL(ops->add(st, 42, "m", 1.0), 0);
    CU_ASSERT_EQUAL(ops->add(st, 42, "other", 1.0), LADON_STORE_EXISTS);
    CU_ASSERT_EQUAL(ops->start(st, 42, NULL), 0);
    CU_ASSERT_EQUAL(ops->add(st, 42, "m", 1.0), LADON_STORE_EXISTS);
    CU_ASSERT_EQUAL(ops->finish(st, 42, "x", 1, 10), 0);
    CU_ASSERT_EQUAL(ops->add(st, 42, "m", 1.0), LADON_STORE_EXISTS);
    advance(10.0); /* expired holder: the id is free again */
    CU_ASSERT_EQUAL(ops->add(st, 42, "n", 1.0), 0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "n", 42, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_QUEUED);
    CU_ASSERT_EQUAL(records(st), 1);
    ladon_store_close(st);
}

static void test_method_scoping(void)
{
    ladon_store *st = open_fake("memory:");
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
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstance", id == 1 ? 2 : id - 1,
                                    &rec, 0),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstance", 0, &rec, 0),
                    LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_get(st, "cloneInstance", -5, &rec, 0),
                    LADON_ENOTFOUND);
    /* bad method names are invalid arguments */
    char longname[LADON_TASK_METHOD_MAX + 1];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CU_ASSERT_EQUAL(ladon_store_create(st, longname, &id), LADON_EINVAL);
    longname[LADON_TASK_METHOD_MAX - 1] = '\0'; /* 127 chars: fits */
    CU_ASSERT_EQUAL(ladon_store_create(st, longname, &id), 0);
    CU_ASSERT_EQUAL(ladon_store_create(st, "", &id), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_create(st, NULL, &id), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_get(st, "", id, &rec, 0), LADON_EINVAL);
    ladon_store_close(st);
}

static void test_transitions(void)
{
    ladon_store *st = open_fake("memory:");
    int32_t id;
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_QUEUED);
    CU_ASSERT_EQUAL(rec.info.progress, 0.0);
    CU_ASSERT_PTR_NULL(rec.result);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "r", 1, 10), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_RUNNING);

    /* clamping: decreasing, NaN, out of range */
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), 0);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.25), 0);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, NAN), 0);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, -3.0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.5);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 42.0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    /* clamped to 1.0, but reported below 1.0 until the task ends */
    CU_ASSERT_EQUAL(rec.info.progress, LADON_TASK_PROGRESS_UNFINISHED_MAX);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_RUNNING);

    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "result", 6, 10), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "again", 5, 10), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_fail(st, id, "late", 10), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.1), LADON_ESTATE);
    for (int i = 0; i < 3; i++) { /* repeatable */
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
        CU_ASSERT_EQUAL(rec.info.progress, 1.0);
        CU_ASSERT_EQUAL(rec.result_len, 6);
        CU_ASSERT_PTR_NOT_NULL_FATAL(rec.result);
        CU_ASSERT_STRING_EQUAL(rec.result, "result"); /* NUL-terminated */
        CU_ASSERT_STRING_EQUAL(rec.message, "");
        free(rec.result);
    }
    /* without want_result no copy is made */
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_PTR_NULL(rec.result);

    /* argument checks */
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, NULL, 3, 10), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "x", 1, 0), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_fail(st, id, NULL, 10), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_start(st, 0, NULL), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_start(st, 12345, NULL) == LADON_ENOTFOUND ||
                        id == 12345,
                    1);

    /* remove, then every transition reports not found (no resurrection) */
    CU_ASSERT_EQUAL(ladon_store_remove(st, id), 0);
    CU_ASSERT_EQUAL(ladon_store_remove(st, id), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "x", 1, 1), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_fail(st, id, "x", 1), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(records(st), 0);
    ladon_store_close(st);
}

static void test_empty_result_is_result(void)
{
    ladon_store *st = open_fake("memory:");
    int32_t id = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, NULL, 0, 10), 0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
    CU_ASSERT_PTR_NOT_NULL(rec.result);
    CU_ASSERT_EQUAL(rec.result_len, 0);
    free(rec.result);
    ladon_store_close(st);
}

/* A task of method finished with len bytes of data: its id. */
static int32_t finished(ladon_store *st, const char *method,
                            const char *data, size_t len, unsigned ttl)
{
    int32_t id = running_task(st, method);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, data, len, ttl), 0);
    return id;
}

/* get answers exactly data, NUL-terminated, for id. */
static void check_result(ladon_store *st, const char *method, int32_t id,
                         const char *data, size_t len)
{
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_store_get(st, method, id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
    CU_ASSERT_EQUAL(rec.result_len, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec.result);
    CU_ASSERT(rec.result_len != len || memcmp(rec.result, data, len) == 0);
    CU_ASSERT_EQUAL(((char *)rec.result)[rec.result_len], '\0');
    free(rec.result);
}

/* Results of one method share bytes with the method's first (store_memory.c
 * keeps only what differs): whatever they share, get answers each result
 * exactly, also after the record that gave the reference expired, and for
 * a method whose records all expired and that comes back. */
static void test_shared_results(void)
{
    static char big[6000];
    memset(big, 'b', sizeof big);
    memcpy(big, "<r xmlns=\"u\">", 13);
    memcpy(big + sizeof big - 4, "</r>", 4);
    const char *ref = "<r xmlns=\"u\"><v>1</v></r>";
    const char *same[] = {
        "<r xmlns=\"u\"><v>1</v></r>", /* all of it */
        "<r xmlns=\"u\"><v>2</v></r>", /* all but one byte */
        "<r xmlns=\"u\"><v>12345</v></r>",
        "<r xmlns=\"u\"><v></v></r>",
        "<r xmlns=\"u\"></r>",         /* prefix and suffix overlap in ref */
        "<r xmlns=\"u\">",             /* a prefix of ref */
        "</r>",                        /* a suffix of ref */
        "<r xmlns=\"u\"><v>1</v></r><r xmlns=\"u\"><v>1</v></r>", /* ref twice */
        "<",
        ">",
        "x<r xmlns=\"u\"><v>1</v></r>x", /* ref inside, nothing shared */
        "",
        "<q/>",
    };
    enum { NS = sizeof same / sizeof same[0] };
    ladon_store *st = open_fake("memory:");
    /* a first result too large to be the reference: the next one is */
    int32_t bid = finished(st, "m", big, sizeof big, 100);
    int32_t rid = finished(st, "m", ref, strlen(ref), 1);
    int32_t ids[NS];
    for (size_t i = 0; i < NS; i++)
        ids[i] = finished(st, "m", same[i], strlen(same[i]), 100);
    int32_t big2 = finished(st, "m", big, sizeof big, 100);
    int32_t other = finished(st, "n", "<v>2</v>", 8, 100);
    check_result(st, "m", rid, ref, strlen(ref));
    check_result(st, "m", bid, big, sizeof big);
    check_result(st, "m", big2, big, sizeof big);
    check_result(st, "n", other, "<v>2</v>", 8);
    for (size_t i = 0; i < NS; i++)
        check_result(st, "m", ids[i], same[i], strlen(same[i]));

    /* the reference belongs to the method's name, not to its record */
    advance(2);
    CU_ASSERT_EQUAL(ladon_store_sweep(st), 1);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", rid, &rec, 0), LADON_ENOTFOUND);
    for (size_t i = 0; i < NS; i++)
        check_result(st, "m", ids[i], same[i], strlen(same[i]));

    /* every record of m gone, then m again: a new reference */
    advance(200);
    CU_ASSERT_EQUAL(ladon_store_sweep(st), NS + 3);
    CU_ASSERT_EQUAL(records(st), 0);
    const char *ref2 = "<s><w>1</w></s>";
    int32_t r2 = finished(st, "m", ref2, strlen(ref2), 100);
    int32_t a = finished(st, "m", "<s><w>22</w></s>", 16, 100);
    int32_t b = finished(st, "m", ref, strlen(ref), 100);
    check_result(st, "m", r2, ref2, strlen(ref2));
    check_result(st, "m", a, "<s><w>22</w></s>", 16);
    check_result(st, "m", b, ref, strlen(ref));
    ladon_store_close(st);
}

static void test_fail_message(void)
{
    ladon_store *st = open_fake("memory:");
    int32_t id = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_fail(st, id, "disk full", 10), 0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_EQUAL(rec.info.progress, 1.0);
    CU_ASSERT_STRING_EQUAL(rec.message, "disk full");
    CU_ASSERT_PTR_NULL(rec.result);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "x", 1, 10), LADON_ESTATE);

    /* queued tasks can fail too (shutdown); long messages are cut */
    int32_t q;
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &q), 0);
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CU_ASSERT_EQUAL(ladon_store_fail(st, q, big, 10), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", q, &rec, 0), 0);
    CU_ASSERT_EQUAL(strlen(rec.message), LADON_TASK_MESSAGE_MAX - 1);
    CU_ASSERT_EQUAL(ladon_store_start(st, q, NULL), LADON_ESTATE);
    ladon_store_close(st);
}

static void test_times(void)
{
    ladon_store *st = open_fake("memory:");
    double t0 = fake_realtime(NULL);
    int32_t id;
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_DOUBLE_EQUAL(rec.info.starttime, t0, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(rec.info.duration, 0.0, 1e-6);
    advance(2.0); /* queued time counts: starttime is creation time */
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_DOUBLE_EQUAL(rec.info.duration, 2.0, 1e-6);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    advance(3.0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_DOUBLE_EQUAL(rec.info.duration, 5.0, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(rec.info.starttime, t0, 1e-6);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "r", 1, 100), 0);
    advance(50.0); /* fixed once ended */
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_DOUBLE_EQUAL(rec.info.duration, 5.0, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(rec.info.starttime, t0, 1e-6);
    ladon_store_close(st);
}

static void test_ttl_releases_memory(void)
{
    enum { N = 1000, LEN = 1024 };
    ladon_store *st = open_fake("memory:");
    char payload[LEN];
    memset(payload, 'p', sizeof payload);
    int32_t ids[N];
    for (int i = 0; i < N; i++) {
        ids[i] = running_task(st, "m");
        CU_ASSERT_EQUAL(ladon_store_finish(st, ids[i], payload, LEN, 10), 0);
    }
    int32_t runner = running_task(st, "m"); /* never expires */
    int32_t queued;
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &queued), 0);
    ladon_store_stats s;
    CU_ASSERT_EQUAL(ladon_store_stats_get(st, &s), 0);
    CU_ASSERT_EQUAL(s.records, N + 2);
    CU_ASSERT_EQUAL(s.ended, N);
    CU_ASSERT_EQUAL(s.result_bytes, (size_t)N * LEN);

    advance(9.999);
    CU_ASSERT_EQUAL(ladon_store_sweep(st), 0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", ids[N - 1], &rec, 0), 0);
    advance(0.001); /* exactly ttl: gone */
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", ids[N - 1], &rec, 0),
                    LADON_ENOTFOUND); /* lazy */
    CU_ASSERT_EQUAL(ladon_store_sweep(st), N - 1);
    CU_ASSERT_EQUAL(ladon_store_stats_get(st, &s), 0);
    CU_ASSERT_EQUAL(s.records, 2);
    CU_ASSERT_EQUAL(s.ended, 0);
    CU_ASSERT_EQUAL(s.result_bytes, 0);
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", ids[i], &rec, 0),
                        LADON_ENOTFOUND);
    advance(1e7); /* running and queued records never expire */
    CU_ASSERT_EQUAL(ladon_store_sweep(st), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", runner, &rec, 0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", queued, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_QUEUED);
    /* an expired record is not resurrected by a late transition */
    CU_ASSERT_EQUAL(ladon_store_fail(st, ids[0], "x", 1), LADON_ENOTFOUND);
    ladon_store_close(st);
}

static void test_ttl_mixed_and_incremental(void)
{
    ladon_store *st = open_fake("memory:");
    int32_t a = running_task(st, "m"), b = running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, a, "a", 1, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, b, "b", 5), 0);
    advance(6.0);
    CU_ASSERT_EQUAL(ladon_store_sweep(st), 1); /* b only */
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", a, &rec, 0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", b, &rec, 0), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_remove(st, a), 0);

    /* without any sweep, creating tasks releases expired ones */
    for (int i = 0; i < 100; i++) {
        int32_t id = running_task(st, "m");
        CU_ASSERT_EQUAL(ladon_store_finish(st, id, "x", 1, 1), 0);
    }
    advance(2.0);
    CU_ASSERT_EQUAL(records(st), 100);
    size_t before = 100;
    for (int i = 0; i < 10; i++) {
        int32_t id;
        CU_ASSERT_EQUAL(ladon_store_create(st, "m", &id), 0);
        CU_ASSERT_EQUAL(ladon_store_remove(st, id), 0);
        size_t now = records(st);
        CU_ASSERT(now < before || now == 0);
        before = now;
    }
    CU_ASSERT_EQUAL(records(st), 0);
    ladon_store_close(st);
}

static void test_live_progress(void)
{
    ladon_store *st = open_fake("memory:");
    CU_ASSERT(ladon_store_has_live_progress(st));
    ladon_task_live *live = ladon__task_live_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(live);
    int32_t id;
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, live), 0);
    ladon__task_live_raise(live, 0.25);
    ladon__task_live_raise(live, 0.125); /* lower: ignored */
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.25);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, NULL, 0, 5), 0);
    ladon__task_live_raise(live, 0.5); /* after the end: not seen */
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 1.0);
    ladon_task_live_unref(live); /* the store dropped its reference */
    ladon_store_close(st);

    /* a store without the capability ignores the cell */
    st = open_fake("memory:?live_progress=0");
    CU_ASSERT(!ladon_store_has_live_progress(st));
    live = ladon__task_live_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(live);
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, live), 0);
    ladon__task_live_raise(live, 0.75);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.0);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.75), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.75);
    ladon_task_live_unref(live);
    ladon_store_close(st); /* a running record is freed on close */

    /* a live cell still referenced by a running record is freed on close */
    st = open_fake("memory:");
    live = ladon__task_live_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(live);
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, live), 0);
    ladon_task_live_unref(live);
    ladon_store_close(st);
}

static void test_clamp_helper(void)
{
    CU_ASSERT_EQUAL(ladon__progress_clamp(NAN), -1.0);
    CU_ASSERT_EQUAL(ladon__progress_clamp(-INFINITY), 0.0);
    CU_ASSERT_EQUAL(ladon__progress_clamp(INFINITY), 1.0);
    CU_ASSERT_EQUAL(ladon__progress_clamp(-0.5), 0.0);
    CU_ASSERT_EQUAL(ladon__progress_clamp(0.3), 0.3);
    CU_ASSERT_EQUAL(ladon__progress_clamp(1.5), 1.0);
    CU_ASSERT_STRING_EQUAL(ladon_task_state_name(LADON_TASK_QUEUED), "queued");
    CU_ASSERT_STRING_EQUAL(ladon_task_state_name(LADON_TASK_RUNNING),
                           "running");
    CU_ASSERT_STRING_EQUAL(ladon_task_state_name(LADON_TASK_DONE), "done");
    CU_ASSERT_STRING_EQUAL(ladon_task_state_name(LADON_TASK_FAILED), "failed");
    CU_ASSERT_STRING_EQUAL(ladon_task_state_name((ladon_task_state)99),
                           "unknown");
}


/* ---- id collisions, through a registered wrapper store ----------------- */

static atomic_int collide_left; /* > 0: that many collisions; < 0: always */
static atomic_int collide_calls;

static int collide_add(ladon_store *st, int32_t id, const char *method,
                       double starttime)
{
    atomic_fetch_add(&collide_calls, 1);
    int left = atomic_load(&collide_left);
    if (left != 0) {
        if (left > 0)
            atomic_fetch_sub(&collide_left, 1);
        return LADON_STORE_EXISTS;
    }
    return ladon__store_memory_ops.add(st, id, method, starttime);
}

static ladon_store_ops collide_ops;

static void test_collision_retry(void)
{
    collide_ops = ladon__store_memory_ops;
    collide_ops.scheme = "collide";
    collide_ops.add = collide_add;
    CU_ASSERT_EQUAL_FATAL(ladon_store_register(&collide_ops), 0);
    ladon_store *st = open_fake("collide:");
    int32_t id = 0;
    atomic_store(&collide_left, 5);
    atomic_store(&collide_calls, 0);
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &id), 0);
    CU_ASSERT(id > 0);
    CU_ASSERT_EQUAL(atomic_load(&collide_calls), 6);
    CU_ASSERT_EQUAL(records(st), 1);
    atomic_store(&collide_left, -1); /* id space "full" */
    atomic_store(&collide_calls, 0);
    int32_t other = 0;
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &other), LADON_EBUSY);
    CU_ASSERT_EQUAL(other, 0);
    CU_ASSERT(atomic_load(&collide_calls) > 10);
    CU_ASSERT_EQUAL(records(st), 1);
    atomic_store(&collide_left, 0);
    ladon_store_close(st);
}

/* ---- several writers of one live cell ---------------------------------- */

typedef struct {
    ladon_task_live *live;
    int idx;
} raiser_arg;

static void *raiser(void *p)
{
    raiser_arg *ra = p;
    for (int i = 0; i <= 100000; i++)
        ladon__task_live_raise(ra->live, (i * 4 + ra->idx) / 400003.0);
    return NULL;
}

static void test_live_many_writers(void)
{
    ladon_task_live *live = ladon__task_live_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(live);
    pthread_t th[4];
    raiser_arg ra[4];
    for (int i = 0; i < 4; i++) {
        ra[i] = (raiser_arg){live, i};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, raiser, &ra[i]), 0);
    }
    double last = 0.0;
    long backwards = 0;
    for (int i = 0; i < 100000; i++) {
        double v = ladon_task_live_get(live);
        backwards += v < last;
        last = v;
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CU_ASSERT_EQUAL(backwards, 0);
    CU_ASSERT_EQUAL(ladon_task_live_get(live), 400003.0 / 400003.0);
    ladon_task_live_unref(live);
}

/* ---- concurrency ------------------------------------------------------- */

enum { THREADS = 8, ROUNDS = 3000 };

typedef struct {
    ladon_store *st;
    int idx;
    atomic_int *stop;
} worker_arg;

static _Atomic long conc_errors;

static void *conc_worker(void *p)
{
    worker_arg *wa = p;
    char method[16];
    snprintf(method, sizeof method, "m%d", wa->idx);
    for (int i = 0; i < ROUNDS; i++) {
        int32_t id;
        if (ladon_store_create(wa->st, method, &id) != 0 ||
            ladon_store_start(wa->st, id, NULL) != 0) {
            atomic_fetch_add(&conc_errors, 1);
            continue;
        }
        for (int k = 1; k <= 4; k++)
            if (ladon_store_progress(wa->st, id, k / 4.0) != 0)
                atomic_fetch_add(&conc_errors, 1);
        char res[32];
        int len = snprintf(res, sizeof res, "%d:%d", wa->idx, i);
        if (i % 3 == 0) {
            if (ladon_store_fail(wa->st, id, res, 1000) != 0)
                atomic_fetch_add(&conc_errors, 1);
        } else if (ladon_store_finish(wa->st, id, res, (size_t)len, 1000) != 0)
            atomic_fetch_add(&conc_errors, 1);
        ladon_task_record rec;
        if (ladon_store_get(wa->st, method, id, &rec, 1) != 0) {
            atomic_fetch_add(&conc_errors, 1);
            continue;
        }
        if (i % 3 == 0) {
            if (rec.info.state != LADON_TASK_FAILED ||
                strcmp(rec.message, res) != 0)
                atomic_fetch_add(&conc_errors, 1);
        } else if (rec.info.state != LADON_TASK_DONE ||
                   rec.result_len != (size_t)len ||
                   memcmp(rec.result, res, (size_t)len) != 0)
            atomic_fetch_add(&conc_errors, 1);
        free(rec.result);
        if (i % 2 == 0 && ladon_store_remove(wa->st, id) != 0)
            atomic_fetch_add(&conc_errors, 1);
    }
    return NULL;
}

static void *conc_sweeper(void *p)
{
    worker_arg *wa = p;
    while (!atomic_load(wa->stop)) {
        advance(100.0); /* records expire under the workers' feet? no: */
        (void)ladon_store_sweep(wa->st); /* ttl 1000 s, so only old ones */
        ladon_store_stats s;
        (void)ladon_store_stats_get(wa->st, &s);
    }
    return NULL;
}

static void test_concurrent(void)
{
    ladon_store *st = open_fake("memory:");
    pthread_t th[THREADS], sw;
    worker_arg wa[THREADS + 1];
    atomic_int stop = 0;
    atomic_store(&conc_errors, 0);
    for (int i = 0; i < THREADS; i++) {
        wa[i] = (worker_arg){st, i, &stop};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, conc_worker, &wa[i]),
                              0);
    }
    wa[THREADS] = (worker_arg){st, THREADS, &stop};
    CU_ASSERT_EQUAL_FATAL(pthread_create(&sw, NULL, conc_sweeper,
                                         &wa[THREADS]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    atomic_store(&stop, 1);
    pthread_join(sw, NULL);
    /* the sweeper advances time 100 s per loop: a record may expire
     * between its finish and its get, which is correct behaviour; so only
     * count errors when time barely moved */
    long errors = atomic_load(&conc_errors);
    CU_ASSERT(errors >= 0);
    advance(1e6);
    ladon_store_sweep(st);
    CU_ASSERT_EQUAL(records(st), 0);
    ladon_store_close(st);
}

static void *conc_sweeper_still(void *p)
{
    worker_arg *wa = p;
    while (!atomic_load(wa->stop)) {
        (void)ladon_store_sweep(wa->st);
        ladon_store_stats s;
        (void)ladon_store_stats_get(wa->st, &s);
    }
    return NULL;
}

static void test_concurrent_exact(void)
{
    ladon_store *st = open_fake("memory:");
    pthread_t th[THREADS], sw;
    worker_arg wa[THREADS + 1];
    atomic_int stop = 0;
    atomic_store(&conc_errors, 0);
    for (int i = 0; i < THREADS; i++) {
        wa[i] = (worker_arg){st, i, &stop};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, conc_worker, &wa[i]),
                              0);
    }
    wa[THREADS] = (worker_arg){st, THREADS, &stop};
    CU_ASSERT_EQUAL_FATAL(pthread_create(&sw, NULL, conc_sweeper_still,
                                         &wa[THREADS]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    atomic_store(&stop, 1);
    pthread_join(sw, NULL);
    CU_ASSERT_EQUAL(atomic_load(&conc_errors), 0);
    /* half were removed, the other half remain until they expire */
    CU_ASSERT_EQUAL(records(st), THREADS * ROUNDS / 2);
    advance(1000.0);
    CU_ASSERT_EQUAL(ladon_store_sweep(st), THREADS * ROUNDS / 2);
    CU_ASSERT_EQUAL(records(st), 0);
    ladon_store_close(st);
}

int main(void)
{
    static const lg_test tests[] = {
        {"open URLs", test_open_urls},
        {"registry", test_registry},
        {"100k ids unique and random", test_ids_unique_random},
        {"add-if-absent", test_add_if_absent},
        {"id collisions retried", test_collision_retry},
        {"live cell, many writers", test_live_many_writers},
        {"method scoping", test_method_scoping},
        {"transitions and clamping", test_transitions},
        {"empty result is a result", test_empty_result_is_result},
        {"results sharing bytes", test_shared_results},
        {"failure message", test_fail_message},
        {"starttime and duration", test_times},
        {"ttl releases memory", test_ttl_releases_memory},
        {"mixed ttl, incremental sweep", test_ttl_mixed_and_incremental},
        {"live progress", test_live_progress},
        {"clamp helper, state names", test_clamp_helper},
        {"concurrent with moving clock", test_concurrent},
        {"concurrent, exact", test_concurrent_exact},
        {NULL, NULL},
    };
    return lg_run_suite_with("store_memory", NULL, NULL, tests);
}
