/* xmlnorm.c - request XML check and rewrite (see xmlnorm.h).
 *
 * One pass over the bytes, no recursion, no allocation unless something
 * must be rewritten: then the bytes before the change are copied once and
 * the scan goes on appending (`copied` marks how far the input is in out).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "xmlnorm.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* A character or entity reference longer than this is malformed (leading
 * zeros are allowed by XML, so "&#x0000000041;" is fine; a megabyte of
 * them is not). */
#define MAX_REF 64

typedef struct norm {
    const char *p;
    size_t n, copied;
    ladon__buf *out;
    bool rewrote;
    bool has_idref; /* an attribute named id, ref or href, any prefix */
    char *msg;
    size_t msglen;
} norm;

static int refuse(norm *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(norm *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, s->msglen, fmt, ap);
    va_end(ap);
    return LADON__XML_REFUSED;
}

/* Replaces p[from..to) by rep[0..replen) in the output. */
static int replace(norm *s, size_t from, size_t to, const char *rep, size_t replen)
{
    if (ladon__buf_append(s->out, s->p + s->copied, from - s->copied) != 0 ||
        ladon__buf_append(s->out, rep, replen) != 0)
        return LADON__XML_NOMEM;
    s->copied = to;
    s->rewrote = true;
    return 0;
}

static int bad_char(norm *s, uint32_t cp, size_t at)
{
    return refuse(s, "character U+%04X at byte %zu is not allowed in XML", (unsigned)cp, at);
}

/* The character at i (a control character or the start of a UTF-8
 * sequence, within p[..end)): *next past it when XML allows it. */
static int one_char(norm *s, size_t i, size_t end, size_t *next)
{
    uint32_t cp;
    int r = ladon__utf8_decode((const unsigned char *)s->p + i, end - i, &cp);
    if (r <= 0)
        return refuse(s, "invalid UTF-8 at byte %zu", i);
    if (!ladon__xml_char_ok(cp))
        return bad_char(s, cp, i);
    *next = i + (size_t)r;
    return 0;
}

/* Checks that p[i..end) is UTF-8 of characters XML allows. */
static int check_chars(norm *s, size_t i, size_t end)
{
    const unsigned char *u = (const unsigned char *)s->p;
    int r;
    while (i < end) {
        if (u[i] >= 0x20 && u[i] < 0x80)
            i++;
        else if ((r = one_char(s, i, end, &i)) != 0)
            return r;
    }
    return 0;
}

/* Index of the first occurrence of `end` at or after i, or n. */
static size_t find(const norm *s, size_t i, const char *end)
{
    size_t el = strlen(end);
    for (; i + el <= s->n; i++)
        if (s->p[i] == end[0] && memcmp(s->p + i, end, el) == 0)
            return i;
    return s->n;
}

/* The reference starting with '&' at i; *next is set past its ';'. */
static int reference(norm *s, size_t i, size_t *next)
{
    const char *p = s->p;
    size_t j = i + 1, lim = s->n - i > MAX_REF ? i + MAX_REF : s->n;
    while (j < lim && p[j] != ';')
        j++;
    if (j >= lim || p[j] != ';')
        return refuse(s, "malformed reference at byte %zu", i);
    *next = j + 1;
    if (p[i + 1] == '#') {
        uint32_t v = 0;
        char enc[8];
        size_t elen;
        switch (ladon__charref_value(p + i + 2, j - i - 2, &v)) {
        case -1:
            return refuse(s, "malformed character reference at byte %zu", i);
        case -2:
            return refuse(s, "character reference at byte %zu is beyond Unicode", i);
        default:
            break;
        }
        if (!ladon__xml_char_ok(v))
            return refuse(s, "character reference '%.*s' at byte %zu names a character "
                          "XML does not allow", (int)(j + 1 - i), p + i, i);
        switch (v) {
        case '<': memcpy(enc, "&lt;", elen = 4); break;
        case '>': memcpy(enc, "&gt;", elen = 4); break;
        case '&': memcpy(enc, "&amp;", elen = 5); break;
        case '"': memcpy(enc, "&quot;", elen = 6); break;
        case '\'': memcpy(enc, "&apos;", elen = 6); break;
        default: elen = ladon__utf8_encode(v, enc); break;
        }
        return replace(s, i, j + 1, enc, elen);
    }
    {
        size_t len = j - i - 1;
        static const char *const predefined[] = {"lt", "gt", "amp", "quot", "apos"};
        for (size_t e = 0; e < sizeof predefined / sizeof predefined[0]; e++)
            if (strlen(predefined[e]) == len && memcmp(p + i + 1, predefined[e], len) == 0)
                return 0;
        if (check_chars(s, i, j) != 0)
            return LADON__XML_REFUSED;
        return refuse(s, "undefined entity '%.*s' at byte %zu", (int)(j + 1 - i), p + i, i);
    }
}

