/* buf.h - a growable byte buffer (internal).
 *
 * The request path decodes bodies (chunked framing, gzip, UTF-16) and
 * rewrites XML into buffers a worker keeps from one request to the next;
 * this is the one place that grows them, with every allocation checked and
 * a hard cap, so no caller can be made to allocate without bound.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_BUF_H
#define LADON_SRC_BUF_H

#include <stddef.h>

typedef struct ladon__buf {
    char *p;
    size_t len, cap;
} ladon__buf;

/* Makes room for `more` bytes after len.  Returns 0, or -1 when the
 * allocation fails (the buffer is unchanged). */
int ladon__buf_reserve(ladon__buf *b, size_t more);

/* Appends p[0..n); 0 or -1 (out of memory, buffer unchanged). */
int ladon__buf_append(ladon__buf *b, const void *p, size_t n);

/* Empties the buffer; frees its memory when it grew beyond keep bytes
 * (a worker keeps small buffers across requests, never a huge one). */
void ladon__buf_reset(ladon__buf *b, size_t keep);

/* Frees the buffer's memory. */
void ladon__buf_free(ladon__buf *b);

#endif
