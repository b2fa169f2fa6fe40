/* test_store_memcached.c - CUnit suite of what is specific to the memcached
 * store: URL checking, several servers (consistent hashing), a server that
 * hangs, dies and comes back, records and chunks that vanish (eviction),
 * results too large for the server's items, and the shared use by several
 * store handles (as by several processes).  The common contract is tested
 * by test_store_conformance.c.
 *
 * Every server is a real memcached on 127.0.0.1, started and stopped by PID
 * (store_servers.c).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <CUnit/Basic.h>
#include "../cunit_main.h"
#include <ctype.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#include "ladon/error.h"
#include "ladon/store.h"
#include "store_servers.h"
#include "store_checks.h"
#include "task_internal.h"
#include "mc_record.h"

static lt_store_server a, b; /* two long-lived servers */

/* The store timeout of the tests that are not about timeouts: generous, so
 * that a slow run (sanitizers, a loaded machine) does not turn one stalled
 * answer into LADON_ESTORE - and libmemcached then into a second of failures
 * while it waits to retry the server. */
#define DATA_TIMEOUT_MS 5000u

/* Decodes metadump's %XX key encoding in place. */
static void url_decode(char *s)
{
    char *o = s;
    for (; *s != '\0'; s++) {
        if (*s == '%' && isxdigit((unsigned char)s[1]) &&
            isxdigit((unsigned char)s[2])) {
            char hex[3] = {s[1], s[2], '\0'};
            *o++ = (char)strtol(hex, NULL, 16);
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

/* Keys on the server at port that start with prefix: up to max into keys
 * (each KEYLEN bytes); returns how many there are.
 *
 * The dump walks the hash table ("metadump hash"), not the LRUs ("metadump
 * all"): an item that moves between the hot, warm and cold LRUs while the
 * crawler walks them can be missed (test_keys_while_items_move; the likely
 * cause of the miscount of test_too_large's 41 items in the CI run of
 * 2026-12-04).
 *
 * memcached runs one crawler: while it serves another metadump, or its own
 * background crawl of expired items, "lru_crawler metadump" answers
 * "BUSY currently processing crawler request" and lists nothing.  So a
 * dump that is BUSY, or cut short, is asked again (for up to 10 s), and
 * only a complete one ("END") is counted. */
enum { KEYLEN = 256 }; /* memcached keys are at most 250 bytes */
static size_t server_keys(unsigned port, const char *prefix,
                          char (*keys)[KEYLEN], size_t max)
{
    static char dump[1 << 20];
    static const char cmd[] = "lru_crawler metadump hash\r\n";
    double give_up = lt_now() + 10.0;
    int complete = 0;
    for (;;) {
        long n = lt_raw(port, cmd, sizeof cmd - 1, dump, sizeof dump,
                        "END\r\n");
        complete = n >= 5 && strncmp(dump, "BUSY", 4) != 0 &&
                   strcmp(dump + n - 5, "END\r\n") == 0;
        if (complete || lt_now() > give_up)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CU_ASSERT(complete);
    size_t count = 0;
    for (char *line = strtok(dump, "\r\n"); line != NULL;
         line = strtok(NULL, "\r\n")) {
        if (strncmp(line, "key=", 4) != 0)
            continue;
        char *end = strchr(line, ' ');
        if (end != NULL)
            *end = '\0';
        char key[3 * KEYLEN]; /* %XX-encoded as metadump writes it, then decoded */
        snprintf(key, sizeof key, "%s", line + 4);
        url_decode(key);
        if (strncmp(key, prefix, strlen(prefix)) != 0)
            continue;
        /* the store's change counter (ladon/store.h), not a record or a chunk */
        if (strcmp(key + strlen(prefix), "changes") == 0)
            continue;
        if (count < max) {
            size_t kl = strnlen(key, KEYLEN - 1);
            memcpy(keys[count], key, kl);
            keys[count][kl] = '\0';
        }
        count++;
    }
    return count;
}

static int raw_ok(unsigned port, const char *cmd, const char *want)
{
    char reply[256];
    long n = lt_raw(port, cmd, strlen(cmd), reply, sizeof reply, "\r\n");
    return n > 0 && strncmp(reply, want, strlen(want)) == 0;
}

/* ---- tests -------------------------------------------------------------- */

static void test_bad_urls(void)
{
    static const struct {
        const char *url, *says;
    } bad[] = {
        {"memcached:", "expected memcached://"},
        {"memcached://", "expected memcached://"},
        {"memcached:127.0.0.1:11211", "expected memcached://"},
        {"memcached://127.0.0.1:0", "port out of range"},
        {"memcached://127.0.0.1:70000", "port out of range"},
        {"memcached://127.0.0.1:abc", "not a number"},
        {"memcached://127.0.0.1:", "empty port"},
        {"memcached://,", "empty host"},
        {"memcached://h1,,h2", "empty host"},
        {"memcached://h1,", "empty host"},
        {"memcached://[::1", "missing ']'"},
        {"memcached://[::1]x", "expected ':port'"},
        {"memcached://h1/x", "no user, path or query"},
        {"memcached://u@h1", "no user, path or query"},
        {"memcached://h1?x=1", "no user, path or query"},
        {"memcached://ho st:1", "bad character"},
        {"memcached://::1:11211", "IPv6 addresses go in brackets"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ladon_store *st = (ladon_store *)0x1;
        char err[512] = "";
        CU_ASSERT_EQUAL(ladon_store_open(&st, bad[i].url, err, sizeof err),
                        LADON_EINVAL);
        CU_ASSERT_PTR_EQUAL(st, (ladon_store *)0x1);
        if (strstr(err, bad[i].says) == NULL)
            fprintf(stderr, "%s: got '%s'\n", bad[i].url, err);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].says));
    }
    /* a prefix that cannot be part of a memcached key */
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", a.port);
    ladon_store_options o;
    ladon_store_options_init(&o);
    strcpy(o.prefix, "my app:");
    ladon_store *st = NULL;
    char err[512] = "";
    CU_ASSERT_EQUAL(ladon_store_open_with(&st, url, &o, err, sizeof err),
                    LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "prefix"));
    /* the forms that are fine */
    snprintf(url, sizeof url, "memcached://localhost:%u", a.port);
    st = lt_open_url(url, "ok:", 1000);
    ladon_store_close(st);
    snprintf(url, sizeof url, "MEMCACHED://127.0.0.1:%u,127.0.0.1:%u", a.port,
             b.port);
    st = lt_open_url(url, "ok:", 1000);
    ladon_store_close(st);
}

static void test_unreachable_open(void)
{
    lt_store_server gone;
    CU_ASSERT_EQUAL_FATAL(lt_store_server_start(&gone, LT_MEMCACHED, 0, NULL), 0);
    unsigned port = gone.port;
    lt_store_server_stop(&gone, SIGTERM); /* now certainly nobody listens there */
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", port);
    ladon_store_options o;
    ladon_store_options_init(&o);
    o.timeout_ms = 300;
    ladon_store *st = (ladon_store *)0x1;
    char err[512] = "";
    double t0 = lt_now();
    CU_ASSERT_EQUAL(ladon_store_open_with(&st, url, &o, err, sizeof err),
                    LADON_ESTORE);
    CU_ASSERT(lt_now() - t0 < 1.0);
    CU_ASSERT_PTR_EQUAL(st, (ladon_store *)0x1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no memcached server answers"));
    char hp[32];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", port);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, hp));
    /* an address that never answers (no route or black hole): the connect
     * timeout bounds it */
    t0 = lt_now();
    CU_ASSERT_EQUAL(ladon_store_open_with(&st, "memcached://10.255.255.1:11211",
                                          &o, err, sizeof err),
                    LADON_ESTORE);
    CU_ASSERT(lt_now() - t0 < 1.5);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "10.255.255.1:11211"));

    /* one of two answering is enough to start; the other's keys are then
     * unavailable, never unknown or wrong */
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u,127.0.0.1:%u", a.port,
             port);
    st = lt_open_url(url, "half:", 300);
    int ok = 0, unavailable = 0, other = 0;
    for (int i = 0; i < 40; i++) {
        int32_t id;
        int rc = ladon_store_create(st, "m", &id);
        if (rc == 0) {
            ok++;
            ladon_task_record rec;
            if (ladon_store_get(st, "m", id, &rec, 0) != 0 ||
                rec.info.state != LADON_TASK_QUEUED)
                other++;
        } else if (rc == LADON_ESTORE) {
            unavailable++;
        } else {
            other++;
        }
    }
    CU_ASSERT(ok > 0);
    CU_ASSERT(unavailable > 0);
    CU_ASSERT_EQUAL(other, 0);
    ladon_store_close(st);
}

