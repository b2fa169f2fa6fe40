/* conntab.h - the table of a server's connections (internal).
 *
 * Slots are allocated in chunks and never freed while the server runs: a
 * thread that took an epoll event for a connection may lock it even when
 * another thread closed it meanwhile, and finds the generation changed
 * (conn.h).  The table's lock guards its free list and chunk count; each
 * connection's own lock guards its state.  Lock order: a connection's lock,
 * then the table's.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_CONNTAB_H
#define LADON_SRC_CONNTAB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"

#define LADON_CONNTAB_CHUNK 64u

typedef struct ladon__conntab {
    pthread_mutex_t lock;
    ladon__conn *_Atomic *chunks; /* max_chunks pointers, set once each */
    size_t max_chunks;
    atomic_size_t n_chunks;
    ladon__conn *free_list;
    bool ready;
} ladon__conntab;

/* Room for max_conns connections at once; 0 or a ladon_errno. */
int ladon__conntab_init(ladon__conntab *t, size_t max_conns);
/* Frees every chunk (the connections' sockets and buffers are the
 * caller's). */
void ladon__conntab_destroy(ladon__conntab *t);
/* A free slot (state FREE, unlocked), or NULL when out of memory or full. */
ladon__conn *ladon__conntab_alloc(ladon__conntab *t);
/* Puts c back (the caller holds c->lock; its socket and buffer are gone):
 * state FREE, a new generation. */
void ladon__conntab_release(ladon__conntab *t, ladon__conn *c);
/* The connection in slot, or NULL beyond the slots allocated so far. */
ladon__conn *ladon__conntab_get(ladon__conntab *t, uint32_t slot);
/* Slots allocated so far (every one of [0, n) can be locked and looked at). */
size_t ladon__conntab_slots(ladon__conntab *t);

/* The epoll data of a connection: its slot and generation. */
static inline uint64_t ladon__conn_key(const ladon__conn *c)
{
    return (uint64_t)c->slot << 32 | c->gen;
}

#endif
