/* util.h - small helpers shared by every part of ladon-gen: an arena that
 * owns all memory of one run, a growable string buffer, growable arrays and
 * the one-error diagnostic.
 *
 * ladon-gen is a standalone program that never links with libladon; its
 * internal symbols use the lg_ prefix.
 *
 * Out of memory: every allocation is checked; on failure lg_oom() prints
 * "ladon-gen: out of memory" and exits with status 1.  main.c registers an
 * atexit handler that removes its temporary output folder, so even then
 * nothing half-written is left behind.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LG_UTIL_H
#define LG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifndef LADON_GEN_VERSION
#define LADON_GEN_VERSION "0.1"
#endif

/* A position in an input header; line and col start at 1. */
typedef struct lg_loc {
    const char *file;
    int line;
    int col;
} lg_loc;

/* Prints the message and exits(1). */
_Noreturn void lg_oom(void);

/* --- arena --------------------------------------------------------------- */
typedef struct lg_arena_block lg_arena_block;
typedef struct lg_arena {
    lg_arena_block *head;
} lg_arena;

/* Zeroed memory that lives until lg_arena_free(). */
void *lg_alloc(lg_arena *a, size_t size);
char *lg_strndup(lg_arena *a, const char *s, size_t n);
char *lg_strdup(lg_arena *a, const char *s);
char *lg_printf(lg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lg_arena_free(lg_arena *a);

/* Appends one element of elsize bytes to the array *items of *n elements
 * (capacity *cap), growing it in the arena; returns the new zeroed slot. */
void *lg_push(lg_arena *a, void *items_ptr, size_t *n, size_t *cap, size_t elsize);
#define LG_PUSH(arena, arr, n, cap) ((__typeof__(arr))lg_push((arena), &(arr), &(n), &(cap), sizeof *(arr)))

/* --- string buffer (malloc'ed; free with lg_sb_free) ---------------------- */
typedef struct lg_sb {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
} lg_sb;

void lg_sb_putn(lg_sb *sb, const char *s, size_t n);
void lg_sb_puts(lg_sb *sb, const char *s);
void lg_sb_putc(lg_sb *sb, char c);
void lg_sb_printf(lg_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lg_sb_vprintf(lg_sb *sb, const char *fmt, va_list ap);
/* The contents; "" for an empty buffer. */
const char *lg_sb_str(const lg_sb *sb);
void lg_sb_free(lg_sb *sb);
/* Appends the n bytes of s as the contents of a C string literal (quotes,
 * backslashes, controls and non-ASCII escaped, no trigraphs); and s with its
 * quotes. */
void lg_sb_c_escape(lg_sb *out, const char *s, size_t n);
void lg_sb_c_string(lg_sb *out, const char *s);

/* --- diagnostics --------------------------------------------------------- */
/* ladon-gen stops at the first error; the diag keeps its text:
 * "file:line:col: error: message". */
typedef struct lg_diag {
    int errors;
    char text[2048];
} lg_diag;

/* Records the error (only the first one is kept) and returns -1. */
int lg_error(lg_diag *d, lg_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An error without a position ("ladon-gen: error: ..."). */
int lg_error_noloc(lg_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads a whole file (NUL-terminated); NULL with errno set on failure. */
char *lg_read_file(lg_arena *a, const char *path, size_t *len);
/* The last path component. */
const char *lg_basename(const char *path);

#endif /* LG_UTIL_H */
