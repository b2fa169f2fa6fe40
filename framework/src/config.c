/* config.c - command-line flags and LADON_* environment variables.
 *
 * One table lists every option: its flag, its environment variable, where
 * it is stored in ladon_config and its range.  Environment variables are
 * applied first, flags second (flags win).  Every value is checked strictly
 * (numbers: digits only, no overflow, in range); the first bad value stops
 * parsing with a one-line message naming the flag or variable.  A store
 * URL is checked by the back end its scheme names (ladon_store_check), so
 * this file knows no store's grammar.
 * docs/configuration.md documents the same table.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladon/error.h"
#include "ladon/ladon.h"
#include "ladon/server.h"
#include "ladon/store.h"
#include "errmsg.h"
#include "log.h"
#include "router.h"
#include "task/task_internal.h"

enum opt_type {
    OPT_LISTEN,
    OPT_UNSIGNED, /* unsigned field */
    OPT_SIZE,     /* size_t field, K/M/G suffixes allowed */
    OPT_COUNT,    /* size_t field, plain number */
    OPT_STORE,
    OPT_PREFIX,   /* store_prefix: 1..63 of [A-Za-z0-9:_.-] */
    OPT_PUBLIC_URL,
    OPT_PROXIES,
    OPT_PATH,
    OPT_FILE,     /* auth_file: a non-empty path, checked when the server starts */
    OPT_HEADER_NAME, /* trusted_user_header: an HTTP header name */
    OPT_REALM,    /* auth_realm: printable ASCII without " and \ */
    OPT_AUTH_REQUIRED, /* --auth-required[=none|soap|all] */
    OPT_GZIP,     /* --gzip, LADON_GZIP=1|0|... */
    OPT_NO_GZIP,  /* --no-gzip */
    OPT_LOG_LEVEL,
    OPT_HELP,
    OPT_VERSION
};

struct opt {
    const char *flag;
    const char *env;
    enum opt_type type;
    size_t offset;
    uint64_t min, max;
    const char *arg;
    const char *help;
};

#define OFF(field) offsetof(ladon_config, field)

