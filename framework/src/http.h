/* http.h - incremental parser of HTTP/1.x request heads (internal).
 *
 * The event loop (conn.c) collects a request's head (and its body when the
 * length is known) before it is served; this parser tells it whether the bytes
 * buffered so far hold a complete head and what the head says.  It copies
 * what the runtime needs (method, path, Host, X-Forwarded-*, lengths) so the
 * buffer may move afterwards.  Repeated X-Forwarded-* header lines are joined
 * into one comma-separated list, in order (RFC 9110 5.3).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_HTTP_H
#define LADON_SRC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LADON_HTTP_MAX_HEAD 32768 /* request line + headers */

typedef struct ladon__http_req {
    char method[16];
    char path[1024];        /* target without the query */
    char query[256];        /* after '?', "" when none (truncated if longer) */
    int minor;              /* HTTP/1.<minor> */
    char host[256];         /* Host, "" when absent */
    char xf_host[256];      /* X-Forwarded-Host */
    char xf_proto[64];      /* X-Forwarded-Proto */
    char xf_prefix[256];    /* X-Forwarded-Prefix */
    char xf_for[512];       /* X-Forwarded-For */
    bool xf_for_too_long;   /* X-Forwarded-For did not fit: not used */
    bool host_too_long;     /* Host did not fit: treat as invalid */
    bool xf_too_long;       /* X-Forwarded-Host/-Proto/-Prefix did not fit: invalid
                               when believed (trusted peer), else ignored */
    bool accept_gzip;       /* Accept-Encoding allows gzip */
    bool keep_alive;        /* the connection may serve another request */
    bool chunked;           /* Transfer-Encoding: chunked */
    char content_type[128]; /* Content-Type, "" when absent (truncated if longer) */
    char content_encoding[32]; /* Content-Encoding other than identity, "" when none
                               (truncated if longer: then not one the runtime knows) */
    char idempotency_key[258]; /* Idempotency-Key as sent, "" when absent */
    bool idempotency_key_bad;  /* too long, or given twice */
    bool expect_continue;   /* Expect: 100-continue */
    size_t expect_offset;   /* offset of the Expect header name in the head */
    int64_t content_length; /* -1 when absent */
    size_t skip;            /* blank lines before the request line */
    size_t head_len;        /* bytes of the head incl. the blank line and skip */
} ladon__http_req;

/* Parses buf[0..len).  Returns 0 when more bytes are needed, a positive
 * head length when the head is complete (req filled in), or a negative HTTP
 * status (-400, -414, -431, -501, -505) for a request that must be
 * answered with that status and closed. */
int ladon__http_parse_head(const char *buf, size_t len, ladon__http_req *req);

/* Finds the end of a chunked body p[0..n) (chunks, last chunk, trailers,
 * final CRLF).  Returns 1 with *end = its length, 0 when more bytes are
 * needed, -400 when malformed, -413 when the data exceeds max_body. */
int ladon__http_chunked_end(const char *p, size_t n, uint64_t max_body, size_t *end);

/* Finds header `name` (case-insensitive) in a head that
 * ladon__http_parse_head accepted: head[0..head_len).  Returns how many
 * lines carry it (0: absent); for the first, *val and *vlen give its value
 * without surrounding blanks (pointing into head).  For headers the parser
 * does not copy because their name is configured (--trusted-user-header) or
 * because they hold secrets (Authorization stays in the connection buffer,
 * never in a copy). */
unsigned ladon__http_header(const char *head, size_t head_len, const char *name,
                            const char **val, size_t *vlen);

/* Reason phrase of an HTTP status ("Not Found"). */
const char *ladon__http_reason(int status);

#endif
