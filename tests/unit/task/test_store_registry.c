/* test_store_registry.c - CUnit suite of the store registry
 * (store_registry.c): a URL's scheme picks its back end and the back end
 * alone checks the rest (ops->check) and says whether the store is shared;
 * ladon_store_check() and ladon_store_open*() give the same verdict and the
 * same message; the forms of every back end, registered ones included, are
 * what an unknown or scheme-less URL is told to look like.
 *
 * Nothing here connects anywhere: checking a memcached or redis URL never
 * does, and the URLs that are opened are memory: ones.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <CUnit/Basic.h>
#include "../cunit_main.h"
#include <stdio.h>
#include <string.h>

#include "ladon/error.h"
#include "ladon/store.h"
#include "task_internal.h"

/* ---- a registered back end: the memory store under the scheme "cell",
 * which takes "cell:NAME" (NAME: 1..8 lower-case letters) and counts the
 * calls of its hooks ---------------------------------------------------- */

static unsigned cell_checks, cell_opens;

static int cell_check(const char *rest, unsigned *props, char *err,
                      size_t errlen)
{
    size_t n = strspn(rest, "abcdefghijklmnopqrstuvwxyz");
    cell_checks++;
    CU_ASSERT_EQUAL(*props, 0); /* 0 on entry, as documented */
    if (n == 0 || n > 8 || rest[n] != '\0') {
        snprintf(err, errlen, "expected cell:NAME, NAME 1..8 of a-z");
        return LADON_EINVAL;
    }
    *props = strcmp(rest, "shared") == 0 ? LADON_STORE_SHARED : 0;
    return 0;
}

static int cell_open(ladon_store **out, const char *rest,
                     const ladon_store_options *opt, char *err, size_t errlen)
{
    (void)rest;
    cell_opens++;
    return ladon__store_memory_ops.open(out, "", opt, err, errlen);
}

static ladon_store_ops cell_ops, bare_ops;

static void register_once(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    cell_ops = ladon__store_memory_ops;
    cell_ops.scheme = "cell";
    cell_ops.form = "cell:NAME";
    cell_ops.check = cell_check;
    cell_ops.open = cell_open;
    /* a table written before check and form existed: both NULL */
    bare_ops = ladon__store_memory_ops;
    bare_ops.scheme = "bare";
    bare_ops.form = NULL;
    bare_ops.check = NULL;
    CU_ASSERT_EQUAL(ladon_store_register(&cell_ops), 0);
    CU_ASSERT_EQUAL(ladon_store_register(&bare_ops), 0);
}

/* ---- tests ------------------------------------------------------------- */

/* Each built-in back end says whether it is shared; no URL is opened. */
static void test_builtin_props(void)
{
    static const struct {
        const char *url;
        unsigned props;
    } good[] = {
        {"memory:", 0},
        {"memory://", 0},
        {"MEMORY:", 0},
        {"memory:?live_progress=0", 0},
        {"memcached://h1:11211,h2", LADON_STORE_SHARED},
        {"memcached://10.255.255.1:11211", LADON_STORE_SHARED}, /* unreachable */
        {"Memcached://[::1]:11211", LADON_STORE_SHARED},
        {"redis://h", LADON_STORE_SHARED},
        {"redis://u:p%40ss@[::1]:6380/15", LADON_STORE_SHARED},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        unsigned props = 0xff;
        char err[512] = "x";
        CU_ASSERT_EQUAL(ladon_store_check(good[i].url, &props, err, sizeof err), 0);
        CU_ASSERT_EQUAL(props, good[i].props);
        CU_ASSERT_STRING_EQUAL(err, "");
        if (props != good[i].props)
            fprintf(stderr, "%s: props %u (%s)\n", good[i].url, props, err);
    }
    CU_ASSERT_EQUAL(ladon_store_check("redis://h", NULL, NULL, 0), 0);
}

/* A bad URL: the same verdict and message from check and from open, naming
 * the URL and the back end's reason. */
