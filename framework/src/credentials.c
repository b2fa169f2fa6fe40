/* credentials.c - caller names and HTTP Basic credentials (see
 * credentials.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "credentials.h"

#include <string.h>
#include <strings.h>

#include "utf8.h"

bool ladon__user_name_valid(const char *v, size_t n)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t i = 0;
    if (n == 0 || n >= LADON_USER_MAX)
        return false;
    while (i < n) {
        uint32_t cp;
        int k = ladon__utf8_decode(p + i, n - i, &cp);
        if (k <= 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return false;
        i += (size_t)k;
    }
    return true;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int ladon__basic_parse(const char *v, size_t n, char *user, char *password, size_t *plen)
{
    unsigned char dec[(LADON__BASIC_MAX_VALUE / 4 + 1) * 3];
    size_t i = 0, o = 0, pad = 0, chars = 0, t;
    uint32_t acc = 0;
    unsigned bits = 0;
    const unsigned char *colon;
    int rc = -1;

    user[0] = password[0] = '\0';
    *plen = 0;
    if (n < 5 || strncasecmp(v, "Basic", 5) != 0 || (n > 5 && v[5] != ' ' && v[5] != '\t'))
        return 1;
    i = 5;
    while (i < n && (v[i] == ' ' || v[i] == '\t'))
        i++;
    t = n;
    if (t - i > LADON__BASIC_MAX_VALUE || t == i)
        return -1;
    /* strict base64 (RFC 4648 4): padding only at the end, to a multiple of 4 */
    for (; i < t; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '=') {
            pad++;
            continue;
        }
        int d = b64_value(c);
        if (d < 0 || pad > 0)
            goto out;
        chars++;
        acc = (acc << 6) | (uint32_t)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dec[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* a last group of 1 character is no byte; padding (optional) completes
     * the group of 4; the unused bits of a last group are 0 */
    if (chars % 4 == 1 || pad > 2 || (pad > 0 && (chars + pad) % 4 != 0) || acc != 0)
        goto out;
    colon = memchr(dec, ':', o);
    if (colon == NULL || memchr(dec, '\0', o) != NULL)
        goto out;
    size_t ulen = (size_t)(colon - dec), pl = o - ulen - 1;
    if (!ladon__user_name_valid((const char *)dec, ulen) || pl > LADON__BASIC_MAX_PASSWORD)
        goto out;
    memcpy(user, dec, ulen);
    user[ulen] = '\0';
    memcpy(password, colon + 1, pl);
    password[pl] = '\0';
    *plen = pl;
    rc = 0;
out:
    explicit_bzero(dec, sizeof dec);
    return rc;
}
