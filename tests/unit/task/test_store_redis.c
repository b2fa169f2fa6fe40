/* test_store_redis.c - CUnit suite of what is specific to the redis store:
 * URL checking, AUTH (requirepass, ACL user), the database index, scripts
 * flushed from the server (NOSCRIPT -> EVAL), a server that hangs, dies and
 * comes back, foreign data under a key, results above proto-max-bulk-len,
 * and the shared use by several store handles.  The common contract is
 * tested by test_store_conformance.c.
 *
 * Every server is a real redis-server on 127.0.0.1, started and stopped by
 * PID (store_servers.c).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <CUnit/Basic.h>
#include "../cunit_main.h"
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ladon/error.h"
#include "ladon/store.h"
#include "store_servers.h"
#include "store_checks.h"
#include "task_internal.h"

static lt_store_server plain; /* no password */
static lt_store_server authed; /* --requirepass */

#define PASSWORD "s3cr@t/pw"
#define PASSWORD_ENC "s3cr%%40t%%2Fpw" /* as a printf format */

/* One inline command to the plain server; its first reply line. */
static long raw(unsigned port, const char *cmd, char *reply, size_t size)
{
    return lt_raw(port, cmd, strlen(cmd), reply, size, "\r\n");
}

/* ---- tests -------------------------------------------------------------- */

static void test_bad_urls(void)
{
    static const struct {
        const char *url, *says;
    } bad[] = {
        {"redis:", "expected redis://"},
        {"redis://", "expected redis://"},
        {"redis:localhost", "expected redis://"},
        {"redis://h:0", "port out of range"},
        {"redis://h:99999", "port out of range"},
        {"redis://h:x", "not a number"},
        {"redis://h/x", "database after '/' must be a number"},
        {"redis://h/1x", "database after '/' must be a number"},
        {"redis://pass@h", "expected ':password@'"},
        {"redis://:p%zz@h", "bad %-escape in the password"},
        {"redis://u%g:p@h", "bad %-escape in the user"},
        {"redis://h?db=1", "no query"},
        {"redis://:pw@", "empty host"},
        {"redis://a,b", "bad character"},
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
    /* nobody listening: a clear start-up error, fast */
    lt_store_server gone;
    CU_ASSERT_EQUAL_FATAL(lt_store_server_start(&gone, LT_REDIS, 0, NULL), 0);
    unsigned port = gone.port;
    lt_store_server_stop(&gone, SIGTERM);
    char url[64], err[512] = "";
    snprintf(url, sizeof url, "redis://127.0.0.1:%u", port);
    ladon_store *st = (ladon_store *)0x1;
    double t0 = lt_now();
    CU_ASSERT_EQUAL(lt_open_rc(url, "x:", 300, &st, err, sizeof err),
                    LADON_ESTORE);
    CU_ASSERT(lt_now() - t0 < 1.0);
    CU_ASSERT_PTR_EQUAL(st, (ladon_store *)0x1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot connect to redis"));
    t0 = lt_now();
    CU_ASSERT_EQUAL(lt_open_rc("redis://10.255.255.1:6379", "x:", 300, &st, err,
                            sizeof err),
                    LADON_ESTORE);
    CU_ASSERT(lt_now() - t0 < 1.5);
    /* fine forms */
    snprintf(url, sizeof url, "REDIS://localhost:%u/", plain.port);
    st = lt_open_url(url, "ok:", 1000);
    ladon_store_close(st);
}

static void test_auth(void)
{
    char url[128], err[512];
    ladon_store *st = (ladon_store *)0x1;
    /* no password: refused at open, with redis' reason */
    snprintf(url, sizeof url, "redis://127.0.0.1:%u", authed.port);
    CU_ASSERT_EQUAL(lt_open_rc(url, "a:", 1000, &st, err, sizeof err),
                    LADON_ESTORE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "NOAUTH"));
    /* wrong password */
    snprintf(url, sizeof url, "redis://:nope@127.0.0.1:%u", authed.port);
    CU_ASSERT_EQUAL(lt_open_rc(url, "a:", 1000, &st, err, sizeof err),
                    LADON_ESTORE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "refused AUTH"));
    CU_ASSERT_PTR_NULL(strstr(err, "nope")); /* no secrets in messages */
    CU_ASSERT_PTR_EQUAL(st, (ladon_store *)0x1);
    /* right password (percent-encoded '@' and '/'), and as user "default" */
    snprintf(url, sizeof url, "redis://:" PASSWORD_ENC "@127.0.0.1:%u/1",
             authed.port);
    st = lt_open_url(url, "a:", 1000);
    snprintf(url, sizeof url,
             "redis://default:" PASSWORD_ENC "@127.0.0.1:%u/1", authed.port);
    ladon_store *st2 = lt_open_url(url, "a:", 1000);
    int32_t id = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st2, id, "authed", 6, 100), 0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, 6);
    free(rec.result);
    /* many connections at once: each one authenticates */
    enum { N = 100 };
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL(ladon_store_touch(st2, lt_running_task(st, "m"), 0.5), 0);
    ladon_store_close(st2);
    ladon_store_close(st);
}

