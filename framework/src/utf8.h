/* utf8.h - UTF-8 and the characters XML 1.0 allows (internal).
 *
 * Ladon-C, not gSOAP, decides which characters a request may carry and a
 * response may hold (gSOAP accepts references XML forbids and echoes them
 * back, and decodes long character references wrongly): xmlnorm.c checks
 * every request with these functions, and dispatch.c checks every response
 * with the streaming checker below while gSOAP serializes it.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_UTF8_H
#define LADON_SRC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* XML 1.0 (fifth edition) production [2] Char. */
static inline bool ladon__xml_char_ok(uint32_t c)
{
    return c >= 0x20 ? (c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFD) ||
                        (c >= 0x10000 && c <= 0x10FFFF))
                     : (c == 0x9 || c == 0xA || c == 0xD);
}

/* Decodes the UTF-8 sequence at p[0..n) (n >= 1).  Returns its length
 * (1..4) with *cp set; 0 when p holds only the start of a longer sequence;
 * -1 when it is not UTF-8 (a stray continuation byte, an overlong form, a
 * surrogate, a value above U+10FFFF). */
int ladon__utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* The value of a character reference from its digits d[0..n), the text
 * between "&#" and ';' ("x1F600", "128512"; leading zeros allowed; 'x'
 * only in lower case, as XML says).  Returns 0 with *cp set, -1 when d is
 * malformed, -2 when the value is beyond U+10FFFF. */
int ladon__charref_value(const char *d, size_t n, uint32_t *cp);

/* Writes cp (at most U+10FFFF) as UTF-8 to out; returns its length. */
size_t ladon__utf8_encode(uint32_t cp, char out[4]);

/* Replaces, in place, every byte of the NUL-terminated s that is not part
 * of UTF-8 for a character XML allows by '?' (fault texts a service wrote,
 * perhaps cut in the middle of a sequence).  Returns how many bytes it
 * replaced. */
size_t ladon__utf8_scrub(char *s);

/* Checks outgoing XML as it is produced, in pieces of any size: valid
 * UTF-8, only characters XML allows, and no character reference to one it
 * does not allow.  Zero-initialise, feed, then ask whether it ended
 * cleanly. */
typedef struct ladon__xmlout_check {
    unsigned char pend[4]; /* start of a UTF-8 sequence split between pieces */
    unsigned npend;
    char ref[16];          /* a reference "&#..." being read */
    unsigned nref;
    bool bad;
} ladon__xmlout_check;

/* Returns 0, or -1 once the output holds something XML does not allow
 * (sticky). */
int ladon__xmlout_feed(ladon__xmlout_check *k, const char *p, size_t n);

#endif
