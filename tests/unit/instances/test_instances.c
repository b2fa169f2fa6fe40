/* test_instances.c - CUnit suite of InstanceService's file logic
 * (services/instances/instance_dir.c), without a server.
 *
 * Every test works in its own fresh folder under $TMPDIR (or /tmp), removed
 * at the end.  Out-of-space is injected: this executable is linked with
 * -Wl,--wrap=write, so instance_dir.c's write() calls go through
 * __wrap_write(), which fails with ENOSPC once an armed byte budget is
 * spent.  A real I/O error comes from RLIMIT_FSIZE (EFBIG).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <CUnit/Basic.h>
#include "../cunit_main.h"
#include "../mono_clock.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "instance_dir.h"

/* ---- write() fault injection ------------------------------------------- */

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);

static atomic_llong write_budget = -1; /* bytes left before ENOSPC; -1 = off */

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    long long left = atomic_load(&write_budget);
    if (left < 0)
        return __real_write(fd, buf, n);
    if (left == 0) {
        errno = ENOSPC;
        return -1;
    }
    if ((unsigned long long)left < n)
        n = (size_t)left; /* a short write, as a filling disk gives */
    ssize_t w = __real_write(fd, buf, n);
    if (w > 0)
        atomic_fetch_sub(&write_budget, (long long)w);
    return w;
}

/* ---- helpers ------------------------------------------------------------- */

static char dir[4096]; /* the current test's data directory */

static void make_dir(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ladon-instances-test-XXXXXX", t != NULL && t[0] == '/' ? t : "/tmp");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_dir(void)
{
    CU_ASSERT_EQUAL(nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void path_of(char *out, size_t size, const char *a, const char *b)
{
    if (b == NULL)
        snprintf(out, size, "%s/%s", dir, a);
    else
        snprintf(out, size, "%s/%s/%s", dir, a, b);
}

/* A file of `size` bytes of pattern `seed` (no zero bytes). */
static void write_file(const char *path, size_t size, unsigned seed)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (size_t i = 0; i < size; i++)
        fputc((int)(1 + (i * 31 + seed) % 255), f);
    CU_ASSERT_EQUAL(fclose(f), 0);
}

/* An instance written by hand, as docs/examples.md describes the layout. */
static void make_instance(const char *id, const char *name, int vcpus, int n_disks,
                          const char *const *disks, const size_t *sizes)
{
    char p[8192];
    path_of(p, sizeof p, id, NULL);
    CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
    path_of(p, sizeof p, id, INST_META_FILE);
    FILE *f = fopen(p, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "# comment\nname=%s\n\nvcpus=%d\nfuture_key=ignored\n", name, vcpus);
    for (int i = 0; i < n_disks; i++)
        fprintf(f, "disk=%s\n", disks[i]);
    CU_ASSERT_EQUAL(fclose(f), 0);
    for (int i = 0; i < n_disks; i++) {
        path_of(p, sizeof p, id, disks[i]);
        write_file(p, sizes[i], (unsigned)i * 7 + (unsigned)strlen(id));
    }
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    CU_ASSERT_EQUAL(fclose(f), 0);
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa != NULL && fb != NULL;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            same = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa != NULL)
        fclose(fa);
    if (fb != NULL)
        fclose(fb);
    return same;
}

/* Entries of the data directory (without . and ..), and how many are hidden. */
static int count_entries(int *hidden)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    *hidden = 0;
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        n++;
        if (de->d_name[0] == '.')
            (*hidden)++;
    }
    closedir(d);
    return n;
}

