/* log.c - leveled logging to stderr (see log.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int log_level = LADON_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void ladon__log_set_level(int level)
{
    if (level < LADON_LOG_ERROR)
        level = LADON_LOG_ERROR;
    if (level > LADON_LOG_DEBUG)
        level = LADON_LOG_DEBUG;
    atomic_store(&log_level, level);
}

bool ladon__log_enabled(int level)
{
    return level <= atomic_load(&log_level);
}

int ladon__log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    if (strcmp(s, "warning") == 0)
        return LADON_LOG_WARN;
    return -1;
}

static void log_v(int level, int errnum, const char *fmt, va_list ap)
{
    char line[2048];
    struct timespec ts;
    struct tm tm;
    size_t n = 0;
    int r;

    if (!ladon__log_enabled(level))
        return;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL)
        memset(&tm, 0, sizeof tm), ts.tv_nsec = 0;
    r = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L, level_names[level]);
    if (r > 0)
        n = (size_t)r < sizeof line ? (size_t)r : sizeof line - 1;
    r = vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (r > 0)
        n += (size_t)r < sizeof line - n ? (size_t)r : sizeof line - n - 1;
    if (errnum != 0 && n < sizeof line - 1) {
        char eb[128];
        const char *es = strerror_r(errnum, eb, sizeof eb); /* GNU variant */
        r = snprintf(line + n, sizeof line - n, ": %s", es);
        if (r > 0)
            n += (size_t)r < sizeof line - n ? (size_t)r : sizeof line - n - 1;
    }
    if (n >= sizeof line - 1)
        n = sizeof line - 2;
    line[n++] = '\n';
    /* One write per line; a failing stderr has nowhere to be reported. */
    for (size_t off = 0; off < n;) {
        ssize_t w = write(STDERR_FILENO, line + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}

void ladon__log(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_v(level, 0, fmt, ap);
    va_end(ap);
}

void ladon__log_errno(int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_v(LADON_LOG_ERROR, errnum, fmt, ap);
    va_end(ap);
}
