/* http.c - ladon-call's HTTP client on libcurl (see http.h).
 *
 * Why libcurl: it is the well-kept, ubiquitous HTTP client (timeouts, keep-alive, TLS,
 * proxies from the usual environment variables, gzip), where gSOAP's own client would need
 * stubs generated for each WSDL.  One easy handle is reused, so consecutive requests to the
 * same server (a task's start, waits and result) share a connection.  CURLOPT_NOSIGNAL: the
 * timeouts never use signals, so SIGINT stays ours.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "http.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "xmlsafe.h"

struct lc_http {
    CURL *curl;
    long timeout_ms, connect_timeout_ms, current_timeout_ms;
    int verbose;
    volatile sig_atomic_t *interrupt;
    int too_big, nomem;
    bool has_user, sent_user;
    char *user, *password;   /* malloc'ed copies (--user), or NULL */
    char *origins[2];        /* "scheme://host:port" the credentials go to */
    size_t n_origins;
    char errbuf[CURL_ERROR_SIZE];
};

/* "scheme://host:port" of url (lower case, default port filled in), malloc'ed; NULL when
 * url has no host (a file name) or on error. */
static char *origin_of(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
    if (u == NULL)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        size_t n = strlen(scheme) + strlen(host) + strlen(port) + sizeof "://:";
        if ((out = malloc(n)) != NULL) {
            snprintf(out, n, "%s://%s:%s", scheme, host, port);
            for (char *q = out; *q != '\0'; q++)
                if (*q >= 'A' && *q <= 'Z')
                    *q = (char)(*q - 'A' + 'a');
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return out;
}

/* Sets or clears the credentials for a request to url. */
static int credentials_for(lc_http *h, const char *url)
{
    bool send = false;
    if (h->has_user) {
        char *o = origin_of(url);
        for (size_t i = 0; o != NULL && i < h->n_origins; i++)
            send = send || strcmp(o, h->origins[i]) == 0;
        free(o);
    }
    if (curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) != CURLE_OK ||
        curl_easy_setopt(h->curl, CURLOPT_USERNAME, send ? h->user : NULL) != CURLE_OK ||
        curl_easy_setopt(h->curl, CURLOPT_PASSWORD, send ? h->password : NULL) != CURLE_OK)
        return -1;
    h->sent_user = send;
    return 0;
}

void lc_buf_free(lc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
    lc_http *h = ((void **)user)[0];
    lc_buf *b = ((void **)user)[1];
    size_t n = size * nmemb;
    if (n > LC_MAX_DOCUMENT - b->len) {
        h->too_big = 1;
        return 0;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (d == NULL) {
            h->nomem = 1;
            return 0;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static int on_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    lc_http *h = user;
    return h->interrupt != NULL && *h->interrupt ? 1 : 0;
}

static void show_body(const char *data, size_t len)
{
    fwrite(data, 1, len, stderr);
    if (len > 0 && data[len - 1] != '\n')
        fputc('\n', stderr);
}

static int on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *user)
{
    (void)c, (void)user;
    /* the request as sent; the response's headers (its body is printed whole and decoded
     * once received, by perform) */
    if (type == CURLINFO_DATA_OUT) {
        show_body(data, size);
        return 0;
    }
    if (type == CURLINFO_HEADER_OUT) { /* one block of lines */
        const char *p = data, *end = data + size;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
            if (n > 0 && p[n - 1] == '\r')
                n--;
            /* never the credentials: Basic is base64 of "user:password" */
            if (n >= 14 && strncasecmp(p, "Authorization:", 14) == 0)
                fputs("> Authorization: (hidden)\n", stderr);
            else if (n > 0)
                fprintf(stderr, "> %.*s\n", (int)n, p);
            p = nl != NULL ? nl + 1 : end;
        }
        return 0;
    }
    if (type == CURLINFO_HEADER_IN) {
        size_t n = size;
        while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
            n--;
        if (n > 0)
            fprintf(stderr, "< %.*s\n", (int)n, data);
    }
    return 0;
}


static void forget_credentials(lc_http *h)
{
    if (h->password != NULL)
        explicit_bzero(h->password, strlen(h->password));
    free(h->user);
    free(h->password);
    for (size_t i = 0; i < h->n_origins; i++)
        free(h->origins[i]);
    h->user = h->password = NULL;
    h->n_origins = 0;
    h->has_user = false;
}

lc_http *lc_http_new(long timeout_ms, long connect_timeout_ms, int verbose, lc_err *err)
{
    lc_http *h = calloc(1, sizeof *h);
    if (h == NULL) {
        lc_err_nomem(err);
        return NULL;
    }
    if ((h->curl = curl_easy_init()) == NULL) {
        free(h);
        lc_err_set(err, LC_EXIT_TRANSPORT, "cannot set up libcurl");
        return NULL;
    }
    h->timeout_ms = h->current_timeout_ms = timeout_ms;
    h->connect_timeout_ms = connect_timeout_ms;
    h->verbose = verbose;
    return h;
}