static int is_new_id(const char *id)
{
    if (strlen(id) != 10 || strncmp(id, "i-", 2) != 0)
        return 0;
    for (int i = 2; i < 10; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return 0;
    return 1;
}

/* Opens an inst_dir on a fresh folder holding the demo instances. */
static void open_demo(inst_dir *st, uint64_t rate)
{
    make_dir();
    CU_ASSERT_EQUAL_FATAL(inst_dir_open(st, dir, rate), 0);
    CU_ASSERT_EQUAL_FATAL(inst_dir_create_demo(st, NULL), INST_OK);
}

/* The progress a clone reported. */
typedef struct recorder {
    uint64_t last_done, last_total, first_total;
    int calls, decreased, total_changed;
    int stop_after; /* should_stop() answers 1 after this many reports; 0 = never */
} recorder;

static void rec_report(void *ud, uint64_t done, uint64_t total)
{
    recorder *r = ud;
    if (r->calls == 0)
        r->first_total = total;
    if (done < r->last_done)
        r->decreased = 1;
    if (total != r->first_total)
        r->total_changed = 1;
    r->last_done = done;
    r->last_total = total;
    r->calls++;
}

static int rec_should_stop(void *ud)
{
    recorder *r = ud;
    return r->stop_after > 0 && r->calls >= r->stop_after;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_valid_names(void)
{
    static const char *good[] = {"a", "web-01", "i-00000001", "Db_2.backup", "9",
                                 "a234567890123456789012345678901234567890123456789012345678901234"};
    static const char *bad[] = {"", ".", "..", ".hidden", "-x", "_x", "a/b", "/abs", "../etc",
                                "x/../y", "a..b", "with space", "tab\t", "caf\xc3\xa9", "a:b",
                                "a\\b", "new\nline",
                                "a2345678901234567890123456789012345678901234567890123456789012345"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CU_ASSERT_TRUE(inst_valid_name(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_FALSE(inst_valid_name(bad[i]));
    CU_ASSERT_FALSE(inst_valid_name(NULL));
}

static void test_open_errors(void)
{
    inst_dir st;
    char p[8192];
    make_dir();
    path_of(p, sizeof p, "missing", NULL);
    errno = 0;
    CU_ASSERT_EQUAL(inst_dir_open(&st, p, 0), -1);
    CU_ASSERT_EQUAL(errno, ENOENT);
    path_of(p, sizeof p, "file", NULL);
    write_text(p, "x");
    errno = 0;
    CU_ASSERT_EQUAL(inst_dir_open(&st, p, 0), -1);
    CU_ASSERT_EQUAL(errno, ENOTDIR);
    inst_dir_close(&st); /* harmless after a failed open */
    remove_dir();
}

static void test_demo(void)
{
    inst_dir st;
    inst_info *all = NULL;
    size_t n = 0;
    make_dir();
    CU_ASSERT_EQUAL_FATAL(inst_dir_open(&st, dir, 0), 0);
    CU_ASSERT_TRUE(inst_dir_is_empty(&st));
    CU_ASSERT_EQUAL(errno, 0);
    CU_ASSERT_EQUAL(inst_dir_list(&st, &all, &n, NULL), INST_OK);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_PTR_NULL(all);
    CU_ASSERT_EQUAL(inst_dir_create_demo(&st, NULL), INST_OK);
    CU_ASSERT_FALSE(inst_dir_is_empty(&st));
    CU_ASSERT_EQUAL(inst_dir_create_demo(&st, NULL), INST_OK); /* idempotent */
    CU_ASSERT_EQUAL_FATAL(inst_dir_list(&st, &all, &n, NULL), INST_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(all[0].id, "i-00000001");
    CU_ASSERT_STRING_EQUAL(all[0].name, "web-01");
    CU_ASSERT_EQUAL(all[0].vcpus, 2);
    CU_ASSERT_EQUAL(all[0].n_disks, 2);
    CU_ASSERT_STRING_EQUAL(all[0].disks[0], "root.img");
    CU_ASSERT_STRING_EQUAL(all[0].disks[1], "swap.img");
    CU_ASSERT_EQUAL(all[0].size_bytes, 5 * 1024 * 1024);
    CU_ASSERT_STRING_EQUAL(all[1].id, "i-00000002");
    CU_ASSERT_STRING_EQUAL(all[1].name, "db-01");
    CU_ASSERT_EQUAL(all[1].size_bytes, 12 * 1024 * 1024);
    free(all);

    /* the images have no zero byte and are the same in every demo folder */
    char p[8192], first[8192];
    path_of(p, sizeof p, "i-00000002", "data.img");
    FILE *f = fopen(p, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    int c, zero = 0;
    long count = 0;
    while ((c = fgetc(f)) != EOF) {
        zero |= c == 0;
        count++;
    }
    fclose(f);
    CU_ASSERT_EQUAL(count, 8 * 1024 * 1024);
    CU_ASSERT_FALSE(zero);
    snprintf(first, sizeof first, "%s", p);
    char first_dir[4096];
    snprintf(first_dir, sizeof first_dir, "%s", dir);
    inst_dir st2;
    make_dir();
    CU_ASSERT_EQUAL_FATAL(inst_dir_open(&st2, dir, 0), 0);
    CU_ASSERT_EQUAL(inst_dir_create_demo(&st2, NULL), INST_OK);
    path_of(p, sizeof p, "i-00000002", "data.img");
    CU_ASSERT_TRUE(same_file(first, p));
    path_of(p, sizeof p, "i-00000001", "root.img");
    char other[8192];
    snprintf(other, sizeof other, "%s/i-00000002/root.img", dir);
    CU_ASSERT_FALSE(same_file(p, other)); /* each image has its own content */
    inst_dir_close(&st2);
    remove_dir();
    snprintf(dir, sizeof dir, "%s", first_dir);
    inst_dir_close(&st);
    remove_dir();
}

static void test_get_unknown_and_bad_ids(void)
{
    static const char *ids[] = {"nope", "", ".", "..", "../etc", "/etc", "i-00000001/",
                                "i-00000001/../i-00000002", ".clone-1-x", "a..b", "web-01"};
    inst_dir st;
    inst_info info;
    open_demo(&st, 0);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        CU_ASSERT_EQUAL(inst_dir_get(&st, ids[i], &info, NULL), INST_UNKNOWN);
    CU_ASSERT_EQUAL(inst_dir_get(&st, "i-00000002", &info, NULL), INST_OK);
    CU_ASSERT_STRING_EQUAL(info.name, "db-01");
    CU_ASSERT_EQUAL(info.vcpus, 4);
    inst_dir_close(&st);
    remove_dir();
}

static void test_broken_entries_ignored(void)
{
    static const char *const disks[] = {"a.img"};
    static const size_t sizes[] = {10};
    inst_dir st;
    inst_info info, *all;
    size_t n;
    char p[8192];

    make_dir();
    make_instance("good", "good-name", 1, 1, disks, sizes);
    path_of(p, sizeof p, "no-conf", NULL);
    mkdir(p, 0755);
    path_of(p, sizeof p, "bad-conf", NULL);
    mkdir(p, 0755);
    path_of(p, sizeof p, "bad-conf", INST_META_FILE);
    write_text(p, "name=x\nvcpus=0\n"); /* vcpus out of range */
    path_of(p, sizeof p, "evil", NULL);
    mkdir(p, 0755);
    path_of(p, sizeof p, "evil", INST_META_FILE);
    write_text(p, "name=evil\nvcpus=1\ndisk=../good/a.img\n"); /* a path, not a file name */
    path_of(p, sizeof p, "lost-disk", NULL);
    mkdir(p, 0755);
    path_of(p, sizeof p, "lost-disk", INST_META_FILE);
    write_text(p, "name=lost\nvcpus=1\ndisk=gone.img\n");
    path_of(p, sizeof p, "plain-file", NULL);
    write_text(p, "not an instance");
    path_of(p, sizeof p, ".hidden", NULL);
    mkdir(p, 0755);

    CU_ASSERT_EQUAL_FATAL(inst_dir_open(&st, dir, 0), 0);
    CU_ASSERT_FALSE(inst_dir_is_empty(&st));
    CU_ASSERT_EQUAL_FATAL(inst_dir_list(&st, &all, &n, NULL), INST_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(all[0].id, "good");
    CU_ASSERT_STRING_EQUAL(all[0].name, "good-name");
    CU_ASSERT_EQUAL(all[0].size_bytes, 10);
    free(all);
    static const char *broken[] = {"no-conf", "bad-conf", "evil", "lost-disk", "plain-file", ".hidden"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
        CU_ASSERT_EQUAL(inst_dir_get(&st, broken[i], &info, NULL), INST_UNKNOWN);
    inst_dir_close(&st);
    remove_dir();
}

static void test_clone_copies_exactly(void)
{
    inst_dir st;
    inst_info out, got, *all;
    size_t n;
    int hidden, errnum = 0;
    recorder rec = {0};
    inst_progress pg = {rec_report, rec_should_stop, &rec};

    open_demo(&st, 0);
    CU_ASSERT_EQUAL_FATAL(inst_dir_clone(&st, "i-00000001", "web-02", &pg, &out, &errnum), INST_OK);
    CU_ASSERT_TRUE(is_new_id(out.id));
    CU_ASSERT_STRING_EQUAL(out.name, "web-02");
    CU_ASSERT_EQUAL(out.vcpus, 2);
    CU_ASSERT_EQUAL(out.n_disks, 2);
    CU_ASSERT_STRING_EQUAL(out.disks[0], "root.img");
    CU_ASSERT_STRING_EQUAL(out.disks[1], "swap.img");
    CU_ASSERT_EQUAL(out.size_bytes, 5 * 1024 * 1024);
    for (int i = 0; i < out.n_disks; i++) {
        char a[8192], b[8192];
        path_of(a, sizeof a, "i-00000001", out.disks[i]);
        path_of(b, sizeof b, out.id, out.disks[i]);
        CU_ASSERT_TRUE(same_file(a, b));
    }
    CU_ASSERT_EQUAL(inst_dir_get(&st, out.id, &got, NULL), INST_OK);
    CU_ASSERT_EQUAL(memcmp(&got, &out, sizeof got), 0);
    CU_ASSERT_EQUAL(count_entries(&hidden), 3);
    CU_ASSERT_EQUAL(hidden, 0);
    CU_ASSERT_EQUAL_FATAL(inst_dir_list(&st, &all, &n, NULL), INST_OK);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    for (size_t i = 1; i < n; i++)
        CU_ASSERT(strcmp(all[i - 1].id, all[i].id) < 0);
    free(all);
    /* progress: monotonic, one total, ends at it */
    CU_ASSERT(rec.calls >= 2);
    CU_ASSERT_FALSE(rec.decreased);
    CU_ASSERT_FALSE(rec.total_changed);
    CU_ASSERT_EQUAL(rec.first_total, 5 * 1024 * 1024);
    CU_ASSERT_EQUAL(rec.last_done, rec.last_total);

    /* a clone of the clone; NULL progress is allowed */
    inst_info again;
    CU_ASSERT_EQUAL(inst_dir_clone(&st, out.id, "web-03", NULL, &again, NULL), INST_OK);
    CU_ASSERT_STRING_NOT_EQUAL(again.id, out.id);
    inst_dir_close(&st);
    remove_dir();
}

static void test_progress_rate_limited(void)
{
    static const char *const disks[] = {"a.img", "b.img", "c.img"};
    static const size_t sizes[] = {300000, 0, 100001};
    inst_dir st;
    inst_info out;
    recorder rec = {0};
    inst_progress pg = {rec_report, NULL, &rec};

    make_dir();
    make_instance("src", "source", 3, 3, disks, sizes);
    CU_ASSERT_EQUAL_FATAL(inst_dir_open(&st, dir, 800000), 0); /* 400001 bytes: ~0.5 s */
    double t0 = lg_mono_s();
    CU_ASSERT_EQUAL_FATAL(inst_dir_clone(&st, "src", "copy", &pg, &out, NULL), INST_OK);
    double took = lg_mono_s() - t0;
    CU_ASSERT(took >= 0.4);
    CU_ASSERT(took < 5.0);
    CU_ASSERT(rec.calls >= 8); /* chunks of rate/16 */
    CU_ASSERT_FALSE(rec.decreased);
    CU_ASSERT_EQUAL(rec.first_total, 400001);
    CU_ASSERT_EQUAL(rec.last_done, 400001);
    CU_ASSERT_EQUAL(rec.last_total, 400001);
    CU_ASSERT_EQUAL(out.size_bytes, 400001);
    for (int i = 0; i < 3; i++) {
        char a[8192], b[8192];
        path_of(a, sizeof a, "src", disks[i]);
        path_of(b, sizeof b, out.id, disks[i]);
        CU_ASSERT_TRUE(same_file(a, b));
    }
    inst_dir_close(&st);
    remove_dir();
}

static void test_empty_instance(void)
{
    inst_dir st;
    inst_info out;
    recorder rec = {0};
    inst_progress pg = {rec_report, NULL, &rec};
    make_dir();
    make_instance("empty", "nothing", 1, 0, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(inst_dir_open(&st, dir, 100), 0);
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "empty", "still-nothing", &pg, &out, NULL), INST_OK);
    CU_ASSERT_EQUAL(out.n_disks, 0);
    CU_ASSERT_EQUAL(out.size_bytes, 0);
    CU_ASSERT_EQUAL(rec.calls, 1); /* (0, 0): done */
    CU_ASSERT_EQUAL(rec.last_done, 0);
    CU_ASSERT_EQUAL(rec.last_total, 0);
    inst_dir_close(&st);
    remove_dir();
}

static void test_name_clash_and_bad_names(void)
{
    static const char *bad[] = {"", "../x", "a/b", ".x", "x..y", "with space", "caf\xc3\xa9",
                                "a2345678901234567890123456789012345678901234567890123456789012345"};
    inst_dir st;
    inst_info out;
    int hidden;
    open_demo(&st, 0);
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000001", "web-01", NULL, &out, NULL), INST_EXISTS);
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000001", "db-01", NULL, &out, NULL), INST_EXISTS);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000001", bad[i], NULL, &out, NULL), INST_BAD_NAME);
    /* the name is checked first, then the source */
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "../i-00000001", "../x", NULL, &out, NULL), INST_BAD_NAME);
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "../i-00000001", "fine", NULL, &out, NULL), INST_UNKNOWN);
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-99999999", "fine", NULL, &out, NULL), INST_UNKNOWN);
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "", "fine", NULL, &out, NULL), INST_UNKNOWN);
    /* cloneInstance's early check refuses the same, in the same order, and reserves nothing */
    CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "i-00000001", "web-01", NULL), INST_EXISTS);
    CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "i-00000001", "db-01", NULL), INST_EXISTS);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "i-00000001", bad[i], NULL), INST_BAD_NAME);
    CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "../i-00000001", "../x", NULL), INST_BAD_NAME);
    CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "i-99999999", "fine", NULL), INST_UNKNOWN);
    CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "", "fine", NULL), INST_UNKNOWN);
    CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "i-00000001", "fine", NULL), INST_OK);
    CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "i-00000001", "fine", NULL), INST_OK);
    CU_ASSERT_EQUAL(count_entries(&hidden), 2);
    CU_ASSERT_EQUAL(hidden, 0);
    /* names are case-sensitive */
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000001", "WEB-01", NULL, &out, NULL), INST_OK);
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000002", "WEB-01", NULL, &out, NULL), INST_EXISTS);
    inst_dir_close(&st);
    remove_dir();
}

