/* authcache.c - the recent successful logins, by keyed hash (see
 * authcache.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "authcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);                                  \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                                     \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                                     \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);                                  \
    } while (0)

/* SipHash-2-4 (Aumasson and Bernstein), a state updated 8 bytes at a time;
 * the input is hashed in pieces so user and password need not be copied
 * together. */
typedef struct sip {
    uint64_t v0, v1, v2, v3, tail;
    size_t len;
} sip;

static void sip_init(sip *s, const uint64_t k[2])
{
    s->v0 = 0x736f6d6570736575ull ^ k[0];
    s->v1 = 0x646f72616e646f6dull ^ k[1];
    s->v2 = 0x6c7967656e657261ull ^ k[0];
    s->v3 = 0x7465646279746573ull ^ k[1];
    s->tail = 0;
    s->len = 0;
}

static void sip_word(sip *s, uint64_t m)
{
    uint64_t v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3;
    v3 ^= m;
    SIPROUND;
    SIPROUND;
    v0 ^= m;
    s->v0 = v0, s->v1 = v1, s->v2 = v2, s->v3 = v3;
}

static void sip_update(sip *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        s->tail |= (uint64_t)b[i] << (8 * (s->len % 8));
        if (++s->len % 8 == 0) {
            sip_word(s, s->tail);
            s->tail = 0;
        }
    }
}

static uint64_t sip_final(sip *s)
{
    uint64_t b = s->tail | ((uint64_t)(s->len & 0xff) << 56);
    uint64_t v0, v1, v2, v3;
    sip_word(s, b);
    v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t ladon__siphash24(const uint64_t k[2], const void *p, size_t n)
{
    sip s;
    sip_init(&s, k);
    sip_update(&s, p, n);
    return sip_final(&s);
}

int ladon__authcache_init(ladon__authcache *c, char *err, size_t errlen)
{
    size_t got = 0;
    memset(c, 0, sizeof *c);
    while (got < sizeof c->key) {
        ssize_t r = getrandom((char *)c->key + got, sizeof c->key - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            snprintf(err, errlen, "getrandom: %s", strerror(r < 0 ? errno : EIO));
            return -1;
        }
        got += (size_t)r;
    }
    c->slots = calloc(LADON__AUTHCACHE_SLOTS, sizeof *c->slots);
    if (c->slots == NULL) {
        snprintf(err, errlen, "out of memory (the login cache)");
        return -1;
    }
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c->slots);
        c->slots = NULL;
        snprintf(err, errlen, "pthread_mutex_init failed (the login cache)");
        return -1;
    }
    return 0;
}

void ladon__authcache_destroy(ladon__authcache *c)
{
    if (c->slots != NULL) {
        pthread_mutex_destroy(&c->mu);
        free(c->slots);
    }
    explicit_bzero(c, sizeof *c);
}

void ladon__authcache_tag(const ladon__authcache *c, const char *user, const char *password,
                          size_t n, uint64_t tag[2])
{
    for (int i = 0; i < 2; i++) {
        sip s;
        sip_init(&s, c->key + 2 * i);
        sip_update(&s, user, strlen(user) + 1); /* with its NUL: user and password apart */
        sip_update(&s, password, n);
        tag[i] = sip_final(&s);
        explicit_bzero(&s, sizeof s);
    }
    if (tag[0] == 0 && tag[1] == 0)
        tag[1] = 1; /* {0,0} marks a free entry */
}

static ladon__authcache_entry *slot_of(ladon__authcache *c, const uint64_t tag[2])
{
    return &c->slots[tag[0] & (LADON__AUTHCACHE_SLOTS - 1)];
}

bool ladon__authcache_hit(ladon__authcache *c, const uint64_t tag[2], uint64_t generation,
                          int64_t now_ms)
{
    bool hit;
    if (c->slots == NULL)
        return false;
    pthread_mutex_lock(&c->mu);
    ladon__authcache_entry *e = slot_of(c, tag);
    hit = e->tag[0] == tag[0] && e->tag[1] == tag[1] && e->generation == generation &&
          e->expires_ms > now_ms;
    pthread_mutex_unlock(&c->mu);
    return hit;
}

void ladon__authcache_put(ladon__authcache *c, const uint64_t tag[2], uint64_t generation,
                          int64_t now_ms)
{
    if (c->slots == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    ladon__authcache_entry *e = slot_of(c, tag);
    e->tag[0] = tag[0];
    e->tag[1] = tag[1];
    e->generation = generation;
    e->expires_ms = now_ms + LADON__AUTHCACHE_TTL_MS;
    pthread_mutex_unlock(&c->mu);
}
