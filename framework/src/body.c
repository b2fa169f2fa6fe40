/* body.c - request body decoding: chunks, gzip/deflate, charsets (see body.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "body.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "errmsg.h"

/* The chunked body p[0..n) (framing already checked) without its framing. */
static int dechunk(const char *p, size_t n, ladon__buf *out)
{
    size_t i = 0;
    while (i < n) {
        uint64_t size = 0;
        const char *nl;
        while (i < n && isxdigit((unsigned char)p[i])) {
            int c = tolower((unsigned char)p[i++]);
            size = size * 16 + (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
        }
        nl = memchr(p + i, '\n', n - i);
        if (nl == NULL)
            return -1;
        i = (size_t)(nl - p) + 1;
        if (size == 0)
            return 0; /* trailers are ignored */
        if (size > n - i)
            return -1;
        if (ladon__buf_append(out, p + i, (size_t)size) != 0)
            return LADON__BODY_NOMEM;
        i += (size_t)size;
        if (i < n && p[i] == '\r')
            i++;
        if (i < n && p[i] == '\n')
            i++;
    }
    return -1;
}

/* Content-Encoding gzip, x-gzip or deflate (zlib, or raw deflate as some
 * clients send it).  Concatenated gzip members are one body (RFC 1952). */
static int inflate_body(const char *coding, const char *p, size_t n, size_t max,
                        ladon__buf *out, char *msg, size_t msglen)
{
    bool deflate = strcasecmp(coding, "deflate") == 0;
    bool raw = false;
    z_stream z;
    int zr, rc = LADON__BODY_OK;

    for (;;) {
        memset(&z, 0, sizeof z);
        zr = inflateInit2(&z, raw ? -MAX_WBITS : MAX_WBITS + 32); /* +32: gzip or zlib */
        if (zr != Z_OK)
            return zr == Z_MEM_ERROR
                       ? LADON__BODY_NOMEM
                       : ladon__errf(msg, msglen, LADON__BODY_BAD, "cannot inflate");
        z.next_in = (Bytef *)(uintptr_t)p;
        z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
        out->len = 0;
        for (;;) {
            size_t room;
            if (ladon__buf_reserve(out, 65536) != 0) {
                rc = LADON__BODY_NOMEM;
                break;
            }
            room = out->cap - out->len;
            if (room > max + 1 - out->len)
                room = max + 1 - out->len;
            z.next_out = (Bytef *)out->p + out->len;
            z.avail_out = (uInt)room;
            zr = inflate(&z, Z_NO_FLUSH);
            out->len = (size_t)((char *)z.next_out - out->p);
            if (out->len > max) {
                rc = LADON__BODY_TOO_LARGE;
                break;
            }
            if (zr == Z_STREAM_END) {
                size_t used = n - z.avail_in;
                /* another gzip member may follow */
                if (z.avail_in > 0 && !raw && !deflate && (unsigned char)p[used] == 0x1f) {
                    if (inflateReset(&z) != Z_OK) {
                        rc = ladon__errf(msg, msglen, LADON__BODY_BAD, "cannot inflate");
                        break;
                    }
                    continue;
                }
                if (z.avail_in > 0)
                    rc = ladon__errf(msg, msglen, LADON__BODY_BAD,
                                     "bytes after the end of the %s data", coding);
                break;
            }
            if (zr == Z_OK)
                continue;
            if (zr == Z_MEM_ERROR) {
                rc = LADON__BODY_NOMEM;
            } else if (zr == Z_BUF_ERROR && z.avail_in == 0) {
                rc = ladon__errf(msg, msglen, LADON__BODY_BAD, "the %s data ends early", coding);
            } else {
                rc = ladon__errf(msg, msglen, LADON__BODY_BAD,
                                 "the body is not valid %s data (%s)", coding,
                                 z.msg != NULL ? z.msg : "corrupt");
            }
            break;
        }
        inflateEnd(&z);
        /* "deflate" as raw deflate data, without the zlib wrapper */
        if (rc == LADON__BODY_BAD && deflate && !raw && out->len == 0) {
            raw = true;
            rc = LADON__BODY_OK;
            continue;
        }
        return rc;
    }
}

/* Value of parameter `name` of a Content-Type (charset=...), in out. */
static void ctype_param(const char *ct, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    const char *s = strchr(ct, ';');
    out[0] = '\0';
    while (s != NULL) {
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        if (strncasecmp(s, name, nl) == 0 && s[nl] == '=') {
            size_t k = 0;
            s += nl + 1;
            if (*s == '"')
                s++;
            while (*s && *s != '"' && *s != ';' && *s != ' ' && k + 1 < outlen)
                out[k++] = *s++;
            out[k] = '\0';
            return;
        }
        s = strchr(s, ';');
    }
}

/* The encoding named by an XML declaration at the start of p, in out. */
static void decl_encoding(const char *p, size_t n, char *out, size_t outlen)
{
    const char *end, *e;
    out[0] = '\0';
    if (n < 6 || memcmp(p, "<?xml", 5) != 0)
        return;
    end = memchr(p, '>', n < 512 ? n : 512);
    if (end == NULL)
        return;
    for (e = p + 5; e + 9 < end; e++) {
        if (memcmp(e, "encoding", 8) == 0) {
            const char *q = e + 8;
            size_t k = 0;
            while (q < end && (*q == ' ' || *q == '='))
                q++;
            if (q >= end || (*q != '"' && *q != '\''))
                return;
            char quote = *q++;
            while (q < end && *q != quote && k + 1 < outlen)
                out[k++] = *q++;
            out[k] = '\0';
            return;
        }
    }
}

static bool is_utf8_name(const char *cs)
{
    return cs[0] == '\0' || strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
           strcasecmp(cs, "us-ascii") == 0;
}

/* Converts p[0..n) from charset cs to UTF-8 into out (at most max bytes),
 * dropping the XML declaration, which names the old encoding. */
static int to_utf8(const char *cs, const char *p, size_t n, size_t max, ladon__buf *out,
                   char *msg, size_t msglen)
{
    iconv_t cd = iconv_open("UTF-8", cs);
    char *in = (char *)(uintptr_t)p;
    size_t inleft = n;
    int rc = LADON__BODY_OK;

    if (cd == (iconv_t)-1)
        return errno == EINVAL
                   ? ladon__errf(msg, msglen, LADON__BODY_UNSUPPORTED,
                                 "charset '%.40s' is not supported", cs)
                   : LADON__BODY_NOMEM;
    out->len = 0;
    while (inleft > 0) {
        char *o;
        size_t oleft, r;
        if (out->len > max) {
            rc = LADON__BODY_TOO_LARGE;
            break;
        }
        if (ladon__buf_reserve(out, inleft * 2 + 16 < 65536 ? inleft * 2 + 16 : 65536) != 0) {
            rc = LADON__BODY_NOMEM;
            break;
        }
        o = out->p + out->len;
        oleft = out->cap - out->len;
        r = iconv(cd, &in, &inleft, &o, &oleft);
        out->len = (size_t)(o - out->p);
        if (r == (size_t)-1 && errno != E2BIG) {
            rc = ladon__errf(msg, msglen, LADON__BODY_BAD,
                             "the body is not valid %.40s (byte %zu)", cs, n - inleft);
            break;
        }
    }
    iconv_close(cd);
    if (rc == LADON__BODY_OK && out->len > max)
        rc = LADON__BODY_TOO_LARGE;
    if (rc == LADON__BODY_OK) {
        size_t skip = 0;
        if (out->len >= 3 && memcmp(out->p, "\xEF\xBB\xBF", 3) == 0)
            skip = 3;
        if (out->len - skip >= 5 && memcmp(out->p + skip, "<?xml", 5) == 0) {
            const char *e = memchr(out->p + skip, '>', out->len - skip);
            if (e != NULL)
                skip = (size_t)(e - out->p) + 1;
        }
        if (skip > 0) /* (an empty result may have no buffer at all) */
            memmove(out->p, out->p + skip, out->len - skip);
        out->len -= skip;
    }
    return rc;
}

/* Is the media type of Content-Type ct (before ';', any case) `want`? */
static bool media_is(const char *ct, const char *want)
{
    size_t wl = strlen(want);
    return strncasecmp(ct, want, wl) == 0 &&
           (ct[wl] == '\0' || ct[wl] == ';' || ct[wl] == ' ' || ct[wl] == '\t');
}

static int decode(const ladon__http_req *req, const char *raw, size_t n, size_t max,
                  ladon__buf *a, ladon__buf *b, const char **body, size_t *len, int *soap12,
                  char *msg, size_t msglen)
{
    const char *ct = req->content_type;
    char cs[48];
    int rc;

    a->len = b->len = 0;
    *body = raw;
    *len = n;
    *soap12 = media_is(ct, "application/soap+xml");
    if (ct[0] != '\0' && !*soap12 && !media_is(ct, "text/xml") &&
        !media_is(ct, "application/xml")) {
        if (media_is(ct, "application/dime") || strncasecmp(ct, "multipart/", 10) == 0)
            return ladon__errf(msg, msglen, LADON__BODY_UNSUPPORTED,
                               "attachments (DIME, MIME) are not supported: no service declares any");
        return ladon__errf(msg, msglen, LADON__BODY_UNSUPPORTED,
                           "Content-Type must be text/xml (SOAP 1.1) or application/soap+xml "
                           "(SOAP 1.2), not '%.60s'", ct);
    }
    if (req->chunked) {
        if ((rc = dechunk(raw, n, a)) != 0)
            return rc == LADON__BODY_NOMEM
                       ? rc
                       : ladon__errf(msg, msglen, LADON__BODY_BAD, "bad chunked body");
        *body = a->p;
        *len = a->len;
    }
    if (req->content_encoding[0] != '\0') {
        const char *ce = req->content_encoding;
        if (strcasecmp(ce, "gzip") != 0 && strcasecmp(ce, "x-gzip") != 0 &&
            strcasecmp(ce, "deflate") != 0)
            return ladon__errf(msg, msglen, LADON__BODY_UNSUPPORTED,
                               "Content-Encoding '%.30s' is not supported (gzip, deflate)", ce);
        if ((rc = inflate_body(ce, *body, *len, max, b, msg, msglen)) != LADON__BODY_OK)
            return rc;
        *body = b->p;
        *len = b->len;
    }

    /* the character encoding: a byte-order mark, else the Content-Type's
     * charset, else the XML declaration's encoding, else UTF-8 */
    {
        const unsigned char *u = (const unsigned char *)*body;
        size_t l = *len;
        ladon__buf *dst = *body == a->p && a->p != NULL ? b : a;
        cs[0] = '\0';
        if (l >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
            snprintf(cs, sizeof cs, "UTF-16");
        else if (l >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
            snprintf(cs, sizeof cs, "UTF-8");
        else if (l >= 4 && u[0] == '<' && u[1] == 0 && u[2] == '?' && u[3] == 0)
            snprintf(cs, sizeof cs, "UTF-16LE");
        else if (l >= 4 && u[0] == 0 && u[1] == '<' && u[2] == 0 && u[3] == '?')
            snprintf(cs, sizeof cs, "UTF-16BE");
        if (cs[0] == '\0')
            ctype_param(ct, "charset", cs, sizeof cs);
        if (cs[0] == '\0')
            decl_encoding(*body, l, cs, sizeof cs);
        if (is_utf8_name(cs))
            return LADON__BODY_OK;
        if ((rc = to_utf8(cs, *body, l, max, dst, msg, msglen)) != LADON__BODY_OK)
            return rc;
        *body = dst->p;
        *len = dst->len;
    }
    return LADON__BODY_OK;
}

int ladon__body_decode(const ladon__http_req *req, const char *raw, size_t n, size_t max,
                       ladon__buf *a, ladon__buf *b, const char **body, size_t *len,
                       int *soap12, char *msg, size_t msglen)
{
    int rc;
    msg[0] = '\0';
    rc = decode(req, raw, n, max, a, b, body, len, soap12, msg, msglen);
    if (rc == LADON__BODY_TOO_LARGE)
        ladon__errf(msg, msglen, rc, "request too large (--max-request-size)");
    else if (rc == LADON__BODY_NOMEM)
        ladon__errf(msg, msglen, rc, "out of memory");
    return rc;
}
