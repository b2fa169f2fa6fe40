/* authcache.h - the recent successful HTTP Basic logins (internal;
 * docs/security.md, "Bounds").
 *
 * bcrypt is slow on purpose; a keep-alive client that sends the same
 * credentials with every request should not pay it each time.  This
 * remembers credentials that verified, as a 128-bit keyed hash (SipHash-2-4
 * under two random keys drawn per process with getrandom) of user, a NUL and
 * password: neither a password nor anything from which it could be
 * computed without the keys is kept.  A fixed table of LADON__AUTHCACHE_SLOTS
 * entries (direct-mapped), each valid for LADON__AUTHCACHE_TTL_MS and only
 * for the generation of --auth-file it was verified against (a reload
 * forgets them all).
 *
 * Thread-safe (one leaf mutex).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_AUTHCACHE_H
#define LADON_SRC_AUTHCACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LADON__AUTHCACHE_SLOTS 1024u /* a power of two */
#define LADON__AUTHCACHE_TTL_MS (5 * 60 * 1000)

typedef struct ladon__authcache_entry {
    uint64_t tag[2];      /* keyed hash of user\0password; {0,0} = free */
    uint64_t generation;  /* of the file it was verified against */
    int64_t expires_ms;
} ladon__authcache_entry;

typedef struct ladon__authcache {
    uint64_t key[4];      /* two SipHash keys */
    pthread_mutex_t mu;
    ladon__authcache_entry *slots;
} ladon__authcache;

/* 0, or -1 (no randomness, out of memory) with a message in err. */
int ladon__authcache_init(ladon__authcache *c, char *err, size_t errlen);
void ladon__authcache_destroy(ladon__authcache *c);

/* The keyed hash of user\0password (n bytes). */
void ladon__authcache_tag(const ladon__authcache *c, const char *user, const char *password,
                          size_t n, uint64_t tag[2]);
/* Whether tag verified against generation and has not expired at now_ms. */
bool ladon__authcache_hit(ladon__authcache *c, const uint64_t tag[2], uint64_t generation,
                          int64_t now_ms);
/* Remembers a verified tag. */
void ladon__authcache_put(ladon__authcache *c, const uint64_t tag[2], uint64_t generation,
                          int64_t now_ms);

/* SipHash-2-4 of p[0..n) under the 128-bit key k (exposed for the tests'
 * reference vectors). */
uint64_t ladon__siphash24(const uint64_t k[2], const void *p, size_t n);

#endif /* LADON_SRC_AUTHCACHE_H */