static void test_two_servers(void)
{
    enum { N = 200 };
    char url[96], rev[96];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u,127.0.0.1:%u", a.port,
             b.port);
    snprintf(rev, sizeof rev, "memcached://127.0.0.1:%u,127.0.0.1:%u", b.port,
             a.port);
    ladon_store *st = lt_open_url(url, "two:", DATA_TIMEOUT_MS);
    int32_t ids[N];
    for (int i = 0; i < N; i++) {
        char r[16];
        int len = snprintf(r, sizeof r, "r%d", i);
        ids[i] = lt_running_task(st, "m");
        int rc = ladon_store_finish(st, ids[i], r, (size_t)len, 300);
        if (rc != 0)
            fprintf(stderr, "\n    finish of task %d (%d of %d): rc %d\n",
                    (int)ids[i], i, N, rc);
        CU_ASSERT_EQUAL(rc, 0);
    }
    size_t on_a = server_keys(a.port, "two:", NULL, 0);
    size_t on_b = server_keys(b.port, "two:", NULL, 0);
    CU_ASSERT_EQUAL(on_a + on_b, N);
    CU_ASSERT(on_a > N / 5 && on_b > N / 5); /* spread over both */
    /* another handle listing the servers in the other order finds every
     * record: ketama hashes on the names, not the order */
    ladon_store *st2 = lt_open_url(rev, "two:", DATA_TIMEOUT_MS);
    for (int i = 0; i < N; i++) {
        ladon_task_record rec;
        char r[16];
        int len = snprintf(r, sizeof r, "r%d", i);
        CU_ASSERT_EQUAL_FATAL(ladon_store_get(st2, "m", ids[i], &rec, 1), 0);
        /* a task whose finish failed above is not done and has no result:
         * report that, never compare a NULL result */
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
        CU_ASSERT_PTR_NOT_NULL(rec.result);
        CU_ASSERT_EQUAL(rec.result_len, (size_t)len);
        CU_ASSERT(rec.result != NULL && rec.result_len == (size_t)len &&
                  memcmp(rec.result, r, (size_t)len) == 0);
        free(rec.result);
    }
    /* a large result, chunked over both servers, read by the other handle */
    size_t blen = 3u * 1024u * 1024u + 5u;
    unsigned char *big = malloc(blen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    for (size_t i = 0; i < blen; i++)
        big[i] = (unsigned char)(i * 31u + (i >> 11));
    int32_t l = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, l, big, blen, 300), 0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_store_get(st2, "m", l, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, blen);
    CU_ASSERT(rec.result != NULL && rec.result_len == blen &&
              memcmp(rec.result, big, blen) == 0);
    free(rec.result);
    size_t chunks = server_keys(a.port, "two:", NULL, 0) +
                    server_keys(b.port, "two:", NULL, 0) - N - 1;
    CU_ASSERT_EQUAL(chunks, 4); /* 3 MB in items of 1 MB less a margin */
    /* removing it removes its chunks */
    CU_ASSERT_EQUAL(ladon_store_remove(st2, l), 0);
    CU_ASSERT_EQUAL(server_keys(a.port, "two:", NULL, 0) +
                        server_keys(b.port, "two:", NULL, 0),
                    N);
    free(big);
    ladon_store_close(st2);
    ladon_store_close(st);
}