static void test_check_equals_open(void)
{
    static const struct {
        const char *url, *says;
    } bad[] = {
        {"memory://x", "bad store URL 'memory://x': the memory store takes no host"},
        {"memory:?live_progress=2", "bad store URL 'memory:?live_progress=2': "},
        {"memcached://h1,,h2", "bad store URL 'memcached://h1,,h2': server '': empty host"},
        {"memcached://h:0", "port out of range"},
        {"memcached:h", "bad store URL 'memcached:h': expected memcached://HOST[:PORT]"},
        {"redis://h/x", "bad store URL 'redis://h/x': the database after '/' must be a number"},
        {"redis://:p%zz@h", "bad %-escape in the password"},
        {"redis:", "expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]"},
        {"cell:", "bad store URL 'cell:': expected cell:NAME, NAME 1..8 of a-z"},
        {"CELL:toolongname", "bad store URL 'CELL:toolongname': expected cell:NAME"},
    };
    register_once();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char cerr[512] = "", oerr[512] = "";
        unsigned props = 0xff;
        ladon_store *st = (ladon_store *)0x1;
        unsigned opens = cell_opens;
        CU_ASSERT_EQUAL(ladon_store_check(bad[i].url, &props, cerr, sizeof cerr),
                        LADON_EINVAL);
        CU_ASSERT_EQUAL(props, 0);
        CU_ASSERT_EQUAL(ladon_store_open(&st, bad[i].url, oerr, sizeof oerr), LADON_EINVAL);
        CU_ASSERT_PTR_EQUAL(st, (ladon_store *)0x1);
        CU_ASSERT_EQUAL(cell_opens, opens); /* open never sees a refused URL */
        CU_ASSERT_STRING_EQUAL(cerr, oerr);
        if (strstr(cerr, bad[i].says) == NULL)
            fprintf(stderr, "%s: got '%s'\n", bad[i].url, cerr);
        CU_ASSERT_PTR_NOT_NULL(strstr(cerr, bad[i].says));
    }
}

/* Without a scheme, or with an unknown one, the message lists the form of
 * every back end, the registered ones too. */
static void test_unknown_lists_forms(void)
{
    char err[512];
    register_once();
    CU_ASSERT_EQUAL(ladon_store_check("mongodb://h:27017", NULL, err, sizeof err),
                    LADON_EINVAL);
    CU_ASSERT_STRING_EQUAL(err,
                           "unknown store 'mongodb:' in 'mongodb://h:27017' (expected memory:, "
                           "memcached://HOST[:PORT][,HOST[:PORT]...], "
                           "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], cell:NAME or bare:...)");
    static const char *const no_scheme[] = {"", "bogus", "1memory:", ":x", "me mory:"};
    for (size_t i = 0; i < sizeof no_scheme / sizeof no_scheme[0]; i++) {
        char want[512];
        snprintf(want, sizeof want, "bad store URL '%s': expected memory:, ", no_scheme[i]);
        CU_ASSERT_EQUAL(ladon_store_check(no_scheme[i], NULL, err, sizeof err), LADON_EINVAL);
        CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, " or bare:..."));
    }
    CU_ASSERT_EQUAL(ladon_store_check(NULL, NULL, err, sizeof err), LADON_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "no store URL");
    /* a short buffer is cut, never overrun */
    char small[12];
    memset(small, 'x', sizeof small);
    CU_ASSERT_EQUAL(ladon_store_check("nope:", NULL, small, 8), LADON_EINVAL);
    CU_ASSERT_STRING_EQUAL(small, "unknown");
    CU_ASSERT_EQUAL(small[8], 'x');
    char forms[24];
    ladon__store_forms(forms, sizeof forms);
    CU_ASSERT_STRING_EQUAL(forms, "memory:, memcached://HO");
}

/* A registered back end's check decides, at check and before open; its
 * props are its own; a back end without check accepts anything until open
 * and is never shared. */
static void test_registered_check(void)
{
    unsigned props = 0xff, checks;
    char err[256];
    ladon_store *st = NULL;
    register_once();
    checks = cell_checks;
    CU_ASSERT_EQUAL(ladon_store_check("cell:local", &props, err, sizeof err), 0);
    CU_ASSERT_EQUAL(props, 0);
    CU_ASSERT_EQUAL(ladon_store_check("Cell:shared", &props, err, sizeof err), 0);
    CU_ASSERT_EQUAL(props, LADON_STORE_SHARED);
    CU_ASSERT_EQUAL(cell_checks, checks + 2);
    CU_ASSERT_EQUAL_FATAL(ladon_store_open(&st, "cell:shared", err, sizeof err), 0);
    CU_ASSERT_EQUAL(cell_checks, checks + 3); /* open checks first */
    CU_ASSERT_PTR_EQUAL(st->ops, &cell_ops);
    int32_t id;
    CU_ASSERT_EQUAL(ladon_store_create(st, "m", &id), 0);
    ladon_store_close(st);

    props = 0xff;
    CU_ASSERT_EQUAL(ladon_store_check("bare:anything at all", &props, err, sizeof err), 0);
    CU_ASSERT_EQUAL(props, 0);
    /* ... and its open decides (the memory store's: no host or option) */
    CU_ASSERT_EQUAL(ladon_store_open(&st, "bare:x", err, sizeof err), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "takes no host or option"));
}

int main(void)
{
    static const lg_test tests[] = {
        {"built-in back ends and sharing", test_builtin_props},
        {"check and open agree", test_check_equals_open},
        {"unknown schemes list every form", test_unknown_lists_forms},
        {"a registered back end checks its URLs", test_registered_check},
        {NULL, NULL},
    };
    return lg_run_suite("store_registry", tests);
}
