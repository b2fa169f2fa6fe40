/* store_checks.c - checks shared by the memcached and redis suites.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "store_checks.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "ladon/error.h"

int lt_open_rc(const char *url, const char *prefix, unsigned timeout_ms,
               ladon_store **out, char *err, size_t errlen)
{
    ladon_store_options o;
    ladon_store_options_init(&o);
    snprintf(o.prefix, sizeof o.prefix, "%s", prefix);
    o.timeout_ms = timeout_ms;
    return ladon_store_open_with(out, url, &o, err, errlen);
}

ladon_store *lt_open_url(const char *url, const char *prefix, unsigned timeout_ms)
{
    ladon_store *st = NULL;
    char err[512] = "";
    int rc = lt_open_rc(url, prefix, timeout_ms, &st, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "open %s: %s (%d)\n", url, err, rc);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return st;
}

void lt_check_shared_handles(const char *url, unsigned timeout_ms)
{
    ladon_store *p1 = lt_open_url(url, "shared:", timeout_ms);
    ladon_store *p2 = lt_open_url(url, "shared:", timeout_ms);
    ladon_store *other = lt_open_url(url, "other-app:", timeout_ms);
    int32_t id;
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(p1, "m", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_start(p2, id, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_progress(p1, id, 0.25), 0);
    CU_ASSERT_EQUAL(ladon_store_get(p2, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.progress, 0.25);
    CU_ASSERT_EQUAL(ladon_store_get(other, "m", id, &rec, 0), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_finish(p2, id, "shared", 6, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(p1, id, "twice", 5, 100), LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_get(p1, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, 6);
    CU_ASSERT(rec.result != NULL && rec.result_len == 6 &&
              memcmp(rec.result, "shared", 6) == 0);
    free(rec.result);
    ladon_store_close(other);
    ladon_store_close(p2);
    ladon_store_close(p1);
}

int32_t lt_running_task(ladon_store *st, const char *method)
{
    int32_t id = 0;
    CU_ASSERT_EQUAL(ladon_store_create(st, method, &id), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    return id;
}

void lt_check_outage(lt_store_server *c, ladon_store *st, int32_t id)
{
    ladon_task_record rec;
    int32_t x;

    /* a server that hangs (stopped): every call ends within the timeout */
    CU_ASSERT_EQUAL(kill(c->pid, SIGSTOP), 0);
    CU_ASSERT(lt_wait_stopped(c->pid));
    double t0 = lt_now();
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), LADON_ESTORE);
    double t1 = lt_now();
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &x), LADON_ESTORE);
    double t2 = lt_now();
    CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.5), LADON_ESTORE);
    double t3 = lt_now();
    printf("\n    hung server: get %.3f s, create %.3f s, touch %.3f s "
           "(timeout 0.5 s)\n", t1 - t0, t2 - t1, t3 - t2);
    CU_ASSERT(t1 - t0 < LT_HUNG_CALL_MAX_S && t2 - t1 < LT_HUNG_CALL_MAX_S &&
              t3 - t2 < LT_HUNG_CALL_MAX_S);
    CU_ASSERT_EQUAL(kill(c->pid, SIGCONT), 0);

    /* awake again, it answers the requests that timed out: those late
     * replies must never be taken for the answers to later requests */
    int32_t fresh = 0;
    t0 = lt_now();
    int rc = LADON_ESTORE;
    while (rc != 0 && lt_now() - t0 < 5.0) {
        rc = ladon_store_create(st, "fresh", &fresh);
        if (rc != 0) {
            struct timespec ts = {0, 50000000};
            nanosleep(&ts, NULL);
        }
    }
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    for (int i = 0; i < 20; i++) {
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), 0);
        CU_ASSERT_EQUAL(rec.info.id, id);
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_RUNNING);
        CU_ASSERT_EQUAL(ladon_store_get(st, "fresh", fresh, &rec, 0), 0);
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_QUEUED);
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", fresh, &rec, 0), LADON_ENOTFOUND);
    }
    CU_ASSERT_EQUAL(ladon_store_start(st, fresh, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, fresh, NULL), LADON_ESTATE);

    /* the server dies: fast failures, no crash (SIGPIPE), no hang */
    lt_store_server_stop(c, SIGKILL);
    for (int i = 0; i < 5; i++) {
        t0 = lt_now();
        CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), LADON_ESTORE);
        CU_ASSERT_EQUAL(ladon_store_finish(st, id, "r", 1, 100), LADON_ESTORE);
        CU_ASSERT_EQUAL(ladon_store_create(st, "m", &x), LADON_ESTORE);
        CU_ASSERT(lt_now() - t0 < 1.5);
    }
}

static int pos_newer(const void *a, const void *b)
{
    const ladon_task_pos *x = a, *y = b;
    if (x->starttime != y->starttime)
        return x->starttime > y->starttime ? -1 : 1;
    return x->id > y->id ? -1 : x->id < y->id;
}

size_t lt_check_listing_keeps(ladon_store *st, const char *method, const char *owner, size_t n,
                              size_t keep)
{
    ladon_task_pos *made = malloc(n * sizeof *made);
    ladon_task_info *page = malloc(1000 * sizeof *page);
    CU_ASSERT_PTR_NOT_NULL_FATAL(made);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    for (size_t i = 0; i < n; i++) {
        int32_t id;
        ladon_task_record rec;
        CU_ASSERT_EQUAL_FATAL(ladon_store_create_owned(st, method, owner, &id), 0);
        CU_ASSERT_EQUAL_FATAL(ladon_store_get(st, method, id, &rec, 0), 0);
        made[i] = (ladon_task_pos){rec.info.starttime, id};
    }
    qsort(made, n, sizeof *made, pos_newer);
    size_t want = n < keep ? n : keep, seen = 0;
    ladon_task_pos after;
    int more = 1, first = 1;
    while (more) {
        size_t got = 0;
        int rc = ladon_store_list(st, method, owner, first ? NULL : &after, 1000, page, &got, &more);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
        for (size_t i = 0; i < got; i++, seen++) {
            if (seen < want && page[i].id != made[seen].id)
                fprintf(stderr, "listing %zu: task %d, expected %d\n", seen, (int)page[i].id,
                        (int)made[seen].id);
            CU_ASSERT(seen < want && page[i].id == made[seen].id);
        }
        if (got > 0)
            after = (ladon_task_pos){page[got - 1].starttime, page[got - 1].id};
        first = 0;
        if (got == 0)
            break;
    }
    CU_ASSERT_EQUAL(seen, want);
    free(page);
    free(made);
    return seen;
}