static const struct opt opts[] = {
    {"--listen", "LADON_LISTEN", OPT_LISTEN, 0, 0, 0, "HOST:PORT",
     "address to listen on; port 0 = any free port (default 127.0.0.1:8080)"},
    {"--workers", "LADON_WORKERS", OPT_UNSIGNED, OFF(workers), 1, 1024, "N",
     "requests served at once, 1..1024 (default 4)"},
    {"--wait-threads", "LADON_WAIT_THREADS", OPT_UNSIGNED, OFF(wait_threads), 0, 1024, "N",
     "threads that serve while requests wait, 0..1024 (default 3 per worker with a shared "
     "--store, else 0)"},
    {"--task-workers", "LADON_TASK_WORKERS", OPT_UNSIGNED, OFF(task_workers), 1, 1024, "N",
     "task threads, 1..1024 (default 4)"},
    {"--task-queue", "LADON_TASK_QUEUE", OPT_UNSIGNED, OFF(task_queue), 1, 1000000, "N",
     "queued tasks before 'server busy', 1..1000000 (default 1024)"},
    {"--store", "LADON_STORE", OPT_STORE, OFF(store_url), 0, 0, "URL",
     "task store (default memory:): "}, /* + the forms of the store registry */
    {"--store-prefix", "LADON_STORE_PREFIX", OPT_PREFIX, OFF(store_prefix), 1, 63, "PREFIX",
     "key prefix in a shared task store, 1..63 of A-Z a-z 0-9 : _ . - (default ladon:)"},
    {"--store-timeout", "LADON_STORE_TIMEOUT", OPT_UNSIGNED, OFF(store_timeout_ms), 1, 60000,
     "MS", "connect and operation timeout of a shared task store, 1..60000 ms (default 1000)"},
    {"--task-lease", "LADON_TASK_LEASE", OPT_UNSIGNED, OFF(task_lease_s), 3, 3600, "SECONDS",
     "a task whose server stops renewing it is reported lost after, 3..3600 s (default 30)"},
    {"--processes", "LADON_PROCESSES", OPT_UNSIGNED, OFF(processes), 1, 64, "N",
     "server processes sharing the listening socket, 1..64 (default 1)"},
    {"--public-url", "LADON_PUBLIC_URL", OPT_PUBLIC_URL, OFF(public_url), 0, 0, "URL",
     "external base URL used in WSDL addresses (default: from the Host header)"},
    {"--trusted-proxy", "LADON_TRUSTED_PROXY", OPT_PROXIES, OFF(trusted_proxies), 0, 0,
     "ADDR[,ADDR...]", "proxies whose X-Forwarded-* headers are believed (ADDR or ADDR/BITS)"},
    {"--trusted-user-header", "LADON_TRUSTED_USER_HEADER", OPT_HEADER_NAME,
     OFF(trusted_user_header), 1, 63, "NAME",
     "header naming the authenticated user, believed from --trusted-proxy peers only "
     "(default X-Remote-User; none: no such header)"},
    {"--auth-file", "LADON_AUTH_FILE", OPT_FILE, OFF(auth_file), 1, 1023, "FILE",
     "htpasswd file (bcrypt entries, htpasswd -B) for HTTP Basic; reloaded on SIGHUP"},
    {"--auth-realm", "LADON_AUTH_REALM", OPT_REALM, OFF(auth_realm), 1, 127, "REALM",
     "realm of the 401 answers' WWW-Authenticate (default Ladon-C)"},
    {"--auth-required", "LADON_AUTH_REQUIRED", OPT_AUTH_REQUIRED, OFF(auth_required), 0, 0, NULL,
     "every SOAP call needs an identity (--auth-required=all: every request, WSDL and "
     "pages too; =none: off, the default)"},
    {"--auth-fail-limit", "LADON_AUTH_FAIL_LIMIT", OPT_UNSIGNED, OFF(auth_fail_limit), 0, 100000,
     "N", "failed logins of one client per minute before its logins are refused for a "
     "minute, 0..100000; 0 = no limit (default 10)"},
    {"--data-dir", "LADON_DATA_DIR", OPT_PATH, OFF(data_dir), 0, 0, "DIR",
     "data folder of the example services"},
    {"--max-request-size", "LADON_MAX_REQUEST_SIZE", OPT_SIZE, OFF(max_request_bytes), 1024,
     1024ull * 1024 * 1024, "BYTES", "largest request body, 1K..1G, K/M/G suffix (default 1M)"},
    {"--max-response-size", "LADON_MAX_RESPONSE_SIZE", OPT_SIZE, OFF(max_response_bytes), 1024,
     1024ull * 1024 * 1024, "BYTES",
     "largest response body before compression, 1K..1G, K/M/G suffix (default 16M)"},
    {"--max-string-length", "LADON_MAX_STRING_LENGTH", OPT_SIZE, OFF(max_string_bytes), 1,
     1024ull * 1024 * 1024, "BYTES",
     "longest string in a request, 1..1G bytes, K/M/G suffix (default 256K)"},
    {"--max-depth", "LADON_MAX_DEPTH", OPT_UNSIGNED, OFF(max_depth), 1, 10000, "N",
     "deepest XML nesting, 1..10000 (default 64)"},
    {"--max-items", "LADON_MAX_ITEMS", OPT_COUNT, OFF(max_items), 1, 100000000, "N",
     "most items of one array, 1..100000000 (default 100000)"},
    {"--recv-timeout", "LADON_RECV_TIMEOUT", OPT_UNSIGNED, OFF(recv_timeout_ms), 1, 3600000, "MS",
     "longest time to receive one request, 1..3600000 ms (default 10000)"},
    {"--send-timeout", "LADON_SEND_TIMEOUT", OPT_UNSIGNED, OFF(send_timeout_ms), 1, 3600000, "MS",
     "longest wait for the client to accept response bytes, 1..3600000 ms (default 10000)"},
    {"--idle-timeout", "LADON_IDLE_TIMEOUT", OPT_UNSIGNED, OFF(idle_timeout_ms), 1, 86400000, "MS",
     "idle keep-alive connections are closed after, 1..86400000 ms (default 60000)"},
    {"--max-connections", "LADON_MAX_CONNECTIONS", OPT_UNSIGNED, OFF(max_connections), 1, 1000000,
     "N", "open client connections at most, 1..1000000 (default 10000)"},
    {"--gzip", "LADON_GZIP", OPT_GZIP, 0, 0, 0, NULL,
     "gzip responses for clients that accept it (default; LADON_GZIP=0 disables)"},
    {"--no-gzip", NULL, OPT_NO_GZIP, 0, 0, 0, NULL, "never compress responses"},
    {"--log-level", "LADON_LOG_LEVEL", OPT_LOG_LEVEL, 0, 0, 0, "LEVEL",
     "error, warn, info (default: one line per request) or debug"},
    {"--task-ttl", "LADON_TASK_TTL", OPT_UNSIGNED, OFF(task_ttl_s), 1, 31536000, "SECONDS",
     "finished tasks are kept this long, 1..31536000 s (default 86400)"},
    {"--task-wait-max", "LADON_TASK_WAIT_MAX", OPT_UNSIGNED, OFF(task_wait_max_s), 0, 3600,
     "SECONDS", "longest m_wait (its timeout is cut to this), 0..3600 s (default 30)"},
    {"--task-probe-limit", "LADON_TASK_PROBE_LIMIT", OPT_UNSIGNED, OFF(task_probe_limit), 0,
     1000000, "N", "unknown task ids one client may ask for per --task-probe-window before "
     "its task lookups are refused, 0..1000000; 0 = no limit (default 20)"},
    {"--task-probe-window", "LADON_TASK_PROBE_WINDOW", OPT_UNSIGNED, OFF(task_probe_window_s), 1,
     3600, "SECONDS", "the window of --task-probe-limit, 1..3600 s (default 10)"},
    {"--task-probe-cooldown", "LADON_TASK_PROBE_COOLDOWN", OPT_UNSIGNED,
     OFF(task_probe_cooldown_s), 1, 86400, "SECONDS",
     "how long a client over --task-probe-limit is refused, 1..86400 s (default 60)"},
    {"--shutdown-grace", "LADON_SHUTDOWN_GRACE", OPT_UNSIGNED, OFF(shutdown_grace_ms), 0, 3600000,
     "MS", "time given to in-flight work at shutdown, 0..3600000 ms (default 10000)"},
    {"--help", NULL, OPT_HELP, 0, 0, 0, NULL, "print this help and exit"},
    {"--version", NULL, OPT_VERSION, 0, 0, 0, NULL, "print the version and exit"},
};

