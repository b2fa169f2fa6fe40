/* store_remote.c - what the networked task stores (memcached, redis) share:
 * parsing "host[:port]" out of a store URL, percent-decoding, random 64-bit
 * values, and a tiny counting gate that bounds a connection pool with an
 * exact timeout on the monotonic clock.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "clock.h"
#include "errmsg.h"
#include "ladon/error.h"
#include "task_internal.h"

/* One short reason; -1. */
#define set_why(why, whylen, msg) ladon__errf(why, whylen, -1, "%s", msg)

static int host_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

int ladon__parse_hostport(const char *s, size_t len, unsigned defport,
                          char *host, size_t hostsz, unsigned *port,
                          char *why, size_t whylen)
{
    const char *h = s, *end = s + len, *p = NULL;
    size_t hlen;
    if (len == 0)
        return set_why(why, whylen, "empty host");
    if (s[0] == '[') { /* [IPv6 literal] */
        const char *close = memchr(s, ']', len);
        if (close == NULL)
            return set_why(why, whylen, "missing ']' after IPv6 address");
        h = s + 1;
        hlen = (size_t)(close - h);
        for (size_t i = 0; i < hlen; i++)
            if (!isxdigit((unsigned char)h[i]) && h[i] != ':' &&
                h[i] != '.' && h[i] != '%')
                return set_why(why, whylen, "bad IPv6 address");
        if (close + 1 < end) {
            if (close[1] != ':')
                return set_why(why, whylen, "expected ':port' after ']'");
            p = close + 2;
        }
    } else {
        const char *colon = memchr(s, ':', len);
        if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
            return set_why(why, whylen, "IPv6 addresses go in brackets: "
                           "[addr]:port");
        hlen = colon != NULL ? (size_t)(colon - s) : len;
        for (size_t i = 0; i < hlen; i++)
            if (!host_char(h[i]))
                return set_why(why, whylen,
                               "bad character in host name (IPv6 "
                               "addresses go in brackets)");
        if (colon != NULL)
            p = colon + 1;
    }
    if (hlen == 0)
        return set_why(why, whylen, "empty host");
    if (hlen >= hostsz)
        return set_why(why, whylen, "host name too long");
    unsigned long v = defport;
    if (p != NULL) {
        if (p == end)
            return set_why(why, whylen, "empty port");
        v = 0;
        for (const char *q = p; q < end; q++) {
            if (!isdigit((unsigned char)*q))
                return set_why(why, whylen, "port is not a number");
            v = v * 10 + (unsigned long)(*q - '0');
            if (v > 65535)
                break;
        }
        if (v == 0 || v > 65535)
            return set_why(why, whylen, "port out of range 1..65535");
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (unsigned)v;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *ladon__percent_decode(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            out[n++] = s[i];
            continue;
        }
        int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
        int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[n++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[n] = '\0';
    return out;
}

int ladon__random_u64(uint64_t *out)
{
    size_t got = 0;
    unsigned char *p = (unsigned char *)out;
    while (got < sizeof *out) {
        ssize_t n = getrandom(p + got, sizeof *out - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return LADON_ESYS;
        }
        got += (size_t)n;
    }
    return 0;
}

/* ---- gate: a counting semaphore with a monotonic timeout --------------- */

int ladon__gate_init(ladon__gate *g, unsigned permits)
{
    if (ladon__cond_init_monotonic(&g->cv) != 0)
        return LADON_ESYS;
    if (pthread_mutex_init(&g->mu, NULL) != 0) {
        pthread_cond_destroy(&g->cv);
        return LADON_ESYS;
    }
    g->avail = permits;
    return 0;
}

void ladon__gate_destroy(ladon__gate *g)
{
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
}

int ladon__gate_enter(ladon__gate *g, unsigned timeout_ms)
{
    struct timespec dl;
    ladon__deadline_after(&dl, timeout_ms);
    int rc = 0;
    pthread_mutex_lock(&g->mu);
    while (g->avail == 0) {
        int w = pthread_cond_timedwait(&g->cv, &g->mu, &dl);
        if (w == ETIMEDOUT && g->avail == 0) {
            rc = LADON_ESTORE;
            break;
        }
    }
    if (rc == 0)
        g->avail--;
    pthread_mutex_unlock(&g->mu);
    return rc;
}

void ladon__gate_leave(ladon__gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->avail++;
    pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
}
