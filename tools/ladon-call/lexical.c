/* lexical.c - the lexical checks of simple schema types (see lexical.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "lexical.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lc_lexical_xml_text(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        unsigned c = *p;
        size_t n;
        unsigned long cp;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return 0;
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
            return 0;
        p += n + 1;
    }
    return 1;
}

static int integer(const lc_type *t, const char *s, char *why, size_t size)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p == '\0' || strspn(p, "0123456789") != strlen(p)) {
        snprintf(why, size, "'%s' is not an integer", s);
        return -1;
    }
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE || v < t->min || v > t->max) {
        snprintf(why, size, "%s is out of range (%lld to %lld)", s, t->min, t->max);
        return -1;
    }
    return 0;
}

static int dbl(const char *s, char *why, size_t size)
{
    if (strcmp(s, "INF") == 0 || strcmp(s, "-INF") == 0 || strcmp(s, "+INF") == 0 ||
        strcmp(s, "NaN") == 0)
        return 0;
    char *end;
    errno = 0;
    if (*s == '\0' || strspn(s, "0123456789+-.eE") != strlen(s) ||
        (strtod(s, &end), end == s || *end != '\0')) {
        snprintf(why, size, "'%s' is not a number", s);
        return -1;
    }
    if (errno == ERANGE) {
        snprintf(why, size, "%s is out of range", s);
        return -1;
    }
    return 0;
}

static int decimal(const char *s, char *why, size_t size)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t a = strspn(p, "0123456789");
    p += a;
    size_t b = 0;
    if (*p == '.') {
        p++;
        b = strspn(p, "0123456789");
        p += b;
    }
    if (a + b == 0 || *p != '\0') {
        snprintf(why, size, "'%s' is not a decimal number", s);
        return -1;
    }
    return 0;
}

static int digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)p[i]))
            return 0;
    return 1;
}

/* YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm], a year of at least 4 digits, maybe negative */
static int datetime(const char *s, char *why, size_t size)
{
    const char *p = s;
    if (*p == '-')
        p++;
    size_t y = strspn(p, "0123456789");
    int ok = y >= 4;
    p += y;
    ok = ok && p[0] == '-' && digits(p + 1, 2) && p[3] == '-' && digits(p + 4, 2) &&
         p[6] == 'T' && digits(p + 7, 2) && p[9] == ':' && digits(p + 10, 2) && p[12] == ':' &&
         digits(p + 13, 2);
    if (ok) {
        int mon = atoi(p + 1), day = atoi(p + 4), h = atoi(p + 7), mi = atoi(p + 10),
            sec = atoi(p + 13);
        ok = mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && h <= 24 && mi <= 59 && sec <= 60;
        p += 15;
        if (ok && *p == '.') {
            size_t f = strspn(p + 1, "0123456789");
            ok = f > 0;
            p += 1 + f;
        }
        if (ok && *p == 'Z')
            p++;
        else if (ok && (*p == '+' || *p == '-'))
            ok = digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) && (p += 6, 1);
        ok = ok && *p == '\0';
    }
    if (!ok) {
        snprintf(why, size, "'%s' is not a dateTime (YYYY-MM-DDThh:mm:ss, maybe with .fff and "
                            "Z or +hh:mm)", s);
        return -1;
    }
    return 0;
}

static int base64(const char *s, char *why, size_t size)
{
    size_t len = strlen(s);
    size_t body = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    size_t pad = strspn(s + body, "=");
    if (body + pad != len || len % 4 != 0 || pad > 2) {
        snprintf(why, size, "'%s' is not base64 (A-Z a-z 0-9 + / in groups of 4, '=' padding)",
                 s);
        return -1;
    }
    return 0;
}

int lc_lexical_check(const lc_type *t, const char *text, char *why, size_t size)
{
    switch (t->kind) {
    case LC_INT:
    case LC_LONG:
        return integer(t, text, why, size);
    case LC_DOUBLE:
        return dbl(text, why, size);
    case LC_DECIMAL:
        return decimal(text, why, size);
    case LC_BOOL:
        if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0 || strcmp(text, "1") == 0 ||
            strcmp(text, "0") == 0)
            return 0;
        snprintf(why, size, "'%s' is not a boolean (true, false, 1 or 0)", text);
        return -1;
    case LC_DATETIME:
        return datetime(text, why, size);
    case LC_BASE64:
        return base64(text, why, size);
    case LC_ENUM: {
        size_t used = 0;
        for (size_t i = 0; i < t->n_values; i++)
            if (strcmp(t->values[i].value, text) == 0)
                return 0;
        int n = snprintf(why, size, "'%s' is not one of", text);
        used = n > 0 ? (size_t)n : 0;
        for (size_t i = 0; i < t->n_values && used < size; i++) {
            n = snprintf(why + used, size - used, "%s %s", i == 0 ? "" : ",",
                         t->values[i].value);
            used += n > 0 ? (size_t)n : 0;
        }
        return -1;
    }
    case LC_STRING:
        if (lc_lexical_xml_text(text))
            return 0;
        snprintf(why, size, "not UTF-8 text that XML can carry (control characters other than "
                            "tab and newline are not allowed)");
        return -1;
    case LC_STRUCT:
        break;
    }
    snprintf(why, size, "a %s is not a simple value", t->name);
    return -1;
}