#define N_OPTS (sizeof opts / sizeof opts[0])

void ladon_config_init(ladon_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->listen_host, "127.0.0.1");
    cfg->listen_port = 8080;
    cfg->workers = 4;
    cfg->task_workers = 4;
    cfg->wait_threads = LADON_WAIT_THREADS_AUTO;
    cfg->task_queue = 1024;
    strcpy(cfg->store_url, "memory:");
    cfg->max_request_bytes = 1024 * 1024;
    cfg->max_response_bytes = 16 * 1024 * 1024;
    cfg->max_string_bytes = 256 * 1024;
    cfg->max_depth = 64;
    cfg->max_items = 100000;
    cfg->recv_timeout_ms = 10000;
    cfg->send_timeout_ms = 10000;
    cfg->idle_timeout_ms = 60000;
    cfg->max_connections = 10000;
    cfg->gzip = 1;
    cfg->log_level = LADON_LOG_INFO;
    cfg->task_ttl_s = 86400;
    cfg->task_wait_max_s = 30;
    cfg->task_probe_limit = 20;
    cfg->task_probe_window_s = 10;
    cfg->task_probe_cooldown_s = 60;
    strcpy(cfg->trusted_user_header, "X-Remote-User");
    strcpy(cfg->auth_realm, "Ladon-C");
    cfg->auth_required = LADON_AUTH_NONE;
    cfg->auth_fail_limit = 10;
    cfg->shutdown_grace_ms = 10000;
    strcpy(cfg->store_prefix, "ladon:");
    cfg->store_timeout_ms = 1000;
    cfg->task_lease_s = 30;
    cfg->processes = 1;
}