/* Character data from i up to (not including) the first `stop` byte (or
 * the end); returns its index in *end. */
static int chardata(norm *s, size_t i, char stop, size_t *end)
{
    const unsigned char *u = (const unsigned char *)s->p;
    for (;;) {
        i += ladon__ascii_run(u + i, s->n - i, '&', '<', (unsigned char)stop);
        if (i >= s->n || u[i] == (unsigned char)stop)
            break;
        unsigned char c = u[i];
        int r;
        if (c == '&') {
            if ((r = reference(s, i, &i)) != 0)
                return r;
        } else if (c >= 0x20 && c < 0x80) {
            if (c == '<') /* only in an attribute value: the text stops at '<' */
                return refuse(s, "'<' in an attribute value at byte %zu", i);
            i++;
        } else if ((r = one_char(s, i, s->n, &i)) != 0) {
            return r;
        }
    }
    *end = i;
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Local part and prefix length of the name p[0..len). */
static const char *split_name(const char *p, size_t len, size_t *plen, size_t *llen)
{
    const char *colon = memchr(p, ':', len);
    if (colon == NULL) {
        *plen = 0;
        *llen = len;
        return p;
    }
    *plen = (size_t)(colon - p);
    *llen = len - *plen - 1;
    return colon + 1;
}

static bool name_eq(const char *p, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(p, want, len) == 0;
}

/* A start tag whose name starts at i (after '<').  depth: elements open
 * around it; wrapper: it is the child of the SOAP Body.  Sets *next past
 * the tag, *empty when it ends with "/>", and *local and *llen to its local
 * name. */
static int start_tag(norm *s, size_t i, bool wrapper, size_t *next, bool *empty,
                     const char **local, size_t *llen)
{
    const char *p = s->p;
    size_t name = i, plen;
    int r;

    while (i < s->n && !is_space(p[i]) && p[i] != '>' && p[i] != '/')
        i++;
    if (i == name)
        return refuse(s, "malformed XML");
    if ((r = check_chars(s, name, i)) != 0)
        return r;
    *local = split_name(p + name, i - name, &plen, llen);
    for (;;) {
        size_t attr_start = i, an, alen, aplen, allen, vstart, vend;
        const char *alocal;
        char quote;
        while (i < s->n && is_space(p[i]))
            i++;
        if (i >= s->n)
            return refuse(s, "malformed XML");
        if (p[i] == '>' || (p[i] == '/' && i + 1 < s->n && p[i + 1] == '>')) {
            *empty = p[i] == '/';
            *next = i + (*empty ? 2 : 1);
            return 0;
        }
        if (i == attr_start) /* XML wants white space before every attribute */
            return refuse(s, "malformed XML");
        an = i;
        while (i < s->n && !is_space(p[i]) && p[i] != '=' && p[i] != '>' && p[i] != '/')
            i++;
        alen = i - an;
        if (alen == 0)
            return refuse(s, "malformed XML");
        if ((r = check_chars(s, an, i)) != 0)
            return r;
        while (i < s->n && is_space(p[i]))
            i++;
        if (i >= s->n || p[i] != '=')
            return refuse(s, "malformed XML");
        i++;
        while (i < s->n && is_space(p[i]))
            i++;
        if (i >= s->n || (p[i] != '"' && p[i] != '\''))
            return refuse(s, "malformed XML");
        quote = p[i++];
        vstart = i;
        if ((r = chardata(s, i, quote, &vend)) != 0)
            return r;
        if (vend >= s->n)
            return refuse(s, "malformed XML");
        i = vend + 1;
        alocal = split_name(p + an, alen, &aplen, &allen);
        /* what gSOAP may take for an id or a reference, whatever its prefix
         * (it also reads xmlns:NAME attributes as attributes, and matches
         * an unprefixed one against the default namespace): recv.c */
        if (name_eq(alocal, allen, "id") || name_eq(alocal, allen, "ref") ||
            name_eq(alocal, allen, "href"))
            s->has_idref = true;
        bool declares = aplen == 5 && memcmp(p + an, "xmlns", 5) == 0; /* xmlns:NAME */
        if (declares && name_eq(alocal, allen, "xmlns"))
            /* Namespaces in XML 1.0 section 3: the prefix xmlns is never
             * declared (gSOAP would bind it, and take xmlns:id for enc:id) */
            return refuse(s, "the prefix 'xmlns' cannot be declared");
        if (!declares) {
            if ((aplen == 0 && name_eq(alocal, allen, "href")) ||
                (aplen > 0 && name_eq(alocal, allen, "ref")))
                return refuse(s, "multi-reference attribute '%.*s' is not allowed: "
                              "document/literal services take plain XML", (int)alen, p + an);
            if (wrapper && aplen > 0 && name_eq(alocal, allen, "nil") &&
                (name_eq(p + vstart, vend - vstart, "true") ||
                 name_eq(p + vstart, vend - vstart, "1"))) {
                /* an operation without parameters as SOAP::Lite sends it:
                 * the same as an empty wrapper */
                if ((r = replace(s, attr_start, i, "", 0)) != 0)
                    return r;
            }
        }
    }
}

int ladon__xml_normalize(const char *p, size_t n, unsigned max_depth, ladon__buf *out,
                         bool *has_idref, char *msg, size_t msglen)
{
    norm s = {.p = p, .n = n, .out = out, .msg = msg, .msglen = msglen};
    unsigned long depth = 0;
    bool in_body = false;
    size_t i = 0;
    int r;

    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        s.copied = i = 3; /* the byte-order mark goes */
        s.rewrote = true;
    }
    while (i < n) {
        size_t end;
        if ((r = chardata(&s, i, '<', &end)) != 0)
            return r;
        i = end;
        if (i >= n)
            break;
        i++; /* '<' */
        if (i >= n)
            return refuse(&s, "malformed XML");
        if (p[i] == '?') {
            end = find(&s, i, "?>");
            if ((r = check_chars(&s, i, end)) != 0)
                return r;
            i = end + 2;
        } else if (p[i] == '!') {
            if (n - i >= 3 && memcmp(p + i, "!--", 3) == 0) {
                end = find(&s, i + 3, "-->");
                if ((r = check_chars(&s, i, end)) != 0)
                    return r;
                i = end + 3;
            } else if (n - i >= 8 && memcmp(p + i, "![CDATA[", 8) == 0) {
                end = find(&s, i + 8, "]]>");
                if ((r = check_chars(&s, i, end)) != 0)
                    return r;
                i = end + 3;
            } else if (n - i >= 8 && memcmp(p + i, "!DOCTYPE", 8) == 0) {
                return refuse(&s, "a DTD (<!DOCTYPE) is not allowed in a SOAP message");
            } else {
                return refuse(&s, "malformed XML");
            }
        } else if (p[i] == '/') {
            end = find(&s, i, ">");
            if ((r = check_chars(&s, i, end)) != 0)
                return r;
            if (depth > 0)
                depth--;
            if (depth < 2)
                in_body = false;
            i = end + 1;
        } else {
            const char *local = NULL;
            size_t llen = 0;
            bool empty = false;
            if ((r = start_tag(&s, i, in_body && depth == 2, &i, &empty, &local, &llen)) != 0)
                return r;
            if (!empty) {
                if (++depth > max_depth)
                    return refuse(&s, "XML nesting too deep");
                if (depth == 2 && name_eq(local, llen, "Body"))
                    in_body = true;
            }
        }
        if (i > n)
            i = n; /* an unterminated comment, PI or tag: gSOAP reports it */
    }
    if (has_idref != NULL)
        *has_idref = s.has_idref;
    if (!s.rewrote)
        return LADON__XML_OK;
    if (ladon__buf_append(out, p + s.copied, n - s.copied) != 0)
        return LADON__XML_NOMEM;
    return LADON__XML_REWRITTEN;
}
