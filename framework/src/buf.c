/* buf.c - growable byte buffer (see buf.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int ladon__buf_reserve(ladon__buf *b, size_t more)
{
    size_t want, cap;
    char *p;

    if (more <= b->cap - b->len)
        return 0;
    if (more > SIZE_MAX / 2 - b->len)
        return -1;
    want = b->len + more;
    cap = b->cap ? b->cap : 4096;
    while (cap < want)
        cap *= 2;
    p = realloc(b->p, cap);
    if (p == NULL)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int ladon__buf_append(ladon__buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (ladon__buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

void ladon__buf_reset(ladon__buf *b, size_t keep)
{
    b->len = 0;
    if (b->cap > keep)
        ladon__buf_free(b);
}

void ladon__buf_free(ladon__buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
