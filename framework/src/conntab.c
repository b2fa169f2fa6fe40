/* conntab.c - the table of a server's connections (conntab.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "conntab.h"

#include <stdlib.h>

#include "ladon/error.h"
#include "log.h"

int ladon__conntab_init(ladon__conntab *t, size_t max_conns)
{
    t->max_chunks = max_conns / LADON_CONNTAB_CHUNK + 2;
    t->chunks = calloc(t->max_chunks, sizeof *t->chunks);
    if (t->chunks == NULL) {
        LADON_LOGE("out of memory (connection table)");
        return LADON_ENOMEM;
    }
    atomic_init(&t->n_chunks, 0);
    t->free_list = NULL;
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        free(t->chunks);
        t->chunks = NULL;
        LADON_LOGE("cannot initialise locks");
        return LADON_ESYS;
    }
    t->ready = true;
    return 0;
}

void ladon__conntab_destroy(ladon__conntab *t)
{
    if (!t->ready)
        return;
    for (size_t i = 0; i < atomic_load(&t->n_chunks); i++) {
        ladon__conn *chunk = atomic_load(&t->chunks[i]);
        for (unsigned j = 0; j < LADON_CONNTAB_CHUNK; j++)
            pthread_mutex_destroy(&chunk[j].lock);
        free(chunk);
    }
    free(t->chunks);
    t->chunks = NULL;
    pthread_mutex_destroy(&t->lock);
    t->ready = false;
}

/* A new chunk onto the free list (t->lock held); false when out of memory
 * or at max_chunks. */
static bool grow(ladon__conntab *t)
{
    size_t n = atomic_load_explicit(&t->n_chunks, memory_order_relaxed);
    ladon__conn *chunk;
    if (n >= t->max_chunks)
        return false;
    chunk = calloc(LADON_CONNTAB_CHUNK, sizeof *chunk);
    if (chunk == NULL) {
        LADON_LOGE("out of memory (%u connections)", LADON_CONNTAB_CHUNK);
        return false;
    }
    for (unsigned j = 0; j < LADON_CONNTAB_CHUNK; j++) {
        if (pthread_mutex_init(&chunk[j].lock, NULL) != 0) {
            while (j-- > 0)
                pthread_mutex_destroy(&chunk[j].lock);
            free(chunk);
            LADON_LOGE("cannot initialise locks");
            return false;
        }
        chunk[j].state = LADON_CONN_FREE;
        chunk[j].fd = -1;
        chunk[j].slot = (uint32_t)(n * LADON_CONNTAB_CHUNK + j);
    }
    for (unsigned j = LADON_CONNTAB_CHUNK; j-- > 0;) {
        chunk[j].free_next = t->free_list;
        t->free_list = &chunk[j];
    }
    atomic_store_explicit(&t->chunks[n], chunk, memory_order_release);
    atomic_store_explicit(&t->n_chunks, n + 1, memory_order_release);
    return true;
}

ladon__conn *ladon__conntab_alloc(ladon__conntab *t)
{
    ladon__conn *c;
    if (pthread_mutex_lock(&t->lock) != 0)
        abort();
    if (t->free_list == NULL && !grow(t)) {
        pthread_mutex_unlock(&t->lock);
        return NULL;
    }
    c = t->free_list;
    t->free_list = c->free_next;
    c->free_next = NULL;
    pthread_mutex_unlock(&t->lock);
    return c;
}

void ladon__conntab_release(ladon__conntab *t, ladon__conn *c)
{
    c->state = LADON_CONN_FREE;
    c->gen++;
    c->fd = -1;
    if (pthread_mutex_lock(&t->lock) != 0)
        abort();
    c->free_next = t->free_list;
    t->free_list = c;
    pthread_mutex_unlock(&t->lock);
}

ladon__conn *ladon__conntab_get(ladon__conntab *t, uint32_t slot)
{
    size_t i = slot / LADON_CONNTAB_CHUNK;
    if (i >= atomic_load_explicit(&t->n_chunks, memory_order_acquire))
        return NULL;
    return &atomic_load_explicit(&t->chunks[i], memory_order_acquire)[slot % LADON_CONNTAB_CHUNK];
}

size_t ladon__conntab_slots(ladon__conntab *t)
{
    return atomic_load_explicit(&t->n_chunks, memory_order_acquire) * LADON_CONNTAB_CHUNK;
}
