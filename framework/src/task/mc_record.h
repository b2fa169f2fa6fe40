/* mc_record.h - the binary form of a task record in memcached (internal).
 *
 * store_memcached.c keeps each task as one memcached item holding this
 * record (state, times, progress, lease, method, message and either the
 * result itself or the description of the chunks that hold it).  It is
 * its own file because it is a parser of bytes any process sharing the
 * store can write: tests/fuzz/fuzz_mcrecord.c feeds it arbitrary items.
 *
 * Layout (little-endian): version (3), state (1..5), flags, method length
 * (1 byte each); message length (u16); the task's flags
 * (LADON_TASK_CANCEL_REQUESTED, LADON_TASK_CLIENT_FAULT; u16); starttime, ended, progress,
 * lease_until (f64); result length (u64); owner length (1 byte), 7 bytes
 * zero = REC_HEAD bytes; with F_CHUNKED: generation, checksum (u64), chunk
 * count, chunk size (u32); then the method, the owner, the message and
 * (not chunked) the result.  Version 2 (before owners: REC_HEAD_V2 bytes of
 * head, no owner length, no owner) is read as owned by no one, and is what
 * a record without an owner is written as, byte for byte the layout of the
 * release before owners (which reads version 2 only): so while servers are
 * upgraded one by one, anonymous tasks are shared by old and new servers;
 * an owned task (version 3) is readable by new servers only (an old one
 * cannot decode it: LADON_ESTORE).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_TASK_MC_RECORD_H
#define LADON_SRC_TASK_MC_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "ladon/store.h"

#define REC_VERSION 3
#define REC_HEAD 56u
#define REC_HEAD_V2 48u
#define REC_CHUNK_DESC 24u
#define F_CHUNKED 1u
#define MAX_CHUNKS 64u

typedef struct mcrec {
    ladon_task_state state;
    unsigned flags;  /* F_CHUNKED */
    unsigned tflags; /* LADON_TASK_CANCEL_REQUESTED, LADON_TASK_CLIENT_FAULT */
    double starttime, ended, progress, lease_until;
    uint64_t result_len;
    uint64_t gen, sum;
    uint32_t nchunks, chunk_size;
    char method[LADON_TASK_METHOD_MAX];
    char owner[LADON_TASK_OWNER_MAX]; /* "": none */
    char message[LADON_TASK_MESSAGE_MAX];
    const unsigned char *inline_result; /* !chunked: result_len bytes */
} mcrec;

/* FNV-1a, 64 bits: the checksum of a chunked result. */
uint64_t ladon__fnv1a64(const void *data, size_t len);

/* A malloc()ed encoding of r in *out; LADON_ENOMEM. */
int ladon__mcrec_encode(const mcrec *r, unsigned char **out, size_t *len_out);

/* Decodes b[0..len) into r (inline_result then points into b).  0, or
 * LADON_ESTORE for anything that is not exactly a record of ours. */
int ladon__mcrec_decode(mcrec *r, const unsigned char *b, size_t len);

#endif
