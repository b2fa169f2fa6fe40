/* http.c - HTTP/1.x request head parser (see http.h).
 *
 * Strict where laxness invites request smuggling (both Content-Length and
 * Transfer-Encoding, differing duplicate Content-Length, obsolete line
 * folding are rejected), lenient where clients differ (bare LF line ends,
 * blank lines before the request line).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "http.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const char *ladon__http_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

static void copy_value(char *dst, size_t size, const char *v, size_t n, bool *too_long)
{
    if (n >= size) {
        *too_long = true;
        n = size - 1;
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
}

/* Appends v[0..n) to the comma-separated list in dst (a repeated header
 * line continues the list). */
static void append_value(char *dst, size_t size, const char *v, size_t n, bool *too_long)
{
    size_t have = strlen(dst);
    if (have > 0) {
        if (have + 2 >= size) {
            *too_long = true;
            return;
        }
        memcpy(dst + have, ", ", 2);
        have += 2;
    }
    copy_value(dst + have, size - have, v, n, too_long);
}

static bool name_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* Does the comma-separated list v[0..n) contain token `tok` (case-insensitive,
 * parameters after ';' ignored) without q=0? */
static bool has_token(const char *v, size_t n, const char *tok, bool check_q)
{
    size_t i = 0, tl = strlen(tok);
    while (i < n) {
        size_t start, end, item_end;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        start = i;
        while (i < n && v[i] != ',' && v[i] != ';' && v[i] != ' ' && v[i] != '\t')
            i++;
        end = i;
        item_end = i;
        while (item_end < n && v[item_end] != ',')
            item_end++;
        if (end - start == tl && strncasecmp(v + start, tok, tl) == 0) {
            bool q0 = false;
            if (check_q) {
                for (size_t j = end; j + 1 < item_end; j++) {
                    if ((v[j] == 'q' || v[j] == 'Q') && v[j + 1] == '=') {
                        size_t k = j + 2;
                        q0 = true;
                        for (; k < item_end && v[k] != ' '; k++)
                            if (v[k] >= '1' && v[k] <= '9')
                                q0 = false;
                        break;
                    }
                }
            }
            if (!q0)
                return true;
        }
        i = item_end;
    }
    return false;
}

int ladon__http_chunked_end(const char *p, size_t n, uint64_t max_body, size_t *end)
{
    size_t i = 0;
    uint64_t total = 0;

    for (;;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t line_end, k = i;
        uint64_t size = 0;

        if (nl == NULL)
            return n - i > 1024 ? -400 : 0;
        line_end = (size_t)(nl - p);
        if (!isxdigit((unsigned char)p[k]))
            return -400;
        for (; k < line_end && isxdigit((unsigned char)p[k]); k++) {
            int d = isdigit((unsigned char)p[k]) ? p[k] - '0' : (tolower((unsigned char)p[k]) - 'a' + 10);
            size = size * 16 + (uint64_t)d;
            if (size > max_body)
                return -413;
        }
        /* chunk extensions (";name=value") and blanks are ignored */
        if (k < line_end && p[k] != ';' && p[k] != ' ' && p[k] != '\t' && p[k] != '\r')
            return -400;
        i = line_end + 1;
        if (size == 0) {
            for (;;) { /* trailers up to an empty line */
                const char *t = memchr(p + i, '\n', n - i);
                if (t == NULL)
                    return n - i > 8192 ? -400 : 0;
                if ((size_t)(t - p) == i || ((size_t)(t - p) == i + 1 && p[i] == '\r')) {
                    *end = (size_t)(t - p) + 1;
                    return 1;
                }
                i = (size_t)(t - p) + 1;
            }
        }
        total += size;
        if (total > max_body)
            return -413;
        if (n - i < size + 1)
            return 0;
        if (p[i + size] == '\n') {
            i += size + 1;
        } else if (p[i + size] == '\r') {
            if (n - i < size + 2)
                return 0;
            if (p[i + size + 1] != '\n')
                return -400;
            i += size + 2;
        } else {
            return -400;
        }
    }
}

