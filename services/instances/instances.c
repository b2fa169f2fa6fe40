/* Implementation of the InstanceService example service (instances.h): the
 * SOAP side.  The file work (reading instances, cloning them atomically,
 * rate-limited) is in instance_dir.c; this file turns its results into
 * InstanceInformation values in the call's arena and its statuses into
 * faults. */
#include "instances.h"
#include "instances_init.h"
#include "instance_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ladon/call.h>

#define COPY_RATE_MAX 1000000000000ull /* 1 TB/s: "unlimited" is 0 */
#define ECHO_MAX 128                   /* longest client text echoed in a fault */

/* Opened once by instances_init() before any thread starts. */
static inst_dir instance_dir;
static int instance_dir_ready;

/* ---- start-up ------------------------------------------------------------ */

static int parse_rate(const char *v, uint64_t *out)
{
    uint64_t r = 0;
    if (v[0] == '\0')
        return -1;
    for (const char *p = v; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        r = r * 10 + (uint64_t)(*p - '0');
        if (r > COPY_RATE_MAX)
            return -1;
    }
    *out = r;
    return 0;
}

/* The per-user demo folder: $XDG_RUNTIME_DIR/ladon-examples when that is an
 * absolute directory, else /tmp/ladon-examples-UID; created (mode 0700) if
 * missing, and refused unless it is a real directory owned by this user
 * and writable by nobody else. */
static int demo_dir(char *path, size_t size, char *err, size_t errlen)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    struct stat sb;
    int n;

    if (xdg != NULL && xdg[0] == '/' && stat(xdg, &sb) == 0 && S_ISDIR(sb.st_mode))
        n = snprintf(path, size, "%s/ladon-examples", xdg);
    else
        n = snprintf(path, size, "/tmp/ladon-examples-%lu", (unsigned long)geteuid());
    if (n < 0 || (size_t)n >= size) {
        snprintf(err, errlen, "XDG_RUNTIME_DIR: path too long");
        return -1;
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the demo data directory '%s': %s", path, strerror(errno));
        return -1;
    }
    if (lstat(path, &sb) != 0) {
        snprintf(err, errlen, "demo data directory '%s': %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & 022) != 0) {
        snprintf(err, errlen, "demo data directory '%s' is not a directory private to this user "
                 "(use --data-dir)", path);
        return -1;
    }
    return 0;
}

int instances_init(const ladon_config *cfg, char *err, size_t errlen)
{
    const char *v = getenv("LADON_EXAMPLE_COPY_RATE");
    uint64_t rate = INST_DEFAULT_COPY_RATE;
    char path[sizeof cfg->data_dir + 64];
    struct stat sb;
    int errnum = 0;

    if (v != NULL && parse_rate(v, &rate) != 0) {
        snprintf(err, errlen, "LADON_EXAMPLE_COPY_RATE: invalid value '%.64s' "
                 "(expected bytes per second, an integer 0..%llu; 0 = unlimited)", v, COPY_RATE_MAX);
        return -1;
    }
    if (cfg->data_dir[0] == '\0') {
        if (demo_dir(path, sizeof path, err, errlen) != 0)
            return -1;
    } else {
        snprintf(path, sizeof path, "%s", cfg->data_dir);
        if (stat(path, &sb) != 0) {
            snprintf(err, errlen, "data directory '%s': %s", path, strerror(errno));
            return -1;
        }
        if (!S_ISDIR(sb.st_mode)) {
            snprintf(err, errlen, "data directory '%s' is not a directory", path);
            return -1;
        }
    }
    if (inst_dir_open(&instance_dir, path, rate) != 0) {
        snprintf(err, errlen, "cannot open data directory '%s': %s", path, strerror(errno));
        return -1;
    }
    if (inst_dir_is_empty(&instance_dir)) {
        inst_status s = INST_IO;
        if (errno != 0) /* the directory could not be read */
            errnum = errno;
        else
            s = inst_dir_create_demo(&instance_dir, &errnum);
        if (s != INST_OK) {
            if (s == INST_NOMEM)
                errnum = ENOMEM;
            else if (s == INST_NO_SPACE)
                errnum = ENOSPC;
            snprintf(err, errlen, "cannot create the demo instances in '%s': %s", path,
                     strerror(errnum));
            inst_dir_close(&instance_dir);
            return -1;
        }
    }
    instance_dir_ready = 1;
    return 0;
}

/* ---- faults ---------------------------------------------------------------- */

/* s, or its first ECHO_MAX bytes (cut at a UTF-8 character boundary) and
 * "...", in the call's arena: client text echoed in a fault stays short. */
static const char *echo(ladon_call *call, const char *s)
{
    size_t n = strlen(s);
    char *t;
    if (n <= ECHO_MAX)
        return s;
    n = ECHO_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* do not split a multi-byte character */
    t = ladon_alloc(call, n + 4);
    if (t == NULL)
        return "...";
    memcpy(t, s, n);
    memcpy(t + n, "...", 4);
    return t;
}