static void test_vanished(void)
{
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", a.port);
    ladon_store *st = lt_open_url(url, "van:", DATA_TIMEOUT_MS);
    ladon_task_record rec;
    char key[64];
    /* a running record evicted: unknown, and nothing re-creates it */
    int32_t id = lt_running_task(st, "m");
    snprintf(key, sizeof key, "delete van:%d\r\n", (int)id);
    CU_ASSERT(raw_ok(a.port, key, "DELETED"));
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.5), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "x", 1, 100), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_fail(st, id, "x", 100), LADON_ENOTFOUND);
    snprintf(key, sizeof key, "get van:%d\r\n", (int)id);
    CU_ASSERT(raw_ok(a.port, key, "END")); /* still absent */

    /* a chunk of a large result evicted: the result is unknown, not short */
    size_t blen = 2u * 1024u * 1024u;
    char *big = calloc(1, blen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    int32_t l = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, l, big, blen, 300), 0);
    free(big);
    char keys[8][KEYLEN];
    size_t n = server_keys(a.port, "van:", keys, 8);
    CU_ASSERT_EQUAL_FATAL(n, 4); /* the record and 3 chunks */
    size_t deleted = 0;
    for (size_t i = 0; i < n && deleted == 0; i++)
        if (strchr(keys[i], '/') != NULL &&
            strcmp(strrchr(keys[i], '/'), "/1") == 0) {
            char cmd[KEYLEN + 16];
            snprintf(cmd, sizeof cmd, "delete %s\r\n", keys[i]);
            deleted += raw_ok(a.port, cmd, "DELETED");
        }
    CU_ASSERT_EQUAL(deleted, 1);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", l, &rec, 0), 0); /* finished, until read */
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", l, &rec, 1), LADON_ENOTFOUND);
    CU_ASSERT_PTR_NULL(rec.result);
    /* ... then the task is gone for a progress call too, parts and all */
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", l, &rec, 0), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(server_keys(a.port, "van:", keys, 8), 0);

    /* something else under our key: an error, never a guess */
    int32_t g = lt_running_task(st, "m");
    char cmd[96];
    snprintf(cmd, sizeof cmd, "set van:%d 0 0 5\r\nhello\r\n", (int)g);
    CU_ASSERT(raw_ok(a.port, cmd, "STORED"));
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", g, &rec, 1), LADON_ESTORE);
    CU_ASSERT_EQUAL(ladon_store_finish(st, g, "x", 1, 100), LADON_ESTORE);
    ladon_store_close(st);
}