/* Two clones to one name at once: the second is refused while the first
 * still copies (its name is reserved), and the first succeeds. */
typedef struct racer {
    inst_dir *st;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int started, release;
    inst_status status;
    inst_info out;
} racer;

static void racer_report(void *ud, uint64_t done, uint64_t total)
{
    racer *r = ud;
    (void)done, (void)total;
    pthread_mutex_lock(&r->mu);
    r->started = 1;
    pthread_cond_broadcast(&r->cv);
    while (!r->release) /* hold the clone open until the main thread tried */
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
}

static void *racer_run(void *arg)
{
    racer *r = arg;
    inst_progress pg = {racer_report, NULL, r};
    r->status = inst_dir_clone(r->st, "i-00000001", "twin", &pg, &r->out, NULL);
    return NULL;
}

static void test_concurrent_name_clash(void)
{
    inst_dir st;
    inst_info out;
    racer r = {.st = &st};
    pthread_t th;
    int hidden;

    open_demo(&st, 0);
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, racer_run, &r), 0);
    pthread_mutex_lock(&r.mu);
    while (!r.started)
        pthread_cond_wait(&r.cv, &r.mu);
    pthread_mutex_unlock(&r.mu);
    /* the first clone is half-way: its folder is hidden, its name reserved */
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000002", "twin", NULL, &out, NULL), INST_EXISTS);
    CU_ASSERT_EQUAL(inst_dir_check_clone(&st, "i-00000002", "twin", NULL), INST_EXISTS);
    CU_ASSERT_EQUAL(count_entries(&hidden), 3);
    CU_ASSERT_EQUAL(hidden, 1);
    /* another name is fine meanwhile */
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000002", "other", NULL, &out, NULL), INST_OK);
    pthread_mutex_lock(&r.mu);
    r.release = 1;
    pthread_cond_broadcast(&r.cv);
    pthread_mutex_unlock(&r.mu);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(r.status, INST_OK);
    CU_ASSERT_STRING_EQUAL(r.out.name, "twin");
    CU_ASSERT_STRING_NOT_EQUAL(r.out.id, out.id);
    /* and after it ended, the name is taken by the instance itself */
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000002", "twin", NULL, &out, NULL), INST_EXISTS);
    CU_ASSERT_EQUAL(count_entries(&hidden), 4);
    CU_ASSERT_EQUAL(hidden, 0);
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
    inst_dir_close(&st);
    remove_dir();
}