static void test_db_index(void)
{
    char u3[64], u4[64], reply[256];
    snprintf(u3, sizeof u3, "redis://127.0.0.1:%u/3", plain.port);
    snprintf(u4, sizeof u4, "redis://127.0.0.1:%u/4", plain.port);
    ladon_store *s3 = lt_open_url(u3, "db:", 1000);
    ladon_store *s4 = lt_open_url(u4, "db:", 1000);
    int32_t id;
    ladon_task_record rec;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create(s3, "m", &id), 0);
    CU_ASSERT_EQUAL(ladon_store_get(s3, "m", id, &rec, 0), 0);
    CU_ASSERT_EQUAL(ladon_store_get(s4, "m", id, &rec, 0), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_start(s4, id, NULL), LADON_ENOTFOUND);
    /* and the key really is in database 3, as a hash */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "SELECT 3\r\nTYPE db:%d\r\n", (int)id);
    CU_ASSERT(lt_raw(plain.port, cmd, strlen(cmd), reply, sizeof reply,
                     "+hash\r\n") > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(reply, "+hash"));
    snprintf(cmd, sizeof cmd, "SELECT 4\r\nEXISTS db:%d\r\n", (int)id);
    CU_ASSERT(lt_raw(plain.port, cmd, strlen(cmd), reply, sizeof reply,
                     ":0\r\n") > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(reply, ":0"));
    /* a database the server does not have */
    char u99[64], err[512];
    snprintf(u99, sizeof u99, "redis://127.0.0.1:%u/99", plain.port);
    ladon_store *bad = (ladon_store *)0x1;
    CU_ASSERT_EQUAL(lt_open_rc(u99, "db:", 1000, &bad, err, sizeof err),
                    LADON_ESTORE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "SELECT 99"));
    ladon_store_close(s4);
    ladon_store_close(s3);
}