/* The fault for an inst_status (instance_dir.h); `what` says what failed for INST_IO. */
static int fault(ladon_call *call, inst_status s, int errnum, const char *id, const char *name,
                 const char *what)
{
    char buf[256];
    switch (s) {
    case INST_UNKNOWN:
        return ladon_fault(call, LADON_FAULT_CLIENT, "unknown instance '%s'", echo(call, id));
    case INST_EXISTS:
        return ladon_fault(call, LADON_FAULT_CLIENT, "an instance named '%s' already exists", name);
    case INST_BAD_NAME:
        return ladon_fault(call, LADON_FAULT_CLIENT, "invalid instance name '%s'", echo(call, name));
    case INST_NO_SPACE:
        return ladon_fault(call, LADON_FAULT_SERVER, "no space left on the device");
    case INST_NOMEM:
        return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
    case INST_CANCELLED:
        return ladon_fault(call, LADON_FAULT_SERVER, "cancelled");
    case INST_IO:
    default:
        return ladon_fault(call, LADON_FAULT_SERVER, "%s: %s", what,
                           strerror_r(errnum, buf, sizeof buf));
    }
}

/* ---- results --------------------------------------------------------------- */

/* Copies in into *out, every string in the call's arena.  -1: out of memory. */
static int to_result(ladon_call *call, const inst_info *in, InstanceInformation *out)
{
    out->instance_id = ladon_strdup(call, in->id);
    out->name = ladon_strdup(call, in->name);
    out->vcpus = in->vcpus;
    out->n_disks = in->n_disks;
    out->disks = NULL;
    out->size_bytes = in->size_bytes;
    if (out->instance_id == NULL || out->name == NULL)
        return -1;
    if (in->n_disks > 0) {
        out->disks = ladon_alloc(call, sizeof *out->disks * (size_t)in->n_disks);
        if (out->disks == NULL)
            return -1;
        for (int i = 0; i < in->n_disks; i++)
            if ((out->disks[i] = ladon_strdup(call, in->disks[i])) == NULL)
                return -1;
    }
    return 0;
}

static int not_ready(ladon_call *call)
{
    return ladon_fault(call, LADON_FAULT_SERVER, "InstanceService is not initialised");
}

/* ---- operations -------------------------------------------------------------- */

/* Bytes copied / total bytes.  The clone still fsyncs and renames after
 * the last byte; clients see at most 0.999 until the task has ended, so
 * 1.0 still means the result is there (ladon/store.h). */
static void on_progress(void *ud, uint64_t done, uint64_t total)
{
    ladon_update_progress(ud, total == 0 ? 1.0 : (double)done / (double)total);
}

static int on_should_stop(void *ud)
{
    return ladon_should_stop(ud);
}

int cloneInstance(ladon_call *call, const char *instance_id, const char *new_instance_name,
                  InstanceInformation *result)
{
    inst_progress pg = {on_progress, on_should_stop, call};
    inst_info info;
    char what[256];
    int errnum = 0;
    inst_status s;

    if (!instance_dir_ready)
        return not_ready(call);
    s = inst_dir_clone(&instance_dir, instance_id, new_instance_name, &pg, &info, &errnum);
    if (s != INST_OK) {
        /* instance_id is a valid (short) id whenever the status is INST_IO */
        snprintf(what, sizeof what, "cannot copy instance '%.*s'", INST_NAME_MAX, instance_id);
        return fault(call, s, errnum, instance_id, new_instance_name, what);
    }
    if (to_result(call, &info, result) != 0)
        return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
    return LADON_OK;
}

/* The same faults as cloneInstance's for what it would refuse at once
 * (inst_dir_check_clone); the body checks again when it runs. */
int cloneInstance_check(ladon_call *call, const char *instance_id, const char *new_instance_name)
{
    int errnum = 0;
    inst_status s;

    if (!instance_dir_ready)
        return not_ready(call);
    s = inst_dir_check_clone(&instance_dir, instance_id, new_instance_name, &errnum);
    if (s != INST_OK)
        return fault(call, s, errnum, instance_id, new_instance_name, "cannot read instances");
    return LADON_OK;
}

int getInstance(ladon_call *call, const char *instance_id, InstanceInformation *result)
{
    inst_info info;
    int errnum = 0;
    inst_status s;

    if (!instance_dir_ready)
        return not_ready(call);
    s = inst_dir_get(&instance_dir, instance_id, &info, &errnum);
    if (s != INST_OK)
        return fault(call, s, errnum, instance_id, NULL, "cannot read instances");
    if (to_result(call, &info, result) != 0)
        return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
    return LADON_OK;
}

int listInstances(ladon_call *call, InstanceList *result)
{
    inst_info *all;
    size_t n;
    int errnum = 0;
    inst_status s;

    if (!instance_dir_ready)
        return not_ready(call);
    s = inst_dir_list(&instance_dir, &all, &n, &errnum);
    if (s != INST_OK)
        return fault(call, s, errnum, NULL, NULL, "cannot read instances");
    result->n_instances = 0;
    result->instances = NULL;
    if (n > (size_t)INT32_MAX / sizeof *result->instances) {
        free(all);
        return ladon_fault(call, LADON_FAULT_SERVER, "too many instances");
    }
    if (n > 0) {
        result->instances = ladon_alloc(call, sizeof *result->instances * n);
        if (result->instances == NULL)
            goto nomem;
        for (size_t i = 0; i < n; i++)
            if (to_result(call, &all[i], &result->instances[i]) != 0)
                goto nomem;
        result->n_instances = (int)n;
    }
    free(all);
    return LADON_OK;
nomem:
    free(all);
    return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
}