int ladon__parse_u64(const char *s, uint64_t min, uint64_t max, int suffixes, uint64_t *out)
{
    const char *p = s;
    uint64_t v = 0, mul = 1;

    if (s == NULL || !isdigit((unsigned char)*s))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (*p != '\0') {
        if (!suffixes || p[1] != '\0')
            return -1;
        switch (*p) {
        case 'k': case 'K': mul = 1024ull; break;
        case 'm': case 'M': mul = 1024ull * 1024; break;
        case 'g': case 'G': mul = 1024ull * 1024 * 1024; break;
        default: return -1;
        }
        if (v > UINT64_MAX / mul)
            return -1;
        v *= mul;
    }
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int ladon__gsoap_timeout(unsigned ms)
{
    if (ms % 1000 == 0)
        return (int)(ms / 1000);
    if (ms <= (unsigned)(INT_MAX / 1000))
        return -(int)(ms * 1000);
    return (int)((ms + 999) / 1000);
}

/* Every bad value is LADON_EINVAL with its reason in err. */
#define fail(err, errlen, ...) ladon__errf(err, errlen, LADON_EINVAL, __VA_ARGS__)

static bool is_host_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_' || c == ':';
}

static int set_listen(ladon_config *cfg, const char *name, const char *v, char *err,
                      size_t errlen)
{
    const char *colon, *host = v;
    size_t hlen;
    uint64_t port;

    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        if (close == NULL || close[1] != ':')
            return fail(err, errlen, "%s: invalid address '%s' (expected HOST:PORT or [IPV6]:PORT)",
                        name, v);
        host = v + 1;
        hlen = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = strrchr(v, ':');
        if (colon == NULL)
            return fail(err, errlen, "%s: invalid address '%s' (expected HOST:PORT)", name, v);
        hlen = (size_t)(colon - v);
        if (memchr(v, ':', hlen) != NULL)
            return fail(err, errlen, "%s: invalid address '%s' (write IPv6 addresses as [ADDR]:PORT)",
                        name, v);
    }
    if (hlen == 0 || hlen >= sizeof cfg->listen_host)
        return fail(err, errlen, "%s: invalid address '%s' (empty or too long host)", name, v);
    for (size_t i = 0; i < hlen; i++)
        if (!is_host_char(host[i]))
            return fail(err, errlen, "%s: invalid address '%s' (bad character in host)", name, v);
    if (ladon__parse_u64(colon + 1, 0, 65535, 0, &port) != 0)
        return fail(err, errlen, "%s: invalid port in '%s' (expected 0..65535)", name, v);
    memcpy(cfg->listen_host, host, hlen);
    cfg->listen_host[hlen] = '\0';
    cfg->listen_port = (uint16_t)port;
    return 0;
}

static int set_string(char *dst, size_t size, const char *name, const char *v, char *err,
                      size_t errlen)
{
    size_t n = strlen(v);
    if (n >= size)
        return fail(err, errlen, "%s: value too long (at most %zu bytes)", name, size - 1);
    memcpy(dst, v, n + 1);
    return 0;
}

/* ---- store URLs --------------------------------------------------------- */

/* The secret of a URL: what lies between the ':' of "//USER:SECRET@" (or
 * all of "//SECRET@") and the '@'.  *len 0 when there is none. */
static const char *url_secret(const char *url, size_t *len)
{
    const char *auth = strstr(url, "://");
    *len = 0;
    if (auth == NULL)
        return NULL;
    auth += 3;
    size_t alen = strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < auth + alen; p++)
        if (*p == '@')
            at = p;
    if (at == NULL)
        return NULL;
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    const char *sec = colon != NULL ? colon + 1 : auth;
    *len = (size_t)(at - sec);
    return *len > 0 ? sec : NULL;
}

void ladon__url_redact(const char *url, char *out, size_t outlen)
{
    size_t slen;
    const char *sec;
    if (outlen == 0)
        return;
    if (url == NULL) {
        out[0] = '\0';
        return;
    }
    sec = url_secret(url, &slen);
    if (sec == NULL)
        snprintf(out, outlen, "%s", url);
    else
        snprintf(out, outlen, "%.*s***%s", (int)(sec - url), url, sec + slen);
}

