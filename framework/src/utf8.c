/* utf8.c - UTF-8 decoding and XML character checks (see utf8.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "utf8.h"

#include <string.h>

int ladon__utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0];
    uint32_t v, min;
    int len;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return -1; /* continuation byte, C0/C1 (overlong), F5..FF */
    }
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return 0;
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        v = (v << 6) | (p[i] & 0x3Fu);
        /* reject overlong and out-of-range forms as early as possible, so
         * that a split sequence is known bad before its end arrives */
        if (i == 1 && ((len == 3 && c == 0xE0 && p[1] < 0xA0) ||
                       (len == 3 && c == 0xED && p[1] >= 0xA0) ||
                       (len == 4 && c == 0xF0 && p[1] < 0x90) ||
                       (len == 4 && c == 0xF4 && p[1] >= 0x90)))
            return -1;
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return -1;
    *cp = v;
    return len;
}

size_t ladon__utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t ladon__utf8_scrub(char *s)
{
    unsigned char *u = (unsigned char *)s;
    size_t n = strlen(s), i = 0, fixed = 0;
    while (i < n) {
        uint32_t cp;
        int r = ladon__utf8_decode(u + i, n - i, &cp);
        if (r > 0 && ladon__xml_char_ok(cp)) {
            i += (size_t)r;
        } else {
            u[i++] = '?';
            fixed++;
        }
    }
    return fixed;
}

int ladon__charref_value(const char *d, size_t n, uint32_t *cp)
{
    bool hex = n > 0 && d[0] == 'x';
    size_t i = hex ? 1 : 0;
    uint32_t v = 0;

    if (i >= n)
        return -1; /* no digits */
    for (; i < n; i++) {
        char c = d[i];
        unsigned dig;
        if (c >= '0' && c <= '9')
            dig = (unsigned)(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            dig = (unsigned)(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            dig = (unsigned)(c - 'A' + 10);
        else
            return -1;
        v = v * (hex ? 16u : 10u) + dig;
        if (v > 0x10FFFF)
            return -2;
    }
    *cp = v;
    return 0;
}

/* A complete reference "&#...;" in r[0..n): does it name an allowed char? */
static bool ref_ok(const char *r, unsigned n)
{
    uint32_t v;
    return n >= 3 && ladon__charref_value(r + 2, n - 3, &v) == 0 && ladon__xml_char_ok(v);
}

int ladon__xmlout_feed(ladon__xmlout_check *k, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    if (k->bad)
        return -1;
    while (i < n) {
        unsigned char c;
        if (k->npend == 0 && k->nref == 0) {
            /* the common case: printable ASCII other than '&' (0x7F, which
             * the run does not skip, is checked below) */
            i += ladon__ascii_run(p + i, n - i, '&', 0x7F, 0x7F);
            while (i < n && (unsigned char)(p[i] - 0x20) < 0x5F && p[i] != '&')
                i++;
            if (i == n)
                break;
        }
        c = p[i];
        if (k->npend > 0) {
            /* complete a sequence split between pieces */
            unsigned char seq[4];
            uint32_t cp;
            int r;
            memcpy(seq, k->pend, k->npend);
            size_t take = 4 - k->npend;
            if (take > n - i)
                take = n - i;
            memcpy(seq + k->npend, p + i, take);
            r = ladon__utf8_decode(seq, k->npend + take, &cp);
            if (r < 0 || (r > 0 && !ladon__xml_char_ok(cp)))
                goto bad;
            if (r == 0) {
                memcpy(k->pend + k->npend, p + i, take);
                k->npend += (unsigned)take;
                return 0;
            }
            i += (size_t)r - k->npend;
            k->npend = 0;
            continue;
        }
        if (k->nref > 0) {
            if (k->nref == 1 && c != '#') {
                k->nref = 0; /* an entity reference (&lt;): gSOAP writes only those five */
                continue;
            }
            if (k->nref >= sizeof k->ref - 1)
                goto bad;
            k->ref[k->nref++] = (char)c;
            i++;
            if (c == ';') {
                if (!ref_ok(k->ref, k->nref))
                    goto bad;
                k->nref = 0;
            }
            continue;
        }
        if (c >= 0x20 && c < 0x80) {
            if (c == '&') {
                k->ref[0] = '&';
                k->nref = 1;
            }
            i++;
            continue;
        }
        {
            uint32_t cp;
            int r = ladon__utf8_decode(p + i, n - i, &cp);
            if (r < 0 || (r > 0 && !ladon__xml_char_ok(cp)))
                goto bad;
            if (r == 0) {
                k->npend = (unsigned)(n - i);
                memcpy(k->pend, p + i, k->npend);
                return 0;
            }
            i += (size_t)r;
        }
    }
    return 0;
bad:
    k->bad = true;
    return -1;
}
