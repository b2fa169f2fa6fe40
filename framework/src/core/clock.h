/* clock.h - the monotonic clock, as libladon and its task library read it
 * (internal).
 *
 * Timeouts and deadlines are measured on CLOCK_MONOTONIC, so a change of the
 * wall clock neither stretches nor cuts them.  Part of the core
 * (core/meson.build): both libraries use it.  (The task stores' own clock,
 * which tests replace with ladon_store_set_clock(), is task/store.c's.)
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_CORE_CLOCK_H
#define LADON_CORE_CLOCK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* Milliseconds of CLOCK_MONOTONIC (deadlines of connections and requests,
 * ladon__now_ms() + timeout). */
int64_t ladon__now_ms(void);

/* Sets *ts to ms milliseconds from now on CLOCK_MONOTONIC: a deadline for
 * pthread_cond_timedwait() on a condition variable made by
 * ladon__cond_init_monotonic(). */
void ladon__deadline_after(struct timespec *ts, unsigned ms);

/* Initialises cv so that its timed waits run on CLOCK_MONOTONIC; 0 or
 * LADON_ESYS. */
int ladon__cond_init_monotonic(pthread_cond_t *cv);

#endif
