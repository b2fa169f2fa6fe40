/* task_internal.h - what the task engine and the stores share inside
 * libladon, beyond the public ladon/store.h.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LADON_TASK_INTERNAL_H
#define LADON_TASK_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "ladon/store.h"

/* A new live-progress cell at 0.0 with one reference; NULL when out of
 * memory. */
ladon_task_live *ladon__task_live_new(void);
/* Raises the cell to fraction (already clamped, not NaN); never lowers it.
 * A relaxed load and, only when the value rises, one compare-and-swap: no
 * lock, and safe when several threads of a task body report progress. */
void ladon__task_live_raise(ladon_task_live *live, double fraction);

/* Clamps to [0,1]; returns -1 for NaN (meaning: ignore). */
double ladon__progress_clamp(double fraction);

/* -1, 0, 1 as position a is older than, the same as, newer than b: by
 * starttime, then id (the order of a listing, ladon/store.h). */
int ladon__task_pos_cmp(const ladon_task_pos *a, const ladon_task_pos *b);

/* A random id in 1..INT32_MAX from getrandom(); LADON_ESYS on failure. */
int ladon__random_id(int32_t *out);

/* Reads the store's clock. */
double ladon__store_realtime(const ladon_store *st);
double ladon__store_monotonic(const ladon_store *st);

/* Task outcomes the engine holds because the store was unavailable when the
 * task ended (retried in the background); for tests and monitoring. */
typedef struct ladon_task_engine ladon_task_engine;
unsigned ladon__task_engine_pending(ladon_task_engine *eng);

/* Writes the forms of every back end's URL, built-ins first, into buf:
 * "memory:, memcached://HOST[:PORT]... or redis://..." (cut to size). */
void ladon__store_forms(char *buf, size_t size);

/* The built-in back ends. */
extern const ladon_store_ops ladon__store_memory_ops;
extern const ladon_store_ops ladon__store_memcached_ops;
extern const ladon_store_ops ladon__store_redis_ops;

/* ---- shared by the networked stores (store_remote.c) ------------------ */

/* Parses s[0..len) as "host", "host:port", "[v6]" or "[v6]:port" into host
 * (NUL-terminated, brackets removed) and *port (defport when absent).
 * Returns 0, or -1 with a short reason in why. */
int ladon__parse_hostport(const char *s, size_t len, unsigned defport,
                          char *host, size_t hostsz, unsigned *port,
                          char *why, size_t whylen);
/* A malloc()ed, NUL-terminated copy of s[0..len) with %XX escapes decoded;
 * NULL when out of memory or on a malformed escape. */
char *ladon__percent_decode(const char *s, size_t len);
/* 64 random bits from getrandom(); LADON_ESYS on failure. */
int ladon__random_u64(uint64_t *out);

/* A counting semaphore whose wait has an exact timeout on the monotonic
 * clock: it bounds a connection pool, so that a caller waits at most the
 * store's timeout for a free connection.  Its mutex is a leaf. */
typedef struct ladon__gate {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* CLOCK_MONOTONIC */
    unsigned avail;
} ladon__gate;

int ladon__gate_init(ladon__gate *g, unsigned permits);
void ladon__gate_destroy(ladon__gate *g);
/* Takes a permit, waiting at most timeout_ms; LADON_ESTORE on timeout. */
int ladon__gate_enter(ladon__gate *g, unsigned timeout_ms);
void ladon__gate_leave(ladon__gate *g);

#endif /* LADON_TASK_INTERNAL_H */
