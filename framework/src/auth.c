/* auth.c - who the caller of a request is (see auth.h).
 *
 * The cost of a login is bounded three ways (docs/security.md, "Bounds"):
 * credentials that verified are remembered (authcache.h), so only a new or
 * wrong password costs a bcrypt verification; at most max_verifying of them
 * run at once, the others are answered 503 at once instead of waiting, so
 * guessing never holds more than half the request threads; and a client
 * with more than --auth-fail-limit failures in a minute is answered 429 for
 * a minute without any verification (probe.h's fixed table, its second
 * use).  A bcrypt cost above LADON__HTPASSWD_MAX_COST is refused at load.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "auth.h"

#include <stdio.h>
#include <string.h>

#include "credentials.h"
#include "http.h"
#include "log.h"

int ladon__auth_init(ladon__auth *a, const ladon_config *cfg, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    snprintf(a->user_header, sizeof a->user_header, "%s", cfg->trusted_user_header);
    snprintf(a->realm, sizeof a->realm, "%s", cfg->auth_realm[0] ? cfg->auth_realm : "Ladon-C");
    a->required = cfg->auth_required;
    atomic_init(&a->reload_requested, false);
    atomic_init(&a->verifying, 0);
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (cfg->auth_file[0] == '\0')
        return 0;
    snprintf(a->file, sizeof a->file, "%s", cfg->auth_file);
    a->max_verifying = cfg->workers / 2 > 0 ? cfg->workers / 2 : 1;
    if (ladon__htpasswd_load(a->file, &a->users, err, errlen) != 0)
        return -1;
    a->generation = 1;
    if (ladon__authcache_init(&a->cache, err, errlen) != 0)
        return -1;
    if (ladon__probe_init(&a->failures, cfg->auth_fail_limit, LADON__AUTH_FAIL_WINDOW_S,
                          LADON__AUTH_FAIL_WINDOW_S) != 0) {
        snprintf(err, errlen, "out of memory (the failed login table)");
        return -1;
    }
    if (pthread_mutex_init(&a->mu, NULL) != 0) {
        snprintf(err, errlen, "pthread_mutex_init failed (--auth-file)");
        return -1;
    }
    a->mu_ready = true;
    return 0;
}

void ladon__auth_destroy(ladon__auth *a)
{
    if (a->mu_ready)
        pthread_mutex_destroy(&a->mu);
    ladon__htpasswd_free(a->users);
    ladon__authcache_destroy(&a->cache);
    ladon__probe_destroy(&a->failures);
    memset(a, 0, sizeof *a);
}

int ladon__auth_reload(ladon__auth *a)
{
    ladon__htpasswd *h, *old;
    char err[1280];
    if (a->file[0] == '\0' || !a->mu_ready)
        return 0;
    if (ladon__htpasswd_load(a->file, &h, err, sizeof err) != 0) {
        LADON_LOGE("--auth-file not reloaded, the previous users stay: %s", err);
        return -1;
    }
    pthread_mutex_lock(&a->mu);
    old = a->users;
    a->users = h;
    a->generation++; /* the cache's entries of the old file no longer hit */
    pthread_mutex_unlock(&a->mu);
    ladon__htpasswd_free(old);
    LADON_LOGI("--auth-file reloaded: %zu user(s)", ladon__htpasswd_count(h));
    return 0;
}

static void refuse(ladon__auth *a, ladon__auth_answer *ans, int status, const char *text)
{
    ans->status = status;
    ans->text = text;
    ans->user[0] = '\0';
    if (status == 401)
        snprintf(ans->headers, sizeof ans->headers, "WWW-Authenticate: Basic realm=\"%s\"\r\n",
                 a->realm);
    else if (status == 429)
        snprintf(ans->headers, sizeof ans->headers, "Retry-After: %d\r\n",
                 LADON__AUTH_FAIL_WINDOW_S);
    else if (status == 503)
        snprintf(ans->headers, sizeof ans->headers, "Retry-After: 1\r\n");
}

/* Checks Basic credentials; returns false when ans has been filled with a
 * refusal, true when the request goes on (ans->user set, or "" when the
 * request carries no credentials of ours). */
