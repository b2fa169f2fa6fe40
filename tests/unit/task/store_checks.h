/* store_checks.h - CUnit checks shared by the suites of the shared stores
 * (memcached, redis): the same behaviour is required of both.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LADON_TEST_STORE_CHECKS_H
#define LADON_TEST_STORE_CHECKS_H

#include <stdint.h>
#include "ladon/store.h"
#include "store_servers.h"

/* ladon_store_open_with(url) with key prefix and timeout, else defaults;
 * its result, *out and err as that function sets them. */
int lt_open_rc(const char *url, const char *prefix, unsigned timeout_ms,
               ladon_store **out, char *err, size_t errlen);

/* The same, which must succeed (a fatal CUnit failure otherwise). */
ladon_store *lt_open_url(const char *url, const char *prefix, unsigned timeout_ms);

/* Two handles with the same url and prefix act as two processes on one
 * record, a handle with another prefix does not see it. */
void lt_check_shared_handles(const char *url, unsigned timeout_ms);

/* A QUEUED record of method, started (RUNNING); its id. */
int32_t lt_running_task(ladon_store *st, const char *method);

/* The store server c hangs (SIGSTOP), wakes (SIGCONT) and dies (SIGKILL),
 * with st opened on it with a 0.5 s timeout and id a RUNNING record of
 * method "m": every call on the hung server fails with LADON_ESTORE within
 * LT_HUNG_CALL_MAX_S; once awake, the late replies to the calls that timed
 * out are never taken for the answers of later calls; dead, calls fail fast
 * (no hang, no SIGPIPE).  c is left stopped: the caller restarts it. */
void lt_check_outage(lt_store_server *c, ladon_store *st, int32_t id);

/* n owned tasks of (owner, method) created on st, their ids into ids[0..n)
 * (NULL: not kept): a listing of all pages shows exactly the newest
 * min(n, keep) of them by (starttime, id), newest first; the number it
 * showed. */
size_t lt_check_listing_keeps(ladon_store *st, const char *method, const char *owner, size_t n,
                              size_t keep);

#endif