static bool is_tchar(char c)
{
    return isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int ladon__http_parse_head(const char *buf, size_t len, ladon__http_req *req)
{
    size_t pos = 0, line_start, line_end, next;
    bool first = true, have_cl = false, have_te = false, conn_close = false,
         conn_keep = false;
    int64_t cl = -1;

    memset(req, 0, sizeof *req);
    req->content_length = -1;

    /* Blank lines before the request line are ignored (RFC 9112 2.2). */
    while (pos < len && (buf[pos] == '\r' || buf[pos] == '\n'))
        pos++;
    req->skip = pos;
    if (pos > 1024)
        return -400;

    for (;;) {
        const char *nl;
        line_start = pos;
        nl = memchr(buf + pos, '\n', len - pos);
        if (nl == NULL)
            return len - req->skip > LADON_HTTP_MAX_HEAD ? -431 : 0;
        next = (size_t)(nl - buf) + 1;
        line_end = (size_t)(nl - buf);
        if (line_end > line_start && buf[line_end - 1] == '\r')
            line_end--;
        if (next - req->skip > LADON_HTTP_MAX_HEAD)
            return -431;
        pos = next;
        for (size_t i = line_start; i < line_end; i++)
            if (buf[i] == '\0' || buf[i] == '\r')
                return -400;

        if (first) {
            const char *l = buf + line_start, *sp1, *sp2, *q;
            size_t n = line_end - line_start, mlen, tlen;
            first = false;
            sp1 = memchr(l, ' ', n);
            if (sp1 == NULL)
                return -400;
            mlen = (size_t)(sp1 - l);
            if (mlen == 0 || mlen >= sizeof req->method)
                return mlen == 0 ? -400 : -501;
            for (size_t i = 0; i < mlen; i++)
                if (!is_tchar(l[i]))
                    return -400;
            memcpy(req->method, l, mlen);
            req->method[mlen] = '\0';
            sp2 = memchr(sp1 + 1, ' ', n - mlen - 1);
            if (sp2 == NULL)
                return -400;
            tlen = (size_t)(sp2 - (sp1 + 1));
            if (tlen == 0 || sp1[1] != '/')
                return -400;
            if ((size_t)(l + n - (sp2 + 1)) != 8 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
                return (size_t)(l + n - (sp2 + 1)) >= 5 && strncmp(sp2 + 1, "HTTP/", 5) == 0
                           ? -505
                           : -400;
            if (sp2[8] != '0' && sp2[8] != '1')
                return -505;
            req->minor = sp2[8] - '0';
            for (size_t i = 0; i < tlen; i++)
                if ((unsigned char)sp1[1 + i] <= 0x20 || (unsigned char)sp1[1 + i] >= 0x7f)
                    return -400;
            q = memchr(sp1 + 1, '?', tlen);
            {
                size_t plen = q ? (size_t)(q - (sp1 + 1)) : tlen;
                if (plen >= sizeof req->path)
                    return -414;
                memcpy(req->path, sp1 + 1, plen);
                req->path[plen] = '\0';
                if (q != NULL) {
                    size_t qlen = tlen - plen - 1;
                    bool dummy = false;
                    copy_value(req->query, sizeof req->query, q + 1, qlen, &dummy);
                }
            }
            continue;
        }

        if (line_end == line_start)
            break; /* end of the head */
        if (buf[line_start] == ' ' || buf[line_start] == '\t')
            return -400; /* obsolete line folding */
        {
            const char *l = buf + line_start, *colon, *v;
            size_t n = line_end - line_start, nlen, vlen;
            colon = memchr(l, ':', n);
            if (colon == NULL || colon == l)
                return -400;
            nlen = (size_t)(colon - l);
            for (size_t i = 0; i < nlen; i++)
                if (!is_tchar(l[i]))
                    return -400;
            v = colon + 1;
            vlen = n - nlen - 1;
            while (vlen > 0 && (*v == ' ' || *v == '\t'))
                v++, vlen--;
            while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;

            if (name_is(l, nlen, "Content-Length")) {
                int64_t x = 0;
                if (vlen == 0 || vlen > 15)
                    return -400;
                for (size_t i = 0; i < vlen; i++) {
                    if (!isdigit((unsigned char)v[i]))
                        return -400;
                    x = x * 10 + (v[i] - '0');
                }
                if (have_cl && x != cl)
                    return -400;
                have_cl = true;
                cl = x;
            } else if (name_is(l, nlen, "Transfer-Encoding")) {
                /* only "chunked" (possibly after identity) is supported */
                if (!has_token(v, vlen, "chunked", false))
                    return -501;
                have_te = true;
            } else if (name_is(l, nlen, "Host")) {
                if (req->host[0] != '\0')
                    return -400; /* two Host headers */
                if (vlen == 0)
                    return -400;
                copy_value(req->host, sizeof req->host, v, vlen, &req->host_too_long);
            } else if (name_is(l, nlen, "X-Forwarded-Host")) {
                append_value(req->xf_host, sizeof req->xf_host, v, vlen, &req->xf_too_long);
            } else if (name_is(l, nlen, "X-Forwarded-Proto")) {
                append_value(req->xf_proto, sizeof req->xf_proto, v, vlen, &req->xf_too_long);
            } else if (name_is(l, nlen, "X-Forwarded-Prefix")) {
                append_value(req->xf_prefix, sizeof req->xf_prefix, v, vlen, &req->xf_too_long);
            } else if (name_is(l, nlen, "X-Forwarded-For")) {
                append_value(req->xf_for, sizeof req->xf_for, v, vlen, &req->xf_for_too_long);
            } else if (name_is(l, nlen, "Accept-Encoding")) {
                if (has_token(v, vlen, "gzip", true) || has_token(v, vlen, "x-gzip", true))
                    req->accept_gzip = true;
            } else if (name_is(l, nlen, "Connection")) {
                if (has_token(v, vlen, "close", false))
                    conn_close = true;
                if (has_token(v, vlen, "keep-alive", false))
                    conn_keep = true;
            } else if (name_is(l, nlen, "Content-Encoding")) {
                bool dummy = false;
                if (!(vlen == 8 && strncasecmp(v, "identity", 8) == 0) && vlen > 0)
                    append_value(req->content_encoding, sizeof req->content_encoding, v, vlen,
                                 &dummy);
            } else if (name_is(l, nlen, "Content-Type")) {
                bool dummy = false;
                copy_value(req->content_type, sizeof req->content_type, v, vlen, &dummy);
            } else if (name_is(l, nlen, "Idempotency-Key")) {
                if (req->idempotency_key[0] != '\0' || vlen == 0)
                    req->idempotency_key_bad = true;
                else
                    copy_value(req->idempotency_key, sizeof req->idempotency_key, v, vlen,
                               &req->idempotency_key_bad);
            } else if (name_is(l, nlen, "Expect")) {
                if (vlen == 12 && strncasecmp(v, "100-continue", 12) == 0) {
                    req->expect_continue = true;
                    req->expect_offset = line_start;
                }
            }
        }
    }
    if (first)
        return 0;
    if (have_cl && have_te)
        return -400;
    req->chunked = have_te;
    req->content_length = cl;
    req->keep_alive = !conn_close && (req->minor >= 1 || conn_keep);
    req->head_len = pos;
    return (int)pos;
}

unsigned ladon__http_header(const char *head, size_t head_len, const char *name,
                            const char **val, size_t *vlen)
{
    size_t pos = 0, nlen = strlen(name);
    unsigned found = 0;
    bool first = true;

    *val = NULL;
    *vlen = 0;
    while (pos < head_len && (head[pos] == '\r' || head[pos] == '\n'))
        pos++;
    while (pos < head_len) {
        const char *l = head + pos, *nl = memchr(l, '\n', head_len - pos);
        size_t n = nl != NULL ? (size_t)(nl - l) : head_len - pos;
        pos += n + 1;
        if (n > 0 && l[n - 1] == '\r')
            n--;
        if (first) { /* the request line */
            first = false;
            continue;
        }
        if (n == 0)
            break;
        if (n > nlen && l[nlen] == ':' && strncasecmp(l, name, nlen) == 0) {
            const char *v = l + nlen + 1;
            size_t k = n - nlen - 1;
            while (k > 0 && (*v == ' ' || *v == '\t'))
                v++, k--;
            while (k > 0 && (v[k - 1] == ' ' || v[k - 1] == '\t'))
                k--;
            if (found++ == 0) {
                *val = v;
                *vlen = k;
            }
        }
    }
    return found;
}