void ladon__text_redact(char *text, size_t size, const char *url)
{
    size_t slen = 0;
    const char *sec = url != NULL ? url_secret(url, &slen) : NULL;
    char *from;
    if (sec == NULL || text == NULL || size == 0)
        return;
    text[strnlen(text, size - 1)] = '\0';
    for (from = text;;) {
        char *hit = NULL;
        for (char *q = from; *q != '\0'; q++)
            if (strncmp(q, sec, slen) == 0) {
                hit = q;
                break;
            }
        if (hit == NULL)
            break;
        /* "***" instead of the secret, cutting what no longer fits */
        size_t tail = strlen(hit + slen);
        size_t room = size - 1 - (size_t)(hit - text);
        size_t stars = room < 3 ? room : 3;
        size_t keep = tail < room - stars ? tail : room - stars;
        memmove(hit + stars, hit + slen, keep);
        memcpy(hit, "***", stars);
        hit[stars + keep] = '\0';
        from = hit + stars;
    }
    /* a text filled to the last byte may have been cut inside the secret:
     * hide what of it is left at the end */
    size_t len = strlen(text);
    if (len == size - 1)
        for (size_t k = slen - 1 < len ? slen - 1 : len; k > 0; k--)
            if (memcmp(text + len - k, sec, k) == 0) {
                size_t at = len - k, stars = size - 1 - at < 3 ? size - 1 - at : 3;
                memcpy(text + at, "***", stars);
                text[at + stars] = '\0';
                break;
            }
}

/* The store URL v, as its back end checks it (the back end is found by the
 * URL's scheme in the store registry, so one added with
 * ladon_store_register() before the configuration is read is known here);
 * the message hides the URL's password. */
static int set_store(ladon_config *cfg, const char *name, const char *v, char *err,
                     size_t errlen)
{
    /* room for a back end's reason quoting the whole URL, so the password
     * in it is never cut (ladon__text_redact hides a cut one too) */
    char why[sizeof cfg->store_url + LADON__REASON_ROOM];
    if (strlen(v) >= sizeof cfg->store_url)
        return fail(err, errlen, "%s: value too long (at most %zu bytes)", name,
                    sizeof cfg->store_url - 1);
    if (ladon_store_check(v, NULL, why, sizeof why) != 0) {
        ladon__text_redact(why, sizeof why, v);
        return fail(err, errlen, "%s: %s", name, why);
    }
    return set_string(cfg->store_url, sizeof cfg->store_url, name, v, err, errlen);
}

static int set_prefix(ladon_config *cfg, const struct opt *o, const char *name, const char *v,
                      char *err, size_t errlen)
{
    size_t n = strlen(v);
    if (n < o->min || n > o->max || n >= sizeof cfg->store_prefix)
        return fail(err, errlen, "%s: invalid prefix '%s' (expected %llu..%llu bytes)", name, v,
                    (unsigned long long)o->min, (unsigned long long)o->max);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]) && strchr(":_.-", v[i]) == NULL)
            return fail(err, errlen,
                        "%s: invalid prefix '%s' (only letters, digits and : _ . - allowed)",
                        name, v);
    memcpy(cfg->store_prefix, v, n + 1);
    return 0;
}

static int set_public_url(ladon_config *cfg, const char *name, const char *v, char *err,
                          size_t errlen)
{
    size_t n = strlen(v), skip;

    if (n == 0) { /* explicitly empty: derive from the request */
        cfg->public_url[0] = '\0';
        return 0;
    }
    if (strncmp(v, "http://", 7) == 0)
        skip = 7;
    else if (strncmp(v, "https://", 8) == 0)
        skip = 8;
    else
        return fail(err, errlen, "%s: invalid URL '%s' (expected http://HOST[:PORT][/PATH])",
                    name, v);
    while (n > skip && v[n - 1] == '/')
        n--;
    if (n == skip || v[skip] == '/')
        return fail(err, errlen, "%s: invalid URL '%s' (no host)", name, v);
    for (size_t i = skip; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= 0x20 || c >= 0x7f || strchr("\"'<>\\`{}|^?#", c) != NULL)
            return fail(err, errlen,
                        "%s: invalid URL '%s' (character '%c' not allowed; no query or fragment)",
                        name, v, c > 0x20 && c < 0x7f ? c : '?');
    }
    if (n >= sizeof cfg->public_url)
        return fail(err, errlen, "%s: value too long (at most %zu bytes)", name,
                    sizeof cfg->public_url - 1);
    memcpy(cfg->public_url, v, n);
    cfg->public_url[n] = '\0';
    return 0;
}