/* Many threads clone at once, some to the same names: each name is taken
 * exactly once, ids are unique, nothing is left behind. */
#define THREADS 8

typedef struct many_arg {
    inst_dir *st;
    int index;
    inst_status status;
    inst_info out;
} many_arg;

static void *many_run(void *p)
{
    many_arg *a = p;
    char name[32];
    snprintf(name, sizeof name, "n-%d", a->index / 2); /* two threads per name */
    a->status = inst_dir_clone(a->st, "small", name, NULL, &a->out, NULL);
    return NULL;
}

static void test_concurrent_clones(void)
{
    static const char *const disks[] = {"d.img"};
    static const size_t sizes[] = {200000};
    inst_dir st;
    pthread_t th[THREADS];
    many_arg args[THREADS];
    int ok = 0, exists = 0, hidden;

    make_dir();
    make_instance("small", "small", 1, 1, disks, sizes);
    CU_ASSERT_EQUAL_FATAL(inst_dir_open(&st, dir, 2000000), 0); /* each ~0.1 s */
    for (int i = 0; i < THREADS; i++) {
        args[i] = (many_arg){.st = &st, .index = i};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, many_run, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        if (args[i].status == INST_OK) {
            ok++;
            for (int j = 0; j < i; j++)
                if (args[j].status == INST_OK)
                    CU_ASSERT_STRING_NOT_EQUAL(args[i].out.id, args[j].out.id);
        } else {
            CU_ASSERT_EQUAL(args[i].status, INST_EXISTS);
            exists++;
        }
    }
    CU_ASSERT_EQUAL(ok, THREADS / 2);
    CU_ASSERT_EQUAL(exists, THREADS / 2);
    CU_ASSERT_EQUAL(count_entries(&hidden), 1 + THREADS / 2);
    CU_ASSERT_EQUAL(hidden, 0);
    inst_dir_close(&st);
    remove_dir();
}