static bool check_basic(ladon__auth *a, const char *head, size_t head_len, const char *client,
                        int64_t now_ms, ladon__auth_answer *ans)
{
    char user[LADON_USER_MAX], password[LADON__BASIC_MAX_PASSWORD + 1];
    char hash[LADON__BCRYPT_LEN + 1];
    size_t plen;
    uint64_t tag[2], gen;
    const char *v;
    size_t n;
    bool known, ok;
    unsigned k = ladon__http_header(head, head_len, "Authorization", &v, &n);

    if (k == 0)
        return true;
    if (k > 1) {
        refuse(a, ans, 400, "more than one Authorization header\n");
        return false;
    }
    int rc = ladon__basic_parse(v, n, user, password, &plen);
    if (rc == 1)
        return true; /* another scheme: not credentials this server checks */
    if (rc != 0) {
        refuse(a, ans, 400, "malformed Authorization header\n");
        return false;
    }
    pthread_mutex_lock(&a->mu);
    gen = a->generation;
    pthread_mutex_unlock(&a->mu);
    ladon__authcache_tag(&a->cache, user, password, plen, tag);
    if (ladon__authcache_hit(&a->cache, tag, gen, now_ms)) {
        explicit_bzero(password, sizeof password);
        memcpy(ans->user, user, strlen(user) + 1);
        return true;
    }
    /* the attempt is counted before bcrypt runs, so that parallel
     * connections of one client get no more guesses than one would */
    if (!ladon__probe_reserve(&a->failures, client, now_ms)) {
        explicit_bzero(password, sizeof password);
        refuse(a, ans, 429, "too many failed logins: try again later\n");
        return false;
    }
    if (atomic_fetch_add(&a->verifying, 1) >= a->max_verifying) {
        atomic_fetch_sub(&a->verifying, 1);
        ladon__probe_release(&a->failures, client, now_ms);
        explicit_bzero(password, sizeof password);
        refuse(a, ans, 503, "authentication busy: try again\n");
        return false;
    }
    pthread_mutex_lock(&a->mu);
    gen = a->generation;
    known = ladon__htpasswd_find(a->users, user, hash);
    pthread_mutex_unlock(&a->mu);
    /* an unknown user's hash is the file's dummy one (htpasswd.h) */
    ok = ladon__bcrypt_verify(hash, password, plen) && known;
    atomic_fetch_sub(&a->verifying, 1);
    ladon__probe_release(&a->failures, client, now_ms);
    explicit_bzero(password, sizeof password);
    explicit_bzero(hash, sizeof hash);
    if (ok) {
        ladon__authcache_put(&a->cache, tag, gen, now_ms);
        memcpy(ans->user, user, strlen(user) + 1);
        return true;
    }
    if (ladon__probe_unknown(&a->failures, client, now_ms))
        LADON_LOGW("%s: more than %u failed logins within %d s: its logins are refused for %d s "
                   "(--auth-fail-limit)",
                   client, a->failures.limit, LADON__AUTH_FAIL_WINDOW_S, LADON__AUTH_FAIL_WINDOW_S);
    refuse(a, ans, 401, "wrong user name or password\n");
    return false;
}

void ladon__auth_identify(ladon__auth *a, const char *head, size_t head_len, bool trusted_peer,
                          bool soap, const char *client, int64_t now_ms,
                          ladon__auth_answer *ans)
{
    memset(ans, 0, sizeof *ans);
    if (trusted_peer && a->user_header[0] != '\0') {
        const char *v;
        size_t n;
        unsigned k = ladon__http_header(head, head_len, a->user_header, &v, &n);
        if (k > 1 || (k == 1 && !ladon__user_name_valid(v, n))) {
            /* the proxy is misconfigured: no identity is better than a wrong one */
            refuse(a, ans, 400, "invalid user header from the trusted proxy\n");
            return;
        }
        if (k == 1) {
            memcpy(ans->user, v, n);
            ans->user[n] = '\0';
            return;
        }
    }
    if (a->file[0] != '\0' && !check_basic(a, head, head_len, client, now_ms, ans))
        return;
    if (ans->user[0] == '\0' &&
        (a->required == LADON_AUTH_ALL || (a->required == LADON_AUTH_SOAP && soap)))
        refuse(a, ans, 401, "authentication required\n");
}
