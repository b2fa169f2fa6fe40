/* xmlscan.c - XML nesting depth pre-check (see xmlscan.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "xmlscan.h"

#include <string.h>

/* Index just past the first occurrence of `end` at or after i, or n. */
static size_t skip_past(const char *p, size_t n, size_t i, const char *end)
{
    size_t el = strlen(end);
    for (; i + el <= n; i++)
        if (memcmp(p + i, end, el) == 0)
            return i + el;
    return n;
}

bool ladon__xml_too_deep(const char *p, size_t n, unsigned max)
{
    unsigned long depth = 0;
    size_t i = 0;

    while (i < n) {
        const char *lt = memchr(p + i, '<', n - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - p) + 1;
        if (i >= n)
            break;
        if (p[i] == '?') {
            i = skip_past(p, n, i, "?>");
        } else if (p[i] == '!') {
            if (n - i >= 3 && memcmp(p + i, "!--", 3) == 0)
                i = skip_past(p, n, i + 3, "-->");
            else if (n - i >= 8 && memcmp(p + i, "![CDATA[", 8) == 0)
                i = skip_past(p, n, i + 8, "]]>");
            else
                i = skip_past(p, n, i, ">");
        } else if (p[i] == '/') {
            if (depth > 0)
                depth--;
            i = skip_past(p, n, i, ">");
        } else {
            /* a start tag: find its end, skipping quoted attribute values */
            char quote = 0, prev = 0;
            for (; i < n; i++) {
                char c = p[i];
                if (quote) {
                    if (c == quote)
                        quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    break;
                }
                prev = c;
            }
            if (i >= n)
                break;
            i++;
            if (prev != '/' && ++depth > max)
                return true;
        }
    }
    return false;
}