static void test_ids_unique(void)
{
    static const char *const disks[] = {"d.img"};
    static const size_t sizes[] = {1};
    inst_dir st;
    inst_info out[40];
    make_dir();
    make_instance("tiny", "tiny", 1, 1, disks, sizes);
    CU_ASSERT_EQUAL_FATAL(inst_dir_open(&st, dir, 0), 0);
    for (int i = 0; i < 40; i++) {
        char name[16];
        snprintf(name, sizeof name, "t%d", i);
        CU_ASSERT_EQUAL_FATAL(inst_dir_clone(&st, "tiny", name, NULL, &out[i], NULL), INST_OK);
        CU_ASSERT_TRUE(is_new_id(out[i].id));
        for (int j = 0; j < i; j++)
            CU_ASSERT_STRING_NOT_EQUAL(out[i].id, out[j].id);
    }
    inst_dir_close(&st);
    remove_dir();
}

static void test_no_space_leaves_nothing(void)
{
    inst_dir st;
    inst_info out, *all;
    size_t n;
    int hidden, errnum = 0;
    recorder rec = {0};
    inst_progress pg = {rec_report, NULL, &rec};

    open_demo(&st, 0);
    /* fails inside the first image, then inside the second, then on instance.conf */
    static const long long budgets[] = {1, 1536 * 1024, 4 * 1024 * 1024 + 4096, 5 * 1024 * 1024, 0};
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        atomic_store(&write_budget, budgets[i]);
        CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000001", "full", &pg, &out, &errnum), INST_NO_SPACE);
        atomic_store(&write_budget, -1);
        CU_ASSERT_EQUAL(errnum, ENOSPC);
        CU_ASSERT_EQUAL(count_entries(&hidden), 2); /* no temporary folder, no instance */
        CU_ASSERT_EQUAL(hidden, 0);
        CU_ASSERT_EQUAL_FATAL(inst_dir_list(&st, &all, &n, NULL), INST_OK);
        CU_ASSERT_EQUAL(n, 2);
        free(all);
    }
    /* the name was released: the same clone works once there is room */
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000001", "full", NULL, &out, NULL), INST_OK);
    inst_dir_close(&st);
    remove_dir();
}

