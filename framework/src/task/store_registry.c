/* store_registry.c - which back end a store URL names, and opening it.
 *
 * The registry holds the built-in back ends (memory, memcached, redis) and
 * the ones added with ladon_store_register().  A URL is "scheme:rest"; the
 * scheme (RFC 3986, case-insensitive) picks the back end, and the rest is
 * the back end's business: its check hook says whether rest is well formed
 * and whether the store is shared by the processes that open it, and its
 * open hook opens it.  Nothing here knows a back end's grammar, so a
 * registered back end is as selectable (--store) and as strictly checked at
 * start-up as a built-in one.
 *
 * Messages name the URL as given ("bad store URL 'URL': REASON"); the
 * callers that show them to people hide its password (config.c, server.c).
 *
 * Locking: registry_mu guards registry[] and registry_len; it is a leaf,
 * held only to look up or add a table, never while a hook runs.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errmsg.h"
#include "ladon/error.h"
#include "ladon/store.h"
#include "task_internal.h"

#define REGISTRY_MAX 16
/* Longest reason a back end's check gives (cut beyond; config.h's
 * LADON__REASON_ROOM leaves room for it). */
#define REASON_MAX 256

static const ladon_store_ops *const builtin[] = {
    &ladon__store_memory_ops, &ladon__store_memcached_ops,
    &ladon__store_redis_ops};
#define N_BUILTIN (sizeof builtin / sizeof builtin[0])

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static const ladon_store_ops *registry[REGISTRY_MAX];
static size_t registry_len;

/* The i-th back end, built-ins first.  Caller holds registry_mu. */
static const ladon_store_ops *backend_at(size_t i)
{
    return i < N_BUILTIN ? builtin[i] : registry[i - N_BUILTIN];
}

/* The back end of scheme[0..len).  Caller holds registry_mu. */
static const ladon_store_ops *backend_find(const char *scheme, size_t len)
{
    for (size_t i = 0; i < N_BUILTIN + registry_len; i++) {
        const ladon_store_ops *ops = backend_at(i);
        if (strlen(ops->scheme) == len &&
            strncasecmp(ops->scheme, scheme, len) == 0)
            return ops;
    }
    return NULL;
}

static int ops_complete(const ladon_store_ops *ops)
{
    return ops != NULL && ops->scheme != NULL && ops->scheme[0] != '\0' &&
           ops->open != NULL && ops->close != NULL && ops->add != NULL &&
           ops->start != NULL && ops->progress != NULL &&
           ops->finish != NULL && ops->fail != NULL && ops->get != NULL &&
           ops->remove != NULL;
}

int ladon_store_register(const ladon_store_ops *ops)
{
    int rc = 0;
    if (!ops_complete(ops))
        return LADON_EINVAL;
    pthread_mutex_lock(&registry_mu);
    if (backend_find(ops->scheme, strlen(ops->scheme)) != NULL)
        rc = LADON_EINVAL;
    else if (registry_len == REGISTRY_MAX)
        rc = LADON_ENOMEM;
    else
        registry[registry_len++] = ops;
    pthread_mutex_unlock(&registry_mu);
    return rc;
}

void ladon__store_forms(char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    pthread_mutex_lock(&registry_mu);
    size_t n = N_BUILTIN + registry_len;
    for (size_t i = 0; i < n && used + 1 < size; i++) {
        const ladon_store_ops *ops = backend_at(i);
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = ops->form != NULL
                    ? snprintf(buf + used, size - used, "%s%s", sep, ops->form)
                    : snprintf(buf + used, size - used, "%s%s:...", sep,
                               ops->scheme);
        if (w < 0)
            break;
        used += (size_t)w < size - used ? (size_t)w : size - used - 1;
    }
    pthread_mutex_unlock(&registry_mu);
}

/* The back end of url and where its rest starts; LADON_EINVAL with the
 * reason in err when url has no scheme or an unknown one. */