static void test_long_ttl(void)
{
    /* memcached reads expirations above 30 days as Unix times: a 40-day ttl
     * must still mean 40 days from now */
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", a.port);
    ladon_store *st = lt_open_url(url, "ttl:", DATA_TIMEOUT_MS);
    int32_t d = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, d, "kept", 4, 40u * 86400u), 0);
    int32_t f = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_fail(st, f, "kept", 40u * 86400u), 0);
    size_t blen = 1536u * 1024u;
    char *big = calloc(1, blen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    int32_t l = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, l, big, blen, 40u * 86400u), 0);
    free(big);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", d, &rec, 0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", f, &rec, 0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", l, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, blen);
    free(rec.result);
    ladon_store_close(st);
}

static void test_down_and_back(void)
{
    lt_store_server c;
    CU_ASSERT_EQUAL_FATAL(lt_store_server_start(&c, LT_MEMCACHED, 0, NULL), 0);
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", c.port);
    ladon_store *st = lt_open_url(url, "down:", 500);
    int32_t id = lt_running_task(st, "m");
    ladon_task_record rec;
    int32_t x;

    lt_check_outage(&c, st, id);

    /* back on the same port (empty: memcached keeps nothing): service
     * resumes within a few seconds, the old record reads as unknown */
    CU_ASSERT_EQUAL_FATAL(lt_store_server_restart(&c), 0);
    double t0 = lt_now();
    int rc = LADON_ESTORE;
    while (rc != 0 && lt_now() - t0 < 8.0) {
        rc = ladon_store_create(st, "m", &x);
        if (rc != 0) {
            struct timespec ts = {0, 50000000};
            nanosleep(&ts, NULL);
        }
    }
    printf("    recovered %.2f s after the restart\n", lt_now() - t0);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT(lt_now() - t0 < 4.0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "r", 1, 100), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_start(st, x, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, x, "r", 1, 100), 0);
    ladon_store_close(st);
    lt_store_server_stop(&c, SIGTERM);
}