static void test_io_error_leaves_nothing(void)
{
    inst_dir st;
    inst_info out;
    struct rlimit old, lim;
    int hidden, errnum = 0;

    open_demo(&st, 0);
    signal(SIGXFSZ, SIG_IGN); /* so write() fails with EFBIG instead */
    CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 1024 * 1024;
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &lim), 0);
    inst_status s = inst_dir_clone(&st, "i-00000001", "too-big", NULL, &out, &errnum);
    CU_ASSERT_EQUAL(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_DFL);
    CU_ASSERT_EQUAL(s, INST_IO);
    CU_ASSERT_EQUAL(errnum, EFBIG);
    CU_ASSERT_EQUAL(count_entries(&hidden), 2);
    CU_ASSERT_EQUAL(hidden, 0);

    /* a source image that vanished: the source is no longer an instance */
    char p[8192];
    path_of(p, sizeof p, "i-00000002", "data.img");
    CU_ASSERT_EQUAL(unlink(p), 0); /* i-00000002 is no longer an instance */
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000002", "x", NULL, &out, NULL), INST_UNKNOWN);
    CU_ASSERT_EQUAL(count_entries(&hidden), 2);
    CU_ASSERT_EQUAL(hidden, 0);
    inst_dir_close(&st);
    remove_dir();
}

