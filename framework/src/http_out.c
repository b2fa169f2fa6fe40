/* http_out.c - the HTTP responses the runtime writes itself (http_out.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "http_out.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "http.h"
#include "log.h"

int ladon__send_all(int fd, const char *buf, size_t len, int64_t deadline_ms)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int64_t left = deadline_ms - ladon__now_ms();
            int r;
            if (left <= 0)
                return -1;
            r = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
            if (r < 0 && errno != EINTR) {
                ladon__log_errno(errno, "poll");
                return -1;
            }
            continue;
        }
        return -1; /* peer gone: not worth an error line */
    }
    return 0;
}

int ladon__http_respond(int fd, int64_t deadline_ms, int status, const char *ctype,
                        const char *extra, const char *body, size_t blen, bool head_only,
                        bool keep)
{
    char hdr[512];
    char *msg;
    size_t hlen, total;
    int n, rc;

    n = snprintf(hdr, sizeof hdr,
                 "HTTP/1.1 %d %s\r\nServer: " LADON_SERVER_NAME "\r\nContent-Type: %s\r\n"
                 "Content-Length: %zu\r\n%sConnection: %s\r\n\r\n",
                 status, ladon__http_reason(status), ctype, blen, extra ? extra : "",
                 keep ? "keep-alive" : "close");
    if (n < 0 || (size_t)n >= sizeof hdr)
        return -1;
    hlen = (size_t)n;
    if (head_only || blen == 0)
        return ladon__send_all(fd, hdr, hlen, deadline_ms);
    /* one write for head and body (one segment for a small page) */
    total = hlen + blen;
    msg = malloc(total);
    if (msg == NULL) {
        LADON_LOGE("out of memory (response of %zu bytes)", total);
        return -1;
    }
    memcpy(msg, hdr, hlen);
    memcpy(msg + hlen, body, blen);
    rc = ladon__send_all(fd, msg, total, deadline_ms);
    free(msg);
    return rc;
}

const char *ladon__http_error_text(int status)
{
    switch (status) {
    case 411: return "Content-Length required\n";
    case 413: return "request too large (--max-request-size)\n";
    case 414: return "request path too long\n";
    case 431: return "request head too large\n";
    case 501: return "transfer encoding not supported\n";
    case 505: return "HTTP version not supported\n";
    default: return "bad request\n";
    }
}

static int send_now(int fd, const char *s, size_t n)
{
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    return w == (ssize_t)n ? 0 : -1;
}

int ladon__http_send_continue(int fd)
{
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    return send_now(fd, cont, sizeof cont - 1); /* 25 bytes fit in any socket buffer */
}

int ladon__http_send_timeout(int fd)
{
    static const char resp[] = "HTTP/1.1 408 Request Timeout\r\nServer: " LADON_SERVER_NAME
                               "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    return send_now(fd, resp, sizeof resp - 1);
}