static void test_too_large(void)
{
    /* a server with the smallest items (1 KB): chunks of 512 bytes, at most
     * 64 of them */
    static const char *const small_items[] = {"-I", "1k", "-o",
                                              "slab_chunk_max=512", NULL};
    lt_store_server d;
    CU_ASSERT_EQUAL_FATAL(lt_store_server_start(&d, LT_MEMCACHED, 0, small_items),
                          0);
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", d.port);
    ladon_store *st = lt_open_url(url, "big:", DATA_TIMEOUT_MS);
    size_t ok_len = 20000, big_len = 40000;
    unsigned char *buf = malloc(big_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    for (size_t i = 0; i < big_len; i++)
        buf[i] = (unsigned char)(i ^ (i >> 8));
    ladon_task_record rec;
    int32_t ok = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, ok, buf, ok_len, 100), 0);
    CU_ASSERT_EQUAL_FATAL(ladon_store_get(st, "m", ok, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, ok_len);
    CU_ASSERT(rec.result != NULL && rec.result_len == ok_len &&
              memcmp(rec.result, buf, ok_len) == 0);
    free(rec.result);
    CU_ASSERT_EQUAL(server_keys(d.port, "big:", NULL, 0), 1 + 40);

    int32_t tl = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, tl, buf, big_len, 100),
                    LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", tl, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(rec.message,
                           "result too large for the store (40000 bytes)");
    CU_ASSERT_PTR_NULL(rec.result);
    /* the engine's own fail afterwards does not overwrite the message */
    CU_ASSERT_EQUAL(ladon_store_fail(st, tl, "could not be stored", 100),
                    LADON_ESTATE);
    /* only a running task ends this way */
    int32_t q;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &q), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, q, buf, big_len, 100),
                    LADON_ESTATE);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", q, &rec, 0), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_QUEUED);
    free(buf);
    ladon_store_close(st);
    lt_store_server_stop(&d, SIGTERM);
}

/* Another client keeps memcached's one crawler busy with metadumps (as its
 * background crawl of expired items does, unannounced): counting keys still
 * gives the exact number (it used to count 0 on a "BUSY" answer; the CI
 * run of 2026-12-03 failed test_too_large that way). */
static atomic_int crawl_stop;
static void *crawl_loop(void *arg)
{
    unsigned port = *(const unsigned *)arg;
    static const char cmd[] = "lru_crawler metadump all\r\n";
    size_t size = 1 << 20;
    char *reply = malloc(size);
    if (reply == NULL)
        return NULL;
    while (!atomic_load(&crawl_stop))
        (void)lt_raw(port, cmd, sizeof cmd - 1, reply, size, "END\r\n");
    free(reply);
    return NULL;
}

static void test_keys_while_crawler_busy(void)
{
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", a.port);
    ladon_store *st = lt_open_url(url, "busy:", DATA_TIMEOUT_MS);
    enum { N = 3000 };
    for (int i = 0; i < N; i++) {
        int32_t id = lt_running_task(st, "m");
        CU_ASSERT_EQUAL_FATAL(ladon_store_finish(st, id, "r", 1, 100), 0);
    }
    pthread_t t[2];
    unsigned port = a.port;
    atomic_store(&crawl_stop, 0);
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, crawl_loop, &port), 0);
    for (int round = 0; round < 10; round++)
        CU_ASSERT_EQUAL(server_keys(a.port, "busy:", NULL, 0), N);
    atomic_store(&crawl_stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    ladon_store_close(st);
}

/* Another client keeps touching items, which moves them between memcached's
 * LRUs while a dump walks them: counting keys still gives the exact number
 * (a dump of the LRUs, "metadump all", missed some of the 3000 items in
 * each of the 20 dumps here). */