static int set_bool_env(ladon_config *cfg, const char *name, const char *v, char *err,
                        size_t errlen)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            cfg->gzip = 1;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            cfg->gzip = 0;
            return 0;
        }
    }
    return fail(err, errlen, "%s: invalid value '%s' (expected 1 or 0)", name, v);
}

static void print_help(const char *prog)
{
    printf("Usage: %s [OPTION...]\n"
           "Serves the SOAP services of this program (Ladon-C %s).\n\n"
           "Options (each also as an environment variable; flags win):\n",
           prog ? prog : "server", LADON_VERSION_STRING);
    for (size_t i = 0; i < N_OPTS; i++) {
        char lhs[64];
        snprintf(lhs, sizeof lhs, "%s%s%s", opts[i].flag, opts[i].arg ? " " : "",
                 opts[i].arg                         ? opts[i].arg
                 : opts[i].type == OPT_AUTH_REQUIRED ? "[=soap|all|none]"
                                                     : "");
        printf("  %-32s %s", lhs, opts[i].help);
        if (opts[i].type == OPT_STORE) {
            char forms[512];
            ladon__store_forms(forms, sizeof forms);
            printf("%s", forms);
        }
        if (opts[i].env != NULL && opts[i].type != OPT_GZIP)
            printf(" [%s]", opts[i].env);
        else if (opts[i].type == OPT_GZIP)
            printf(" [LADON_GZIP=1|0]");
        printf("\n");
    }
    printf("\nSee docs/configuration.md.\n");
    fflush(stdout);
}

/* Applies one value; `name` is the flag or variable, for messages. */
static int apply(ladon_config *cfg, const struct opt *o, const char *name, const char *v,
                 bool from_env, char *err, size_t errlen)
{
    uint64_t n;
    int lvl;

    switch (o->type) {
    case OPT_LISTEN:
        return set_listen(cfg, name, v, err, errlen);
    case OPT_UNSIGNED:
    case OPT_SIZE:
    case OPT_COUNT:
        if (ladon__parse_u64(v, o->min, o->max, o->type == OPT_SIZE, &n) != 0)
            return fail(err, errlen, "%s: invalid value '%s' (expected %s %llu..%llu%s)", name, v,
                        o->type == OPT_SIZE ? "a size" : "an integer",
                        (unsigned long long)o->min, (unsigned long long)o->max,
                        o->type == OPT_SIZE ? ", optional K/M/G suffix" : "");
        if (o->type == OPT_UNSIGNED)
            *(unsigned *)(void *)((char *)cfg + o->offset) = (unsigned)n;
        else
            *(size_t *)(void *)((char *)cfg + o->offset) = (size_t)n;
        return 0;
    case OPT_STORE:
        return set_store(cfg, name, v, err, errlen);
    case OPT_PREFIX:
        return set_prefix(cfg, o, name, v, err, errlen);
    case OPT_PUBLIC_URL:
        return set_public_url(cfg, name, v, err, errlen);
    case OPT_PROXIES: {
        ladon__proxies p;
        char perr[256];
        if (ladon__proxies_parse(&p, v, perr, sizeof perr) != 0)
            return fail(err, errlen, "%s: %s", name, perr);
        return set_string(cfg->trusted_proxies, sizeof cfg->trusted_proxies, name, v, err,
                          errlen);
    }
    case OPT_PATH:
        if (v[0] == '\0')
            return fail(err, errlen, "%s: empty path", name);
        return set_string(cfg->data_dir, sizeof cfg->data_dir, name, v, err, errlen);
    case OPT_FILE:
    case OPT_HEADER_NAME:
    case OPT_REALM: {
        size_t n = strlen(v);
        if (o->type == OPT_HEADER_NAME && strcmp(v, "none") == 0) {
            /* no user header at all: identities from --auth-file only */
            *((char *)cfg + o->offset) = '\0';
            return 0;
        }
        if (n < o->min || n > o->max)
            return fail(err, errlen, "%s: invalid value '%s' (expected %llu..%llu bytes)", name,
                        v, (unsigned long long)o->min, (unsigned long long)o->max);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)v[i];
            bool ok = o->type == OPT_HEADER_NAME ? (isalnum(c) || strchr("!#$%&'*+-.^_`|~", c))
                      : o->type == OPT_REALM     ? (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
                                                 : c >= 0x20 && c != 0x7f;
            if (!ok)
                return fail(err, errlen, "%s: invalid value '%s' (%s)", name, v,
                            o->type == OPT_HEADER_NAME
                                ? "not an HTTP header name"
                                : o->type == OPT_REALM ? "printable ASCII without \" or \\ expected"
                                                       : "control character in path");
        }
        memcpy((char *)cfg + o->offset, v, n + 1);
        return 0;
    }
    case OPT_AUTH_REQUIRED:
        if (v == NULL || strcmp(v, "soap") == 0 || (from_env && strcmp(v, "1") == 0))
            cfg->auth_required = LADON_AUTH_SOAP;
        else if (strcmp(v, "all") == 0)
            cfg->auth_required = LADON_AUTH_ALL;
        else if (strcmp(v, "none") == 0 || (from_env && strcmp(v, "0") == 0))
            cfg->auth_required = LADON_AUTH_NONE;
        else
            return fail(err, errlen, "%s: invalid value '%s' (expected none, soap or all)", name,
                        v);
        return 0;
    case OPT_GZIP:
        if (from_env)
            return set_bool_env(cfg, name, v, err, errlen);
        cfg->gzip = 1;
        return 0;
    case OPT_NO_GZIP:
        cfg->gzip = 0;
        return 0;
    case OPT_LOG_LEVEL:
        lvl = ladon__log_level_parse(v);
        if (lvl < 0)
            return fail(err, errlen, "%s: invalid value '%s' (expected error, warn, info or debug)",
                        name, v);
        cfg->log_level = lvl;
        return 0;
    case OPT_HELP:
    case OPT_VERSION:
        break;
    }
    return 0;
}

