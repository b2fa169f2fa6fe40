/* mc_record.c - memcached task record codec (see mc_record.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "mc_record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ladon/error.h"
#include "fnv.h"
#include "le.h"

uint64_t ladon__fnv1a64(const void *data, size_t len)
{
    return ladon__fnv1a_add(LADON__FNV1A_BASIS, data, len);
}

/* Format 2 when r has no owner (byte for byte what the release before
 * owners writes, so it reads it during a server-by-server upgrade), 3 with
 * one. */
int ladon__mcrec_encode(const mcrec *r, unsigned char **out, size_t *len_out)
{
    size_t mlen = strlen(r->method), olen = strlen(r->owner), msglen = strlen(r->message);
    int chunked = (r->flags & F_CHUNKED) != 0;
    size_t head = olen > 0 ? REC_HEAD : REC_HEAD_V2;
    size_t inl = chunked ? 0 : (size_t)r->result_len;
    size_t len = head + (chunked ? REC_CHUNK_DESC : 0) + mlen + olen + msglen;
    if (inl > SIZE_MAX - len)
        return LADON_ENOMEM;
    len += inl;
    unsigned char *b = malloc(len);
    if (b == NULL)
        return LADON_ENOMEM;
    b[0] = olen > 0 ? REC_VERSION : 2;
    b[1] = (unsigned char)r->state;
    b[2] = (unsigned char)r->flags;
    b[3] = (unsigned char)mlen;
    ladon__put_u16(b + 4, (uint16_t)msglen);
    ladon__put_u16(b + 6, (uint16_t)r->tflags);
    ladon__put_f64(b + 8, r->starttime);
    ladon__put_f64(b + 16, r->ended);
    ladon__put_f64(b + 24, r->progress);
    ladon__put_f64(b + 32, r->lease_until);
    ladon__put_u64(b + 40, r->result_len);
    if (olen > 0) {
        b[48] = (unsigned char)olen;
        memset(b + 49, 0, REC_HEAD - 49);
    }
    unsigned char *p = b + head;
    if (chunked) {
        ladon__put_u64(p, r->gen);
        ladon__put_u64(p + 8, r->sum);
        ladon__put_u32(p + 16, r->nchunks);
        ladon__put_u32(p + 20, r->chunk_size);
        p += REC_CHUNK_DESC;
    }
    memcpy(p, r->method, mlen);
    p += mlen;
    memcpy(p, r->owner, olen);
    p += olen;
    memcpy(p, r->message, msglen);
    p += msglen;
    if (inl > 0)
        memcpy(p, r->inline_result, inl);
    *out = b;
    *len_out = len;
    return 0;
}

int ladon__mcrec_decode(mcrec *r, const unsigned char *b, size_t len)
{
    memset(r, 0, sizeof *r);
    if (len < REC_HEAD_V2 || (b[0] != REC_VERSION && b[0] != 2))
        return LADON_ESTORE;
    size_t head = b[0] == 2 ? REC_HEAD_V2 : REC_HEAD;
    if (len < head)
        return LADON_ESTORE;
    size_t olen = 0;
    if (b[0] == REC_VERSION) {
        olen = b[48];
        for (size_t i = 49; i < REC_HEAD; i++)
            if (b[i] != 0)
                return LADON_ESTORE;
    }
    unsigned state = b[1], flags = b[2], mlen = b[3];
    size_t msglen = ladon__get_u16(b + 4);
    unsigned tflags = ladon__get_u16(b + 6);
    if (state < LADON_TASK_QUEUED || state > LADON_TASK_CANCELLED ||
        (flags & ~F_CHUNKED) != 0 || (tflags & ~LADON_TASK_FLAGS_MASK) != 0 || mlen == 0 ||
        mlen >= LADON_TASK_METHOD_MAX || msglen >= LADON_TASK_MESSAGE_MAX)
        return LADON_ESTORE;
    r->state = (ladon_task_state)state;
    r->flags = flags;
    r->tflags = tflags;
    r->starttime = ladon__get_f64(b + 8);
    r->ended = ladon__get_f64(b + 16);
    r->progress = ladon__get_f64(b + 24);
    r->lease_until = ladon__get_f64(b + 32);
    r->result_len = ladon__get_u64(b + 40);
    size_t off = head;
    if (flags & F_CHUNKED) {
        if (len < off + REC_CHUNK_DESC)
            return LADON_ESTORE;
        r->gen = ladon__get_u64(b + off);
        r->sum = ladon__get_u64(b + off + 8);
        r->nchunks = ladon__get_u32(b + off + 16);
        r->chunk_size = ladon__get_u32(b + off + 20);
        off += REC_CHUNK_DESC;
        if (r->state != LADON_TASK_DONE || r->nchunks == 0 ||
            r->nchunks > MAX_CHUNKS || r->chunk_size == 0 ||
            r->result_len <= (uint64_t)(r->nchunks - 1) * r->chunk_size ||
            r->result_len > (uint64_t)r->nchunks * r->chunk_size)
            return LADON_ESTORE;
    }
    if (len - off < mlen + olen + msglen)
        return LADON_ESTORE;
    uint64_t inl = (flags & F_CHUNKED) ? 0 : r->result_len;
    if (inl != (uint64_t)(len - off - mlen - olen - msglen))
        return LADON_ESTORE;
    if (inl > 0 && r->state != LADON_TASK_DONE)
        return LADON_ESTORE;
    if (memchr(b + off, '\0', mlen) != NULL ||
        memchr(b + off + mlen, '\0', olen) != NULL ||
        memchr(b + off + mlen + olen, '\0', msglen) != NULL)
        return LADON_ESTORE;
    memcpy(r->method, b + off, mlen);
    r->method[mlen] = '\0';
    memcpy(r->owner, b + off + mlen, olen);
    r->owner[olen] = '\0';
    memcpy(r->message, b + off + mlen + olen, msglen);
    r->message[msglen] = '\0';
    r->inline_result = b + off + mlen + olen + msglen;
    return 0;
}