struct touch_job {
    unsigned port;
    const char (*keys)[KEYLEN];
    size_t n;
};
static atomic_int touch_stop;
static void *touch_loop(void *arg)
{
    const struct touch_job *j = arg;
    enum { BATCH = 50 };
    char *cmd = malloc(BATCH * (KEYLEN + 16) + 8), reply[BATCH * 16 + 16];
    if (cmd == NULL)
        return NULL;
    unsigned seed = 1;
    while (!atomic_load(&touch_stop)) {
        size_t len = 0;
        for (int i = 0; i < BATCH; i++) {
            seed = seed * 1103515245u + 12345u;
            len += (size_t)sprintf(cmd + len, "touch %s 3600\r\n",
                                   j->keys[(seed >> 8) % j->n]);
        }
        len += (size_t)sprintf(cmd + len, "mn\r\n");
        (void)lt_raw(j->port, cmd, len, reply, sizeof reply, "MN\r\n");
    }
    free(cmd);
    return NULL;
}

static void test_keys_while_items_move(void)
{
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", a.port);
    ladon_store *st = lt_open_url(url, "move:", DATA_TIMEOUT_MS);
    enum { N = 3000 };
    for (int i = 0; i < N; i++) {
        int32_t id = lt_running_task(st, "m");
        CU_ASSERT_EQUAL_FATAL(ladon_store_finish(st, id, "r", 1, 100), 0);
    }
    char (*keys)[KEYLEN] = malloc(N * sizeof *keys);
    CU_ASSERT_PTR_NOT_NULL_FATAL(keys);
    CU_ASSERT_EQUAL_FATAL(server_keys(a.port, "move:", keys, N), N);
    struct touch_job job = {a.port, (const char (*)[KEYLEN])keys, N};
    pthread_t t;
    atomic_store(&touch_stop, 0);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, touch_loop, &job), 0);
    for (int round = 0; round < 20; round++)
        CU_ASSERT_EQUAL(server_keys(a.port, "move:", NULL, 0), N);
    atomic_store(&touch_stop, 1);
    pthread_join(t, NULL);
    free(keys);
    ladon_store_close(st);
}

static void test_shared_handles(void)
{
    /* two handles with the same URL and prefix act as two processes */
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", a.port);
    lt_check_shared_handles(url, DATA_TIMEOUT_MS);
}

/* The first value byte of item key on the server at port (-1: none). */
static int item_version(unsigned port, const char *key)
{
    char cmd[160], reply[4096];
    int cl = snprintf(cmd, sizeof cmd, "get %s\r\n", key);
    long n = lt_raw(port, cmd, (size_t)cl, reply, sizeof reply, "END\r\n");
    const char *nl = n > 0 && strncmp(reply, "VALUE ", 6) == 0 ? strstr(reply, "\r\n") : NULL;
    return nl != NULL && nl + 2 < reply + n ? (unsigned char)nl[2] : -1;
}

/* A server-by-server upgrade: the previous release reads record format 2
 * only, so an anonymous task is written in exactly that layout (48 bytes of
 * head, no owner); only an owned one, which an old server could not keep
 * to its owner anyway, is format 3. */
