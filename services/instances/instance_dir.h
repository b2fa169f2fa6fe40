/* instance_dir.h - InstanceService's instance folder: the data directory
 * holding one folder per instance, read, listed and cloned into (internal
 * to the example; used by instances.c and by tests/unit/instances).  It is
 * not a task store (ladon/store.h) and holds no task.  Nothing here knows
 * about SOAP: statuses come back as inst_status and instances.c turns them
 * into faults.
 *
 * Data directory layout (docs/examples.md):
 *     DATA_DIR/
 *       i-00000001/            one folder per instance, named by its id
 *         instance.conf        "key=value" lines: name=, vcpus=, disk= (one per disk)
 *         root.img             the disk image files named by the disk= lines
 *         swap.img
 *       .clone-PID-RANDOM/     a clone being written (hidden; renamed to its id when complete)
 * A folder is an instance when its name is a valid id, its instance.conf
 * parses and every disk it names is a regular file; anything else (hidden
 * entries, plain files, broken folders) is ignored.
 *
 * Thread safety: every function may be called from several threads at once
 * on the same inst_dir.  Its mutex guards only the list of clones in
 * progress (their reserved names and ids); it is held while a clone checks
 * for a name clash and reserves, never while copying.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef INSTANCES_INSTANCE_DIR_H
#define INSTANCES_INSTANCE_DIR_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define INST_NAME_MAX 64            /* longest id, name or disk file name, in bytes */
#define INST_MAX_DISKS 16           /* most disks of one instance */
#define INST_META_FILE "instance.conf"
#define INST_DEFAULT_COPY_RATE 8388608u /* bytes per second (8 MiB/s) */

typedef enum inst_status {
    INST_OK = 0,
    INST_UNKNOWN,   /* no instance with that id (or the id is not valid) */
    INST_EXISTS,    /* an instance, or a clone in progress, already has that name */
    INST_BAD_NAME,  /* the new name is not valid (inst_valid_name) */
    INST_NO_SPACE,  /* ENOSPC or EDQUOT while writing */
    INST_IO,        /* another system error; *errnum holds the errno */
    INST_NOMEM,     /* out of memory */
    INST_CANCELLED  /* should_stop() asked the clone to stop */
} inst_status;

/* One instance, as read from its folder.  Fixed-size, so it needs no
 * freeing and can be copied around. */
typedef struct inst_info {
    char id[INST_NAME_MAX + 1];
    char name[INST_NAME_MAX + 1];
    int vcpus;
    int n_disks;
    char disks[INST_MAX_DISKS][INST_NAME_MAX + 1]; /* image file names */
    int64_t size_bytes;                            /* sum of the images' sizes */
} inst_info;

/* A clone in progress: an intrusive list node that lives on the cloning
 * thread's stack (so reserving allocates nothing). */
typedef struct inst_reservation {
    char id[INST_NAME_MAX + 1];
    char name[INST_NAME_MAX + 1];
    struct inst_reservation *next;
} inst_reservation;

typedef struct inst_dir {
    int dfd;                   /* the data directory, O_DIRECTORY; all paths are relative to it */
    uint64_t copy_rate;        /* bytes per second; 0 = unlimited */
    pthread_mutex_t mu;        /* guards `reserved` */
    inst_reservation *reserved;
} inst_dir;

/* What a clone reports as it goes.  Every member may be NULL. */
typedef struct inst_progress {
    /* Called after every chunk written, with the bytes copied so far and the
     * total to copy (the sum of the source images' sizes when the clone
     * started); `done` never decreases and the last call has done == total
     * (also when total is 0).  Called on the cloning thread. */
    void (*report)(void *ud, uint64_t done, uint64_t total);
    /* Polled between chunks and while rate-limiting: non-zero makes the
     * clone stop, clean up and return INST_CANCELLED. */
    int (*should_stop)(void *ud);
    void *ud;
} inst_progress;

/* Valid id / name / disk file name: 1..INST_NAME_MAX bytes of [A-Za-z0-9._-],
 * starting with a letter or digit, without "..".  (So never "", ".", "..",
 * a hidden name, or anything with a '/'.) */
int inst_valid_name(const char *s);

/* Opens the data directory `dir`, which must exist and be a directory, and
 * removes the temporary folders of clones that died with their process
 * (".clone-PID-*" whose PID is not running).  copy_rate: bytes per second
 * for clones, 0 = unlimited.  Returns 0, or -1 with errno set (ENOTDIR when
 * dir is not a directory); on failure nothing needs to be undone. */
int inst_dir_open(inst_dir *st, const char *dir, uint64_t copy_rate);
/* Closes what open opened.  No clone may be running. */
void inst_dir_close(inst_dir *st);

/* Non-zero when the data directory has no entries at all (errno = 0), or
 * when it cannot be read (errno set). */
int inst_dir_is_empty(inst_dir *st);

/* Creates the demo instances ("web-01" i-00000001 and "db-01" i-00000002,
 * images of a few MiB with deterministic non-zero bytes), each written to a
 * temporary folder and renamed into place.  Instances whose id already
 * exists are left alone. */
inst_status inst_dir_create_demo(inst_dir *st, int *errnum);

/* Reads instance `id` into *out.  INST_UNKNOWN when id is not valid or names
 * no (valid) instance. */
inst_status inst_dir_get(inst_dir *st, const char *id, inst_info *out, int *errnum);

/* All instances, sorted by id (strcmp), in a malloc()ed array the caller
 * frees (NULL when there are none).  On failure *out is NULL and *n 0. */
inst_status inst_dir_list(inst_dir *st, inst_info **out, size_t *n, int *errnum);

/* Clones instance src_id as a new instance named new_name with a new random
 * id ("i-" and 8 hex digits): copies every image (rate-limited to
 * st->copy_rate) into a temporary folder inside the data directory, writes
 * its instance.conf, fsyncs, and renames the folder to the new id.  On
 * failure the temporary folder is removed, so no part of the clone stays.
 * The new name is reserved from the clash check until the clone ends, so two
 * concurrent clones cannot take the same name.  Returns INST_OK with *out
 * describing the new instance, INST_BAD_NAME, INST_UNKNOWN (src_id),
 * INST_EXISTS, INST_NO_SPACE, INST_IO (*errnum), INST_NOMEM or
 * INST_CANCELLED.  errnum may be NULL. */
inst_status inst_dir_clone(inst_dir *st, const char *src_id, const char *new_name,
                           const inst_progress *progress, inst_info *out, int *errnum);

/* What inst_dir_clone would refuse at once, checked the same way without
 * reserving anything (cloneInstance's early check): INST_BAD_NAME,
 * INST_UNKNOWN (src_id), INST_EXISTS, INST_IO (*errnum) or INST_NOMEM;
 * INST_OK when a clone could start now.  The clone checks again: another
 * clone may take the name in between.  errnum may be NULL. */
inst_status inst_dir_check_clone(inst_dir *st, const char *src_id, const char *new_name, int *errnum);

#endif /* INSTANCES_INSTANCE_DIR_H */
