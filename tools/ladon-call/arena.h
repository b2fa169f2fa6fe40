/* arena.h - the memory pool of ladon-call: the WSDL model, argument values and response values
 * live until the program ends or a request is done, so each belongs to an arena that is freed
 * at once.  Every allocation is zeroed; a failed allocation returns NULL (the arena stays valid).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_ARENA_H
#define LC_ARENA_H

#include <stddef.h>

typedef struct lc_arena lc_arena;

/* A new empty arena, or NULL when out of memory. */
lc_arena *lc_arena_new(void);
/* Frees the arena and everything allocated from it (NULL: nothing). */
void lc_arena_free(lc_arena *a);
/* n zeroed bytes aligned for any type, or NULL. */
void *lc_arena_alloc(lc_arena *a, size_t n);
/* An array of n elements of size each (zeroed), or NULL (also on overflow). */
void *lc_arena_array(lc_arena *a, size_t n, size_t size);
/* Copies of strings (s NULL gives NULL without an error: check the argument). */
char *lc_arena_strdup(lc_arena *a, const char *s);
char *lc_arena_strndup(lc_arena *a, const char *s, size_t n);
/* A formatted string, or NULL. */
char *lc_arena_printf(lc_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
