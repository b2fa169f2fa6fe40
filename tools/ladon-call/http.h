/* http.h - ladon-call's HTTP client, on libcurl: GET for WSDLs and index pages, POST for SOAP
 * requests, over one kept-alive connection.  Every transfer is bounded in time (--timeout for
 * the whole request, --connect-timeout for the connection) and in size (LC_MAX_DOCUMENT);
 * every failure is a transport error (exit status 3).  A transfer can be interrupted by a
 * flag set from a signal handler (Ctrl-C while a task is followed).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_HTTP_H
#define LC_HTTP_H

#include <signal.h>
#include <stddef.h>

#include "err.h"

typedef struct lc_http lc_http;

typedef struct lc_buf {
    char *data; /* NUL-terminated (not counted in len); malloc'ed */
    size_t len, cap;
} lc_buf;

void lc_buf_free(lc_buf *b);

/* A client with these limits in milliseconds, or NULL with err set.  verbose: print each
 * request's and response's headers to stderr, and the bodies of POSTs and their responses
 * (the SOAP messages; a GET's body is only counted). */
lc_http *lc_http_new(long timeout_ms, long connect_timeout_ms, int verbose, lc_err *err);
void lc_http_free(lc_http *h);
/* While *flag is non-zero a transfer stops (LC_EXIT_INTERRUPTED); NULL: never. */
void lc_http_set_interrupt(lc_http *h, volatile sig_atomic_t *flag);
/* Sends HTTP Basic credentials with the requests to the origins (scheme, host, port) of
 * the URLs in origins[0..n) (NULL entries and URLs without a host, such as a file name, are
 * skipped): the URL and --endpoint the user gave, never a host a WSDL or a redirect names.
 * Copies everything; 0, or -1 with err set.  With credentials set, -v shows the
 * Authorization header as "(hidden)". */
int lc_http_set_basic_auth(lc_http *h, const char *user, const char *password,
                           const char *const *origins, size_t n, lc_err *err);
/* For the next transfers: a whole-request limit of timeout_ms (0: the client's own). */
void lc_http_set_timeout(lc_http *h, long timeout_ms);
long lc_http_timeout(const lc_http *h);

/* GET url (following up to 5 redirects); the body in *out (freed by the caller with
 * lc_buf_free, also after an error) and the HTTP status in *status.  0, or -1 with err set
 * (an HTTP error status is not an error here). */
int lc_http_get(lc_http *h, const char *url, lc_buf *out, long *status, lc_err *err);
/* POSTs body as `text/xml; charset=utf-8` with the SOAPAction header action. */
int lc_http_post(lc_http *h, const char *url, const char *action, const char *body, size_t len,
                 lc_buf *out, long *status, lc_err *err);

#endif
