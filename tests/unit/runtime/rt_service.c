/* rt_service.c - the implementations of the runtime tests' services Test
 * (rt_service_test.h) and Other (rt_service_other.h): plain Ladon-C
 * operations, called through the glue ladon-gen generates (rt_ladon.c).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include <ladon/call.h>
#include "rt_service_other.h"
#include "rt_service_test.h"

/* ---- Test ------------------------------------------------------------------- */

int add(ladon_call *call, int a, int b, int *result)
{
    (void)call;
    *result = a + b;
    return LADON_OK;
}

int echo(ladon_call *call, const char *text, char **result)
{
    /* a service that returns what XML cannot carry (the response check) */
    if (strcmp(text, "emit-invalid-utf8") == 0)
        text = "bad \xff byte";
    else if (strcmp(text, "emit-control") == 0)
        text = "bell \x07";
    *result = ladon_strdup(call, text);
    return *result ? LADON_OK : ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
}

/* Sleeps ms milliseconds (once: an interruption ends it early). */
static void sleep_for(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int sleep_ms(ladon_call *call, int ms, int *result)
{
    (void)call;
    sleep_for(ms);
    *result = ms;
    return LADON_OK;
}

int wait_ms(ladon_call *call, int ms, int *result)
{
    ladon_call_wait_begin(call);
    sleep_for(ms);
    ladon_call_wait_end(call);
    *result = ms;
    return LADON_OK;
}

int overlap_ms(ladon_call *call, int ms, int *result)
{
    static atomic_int running;
    static atomic_bool overlapped;
    (void)call;
    if (atomic_fetch_add(&running, 1) != 0)
        atomic_store(&overlapped, true);
    sleep_for(ms);
    /* the last one out reports (and clears) whether any two overlapped */
    *result = atomic_load(&overlapped) ? -ms : ms;
    if (atomic_fetch_sub(&running, 1) == 1)
        atomic_store(&overlapped, false);
    return LADON_OK;
}

int fail(ladon_call *call, int kind, int *result)
{
    *result = kind;
    switch (kind) {
    case 1: return ladon_fault(call, LADON_FAULT_CLIENT, "bad kind %d", kind);
    case 2: return ladon_fault(call, LADON_FAULT_SERVER, "server trouble");
    case 3: return -42;
    case 4: return ladon_fault(call, LADON_FAULT_CLIENT, "bad \xff byte and \x01");
    default: return LADON_OK;
    }
}

int whoami(ladon_call *call, char **result)
{
    const char *user = ladon_call_user(call);
    *result = ladon_strdup(call, user != NULL ? user : "");
    return *result != NULL ? LADON_OK : ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
}

/* ---- Other ------------------------------------------------------------------ */

int ping(ladon_call *call, int x, int *result)
{
    (void)call;
    *result = x;
    return LADON_OK;
}
