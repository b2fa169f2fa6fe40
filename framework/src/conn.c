/* conn.c - a connection's receive buffer and the framing of the request at
 * its front (conn.h).
 *
 * A request is served only once it is complete - its head and its whole
 * body, by Content-Length or chunked framing - so that serving never waits
 * for a client's bytes (docs/design.md section 4).  gSOAP never reads the
 * client's head: dispatch.c writes the one it parses.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http_out.h"
#include "log.h"

/* Renames the request's "Expect: 100-continue" header (same length) once
 * it is dealt with (answered, or the body is already here), so that
 * parsing the same head again as more bytes arrive does not send another
 * "100 Continue". */
static void hide_expect(ladon__conn *c, char *b)
{
    if (c->req.expect_continue) {
        memcpy(b + c->req.expect_offset, "X-Xpct", 6);
        c->req.expect_continue = false;
    }
}

int ladon__conn_check(ladon__conn *c, uint64_t max_request_bytes)
{
    char *b = c->buf + c->rpos;
    size_t n = c->wpos - c->rpos;
    int r;

    c->early_status = 0;
    c->req_len = 0;
    if (n == 0)
        return 0;
    r = ladon__http_parse_head(b, n, &c->req);
    if (r == 0)
        return 0;
    if (r < 0) {
        c->early_status = -r;
        return 1;
    }
    if (c->req.content_length > 0 && (uint64_t)c->req.content_length > max_request_bytes) {
        c->early_status = 413;
        return 1;
    }
    if (c->req.chunked) {
        size_t end = 0;
        r = ladon__http_chunked_end(b + c->req.head_len, n - c->req.head_len, max_request_bytes,
                                    &end);
        if (r < 0) {
            c->early_status = -r;
            return 1;
        }
        if (r == 1) {
            c->req_len = c->req.head_len + end;
            hide_expect(c, b);
            return 1;
        }
        /* chunk framing may not inflate the buffer without bound */
        if (n > c->req.head_len + 2 * max_request_bytes + 65536) {
            c->early_status = 413;
            return 1;
        }
    } else {
        uint64_t total;
        if (c->req.content_length < 0 && strcmp(c->req.method, "POST") == 0) {
            c->early_status = 411;
            return 1;
        }
        total = c->req.head_len + (uint64_t)(c->req.content_length > 0 ? c->req.content_length : 0);
        if (n >= total) {
            c->req_len = (size_t)total;
            hide_expect(c, b);
            return 1;
        }
    }
    if (c->req.expect_continue) {
        if (ladon__http_send_continue(c->fd) != 0)
            LADON_LOGD("%s: could not send 100 Continue", c->peer_str);
        hide_expect(c, b);
    }
    return 0;
}

void ladon__conn_buf_give(ladon__conn *c, ladon__buf_cache *cache)
{
    if (c->buf != NULL && c->cap == LADON_READ_CHUNK && cache != NULL &&
        cache->n < LADON_BUF_CACHE)
        cache->bufs[cache->n++] = c->buf;
    else
        free(c->buf);
    c->buf = NULL;
    c->cap = c->rpos = c->wpos = 0;
}

void ladon__buf_cache_clear(ladon__buf_cache *cache)
{
    while (cache->n > 0)
        free(cache->bufs[--cache->n]);
}

int ladon__conn_drop_request(ladon__conn *c)
{
    size_t next = c->rpos + c->req_len, tail = c->wpos - next;
    char *nb = NULL;
    if (tail > 0) {
        if ((nb = malloc(tail)) == NULL)
            return -1;
        memcpy(nb, c->buf + next, tail);
    }
    free(c->buf);
    c->buf = nb;
    c->cap = c->wpos = tail;
    c->rpos = 0;
    return 0;
}

void ladon__conn_buf_shrink(ladon__conn *c)
{
    size_t have = c->wpos - c->rpos;
    char *nb;
    if (c->buf == NULL || c->cap <= have + 512)
        return;
    memmove(c->buf, c->buf + c->rpos, have);
    c->rpos = 0;
    c->wpos = have;
    nb = realloc(c->buf, have > 0 ? have : 1);
    if (nb != NULL) { /* else: keep the larger buffer */
        c->buf = nb;
        c->cap = have > 0 ? have : 1;
    }
}

/* Makes room for `want` bytes from rpos (a cached buffer, compacting, then
 * growing); false when out of memory.  A thread's cache of freed buffers
 * matters: without it every request on a keep-alive connection malloc()ed
 * and free()d 16 KiB, and glibc gave the top of the heap back to the
 * kernel and took it again all the time (brk, page faults, TLB shootdowns
 * between threads): measured, ~40% of the sync throughput (bench/README.md). */
static bool reserve(ladon__conn *c, ladon__buf_cache *cache, size_t want)
{
    size_t ncap;
    char *nb;
    if (c->buf == NULL && want <= LADON_READ_CHUNK && cache != NULL && cache->n > 0) {
        c->buf = cache->bufs[--cache->n];
        c->cap = LADON_READ_CHUNK;
        c->rpos = c->wpos = 0;
        return true;
    }
    if (c->rpos > 0 && c->rpos == c->wpos)
        c->rpos = c->wpos = 0;
    if (c->cap - c->rpos >= want)
        return true;
    if (c->rpos > 0) {
        memmove(c->buf, c->buf + c->rpos, c->wpos - c->rpos);
        c->wpos -= c->rpos;
        c->rpos = 0;
    }
    if (c->cap >= want)
        return true;
    ncap = c->cap ? c->cap : LADON_READ_CHUNK;
    while (ncap < want)
        ncap *= 2;
    nb = realloc(c->buf, ncap);
    if (nb == NULL) {
        LADON_LOGE("out of memory (connection buffer of %zu bytes)", ncap);
        return false;
    }
    c->buf = nb;
    c->cap = ncap;
    return true;
}

/* How many bytes (from rpos) the buffer should have room for: the whole
 * request at rpos when its length is known, plus a chunk for what follows. */
static size_t wanted_bytes(const ladon__conn *c, uint64_t max_request_bytes)
{
    size_t have = c->wpos - c->rpos;
    ladon__http_req req;
    int r = have ? ladon__http_parse_head(c->buf + c->rpos, have, &req) : 0;
    if (r > 0 && !req.chunked && req.content_length > 0 &&
        (uint64_t)req.content_length <= max_request_bytes) {
        size_t need = (size_t)r + (size_t)req.content_length;
        return (need > have ? need : have) + LADON_READ_CHUNK;
    }
    return have + LADON_READ_CHUNK;
}

int ladon__conn_read(ladon__conn *c, ladon__buf_cache *cache, uint64_t max_request_bytes)
{
    for (;;) {
        size_t room;
        ssize_t r;
        if (!reserve(c, cache, wanted_bytes(c, max_request_bytes)))
            return -1;
        room = c->cap - c->wpos;
        r = recv(c->fd, c->buf + c->wpos, room, 0);
        if (r > 0) {
            c->wpos += (size_t)r;
            if ((size_t)r < room)
                return 0; /* drained the socket for now */
            if (c->wpos - c->rpos > LADON_HTTP_MAX_HEAD + max_request_bytes ||
                ladon__http_parse_head(c->buf + c->rpos, c->wpos - c->rpos, &c->req) < 0)
                return 0; /* the check rejects it */
            continue;
        }
        if (r == 0)
            return 1;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (errno != ECONNRESET)
            ladon__log_errno(errno, "recv from %s", c->peer_str);
        return -1;
    }
}