static void test_cancel_leaves_nothing(void)
{
    inst_dir st;
    inst_info out;
    recorder rec = {.stop_after = 2};
    inst_progress pg = {rec_report, rec_should_stop, &rec};
    int hidden;

    open_demo(&st, 1024 * 1024); /* 12 MiB would take 12 s: the stop must cut it short */
    double t0 = lg_mono_s();
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000002", "stopped", &pg, &out, NULL), INST_CANCELLED);
    CU_ASSERT(lg_mono_s() - t0 < 2.0);
    CU_ASSERT_EQUAL(count_entries(&hidden), 2);
    CU_ASSERT_EQUAL(hidden, 0);
    CU_ASSERT_EQUAL(inst_dir_clone(&st, "i-00000001", "stopped", NULL, &out, NULL), INST_OK);
    inst_dir_close(&st);
    remove_dir();
}

static void test_stale_clones_removed(void)
{
    inst_dir st;
    char p[8192], name[64];
    int hidden;

    make_dir();
    /* a clone folder of a process that no longer exists (beyond pid_max) */
    path_of(p, sizeof p, ".clone-2000000000-0123456789abcdef", NULL);
    CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
    path_of(p, sizeof p, ".clone-2000000000-0123456789abcdef", "root.img");
    write_text(p, "half");
    /* one of a running process (ours) and another hidden entry: kept */
    snprintf(name, sizeof name, ".clone-%ld-00", (long)getpid());
    path_of(p, sizeof p, name, NULL);
    CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
    path_of(p, sizeof p, ".keep", NULL);
    write_text(p, "x");
    CU_ASSERT_EQUAL_FATAL(inst_dir_open(&st, dir, 0), 0);
    CU_ASSERT_EQUAL(count_entries(&hidden), 2);
    CU_ASSERT_EQUAL(hidden, 2);
    path_of(p, sizeof p, ".clone-2000000000-0123456789abcdef", NULL);
    CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
    inst_dir_close(&st);
    remove_dir();
}

int main(void)
{
    static const lg_test tests[] = {
        {"valid ids and names", test_valid_names},
        {"open errors", test_open_errors},
        {"demo instances", test_demo},
        {"unknown and bad ids", test_get_unknown_and_bad_ids},
        {"broken entries ignored", test_broken_entries_ignored},
        {"clone copies bytes exactly", test_clone_copies_exactly},
        {"progress, rate-limited", test_progress_rate_limited},
        {"instance without disks", test_empty_instance},
        {"name clash and bad names", test_name_clash_and_bad_names},
        {"name clash between concurrent clones", test_concurrent_name_clash},
        {"many concurrent clones", test_concurrent_clones},
        {"new ids unique", test_ids_unique},
        {"ENOSPC leaves nothing behind", test_no_space_leaves_nothing},
        {"I/O error leaves nothing behind", test_io_error_leaves_nothing},
        {"stop request leaves nothing behind", test_cancel_leaves_nothing},
        {"stale clone folders removed", test_stale_clones_removed},
        {NULL, NULL},
    };
    return lg_run_suite("instances", tests);
}
