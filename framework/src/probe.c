/* probe.c - the fixed table of clients that asked for unknown task ids
 * (see probe.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "probe.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "log.h"

int ladon__probe_init(ladon__probe *p, unsigned limit, unsigned window_s, unsigned cooldown_s)
{
    memset(p, 0, sizeof *p);
    p->limit = limit;
    p->window_ms = (int64_t)window_s * 1000;
    p->cooldown_ms = (int64_t)cooldown_s * 1000;
    if (limit == 0)
        return 0;
    p->slots = calloc(LADON__PROBE_SLOTS, sizeof *p->slots);
    if (p->slots == NULL) {
        LADON_LOGE("out of memory (the task id probe table)");
        return -1;
    }
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p->slots);
        p->slots = NULL;
        LADON_LOGE("pthread_mutex_init failed (the task id probe table)");
        return -1;
    }
    return 0;
}

void ladon__probe_destroy(ladon__probe *p)
{
    if (p->slots != NULL) {
        pthread_mutex_destroy(&p->mu);
        free(p->slots);
    }
    memset(p, 0, sizeof *p);
}

/* The key of addr: the address, or for IPv6 its /64 ("2001:db8:1:2::/64"). */
static void key_of(const char *addr, char key[64])
{
    struct in6_addr a6;
    if (strchr(addr, ':') != NULL && inet_pton(AF_INET6, addr, &a6) == 1 &&
        !IN6_IS_ADDR_V4MAPPED(&a6)) {
        char s[INET6_ADDRSTRLEN];
        memset(a6.s6_addr + 8, 0, 8);
        if (inet_ntop(AF_INET6, &a6, s, sizeof s) != NULL) {
            snprintf(key, 64, "%s/64", s);
            return;
        }
    }
    snprintf(key, 64, "%s", addr);
}

static uint64_t hash_of(const char *s)
{
    return ladon__fnv1a_str(LADON__FNV1A_BASIS_SHORT, s);
}

/* Whether entry a is a better one to reuse than b. */
static bool evict_before(const ladon__probe_entry *a, const ladon__probe_entry *b, int64_t now)
{
    bool a_free = a->key[0] == '\0', b_free = b->key[0] == '\0';
    bool a_cool = a->blocked_until_ms > now, b_cool = b->blocked_until_ms > now;
    if (a_free != b_free)
        return a_free;
    if (a_cool != b_cool)
        return !a_cool;
    return a->last_ms < b->last_ms;
}

/* The entry of key, or NULL; with create, a new one (p->mu held). */
static ladon__probe_entry *find(ladon__probe *p, const char *key, uint64_t h, bool create, int64_t now)
{
    size_t set = (size_t)(h & (LADON__PROBE_SLOTS / LADON__PROBE_WAYS - 1)) * LADON__PROBE_WAYS;
    ladon__probe_entry *e = p->slots + set, *victim = NULL;
    for (unsigned i = 0; i < LADON__PROBE_WAYS; i++)
        if (e[i].key[0] != '\0' && e[i].hash == h && strcmp(e[i].key, key) == 0)
            return &e[i];
    if (!create)
        return NULL;
    /* a free entry, else the least recently seen of those not cooling down,
     * else the least recently seen */
    for (unsigned i = 0; i < LADON__PROBE_WAYS; i++)
        if (victim == NULL || evict_before(&e[i], victim, now))
            victim = &e[i];
    memset(victim, 0, sizeof *victim);
    snprintf(victim->key, sizeof victim->key, "%s", key);
    victim->hash = h;
    victim->window_start_ms = now;
    return victim;
}

/* The entry of client addr (created when create), with p->mu held; the
 * caller unlocks.  NULL when not create and there is none. */
static ladon__probe_entry *lock_entry(ladon__probe *p, const char *addr, bool create,
                                      int64_t now_ms)
{
    char key[64];
    key_of(addr, key);
    uint64_t h = hash_of(key);
    pthread_mutex_lock(&p->mu);
    return find(p, key, h, create, now_ms);
}

/* A counting window that has passed starts again from nothing. */
static void roll_window(const ladon__probe *p, ladon__probe_entry *e, int64_t now_ms)
{
    if (now_ms - e->window_start_ms >= p->window_ms) {
        e->window_start_ms = now_ms;
        e->count = 0;
    }
}

bool ladon__probe_blocked(ladon__probe *p, const char *addr, int64_t now_ms)
{
    bool blocked = false;
    if (p->limit == 0)
        return false;
    ladon__probe_entry *e = lock_entry(p, addr, false, now_ms);
    if (e != NULL && e->blocked_until_ms > now_ms) {
        blocked = true;
        e->last_ms = now_ms;
    }
    pthread_mutex_unlock(&p->mu);
    return blocked;
}

bool ladon__probe_unknown(ladon__probe *p, const char *addr, int64_t now_ms)
{
    bool starts = false;
    if (p->limit == 0)
        return false;
    ladon__probe_entry *e = lock_entry(p, addr, true, now_ms);
    e->last_ms = now_ms;
    if (e->blocked_until_ms <= now_ms) {
        roll_window(p, e, now_ms);
        if (++e->count > p->limit) {
            e->blocked_until_ms = now_ms + p->cooldown_ms;
            /* after the cool-down, counting starts again from nothing */
            e->window_start_ms = e->blocked_until_ms;
            e->count = 0;
            starts = true;
        }
    }
    pthread_mutex_unlock(&p->mu);
    return starts;
}

bool ladon__probe_reserve(ladon__probe *p, const char *addr, int64_t now_ms)
{
    bool ok = false;
    if (p->limit == 0)
        return true;
    ladon__probe_entry *e = lock_entry(p, addr, true, now_ms);
    e->last_ms = now_ms;
    if (e->blocked_until_ms <= now_ms) {
        roll_window(p, e, now_ms);
        if ((unsigned long long)e->count + e->inflight <= p->limit) {
            e->inflight++;
            ok = true;
        }
    }
    pthread_mutex_unlock(&p->mu);
    return ok;
}

void ladon__probe_release(ladon__probe *p, const char *addr, int64_t now_ms)
{
    if (p->limit == 0)
        return;
    /* the entry may have been taken by another client meanwhile (a full
     * set): then there is nothing of ours left to release */
    ladon__probe_entry *e = lock_entry(p, addr, false, now_ms);
    if (e != NULL && e->inflight > 0)
        e->inflight--;
    pthread_mutex_unlock(&p->mu);
}
