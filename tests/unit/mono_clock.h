/* mono_clock.h - the unit tests' clock for timing checks: seconds on the
 * monotonic clock, and a plain sleep.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LADON_TEST_MONO_CLOCK_H
#define LADON_TEST_MONO_CLOCK_H

#include <time.h>

static inline double lg_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void lg_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

#endif
