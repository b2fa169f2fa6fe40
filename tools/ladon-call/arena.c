/* arena.c - the memory pool of ladon-call (see arena.h): a list of chunks, each at least
 * CHUNK bytes; a request larger than a chunk gets a chunk of its own.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 16384
#define ALIGN (sizeof(max_align_t))

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[];
} chunk;

struct lc_arena {
    chunk *head;
};

lc_arena *lc_arena_new(void)
{
    return calloc(1, sizeof(lc_arena));
}

void lc_arena_free(lc_arena *a)
{
    if (a == NULL)
        return;
    for (chunk *c = a->head, *next; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

void *lc_arena_alloc(lc_arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ALIGN)
        return NULL;
    n = (n + ALIGN - 1) / ALIGN * ALIGN;
    chunk *c = a->head;
    if (c == NULL || c->size - c->used < n) {
        size_t size = n > CHUNK ? n : CHUNK;
        if (size > SIZE_MAX - sizeof(chunk))
            return NULL;
        c = malloc(sizeof(chunk) + size);
        if (c == NULL)
            return NULL;
        c->used = 0;
        c->size = size;
        if (a->head != NULL && n > CHUNK) {
            /* a big one-off: keep the current chunk in front, its space is still usable */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

void *lc_arena_array(lc_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return lc_arena_alloc(a, n * size);
}

char *lc_arena_strndup(lc_arena *a, const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    size_t len = strnlen(s, n);
    char *p = lc_arena_alloc(a, len + 1);
    if (p != NULL)
        memcpy(p, s, len);
    return p;
}

char *lc_arena_strdup(lc_arena *a, const char *s)
{
    return s == NULL ? NULL : lc_arena_strndup(a, s, strlen(s));
}

char *lc_arena_printf(lc_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = lc_arena_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