static void test_record_versions(void)
{
    mcrec r;
    memset(&r, 0, sizeof r);
    r.state = LADON_TASK_FAILED;
    r.tflags = LADON_TASK_CLIENT_FAULT;
    r.starttime = 1.5;
    r.ended = 2.0;
    r.progress = 1.0;
    snprintf(r.method, sizeof r.method, "m");
    snprintf(r.message, sizeof r.message, "no");
    /* format 2 as ee1e7dd (the release before owners) writes and reads it */
    static const unsigned char v2[48 + 3] = {
        2, 4, 0, 1, 2, 0, 2, 0,                 /* version, state, flags, mlen, msglen, tflags */
        0, 0, 0, 0, 0, 0, 0xf8, 0x3f,           /* starttime 1.5 */
        0, 0, 0, 0, 0, 0, 0x00, 0x40,           /* ended 2.0 */
        0, 0, 0, 0, 0, 0, 0xf0, 0x3f,           /* progress 1.0 */
        0, 0, 0, 0, 0, 0, 0, 0,                 /* lease_until */
        0, 0, 0, 0, 0, 0, 0, 0,                 /* result length */
        'm', 'n', 'o'};
    unsigned char *enc = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(ladon__mcrec_encode(&r, &enc, &len), 0);
    CU_ASSERT_EQUAL(len, sizeof v2);
    CU_ASSERT(len == sizeof v2 && memcmp(enc, v2, len) == 0);
    free(enc);
    /* chunked and anonymous: format 2 too, the chunk description at byte 48 */
    mcrec c = r;
    c.state = LADON_TASK_DONE;
    c.tflags = 0;
    c.message[0] = '\0';
    c.flags = F_CHUNKED;
    c.result_len = 2500;
    c.nchunks = 3;
    c.chunk_size = 1000;
    c.gen = 7;
    c.sum = 9;
    CU_ASSERT_EQUAL_FATAL(ladon__mcrec_encode(&c, &enc, &len), 0);
    CU_ASSERT_EQUAL(len, REC_HEAD_V2 + REC_CHUNK_DESC + 1);
    CU_ASSERT_EQUAL(enc[0], 2);
    CU_ASSERT(len > REC_HEAD_V2 && enc[REC_HEAD_V2] == 7); /* the generation */
    mcrec back;
    CU_ASSERT_EQUAL(ladon__mcrec_decode(&back, enc, len), 0);
    CU_ASSERT_EQUAL(back.nchunks, 3);
    CU_ASSERT_EQUAL(back.sum, 9);
    free(enc);
    /* owned: format 3, the owner's length at byte 48 */
    snprintf(r.owner, sizeof r.owner, "alice");
    CU_ASSERT_EQUAL_FATAL(ladon__mcrec_encode(&r, &enc, &len), 0);
    CU_ASSERT_EQUAL(len, REC_HEAD + 1 + 5 + 2);
    CU_ASSERT_EQUAL(enc[0], 3);
    CU_ASSERT(len > 48 && enc[48] == 5);
    CU_ASSERT_EQUAL(ladon__mcrec_decode(&back, enc, len), 0);
    CU_ASSERT_STRING_EQUAL(back.owner, "alice");
    free(enc);

    /* and so in the store: through every transition */
    char url[64], key[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", a.port);
    ladon_store *st = lt_open_url(url, "ver:", DATA_TIMEOUT_MS);
    int32_t anon, owned;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(st, "m", &anon), 0);
    CU_ASSERT_EQUAL_FATAL(ladon_store_create_owned(st, "m", "alice", &owned), 0);
    snprintf(key, sizeof key, "ver:%d", (int)anon);
    CU_ASSERT_EQUAL(item_version(a.port, key), 2);
    CU_ASSERT_EQUAL(ladon_store_start(st, anon, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, anon, "r", 1, 100), 0);
    CU_ASSERT_EQUAL(item_version(a.port, key), 2);
    snprintf(key, sizeof key, "ver:%d", (int)owned);
    CU_ASSERT_EQUAL(item_version(a.port, key), 3);
    CU_ASSERT_EQUAL(ladon_store_start(st, owned, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, owned, "r", 1, 100), 0);
    CU_ASSERT_EQUAL(item_version(a.port, key), 3);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", owned, &rec, 1), 0);
    CU_ASSERT_STRING_EQUAL(rec.owner, "alice");
    free(rec.result);
    ladon_store_close(st);
}

/* Whether the server at port holds key (complete, decoded). */
static int has_key(unsigned port, const char *key)
{
    static char keys[64][KEYLEN];
    size_t n = server_keys(port, key, keys, 64);
    for (size_t i = 0; i < n && i < 64; i++)
        if (strcmp(keys[i], key) == 0)
            return 1;
    return 0;
}

/* An owner's index item is named by the owner and method themselves
 * (percent-encoded: memcached keys have no spaces or control characters,
 * and ':' separates), so no other user's name can share it; only a pair
 * too long for memcached's 250-byte keys falls back to a hash. */