static void test_records_ttl_and_scripts(void)
{
    char url[64], reply[256], cmd[128];
    snprintf(url, sizeof url, "redis://127.0.0.1:%u", plain.port);
    ladon_store *st = lt_open_url(url, "rec:", 1000);
    int32_t id = lt_running_task(st, "m");
    snprintf(cmd, sizeof cmd, "PTTL rec:%d\r\n", (int)id);
    CU_ASSERT(raw(plain.port, cmd, reply, sizeof reply) > 0);
    /* running: expires only if its lease is not renewed, ttl after it
     * passed (default lease 30 s, ttl 86400 s) */
    long unended = strtol(reply + 1, NULL, 10);
    CU_ASSERT(unended > 86400000L && unended <= (30L + 1L + 86400L) * 1000L);
    CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.5), 0);
    CU_ASSERT(raw(plain.port, cmd, reply, sizeof reply) > 0);
    CU_ASSERT(strtol(reply + 1, NULL, 10) >= unended - 1000L); /* renewed */
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "r", 1, 100), 0);
    CU_ASSERT(raw(plain.port, cmd, reply, sizeof reply) > 0);
    long pttl = strtol(reply + 1, NULL, 10);
    CU_ASSERT(pttl > 99000 && pttl <= 100000);

    /* scripts gone (SCRIPT FLUSH, as after a restart): EVAL takes over */
    CU_ASSERT(raw(plain.port, "SCRIPT FLUSH\r\n", reply, sizeof reply) > 0);
    CU_ASSERT_STRING_EQUAL(reply, "+OK\r\n");
    int32_t id2 = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_progress(st, id2, 0.5), 0);
    CU_ASSERT_EQUAL(ladon_store_touch(st, id2, 0.6), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, id2, "flushed", 100), 0);
    ladon_task_record rec;
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id2, &rec, 0), 0);
    CU_ASSERT_STRING_EQUAL(rec.message, "flushed");

    /* something else under our key: an error, never a guess */
    int32_t g = lt_running_task(st, "m");
    snprintf(cmd, sizeof cmd, "DEL rec:%d\r\n", (int)g);
    CU_ASSERT(raw(plain.port, cmd, reply, sizeof reply) > 0);
    snprintf(cmd, sizeof cmd, "SET rec:%d hello\r\n", (int)g);
    CU_ASSERT(raw(plain.port, cmd, reply, sizeof reply) > 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", g, &rec, 1), LADON_ESTORE);
    CU_ASSERT_EQUAL(ladon_store_finish(st, g, "x", 1, 100), LADON_ESTORE);
    /* a hash missing fields */
    snprintf(cmd, sizeof cmd, "DEL rec:%d\r\nHSET rec:%d m m\r\n", (int)g,
             (int)g);
    CU_ASSERT(lt_raw(plain.port, cmd, strlen(cmd), reply, sizeof reply,
                     ":1\r\n") > 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", g, &rec, 1), LADON_ESTORE);
    /* evicted/deleted: unknown, nothing re-creates it */
    int32_t v = lt_running_task(st, "m");
    snprintf(cmd, sizeof cmd, "DEL rec:%d\r\n", (int)v);
    CU_ASSERT(raw(plain.port, cmd, reply, sizeof reply) > 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", v, &rec, 0), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_finish(st, v, "x", 1, 100), LADON_ENOTFOUND);
    CU_ASSERT_EQUAL(ladon_store_touch(st, v, 0.1), LADON_ENOTFOUND);
    snprintf(cmd, sizeof cmd, "EXISTS rec:%d\r\n", (int)v);
    CU_ASSERT(raw(plain.port, cmd, reply, sizeof reply) > 0);
    CU_ASSERT_STRING_EQUAL(reply, ":0\r\n");
    ladon_store_close(st);
}

static void test_down_and_back(void)
{
    lt_store_server c;
    CU_ASSERT_EQUAL_FATAL(lt_store_server_start(&c, LT_REDIS, 0, NULL), 0);
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%u", c.port);
    ladon_store *st = lt_open_url(url, "down:", 500);
    int32_t id = lt_running_task(st, "m");
    ladon_task_record rec;
    int32_t x;

    lt_check_outage(&c, st, id);

    /* back, empty (no persistence): the very next call works */
    CU_ASSERT_EQUAL_FATAL(lt_store_server_restart(&c), 0);
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &x), 0);
    CU_ASSERT_EQUAL(ladon_store_start(st, x, NULL), 0);
    CU_ASSERT_EQUAL(ladon_store_finish(st, x, "r", 1, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", id, &rec, 0), LADON_ENOTFOUND);

    /* restarted while idle connections wait in the pool: they are noticed
     * and replaced, no call fails */
    lt_store_server_stop(&c, SIGTERM);
    CU_ASSERT_EQUAL_FATAL(lt_store_server_restart(&c), 0);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(ladon_store_create(st, "m", &x), 0);
    ladon_store_close(st);
    lt_store_server_stop(&c, SIGTERM);
}

static void test_too_large(void)
{
    static const char *const small_bulk[] = {"--proto-max-bulk-len", "1mb",
                                             NULL};
    lt_store_server d;
    CU_ASSERT_EQUAL_FATAL(lt_store_server_start(&d, LT_REDIS, 0, small_bulk), 0);
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%u", d.port);
    ladon_store *st = lt_open_url(url, "big:", 1000);
    size_t len = 2u * 1024u * 1024u;
    char *buf = calloc(1, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    ladon_task_record rec;
    int32_t ok = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, ok, buf, 1000000, 100), 0);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", ok, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.result_len, 1000000);
    free(rec.result);
    int32_t tl = lt_running_task(st, "m");
    CU_ASSERT_EQUAL(ladon_store_finish(st, tl, buf, len, 100), LADON_EINVAL);
    CU_ASSERT_EQUAL(ladon_store_get(st, "m", tl, &rec, 1), 0);
    CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_FAILED);
    CU_ASSERT_STRING_EQUAL(rec.message,
                           "result too large for the store (2097152 bytes)");
    CU_ASSERT_PTR_NULL(rec.result);
    CU_ASSERT_EQUAL(ladon_store_fail(st, tl, "could not be stored", 100),
                    LADON_ESTATE);
    free(buf);
    ladon_store_close(st);
    lt_store_server_stop(&d, SIGTERM);
}

static void test_shared_handles(void)
{
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%u", plain.port);
    lt_check_shared_handles(url, 1000);
}

/* The sorted set of an (owner, method) is bounded like memcached's index:
 * the newest LIST_MAX (1000) members, and it expires (no later than its
 * longest-living record: raised with every lease renewal and end). */