void lc_http_free(lc_http *h)
{
    if (h == NULL)
        return;
    curl_easy_cleanup(h->curl);
    forget_credentials(h);
    free(h);
}

int lc_http_set_basic_auth(lc_http *h, const char *user, const char *password,
                           const char *const *origins, size_t n, lc_err *err)
{
    forget_credentials(h);
    if ((h->user = strdup(user)) == NULL || (h->password = strdup(password)) == NULL) {
        forget_credentials(h);
        return lc_err_nomem(err);
    }
    for (size_t i = 0; i < n && h->n_origins < sizeof h->origins / sizeof h->origins[0]; i++) {
        char *o = origins[i] != NULL ? origin_of(origins[i]) : NULL;
        if (o != NULL)
            h->origins[h->n_origins++] = o;
    }
    h->has_user = true;
    return 0;
}

void lc_http_set_interrupt(lc_http *h, volatile sig_atomic_t *flag)
{
    h->interrupt = flag;
}

void lc_http_set_timeout(lc_http *h, long timeout_ms)
{
    h->current_timeout_ms = timeout_ms > 0 ? timeout_ms : h->timeout_ms;
}

long lc_http_timeout(const lc_http *h)
{
    return h->timeout_ms;
}

/* show: print the response body when verbose (SOAP responses; a WSDL or index page is only
 * counted) */
static int perform(lc_http *h, const char *url, bool show, lc_buf *out, long *status,
                   lc_err *err)
{
    CURL *c = h->curl;
    void *user[2] = {h, out};
    h->too_big = h->nomem = 0;
    h->errbuf[0] = '\0';
    *status = 0;
    if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->current_timeout_ms) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_WRITEDATA, (void *)user) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)h) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_USERAGENT, "ladon-call/" LC_VERSION) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_VERBOSE, h->verbose ? 1L : 0L) != CURLE_OK ||
        credentials_for(h, url) != 0)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "%s: libcurl does not take the options",
                          url);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return lc_err_set(err, LC_EXIT_INTERRUPTED, "%s: interrupted", url);
    if (rc == CURLE_WRITE_ERROR && h->nomem)
        return lc_err_nomem(err);
    if (rc == CURLE_WRITE_ERROR && h->too_big)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "%s: the response is larger than %zu MiB",
                          url, LC_MAX_DOCUMENT >> 20);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "%s: timed out (%s)", url,
                          h->errbuf[0] != '\0' ? h->errbuf : curl_easy_strerror(rc));
    if (rc != CURLE_OK)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "%s: %s", url,
                          h->errbuf[0] != '\0' ? h->errbuf : curl_easy_strerror(rc));
    if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status) != CURLE_OK)
        *status = 0;
    if (*status == 401)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "%s: HTTP 401: %s", url,
                          h->sent_user ? "the server refused the user name or password"
                          : h->has_user ? "the server needs a user name and password, and --user "
                                          "goes only to the URL given and --endpoint"
                                        : "the server needs a user name and password (--user)");
    if (out->data == NULL) { /* an empty body: still a string */
        if ((out->data = malloc(1)) == NULL)
            return lc_err_nomem(err);
        out->data[0] = '\0';
        out->cap = 1;
    }
    if (h->verbose && show)
        show_body(out->data, out->len);
    else if (h->verbose)
        fprintf(stderr, "< (%zu bytes of body)\n", out->len);
    return 0;
}

int lc_http_get(lc_http *h, const char *url, lc_buf *out, long *status, lc_err *err)
{
    CURL *c = h->curl;
    if (curl_easy_setopt(c, CURLOPT_HTTPGET, 1L) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L) != CURLE_OK)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "%s: libcurl does not take the options",
                          url);
    return perform(h, url, false, out, status, err);
}

int lc_http_post(lc_http *h, const char *url, const char *action, const char *body, size_t len,
                 lc_buf *out, long *status, lc_err *err)
{
    CURL *c = h->curl;
    struct curl_slist *hdrs = NULL, *next;
    size_t alen = strlen(action) + sizeof "SOAPAction: \"\"";
    char *act = malloc(alen);
    if (act == NULL)
        return lc_err_nomem(err);
    snprintf(act, alen, "SOAPAction: \"%s\"", action);
    const char *lines[] = {"Content-Type: text/xml; charset=utf-8", act, "Expect:"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if ((next = curl_slist_append(hdrs, lines[i])) == NULL) {
            curl_slist_free_all(hdrs);
            free(act);
            return lc_err_nomem(err);
        }
        hdrs = next;
    }
    free(act);
    int rc;
    if (curl_easy_setopt(c, CURLOPT_POST, 1L) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK)
        rc = lc_err_set(err, LC_EXIT_TRANSPORT, "%s: libcurl does not take the options", url);
    else
        rc = perform(h, url, true, out, status, err);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    return rc;
}
