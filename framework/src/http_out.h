/* http_out.h - writing HTTP/1.1 responses the runtime produces itself
 * (internal), beside the request parser (http.h).
 *
 * gSOAP writes the head of every SOAP response (dispatch.c hooks it); every
 * other answer - WSDL and index pages, HTTP errors, 100 Continue, 408 - is
 * written here, so that the status line, the Server header and the framing
 * have one definition.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_HTTP_OUT_H
#define LADON_SRC_HTTP_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The Server header of every response: one product name, no version. */
#define LADON_SERVER_NAME "Ladon-C"

/* Sends all of buf on the non-blocking socket fd before deadline_ms
 * (ladon__now_ms clock), waiting with poll() when the socket is full;
 * 0, or -1 (peer gone, timeout). */
int ladon__send_all(int fd, const char *buf, size_t len, int64_t deadline_ms);

/* One complete response: status line, Server, Content-Type, Content-Length,
 * `extra` (whole header lines, "" or NULL for none), Connection: keep-alive
 * or close, then the body (not for a HEAD request: head_only).  0 or -1. */
int ladon__http_respond(int fd, int64_t deadline_ms, int status, const char *ctype,
                        const char *extra, const char *body, size_t blen, bool head_only,
                        bool keep);

/* The text/plain body of an HTTP error the runtime answers before a
 * request reaches a service (411, 413, 414, 431, 501, 505, else 400). */
const char *ladon__http_error_text(int status);

/* "100 Continue", best effort and without blocking; 0 or -1. */
int ladon__http_send_continue(int fd);

/* "408 Request Timeout" and Connection: close, best effort and without
 * blocking; 0 or -1. */
int ladon__http_send_timeout(int fd);

#endif