static void test_owner_set_bounded(void)
{
    char url[64], reply[256];
    snprintf(url, sizeof url, "redis://127.0.0.1:%u", plain.port);
    ladon_store *st = lt_open_url(url, "lim:", 1000);
    CU_ASSERT_EQUAL(lt_check_listing_keeps(st, "m", "alice", 1010, 1000), 1000);
    CU_ASSERT(raw(plain.port, "ZCARD lim:l:5:alice:m\r\n", reply, sizeof reply) > 0);
    CU_ASSERT_STRING_EQUAL(reply, ":1000\r\n");
    CU_ASSERT(raw(plain.port, "PTTL lim:l:5:alice:m\r\n", reply, sizeof reply) > 0);
    long set_ttl = strtol(reply + 1, NULL, 10);
    /* an unended record's expiry: lease (30 s) + 1 s + ttl (86400 s) */
    CU_ASSERT(set_ttl > 86400000L && set_ttl <= (30L + 1L + 86400L) * 1000L);

    /* a record that outlives the set's expiry as it was: the set's is raised
     * to the record's with each lease renewal (start, touch, sync) and end */
    int32_t id;
    char cmd[128];
    CU_ASSERT_EQUAL_FATAL(ladon_store_create_owned(st, "m", "bob", &id), 0);
    CU_ASSERT(raw(plain.port, "PEXPIRE lim:l:3:bob:m 5000\r\n", reply, sizeof reply) > 0);
    CU_ASSERT_STRING_EQUAL(reply, ":1\r\n");
    CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
    CU_ASSERT(raw(plain.port, "PTTL lim:l:3:bob:m\r\n", reply, sizeof reply) > 0);
    CU_ASSERT(strtol(reply + 1, NULL, 10) > 86400000L);
    CU_ASSERT(raw(plain.port, "PEXPIRE lim:l:3:bob:m 5000\r\n", reply, sizeof reply) > 0);
    CU_ASSERT_EQUAL(ladon_store_touch(st, id, 0.5), 0);
    CU_ASSERT(raw(plain.port, "PTTL lim:l:3:bob:m\r\n", reply, sizeof reply) > 0);
    CU_ASSERT(strtol(reply + 1, NULL, 10) > 86400000L);
    unsigned renew_flags;
    CU_ASSERT(raw(plain.port, "PEXPIRE lim:l:3:bob:m 5000\r\n", reply, sizeof reply) > 0);
    CU_ASSERT_EQUAL(ladon_store_sync(st, id, 0.6, NULL, 1, &renew_flags), 0);
    CU_ASSERT(raw(plain.port, "PTTL lim:l:3:bob:m\r\n", reply, sizeof reply) > 0);
    CU_ASSERT(strtol(reply + 1, NULL, 10) > 86400000L);
    /* finished with a ttl of 200000 s: the set lives as long */
    CU_ASSERT_EQUAL(ladon_store_finish(st, id, "r", 1, 200000), 0);
    snprintf(cmd, sizeof cmd, "PTTL lim:%d\r\n", (int)id);
    CU_ASSERT(raw(plain.port, cmd, reply, sizeof reply) > 0);
    long rec_ttl = strtol(reply + 1, NULL, 10);
    CU_ASSERT(raw(plain.port, "PTTL lim:l:3:bob:m\r\n", reply, sizeof reply) > 0);
    CU_ASSERT(strtol(reply + 1, NULL, 10) >= rec_ttl - 1000L);
    CU_ASSERT(rec_ttl > 199000000L);
    /* never lowered: a shorter-lived record of the set leaves it as it is */
    int32_t id2;
    CU_ASSERT_EQUAL_FATAL(ladon_store_create_owned(st, "m", "bob", &id2), 0);
    CU_ASSERT_EQUAL(ladon_store_fail(st, id2, "x", 10), 0);
    CU_ASSERT(raw(plain.port, "PTTL lim:l:3:bob:m\r\n", reply, sizeof reply) > 0);
    CU_ASSERT(strtol(reply + 1, NULL, 10) > 199000000L);
    ladon_store_close(st);
}

static int suite_init(void)
{
    static const char *const pass[] = {"--requirepass", PASSWORD, NULL};
    if (lt_store_server_start(&plain, LT_REDIS, 0, NULL) != 0 ||
        lt_store_server_start(&authed, LT_REDIS, 0, pass) != 0)
        return 1;
    return 0;
}

static int suite_clean(void)
{
    lt_store_server_stop(&plain, SIGTERM);
    lt_store_server_stop(&authed, SIGTERM);
    return 0;
}

int main(void)
{
    static const lg_test tests[] = {
        {"bad URLs, nobody listening", test_bad_urls},
        {"AUTH", test_auth},
        {"database index", test_db_index},
        {"records, ttl, flushed scripts, foreign data", test_records_ttl_and_scripts},
        {"server hangs, dies, comes back", test_down_and_back},
        {"result above proto-max-bulk-len", test_too_large},
        {"handles sharing records", test_shared_handles},
        {"an owner's set: the newest 1000, expiring", test_owner_set_bounded},
        {NULL, NULL},
    };
    return lg_run_suite_with("store_redis", suite_init, suite_clean, tests);
}
