/* instance_dir.c - InstanceService's instance folder: the instances as
 * folders in a data directory (instance_dir.h has the layout and the
 * thread-safety rules).
 *
 * DESIGN
 *
 * Paths.  The data directory is opened once (st->dfd) and every file
 * operation is relative to it (openat, mkdirat, renameat2, ...), so the
 * working directory does not matter and no path is ever built from more
 * than one validated component.  Ids, names and disk file names are
 * checked by inst_valid_name() before they are used as file names.
 *
 * Atomic clones.  A clone is written into a hidden folder
 * ".clone-PID-RANDOM" next to the instances: images first (each fsynced),
 * then instance.conf, then the folder itself is fsynced and renamed to the
 * new id with RENAME_NOREPLACE, and the data directory fsynced.  Readers
 * (get, list) skip hidden entries, so they see either no clone or all of
 * it.  On any failure the temporary folder is removed; a folder left by a
 * crash is removed when that directory is next opened (inst_dir_open).
 *
 * Names.  The new name must not be used by an instance nor by a clone in
 * progress.  The check and the reservation (a node on the cloning thread's
 * stack, linked into st->reserved) happen under st->mu; the node is unlinked
 * only after the rename, so a later check sees either the reservation or
 * the finished instance.  New ids are reserved the same way.  st->mu is a
 * leaf lock and is never held while copying.
 *
 * Rate.  After each chunk the copy sleeps until done / copy_rate seconds
 * have passed since it started (in slices of at most 100 ms, polling
 * should_stop), so the average rate is copy_rate and a stop request is
 * noticed quickly.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "instance_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CLONE_PREFIX ".clone-"
#define META_MAX 4096            /* largest instance.conf accepted */
#define CHUNK_MAX (1024 * 1024)  /* copy buffer when unlimited */
#define CHUNK_MIN 4096
#define SLICE_NS 100000000L      /* longest sleep between should_stop polls */
#define VCPUS_MAX 1024

/* ---- small helpers --------------------------------------------------- */

int inst_valid_name(const char *s)
{
    size_t n;
    if (s == NULL)
        return 0;
    n = strlen(s);
    if (n == 0 || n > INST_NAME_MAX)
        return 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
          (s[0] >= '0' && s[0] <= '9')))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return strstr(s, "..") == NULL;
}

