/* log.h - leveled logging (internal), for libladon and its task library
 * alike: part of the core (core/meson.build) so that neither reaches into
 * the other's folder for it.
 *
 * One line per event on stderr, written with a single write(2) so lines of
 * different threads never interleave:
 *     2026-01-02T03:04:05.678Z info  127.0.0.1 POST /Calculator add 200 0.4ms
 * Errors are logged once, where they happen, with their cause (errno text).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_CORE_LOG_H
#define LADON_CORE_LOG_H

#include <stdbool.h>

enum ladon__log_level {
    LADON_LOG_ERROR = 0,
    LADON_LOG_WARN = 1,
    LADON_LOG_INFO = 2,
    LADON_LOG_DEBUG = 3
};

/* Lines above this level are dropped (default LADON_LOG_INFO). */
void ladon__log_set_level(int level);
bool ladon__log_enabled(int level);
/* Parses "error", "warn", "info", "debug"; -1 for anything else. */
int ladon__log_level_parse(const char *s);

void ladon__log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Like ladon__log at LADON_LOG_ERROR, appending ": <strerror(errnum)>". */
void ladon__log_errno(int errnum, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define LADON_LOGE(...) ladon__log(LADON_LOG_ERROR, __VA_ARGS__)
#define LADON_LOGW(...) ladon__log(LADON_LOG_WARN, __VA_ARGS__)
#define LADON_LOGI(...) ladon__log(LADON_LOG_INFO, __VA_ARGS__)
#define LADON_LOGD(...)                                                      \
    do {                                                                     \
        if (ladon__log_enabled(LADON_LOG_DEBUG))                             \
            ladon__log(LADON_LOG_DEBUG, __VA_ARGS__);                        \
    } while (0)

#endif
