/* bar.c - formatting the progress bar line (see bar.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "bar.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define BAR_CELLS 20

void lc_format_seconds(char *buf, size_t size, double s)
{
    if (!isfinite(s) || s < 0 || s > 359999999.0) {
        snprintf(buf, size, "--:--");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

/* Appends at most max columns of s to buf (at len), control characters as spaces. */
static size_t append(char *buf, size_t size, size_t len, const char *s, int max)
{
    int cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0' && cols < max) {
        size_t n = 1;
        if (*p >= 0xc0)
            while ((p[n] & 0xc0) == 0x80 && n < 4)
                n++;
        if (len + n >= size)
            break;
        if (*p < 0x20 || *p == 0x7f)
            buf[len] = ' ';
        else
            memcpy(buf + len, p, n);
        len += *p < 0x20 || *p == 0x7f ? 1 : n;
        p += n;
        cols++;
    }
    buf[len] = '\0';
    return len;
}

void lc_bar_format(char *buf, size_t size, int columns, double progress, const char *state,
                   const char *message, double elapsed)
{
    if (size == 0)
        return;
    if (columns < 20)
        columns = 20;
    if (!(progress >= 0)) /* also NaN */
        progress = 0;
    if (progress > 1)
        progress = 1;
    int cells = columns >= 60 ? BAR_CELLS : 10;
    int full = (int)(progress * cells);
    char bar[BAR_CELLS + 1];
    for (int i = 0; i < cells; i++)
        bar[i] = i < full ? '#' : ' ';
    bar[cells] = '\0';
    char el[32], left[48] = "";
    lc_format_seconds(el, sizeof el, elapsed);
    if (progress > 0 && progress < 1 && elapsed >= 0) {
        char t[32];
        lc_format_seconds(t, sizeof t, elapsed * (1 - progress) / progress);
        snprintf(left, sizeof left, "  ~%s left", t);
    }
    char head[256];
    snprintf(head, sizeof head, "%3d%% [%s] %s  %s elapsed%s", (int)floor(progress * 100),
             bar, state != NULL ? state : "?", el, left);
    int room = columns - 1;
    size_t len = append(buf, size, 0, head, room);
    int used = (int)strlen(head) < room ? (int)strlen(head) : room;
    if (message != NULL && message[0] != '\0' && room - used > 3) {
        len = append(buf, size, len, "  ", 2);
        append(buf, size, len, message, room - used - 2);
    }
}
