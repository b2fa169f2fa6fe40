/* probe.h - refusing clients that sweep task ids (internal; docs/security.md).
 *
 * Task ids are 31-bit random integers: with many finished tasks kept for
 * their TTL, a client that asks for random ids finds other clients' tasks.
 * A client whose task lookups answer "unknown or expired task id" more than
 * `limit` times within `window` seconds gets, for `cooldown` seconds, the
 * Client fault "too many unknown task ids" for every further lookup
 * (m_progress, m_result, m_cancel, m_wait), whatever the id; other clients
 * are not affected.  Counted per process.
 *
 * Bounded memory: a fixed table of LADON__PROBE_SLOTS entries (4-way set
 * associative on a hash of the address), allocated once.  A new client
 * takes a free entry of its set, else the least recently seen one that is
 * not cooling down, else the least recently seen; so many addresses can
 * push one out of the table early, but never make it grow.  An IPv6 client
 * is counted by its /64 (one host usually holds a whole /64).
 *
 * The same table counts failed logins per client (auth.c, --auth-fail-limit):
 * "unknown" there is a wrong password, "blocked" a client whose logins are
 * refused.
 *
 * Thread-safe (one mutex; only unknown-id answers and lookups take it).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_PROBE_H
#define LADON_SRC_PROBE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define LADON__PROBE_SLOTS 4096u /* a power of two */
#define LADON__PROBE_WAYS 4u

typedef struct ladon__probe_entry {
    char key[64];            /* the address ("" = free), an IPv6 one as its /64 */
    uint64_t hash;
    int64_t window_start_ms; /* when the current counting window opened */
    int64_t last_ms;         /* last unknown-id answer or lookup */
    int64_t blocked_until_ms;/* cooling down until then (0: not) */
    unsigned count;          /* unknown-id answers in the window */
    unsigned inflight;       /* attempts reserved and not yet released */
} ladon__probe_entry;

typedef struct ladon__probe {
    unsigned limit;          /* 0: the limiter is off */
    int64_t window_ms, cooldown_ms;
    pthread_mutex_t mu;
    ladon__probe_entry *slots; /* LADON__PROBE_SLOTS, or NULL when off */
} ladon__probe;

/* limit 0 turns the limiter off (nothing is allocated).  0, or -1 when out
 * of memory. */
int ladon__probe_init(ladon__probe *p, unsigned limit, unsigned window_s, unsigned cooldown_s);
void ladon__probe_destroy(ladon__probe *p);

/* Whether client addr is cooling down at now_ms: its lookups get the fault. */
bool ladon__probe_blocked(ladon__probe *p, const char *addr, int64_t now_ms);

/* Records an unknown-id answer to client addr at now_ms.  Returns true
 * when this answer starts its cool-down (the caller logs it: once per
 * client and window). */
bool ladon__probe_unknown(ladon__probe *p, const char *addr, int64_t now_ms);

/* For checks that cost much and run in parallel (auth.c's password
 * verifications): reserves one attempt for client addr, so that attempts
 * in flight count as failures would.  False when addr is cooling down or
 * when its failures in the window plus its attempts in flight are already
 * more than `limit` (the sequential bound: limit + 1 failures, the last of
 * which starts the cool-down); then nothing is reserved.  Every true is
 * followed by ladon__probe_release, then by ladon__probe_unknown for a
 * failure.  Always true when the limiter is off. */
bool ladon__probe_reserve(ladon__probe *p, const char *addr, int64_t now_ms);
void ladon__probe_release(ladon__probe *p, const char *addr, int64_t now_ms);

#endif /* LADON_SRC_PROBE_H */