static void test_index_keys(void)
{
    char url[64];
    snprintf(url, sizeof url, "memcached://127.0.0.1:%u", a.port);
    ladon_store *st = lt_open_url(url, "ix:", DATA_TIMEOUT_MS);
    CU_ASSERT_EQUAL(lt_check_listing_keeps(st, "m", "alice", 1, 1000), 1);
    CU_ASSERT(has_key(a.port, "ix:l:alice:m"));
    const char *bob = "bob smith:x%\x7f" "j\xc3\xb6rg";
    CU_ASSERT_EQUAL(lt_check_listing_keeps(st, "Svc.m", bob, 3, 1000), 3);
    CU_ASSERT(has_key(a.port, "ix:l:bob%20smith%3Ax%25%7Fj%C3%B6rg:Svc.m"));
    /* the longest that fits: "ix:" "l:" owner ":" "m" = 250 bytes; one more byte is hashed */
    char fits[244], longer[245], longest[LADON_TASK_OWNER_MAX];
    memset(fits, 'f', sizeof fits - 1);
    fits[sizeof fits - 1] = '\0';
    memset(longer, 'g', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    memset(longest, 'h', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    char key[KEYLEN];
    snprintf(key, sizeof key, "ix:l:%s:m", fits);
    CU_ASSERT_EQUAL(strlen(key), 250);
    CU_ASSERT_EQUAL(lt_check_listing_keeps(st, "m", fits, 4, 1000), 4);
    CU_ASSERT(has_key(a.port, key));
    size_t direct = server_keys(a.port, "ix:l:", NULL, 0);
    size_t hashed = server_keys(a.port, "ix:l", NULL, 0) - direct;
    CU_ASSERT_EQUAL(direct, 3);
    CU_ASSERT_EQUAL(hashed, 0);
    CU_ASSERT_EQUAL(lt_check_listing_keeps(st, "m", longer, 5, 1000), 5);
    CU_ASSERT_EQUAL(lt_check_listing_keeps(st, "m", longest, 6, 1000), 6);
    /* an encoding that grows past the limit is hashed too */
    char spaces[100];
    memset(spaces, ' ', sizeof spaces - 1);
    spaces[sizeof spaces - 1] = '\0';
    CU_ASSERT_EQUAL(lt_check_listing_keeps(st, "m", spaces, 2, 1000), 2);
    CU_ASSERT_EQUAL(server_keys(a.port, "ix:l:", NULL, 0), 3);
    CU_ASSERT_EQUAL(server_keys(a.port, "ix:l", NULL, 0), 3 + 3);
    /* and each still lists only its own */
    ladon_task_info one[4];
    size_t got = 0;
    int more = 1;
    CU_ASSERT_EQUAL(ladon_store_list(st, "m", "alice", NULL, 4, one, &got, &more), 0);
    CU_ASSERT_EQUAL(got, 1);
    CU_ASSERT_EQUAL(more, 0);
    ladon_store_close(st);
}

static int suite_init(void)
{
    if (lt_store_server_start(&a, LT_MEMCACHED, 0, NULL) != 0 ||
        lt_store_server_start(&b, LT_MEMCACHED, 0, NULL) != 0)
        return 1;
    return 0;
}

static int suite_clean(void)
{
    lt_store_server_stop(&a, SIGTERM);
    lt_store_server_stop(&b, SIGTERM);
    return 0;
}

int main(void)
{
    static const lg_test tests[] = {
        {"bad URLs and prefixes", test_bad_urls},
        {"unreachable servers at open", test_unreachable_open},
        {"two servers: spread, any order", test_two_servers},
        {"evicted records and chunks", test_vanished},
        {"ttl above 30 days", test_long_ttl},
        {"server hangs, dies, comes back", test_down_and_back},
        {"result too large for the items", test_too_large},
        {"handles sharing records", test_shared_handles},
        {"keys counted while the crawler is busy", test_keys_while_crawler_busy},
        {"keys counted while items move", test_keys_while_items_move},
        {"record format 2 for anonymous tasks, 3 for owned", test_record_versions},
        {"index items named by owner and method", test_index_keys},
        {NULL, NULL},
    };
    return lg_run_suite_with("store_memcached", suite_init, suite_clean, tests);
}
