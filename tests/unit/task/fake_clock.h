/* fake_clock.h - an injected store clock for the task unit tests: time
 * moves only when a test advances fake_ns, so expiry, leases and backoff
 * are tested without sleeping.  One copy per test program (static).
 * Define LT_FAKE_MONOTONIC_ORIGIN before including to start the monotonic
 * clock elsewhere than 0.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LADON_TEST_FAKE_CLOCK_H
#define LADON_TEST_FAKE_CLOCK_H

#include <stdatomic.h>
#include "ladon/store.h"

#ifndef LT_FAKE_MONOTONIC_ORIGIN
#define LT_FAKE_MONOTONIC_ORIGIN 0.0
#endif

static _Atomic long long fake_ns; /* nanoseconds the tests advanced */

static double fake_realtime(void *ud)
{
    (void)ud;
    return 1700000000.0 + (double)atomic_load(&fake_ns) / 1e9;
}

static double fake_monotonic(void *ud)
{
    (void)ud;
    return LT_FAKE_MONOTONIC_ORIGIN + (double)atomic_load(&fake_ns) / 1e9;
}

static const ladon_clock fake_clock = {fake_realtime, fake_monotonic, NULL};

#endif