/* The status for a failed system call's errno. */
static inst_status sys_status(int e, int *errnum)
{
    if (errnum != NULL)
        *errnum = e;
    if (e == ENOSPC || e == EDQUOT)
        return INST_NO_SPACE;
    return INST_IO;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (w == 0) { /* cannot happen for regular files; do not spin */
            errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static ssize_t read_some(int fd, void *buf, size_t n)
{
    ssize_t r;
    do
        r = read(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

/* close() that reports an error, but never retries (Linux closes anyway). */
static int close_checked(int fd)
{
    if (close(fd) != 0 && errno != EINTR)
        return -1;
    return 0;
}

/* close() on a path that is already failing: keeps the first errno. */
static void close_quietly(int fd)
{
    int e = errno;
    if (fd >= 0)
        (void)close(fd);
    errno = e;
}

static int random_u32(uint32_t *out)
{
    unsigned char b[4];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    *out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return 0;
}

static double now_monotonic(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail for this clock */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int stop_requested(const inst_progress *pg)
{
    return pg != NULL && pg->should_stop != NULL && pg->should_stop(pg->ud);
}

/* Sleeps until the monotonic time `until` (seconds), in slices, polling
 * should_stop.  Returns 0, or -1 when asked to stop. */
static int sleep_until(double until, const inst_progress *pg)
{
    for (;;) {
        if (stop_requested(pg))
            return -1;
        double left = until - now_monotonic();
        if (left <= 0)
            return 0;
        long ns = left >= (double)SLICE_NS / 1e9 ? SLICE_NS : (long)(left * 1e9) + 1;
        struct timespec ts = {0, ns};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
}

/* Removes folder `name` in dfd and the files in it (a temporary clone
 * folder holds only files).  Best effort; errno is preserved. */
static void remove_folder(int dfd, const char *name)
{
    int e = errno;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        DIR *d = fdopendir(fd);
        if (d == NULL) {
            (void)close(fd);
        } else {
            struct dirent *de;
            while ((de = readdir(d)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                    continue;
                (void)unlinkat(dirfd(d), de->d_name, 0);
            }
            (void)closedir(d);
        }
    }
    (void)unlinkat(dfd, name, AT_REMOVEDIR);
    errno = e;
}

/* ---- reading instances ----------------------------------------------- */

/* Parses the text of an instance.conf into *out (name, vcpus, disks).
 * Returns 0, or -1 when it is not valid. */
static int parse_meta(char *text, inst_info *out)
{
    int have_name = 0, have_vcpus = 0;
    char *line = text, *next;

    out->n_disks = 0;
    for (; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        char *eq = strchr(line, '=');
        if (eq == NULL)
            return -1;
        *eq = '\0';
        const char *key = line, *value = eq + 1;
        if (strcmp(key, "name") == 0) {
            if (have_name || !inst_valid_name(value))
                return -1;
            strcpy(out->name, value);
            have_name = 1;
        } else if (strcmp(key, "vcpus") == 0) {
            long v = 0;
            if (have_vcpus || value[0] == '\0' || strlen(value) > 4)
                return -1;
            for (const char *p = value; *p != '\0'; p++) {
                if (*p < '0' || *p > '9')
                    return -1;
                v = v * 10 + (*p - '0');
            }
            if (v < 1 || v > VCPUS_MAX)
                return -1;
            out->vcpus = (int)v;
            have_vcpus = 1;
        } else if (strcmp(key, "disk") == 0) {
            if (out->n_disks == INST_MAX_DISKS || !inst_valid_name(value) ||
                strcmp(value, INST_META_FILE) == 0)
                return -1;
            for (int i = 0; i < out->n_disks; i++)
                if (strcmp(out->disks[i], value) == 0)
                    return -1;
            strcpy(out->disks[out->n_disks++], value);
        }
        /* other keys: ignored (room for later fields) */
    }
    return have_name && have_vcpus ? 0 : -1;
}

/* Reads instance `id` (a valid name).  Returns 0 with *out filled, 1 when
 * it is not an instance (missing, not a folder, broken), or -1 with errno
 * for any other error. */
static int read_instance(int dfd, const char *id, inst_info *out)
{
    char text[META_MAX + 1];
    struct stat sb;
    size_t len = 0;
    int ifd, mfd;

    ifd = openat(dfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (ifd < 0)
        return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 1 : -1;
    mfd = openat(ifd, INST_META_FILE, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (mfd < 0) {
        int rc = errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 1 : -1;
        close_quietly(ifd);
        return rc;
    }
    if (fstat(mfd, &sb) != 0)
        goto fail;
    if (!S_ISREG(sb.st_mode) || sb.st_size > META_MAX)
        goto invalid;
    for (;;) {
        ssize_t r = read_some(mfd, text + len, META_MAX + 1 - len);
        if (r < 0)
            goto fail;
        if (r == 0)
            break;
        len += (size_t)r;
        if (len > META_MAX)
            goto invalid;
    }
    text[len] = '\0';
    if (memchr(text, '\0', len) != NULL)
        goto invalid;
    memset(out, 0, sizeof *out);
    if (parse_meta(text, out) != 0)
        goto invalid;
    strcpy(out->id, id);
    out->size_bytes = 0;
    for (int i = 0; i < out->n_disks; i++) {
        if (fstatat(ifd, out->disks[i], &sb, 0) != 0) {
            if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
                goto invalid;
            goto fail;
        }
        if (!S_ISREG(sb.st_mode) || sb.st_size > INT64_MAX - out->size_bytes)
            goto invalid;
        out->size_bytes += sb.st_size;
    }
    (void)close(mfd);
    (void)close(ifd);
    return 0;
invalid:
    (void)close(mfd);
    (void)close(ifd);
    return 1;
fail:
    close_quietly(mfd);
    close_quietly(ifd);
    return -1;
}

inst_status inst_dir_get(inst_dir *st, const char *id, inst_info *out, int *errnum)
{
    if (!inst_valid_name(id))
        return INST_UNKNOWN;
    switch (read_instance(st->dfd, id, out)) {
    case 0:
        return INST_OK;
    case 1:
        return INST_UNKNOWN;
    default:
        return sys_status(errno, errnum);
    }
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const inst_info *)a)->id, ((const inst_info *)b)->id);
}

/* A new DIR stream on the data directory (its own file offset, so
 * concurrent listings do not disturb each other). */
static DIR *open_data_dir(int dfd)
{
    int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;
    if (fd < 0)
        return NULL;
    d = fdopendir(fd);
    if (d == NULL)
        close_quietly(fd);
    return d;
}

inst_status inst_dir_list(inst_dir *st, inst_info **out, size_t *n, int *errnum)
{
    inst_info *v = NULL;
    size_t len = 0, cap = 0;
    struct dirent *de;
    inst_status rc = INST_OK;
    DIR *d;

    *out = NULL;
    *n = 0;
    d = open_data_dir(st->dfd);
    if (d == NULL)
        return sys_status(errno, errnum);
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            if (errno != 0)
                rc = sys_status(errno, errnum);
            break;
        }
        if (!inst_valid_name(de->d_name))
            continue; /* ".", "..", hidden entries, temporary clones */
        if (len == cap) {
            size_t ncap = cap == 0 ? 16 : cap * 2;
            inst_info *nv;
            if (ncap > SIZE_MAX / sizeof *v || (nv = realloc(v, ncap * sizeof *v)) == NULL) {
                rc = INST_NOMEM;
                break;
            }
            v = nv;
            cap = ncap;
        }
        int r = read_instance(st->dfd, de->d_name, &v[len]);
        if (r < 0) {
            rc = sys_status(errno, errnum);
            break;
        }
        if (r == 0)
            len++;
    }
    (void)closedir(d);
    if (rc != INST_OK) {
        free(v);
        return rc;
    }
    if (len == 0) {
        free(v);
        return INST_OK;
    }
    qsort(v, len, sizeof *v, by_id);
    *out = v;
    *n = len;
    return INST_OK;
}

/* ---- opening ----------------------------------------------------------- */

/* Removes ".clone-PID-..." folders whose process is gone. */
static void remove_stale_clones(int dfd)
{
    DIR *d = open_data_dir(dfd);
    struct dirent *de;
    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        const char *p = de->d_name;
        char *end;
        long pid;
        if (strncmp(p, CLONE_PREFIX, strlen(CLONE_PREFIX)) != 0)
            continue;
        p += strlen(CLONE_PREFIX);
        errno = 0;
        pid = strtol(p, &end, 10);
        if (errno != 0 || end == p || *end != '-' || pid <= 0 || pid > INT_MAX)
            continue;
        if ((pid_t)pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        remove_folder(dirfd(d), de->d_name);
    }
    (void)closedir(d);
}

int inst_dir_open(inst_dir *st, const char *dir, uint64_t copy_rate)
{
    int e;
    memset(st, 0, sizeof *st);
    st->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (st->dfd < 0)
        return -1;
    e = pthread_mutex_init(&st->mu, NULL);
    if (e != 0) {
        (void)close(st->dfd);
        st->dfd = -1;
        errno = e;
        return -1;
    }
    st->copy_rate = copy_rate;
    st->reserved = NULL;
    remove_stale_clones(st->dfd);
    return 0;
}

void inst_dir_close(inst_dir *st)
{
    if (st->dfd >= 0) {
        (void)close(st->dfd);
        (void)pthread_mutex_destroy(&st->mu);
    }
    st->dfd = -1;
}

int inst_dir_is_empty(inst_dir *st)
{
    DIR *d = open_data_dir(st->dfd);
    struct dirent *de;
    int empty = 1;
    if (d == NULL)
        return 1;
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (de == NULL)
            break;
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    }
    int e = errno;
    (void)closedir(d);
    errno = empty ? e : 0;
    return empty;
}

/* ---- writing instances --------------------------------------------------- */

/* Creates a new temporary clone folder; its name goes to tmp (64 bytes). */
static inst_status make_temp_folder(int dfd, char tmp[64], int *errnum)
{
    for (int tries = 0; tries < 16; tries++) {
        uint32_t a, b;
        if (random_u32(&a) != 0 || random_u32(&b) != 0)
            return sys_status(errno, errnum);
        snprintf(tmp, 64, CLONE_PREFIX "%ld-%08x%08x", (long)getpid(), (unsigned)a, (unsigned)b);
        if (mkdirat(dfd, tmp, 0755) == 0)
            return INST_OK;
        if (errno != EEXIST)
            return sys_status(errno, errnum);
    }
    return sys_status(EEXIST, errnum);
}

/* Writes instance.conf for info into the folder tfd, fsynced. */
static int write_meta(int tfd, const inst_info *info)
{
    char text[META_MAX];
    int len, fd;
    len = snprintf(text, sizeof text, "# Ladon-C example instance (docs/examples.md)\nname=%s\nvcpus=%d\n",
                   info->name, info->vcpus);
    for (int i = 0; i < info->n_disks && len >= 0 && (size_t)len < sizeof text; i++)
        len += snprintf(text + len, sizeof text - (size_t)len, "disk=%s\n", info->disks[i]);
    if (len < 0 || (size_t)len >= sizeof text) { /* cannot happen with valid names */
        errno = EOVERFLOW;
        return -1;
    }
    fd = openat(tfd, INST_META_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    if (write_all(fd, text, (size_t)len) != 0 || fsync(fd) != 0) {
        close_quietly(fd);
        return -1;
    }
    return close_checked(fd);
}

static int reserved_locked(const inst_dir *st, const char *id, const char *name)
{
    for (const inst_reservation *r = st->reserved; r != NULL; r = r->next)
        if ((id != NULL && strcmp(r->id, id) == 0) || (name != NULL && strcmp(r->name, name) == 0))
            return 1;
    return 0;
}

static void unreserve(inst_dir *st, inst_reservation *res)
{
    (void)pthread_mutex_lock(&st->mu);
    for (inst_reservation **p = &st->reserved; *p != NULL; p = &(*p)->next)
        if (*p == res) {
            *p = res->next;
            break;
        }
    (void)pthread_mutex_unlock(&st->mu);
}

/* Under st->mu: a fresh random id, used neither by a folder nor by a clone
 * in progress, into res->id. */
static inst_status pick_id_locked(inst_dir *st, inst_reservation *res, int *errnum)
{
    for (int tries = 0; tries < 64; tries++) {
        uint32_t r;
        struct stat sb;
        char id[INST_NAME_MAX + 1];
        if (random_u32(&r) != 0)
            return sys_status(errno, errnum);
        snprintf(id, sizeof id, "i-%08x", (unsigned)r);
        if (reserved_locked(st, id, NULL))
            continue;
        if (fstatat(st->dfd, id, &sb, AT_SYMLINK_NOFOLLOW) == 0)
            continue;
        if (errno != ENOENT)
            return sys_status(errno, errnum);
        strcpy(res->id, id);
        return INST_OK;
    }
    return sys_status(EEXIST, errnum);
}

/* Renames the finished folder tmp to res->id, picking another id if that one
 * appeared meanwhile, and makes the rename durable.  On failure the caller
 * removes tmp (still there); on success tmp is gone. */
static inst_status publish(inst_dir *st, const char *tmp, inst_reservation *res, int *errnum)
{
    for (int tries = 0; tries < 8; tries++) {
        int rc = renameat2(st->dfd, tmp, st->dfd, res->id, RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
            /* the file system cannot promise NOREPLACE: the id was free when
             * it was reserved; renameat() refuses a non-empty target */
            struct stat sb;
            if (fstatat(st->dfd, res->id, &sb, AT_SYMLINK_NOFOLLOW) == 0)
                errno = EEXIST;
            else
                rc = renameat(st->dfd, tmp, st->dfd, res->id);
        }
        if (rc == 0) {
            if (fsync(st->dfd) != 0) {
                inst_status s = sys_status(errno, errnum);
                /* not durable: undo, so a failure leaves nothing behind */
                if (renameat(st->dfd, res->id, st->dfd, tmp) != 0)
                    remove_folder(st->dfd, res->id);
                return s;
            }
            return INST_OK;
        }
        if (errno != EEXIST && errno != ENOTEMPTY)
            return sys_status(errno, errnum);
        (void)pthread_mutex_lock(&st->mu);
        char old[INST_NAME_MAX + 1];
        strcpy(old, res->id);
        res->id[0] = '\0'; /* so pick_id does not see its own reservation */
        inst_status s = pick_id_locked(st, res, errnum);
        if (s != INST_OK)
            strcpy(res->id, old);
        (void)pthread_mutex_unlock(&st->mu);
        if (s != INST_OK)
            return s;
    }
    return sys_status(EEXIST, errnum);
}

/* ---- cloning --------------------------------------------------------------- */

typedef struct copy_state {
    unsigned char *buf;
    size_t chunk;
    uint64_t done, total, rate;
    double start;
    const inst_progress *pg;
} copy_state;

static void report(const copy_state *cs)
{
    if (cs->pg != NULL && cs->pg->report != NULL)
        cs->pg->report(cs->pg->ud, cs->done < cs->total ? cs->done : cs->total, cs->total);
}

/* Copies image `name` from folder sfd to folder tfd. */
static inst_status copy_image(int sfd, int tfd, const char *name, copy_state *cs, int *errnum)
{
    int in, out;
    inst_status s;

    in = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (in < 0)
        return sys_status(errno, errnum);
    out = openat(tfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0)
        goto fail;
    for (;;) {
        ssize_t r = read_some(in, cs->buf, cs->chunk);
        if (r < 0)
            goto fail;
        if (r == 0)
            break;
        if (write_all(out, cs->buf, (size_t)r) != 0)
            goto fail;
        cs->done += (uint64_t)r;
        report(cs);
        if (cs->rate > 0) {
            if (sleep_until(cs->start + (double)cs->done / (double)cs->rate, cs->pg) != 0)
                goto cancelled;
        } else if (stop_requested(cs->pg)) {
            goto cancelled;
        }
    }
    if (fsync(out) != 0)
        goto fail;
    if (close_checked(out) != 0) {
        out = -1;
        goto fail;
    }
    (void)close(in);
    return INST_OK;
cancelled:
    (void)close(out);
    (void)close(in);
    return INST_CANCELLED;
fail:
    s = sys_status(errno, errnum);
    close_quietly(out);
    close_quietly(in);
    return s;
}

/* Copies the images of src into the folder tmp, sets dst->size_bytes to the
 * bytes copied and writes the folder's instance.conf for *dst. */
static inst_status fill_clone(inst_dir *st, const inst_info *src, const char *tmp,
                              inst_info *dst, const inst_progress *pg, int *errnum)
{
    copy_state cs = {0};
    inst_status s = INST_OK;
    int sfd = -1, tfd = -1;

    cs.rate = st->copy_rate;
    cs.pg = pg;
    cs.chunk = CHUNK_MAX;
    if (cs.rate > 0) {
        uint64_t c = cs.rate / 16;
        cs.chunk = c < CHUNK_MIN ? CHUNK_MIN : c > CHUNK_MAX ? CHUNK_MAX : (size_t)c;
    }
    cs.buf = malloc(cs.chunk);
    if (cs.buf == NULL)
        return INST_NOMEM;
    sfd = openat(st->dfd, src->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sfd < 0 || (tfd = openat(st->dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        s = sys_status(errno, errnum);
        goto out;
    }
    /* the total from the images as they are now (src was read a moment ago) */
    for (int i = 0; i < src->n_disks; i++) {
        struct stat sb;
        if (fstatat(sfd, src->disks[i], &sb, 0) != 0) {
            s = sys_status(errno, errnum);
            goto out;
        }
        cs.total += (uint64_t)sb.st_size;
    }
    cs.start = now_monotonic();
    for (int i = 0; i < src->n_disks && s == INST_OK; i++)
        s = copy_image(sfd, tfd, src->disks[i], &cs, errnum);
    if (s != INST_OK)
        goto out;
    dst->size_bytes = cs.done > INT64_MAX ? INT64_MAX : (int64_t)cs.done;
    cs.done = cs.total; /* the images may have changed size meanwhile */
    report(&cs);
    if (write_meta(tfd, dst) != 0 || fsync(tfd) != 0)
        s = sys_status(errno, errnum);
out:
    if (tfd >= 0)
        close_quietly(tfd);
    if (sfd >= 0)
        close_quietly(sfd);
    free(cs.buf);
    return s;
}

/* The checks of a clone before anything is reserved: new_name is valid
 * (first), src_id names an instance (read into *src). */
static inst_status clone_source(inst_dir *st, const char *src_id, const char *new_name, inst_info *src,
                                int *errnum)
{
    if (!inst_valid_name(new_name))
        return INST_BAD_NAME;
    return inst_dir_get(st, src_id, src, errnum);
}

/* INST_EXISTS when an instance or a clone in progress has the name
 * new_name, INST_OK when none has; st->mu held. */
static inst_status name_taken_locked(inst_dir *st, const char *new_name, int *errnum)
{
    inst_info *all = NULL;
    size_t n_all = 0;
    inst_status s;
    if (reserved_locked(st, NULL, new_name))
        return INST_EXISTS;
    s = inst_dir_list(st, &all, &n_all, errnum);
    for (size_t i = 0; s == INST_OK && i < n_all; i++)
        if (strcmp(all[i].name, new_name) == 0)
            s = INST_EXISTS;
    free(all);
    return s;
}

inst_status inst_dir_check_clone(inst_dir *st, const char *src_id, const char *new_name, int *errnum)
{
    inst_info src;
    inst_status s = clone_source(st, src_id, new_name, &src, errnum);
    if (s != INST_OK)
        return s;
    (void)pthread_mutex_lock(&st->mu);
    s = name_taken_locked(st, new_name, errnum);
    (void)pthread_mutex_unlock(&st->mu);
    return s;
}

inst_status inst_dir_clone(inst_dir *st, const char *src_id, const char *new_name,
                           const inst_progress *pg, inst_info *out, int *errnum)
{
    inst_reservation res;
    inst_info src;
    char tmp[64];
    inst_status s;

    s = clone_source(st, src_id, new_name, &src, errnum);
    if (s != INST_OK)
        return s;

    /* check the name and reserve it and a new id, atomically */
    memset(&res, 0, sizeof res);
    strcpy(res.name, new_name);
    (void)pthread_mutex_lock(&st->mu);
    s = name_taken_locked(st, new_name, errnum);
    if (s == INST_OK)
        s = pick_id_locked(st, &res, errnum);
    if (s == INST_OK) {
        res.next = st->reserved;
        st->reserved = &res;
    }
    (void)pthread_mutex_unlock(&st->mu);
    if (s != INST_OK)
        return s;

    s = make_temp_folder(st->dfd, tmp, errnum);
    if (s != INST_OK)
        goto out;

    *out = src;
    strcpy(out->name, new_name);
    strcpy(out->id, res.id);
    s = fill_clone(st, &src, tmp, out, pg, errnum);
    if (s == INST_OK)
        s = publish(st, tmp, &res, errnum);
    if (s != INST_OK) {
        remove_folder(st->dfd, tmp);
        goto out;
    }
    strcpy(out->id, res.id); /* publish() may have picked another id */
out:
    unreserve(st, &res);
    return s;
}

/* ---- the demo instances ---------------------------------------------------- */

typedef struct demo_disk {
    const char *file;
    size_t mib;
} demo_disk;

typedef struct demo_instance {
    const char *id, *name;
    int vcpus;
    demo_disk disks[2];
} demo_instance;

static const demo_instance demo[] = {
    {"i-00000001", "web-01", 2, {{"root.img", 4}, {"swap.img", 1}}},
    {"i-00000002", "db-01", 4, {{"root.img", 4}, {"data.img", 8}}},
};

/* Writes `mib` MiB of deterministic non-zero bytes (xorshift32 seeded by the
 * file's id and name) to file `name` in tfd, fsynced. */
static int write_demo_image(int tfd, const char *id, const char *name, size_t mib)
{
    unsigned char *buf = malloc(CHUNK_MAX);
    uint32_t x = 2166136261u;
    int fd;
    if (buf == NULL)
        return -1;
    for (const char *p = id; *p != '\0'; p++)
        x = (x ^ (unsigned char)*p) * 16777619u;
    for (const char *p = name; *p != '\0'; p++)
        x = (x ^ (unsigned char)*p) * 16777619u;
    if (x == 0)
        x = 1;
    fd = openat(tfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        free(buf);
        return -1;
    }
    for (size_t m = 0; m < mib; m++) {
        for (size_t i = 0; i < CHUNK_MAX; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            buf[i] = (unsigned char)(x >> 24) != 0 ? (unsigned char)(x >> 24) : 0xa5;
        }
        if (write_all(fd, buf, CHUNK_MAX) != 0)
            goto fail;
    }
    free(buf);
    if (fsync(fd) != 0) {
        close_quietly(fd);
        return -1;
    }
    return close_checked(fd);
fail:
    free(buf);
    close_quietly(fd);
    return -1;
}

static inst_status create_demo_instance(inst_dir *st, const demo_instance *di, int *errnum)
{
    inst_info info;
    struct stat sb;
    char tmp[64];
    int tfd;
    inst_status s;

    if (fstatat(st->dfd, di->id, &sb, AT_SYMLINK_NOFOLLOW) == 0)
        return INST_OK; /* already there */
    if (errno != ENOENT)
        return sys_status(errno, errnum);
    memset(&info, 0, sizeof info);
    strcpy(info.id, di->id);
    strcpy(info.name, di->name);
    info.vcpus = di->vcpus;
    for (size_t i = 0; i < sizeof di->disks / sizeof di->disks[0]; i++)
        strcpy(info.disks[info.n_disks++], di->disks[i].file);

    s = make_temp_folder(st->dfd, tmp, errnum);
    if (s != INST_OK)
        return s;
    tfd = openat(st->dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (tfd < 0) {
        s = sys_status(errno, errnum);
        remove_folder(st->dfd, tmp);
        return s;
    }
    for (int i = 0; i < info.n_disks; i++)
        if (write_demo_image(tfd, di->id, di->disks[i].file, di->disks[i].mib) != 0)
            goto fail;
    if (write_meta(tfd, &info) != 0 || fsync(tfd) != 0)
        goto fail;
    (void)close(tfd);
    tfd = -1;
    if (renameat2(st->dfd, tmp, st->dfd, di->id, RENAME_NOREPLACE) != 0 &&
        ((errno != EINVAL && errno != ENOSYS) || renameat(st->dfd, tmp, st->dfd, di->id) != 0)) {
        if (errno == EEXIST || errno == ENOTEMPTY) { /* created meanwhile */
            remove_folder(st->dfd, tmp);
            return INST_OK;
        }
        goto fail;
    }
    if (fsync(st->dfd) != 0)
        return sys_status(errno, errnum);
    return INST_OK;
fail:
    s = sys_status(errno, errnum);
    if (tfd >= 0)
        close_quietly(tfd);
    remove_folder(st->dfd, tmp);
    return s;
}

inst_status inst_dir_create_demo(inst_dir *st, int *errnum)
{
    for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++) {
        inst_status s = create_demo_instance(st, &demo[i], errnum);
        if (s != INST_OK)
            return s;
    }
    return INST_OK;
}
