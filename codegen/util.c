/* util.c - arena, string buffer, arrays and diagnostics of ladon-gen. */
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lg_oom(void)
{
    fputs("ladon-gen: error: out of memory\n", stderr);
    exit(1);
}

struct lg_arena_block {
    lg_arena_block *next;
    max_align_t align; /* the payload follows, suitably aligned */
};

void *lg_alloc(lg_arena *a, size_t size)
{
    if (size > SIZE_MAX - sizeof(lg_arena_block))
        lg_oom();
    lg_arena_block *b = calloc(1, sizeof *b + size);
    if (b == NULL)
        lg_oom();
    b->next = a->head;
    a->head = b;
    return b + 1;
}

char *lg_strndup(lg_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        lg_oom();
    char *p = lg_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *lg_strdup(lg_arena *a, const char *s)
{
    return lg_strndup(a, s, strlen(s));
}

char *lg_printf(lg_arena *a, const char *fmt, ...)
{
    lg_sb sb = {0};
    va_list ap;
    va_start(ap, fmt);
    lg_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    char *p = lg_strndup(a, lg_sb_str(&sb), sb.len);
    lg_sb_free(&sb);
    return p;
}

void lg_arena_free(lg_arena *a)
{
    lg_arena_block *b = a->head;
    while (b != NULL) {
        lg_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *lg_push(lg_arena *a, void *items_ptr, size_t *n, size_t *cap, size_t elsize)
{
    char **items = items_ptr;
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        if (ncap > SIZE_MAX / elsize)
            lg_oom();
        char *fresh = lg_alloc(a, ncap * elsize);
        if (*n > 0)
            memcpy(fresh, *items, *n * elsize);
        *items = fresh; /* the old block stays in the arena until the end */
        *cap = ncap;
    }
    char *slot = *items + *n * elsize;
    (*n)++;
    memset(slot, 0, elsize);
    return slot;
}

static void sb_reserve(lg_sb *sb, size_t extra)
{
    if (extra > SIZE_MAX - sb->len - 1)
        lg_oom();
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t ncap = sb->cap ? sb->cap : 256;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            lg_oom();
        ncap *= 2;
    }
    char *p = realloc(sb->data, ncap);
    if (p == NULL)
        lg_oom();
    sb->data = p;
    sb->cap = ncap;
}

void lg_sb_putn(lg_sb *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void lg_sb_puts(lg_sb *sb, const char *s)
{
    lg_sb_putn(sb, s, strlen(s));
}

void lg_sb_putc(lg_sb *sb, char c)
{
    lg_sb_putn(sb, &c, 1);
}

void lg_sb_vprintf(lg_sb *sb, const char *fmt, va_list ap)
{
    if (fmt == NULL) /* never; tells gcc so (-Wformat-truncation under -fsanitize) */
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        lg_oom(); /* only an encoding error or EOVERFLOW; treat as fatal */
    sb_reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void lg_sb_printf(lg_sb *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lg_sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

const char *lg_sb_str(const lg_sb *sb)
{
    return sb->data ? sb->data : "";
}

void lg_sb_free(lg_sb *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

/* Appends s as the contents of a C string literal. */
void lg_sb_c_escape(lg_sb *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            lg_sb_printf(out, "\\%c", c);
        else if (c == '\n')
            lg_sb_puts(out, "\\n");
        else if (c == '\t')
            lg_sb_puts(out, "\\t");
        else if (c == '?' && i + 1 < n && s[i + 1] == '?')
            lg_sb_puts(out, "\\?"); /* no trigraphs */
        else if (c < 0x20 || c >= 0x7f)
            lg_sb_printf(out, "\\%03o", c);
        else
            lg_sb_putc(out, (char)c);
    }
}

void lg_sb_c_string(lg_sb *out, const char *s)
{
    lg_sb_putc(out, '"');
    lg_sb_c_escape(out, s, strlen(s));
    lg_sb_putc(out, '"');
}

/* Appends the message after the n-byte prefix already in d->text. */
static void diag_message(lg_diag *d, int n, const char *fmt, va_list ap)
{
    if (n > 0 && (size_t)n < sizeof d->text)
        vsnprintf(d->text + n, sizeof d->text - (size_t)n, fmt, ap);
}

int lg_error(lg_diag *d, lg_loc loc, const char *fmt, ...)
{
    if (d->errors++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        diag_message(d, snprintf(d->text, sizeof d->text, "%s:%d:%d: error: ", loc.file, loc.line, loc.col),
                     fmt, ap);
        va_end(ap);
    }
    return -1;
}

int lg_error_noloc(lg_diag *d, const char *fmt, ...)
{
    if (d->errors++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        diag_message(d, snprintf(d->text, sizeof d->text, "ladon-gen: error: "), fmt, ap);
        va_end(ap);
    }
    return -1;
}

char *lg_read_file(lg_arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    lg_sb sb = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        lg_sb_putn(&sb, buf, n);
    int err = ferror(f) ? (errno ? errno : EIO) : 0;
    if (fclose(f) != 0 && err == 0)
        err = errno;
    if (err != 0) {
        lg_sb_free(&sb);
        errno = err;
        return NULL;
    }
    char *p = lg_strndup(a, lg_sb_str(&sb), sb.len);
    *len = sb.len;
    lg_sb_free(&sb);
    return p;
}

const char *lg_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}