static bool takes_value(const struct opt *o)
{
    return o->arg != NULL;
}

int ladon_config_parse(ladon_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    int rc;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (cfg == NULL || argc < 0 || (argc > 0 && argv == NULL))
        return fail(err, errlen, "invalid arguments");

    for (size_t i = 0; i < N_OPTS; i++) {
        const char *v;
        if (opts[i].env == NULL || (v = getenv(opts[i].env)) == NULL)
            continue;
        rc = apply(cfg, &opts[i], opts[i].env, v, true, err, errlen);
        if (rc != 0)
            return rc;
    }

    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a], *eq, *value = NULL;
        const struct opt *o = NULL;
        size_t nlen;

        if (arg == NULL)
            break;
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
            return fail(err, errlen, "unexpected argument '%s' (see --help)", arg);
        eq = strchr(arg, '=');
        nlen = eq ? (size_t)(eq - arg) : strlen(arg);
        for (size_t i = 0; i < N_OPTS; i++)
            if (strlen(opts[i].flag) == nlen && strncmp(opts[i].flag, arg, nlen) == 0)
                o = &opts[i];
        if (o == NULL)
            return fail(err, errlen, "unknown option '%.*s' (see --help)", (int)nlen, arg);
        if (takes_value(o)) {
            if (eq != NULL) {
                value = eq + 1;
            } else if (a + 1 < argc && argv[a + 1] != NULL) {
                value = argv[++a];
            } else {
                return fail(err, errlen, "%s: missing value (%s %s)", o->flag, o->flag, o->arg);
            }
        } else if (eq != NULL && o->type == OPT_AUTH_REQUIRED) {
            value = eq + 1; /* the one flag with an optional value */
        } else if (eq != NULL) {
            return fail(err, errlen, "%s takes no value", o->flag);
        }
        if (o->type == OPT_HELP) {
            print_help(argc > 0 ? argv[0] : NULL);
            return 1;
        }
        if (o->type == OPT_VERSION) {
            printf("Ladon-C %s (gSOAP runtime)\n", LADON_VERSION_STRING);
            fflush(stdout);
            return 1;
        }
        rc = apply(cfg, o, o->flag, value, false, err, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}