static int backend_of(const char *url, const ladon_store_ops **ops_out,
                      const char **rest_out, char *err, size_t errlen)
{
    char forms[512];
    size_t n = 0;
    if (url == NULL)
        return ladon__errf(err, errlen, LADON_EINVAL, "%s", "no store URL");
    /* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    if (isalpha((unsigned char)url[0]))
        while (isalnum((unsigned char)url[n]) || url[n] == '+' ||
               url[n] == '-' || url[n] == '.')
            n++;
    if (n == 0 || url[n] != ':') {
        ladon__store_forms(forms, sizeof forms);
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "bad store URL '%s': expected %s", url, forms);
    }
    pthread_mutex_lock(&registry_mu);
    const ladon_store_ops *ops = backend_find(url, n);
    pthread_mutex_unlock(&registry_mu);
    if (ops == NULL) {
        ladon__store_forms(forms, sizeof forms);
        return ladon__errf(err, errlen, LADON_EINVAL,
                           "unknown store '%.*s:' in '%s' (expected %s)",
                           (int)n, url, url, forms);
    }
    *ops_out = ops;
    *rest_out = url + n + 1;
    return 0;
}

/* ops' check of rest (nothing to check without one): 0 with *props, or
 * the failure with "bad store URL 'URL': REASON" in err. */
static int backend_check(const ladon_store_ops *ops, const char *url,
                         const char *rest, unsigned *props, char *err,
                         size_t errlen)
{
    char why[REASON_MAX] = "";
    *props = 0;
    if (ops->check == NULL)
        return 0;
    int rc = ops->check(rest, props, why, sizeof why);
    if (rc == 0)
        return 0;
    *props = 0;
    if (why[0] == '\0') /* a back end that gave no reason */
        snprintf(why, sizeof why, "%s",
                 rc == LADON_ENOMEM ? "out of memory"
                                    : "refused by its back end");
    return ladon__errf(err, errlen, rc, "bad store URL '%s': %s", url, why);
}

int ladon_store_check(const char *url, unsigned *props, char *err,
                      size_t errlen)
{
    const ladon_store_ops *ops;
    const char *rest;
    unsigned p = 0;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (props != NULL)
        *props = 0;
    int rc = backend_of(url, &ops, &rest, err, errlen);
    if (rc == 0)
        rc = backend_check(ops, url, rest, &p, err, errlen);
    if (rc == 0 && props != NULL)
        *props = p;
    return rc;
}

void ladon_store_options_init(ladon_store_options *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof *o);
    strcpy(o->prefix, "ladon:");
    o->timeout_ms = 1000;
    o->lease_s = 30;
    o->ttl_s = 86400;
}

int ladon_store_open(ladon_store **out, const char *url, char *err,
                     size_t errlen)
{
    return ladon_store_open_with(out, url, NULL, err, errlen);
}

int ladon_store_open_with(ladon_store **out, const char *url,
                          const ladon_store_options *opt, char *err,
                          size_t errlen)
{
    ladon_store_options defaults;
    const ladon_store_ops *ops;
    const char *rest;
    unsigned props;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (out == NULL)
        return ladon__errf(err, errlen, LADON_EINVAL, "%s", "no store URL");
    int rc = backend_of(url, &ops, &rest, err, errlen);
    if (rc == 0)
        rc = backend_check(ops, url, rest, &props, err, errlen);
    if (rc != 0)
        return rc;
    if (opt == NULL) {
        ladon_store_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->lease_s < 3 || opt->ttl_s == 0 || opt->timeout_ms == 0 ||
        memchr(opt->prefix, '\0', sizeof opt->prefix) == NULL)
        return ladon__errf(err, errlen, LADON_EINVAL, "%s",
                           "invalid store options (lease >= 3 s, ttl and "
                           "timeout > 0, prefix < 64 bytes)");
    ladon_store *st = NULL;
    rc = ops->open(&st, rest, opt, err, errlen);
    if (rc != 0)
        return rc;
    st->ops = ops;
    ladon_store_set_clock(st, NULL);
    st->opts = *opt;
    *out = st;
    return 0;
}

void ladon_store_close(ladon_store *st)
{
    if (st != NULL)
        st->ops->close(st);
}
