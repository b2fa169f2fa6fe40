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
#include <string.h>

/* XML 1.0 (fifth edition) production [2] Char. */
static inline bool ladon__xml_char_ok(uint32_t c)
{
    return c >= 0x20 ? (c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFD) ||
                        (c >= 0x10000 && c <= 0x10FFFF))
                     : (c == 0x9 || c == 0xA || c == 0xD);
}

/* How many of the bytes p[0..n) from the start, a multiple of 8, are all
 * ASCII from 0x20 to 0x7F and none of a, b, c: text both checkers pass
 * over without a second look.  Eight bytes at a time (SWAR: a byte below
 * 0x20, above 0x7F or equal to one of the three sets its high bit in the
 * word tested), where the byte loops took 9 to 13 instructions per byte:
 * 22 of the 27 million instructions ladon-examples spent more than plain
 * gSOAP on a 1 MB echo (bench/README.md).  The callers check the bytes
 * after the run one by one, as before; this only skips what they would
 * have passed. */
static inline size_t ladon__ascii_run(const unsigned char *p, size_t n, unsigned char a,
                                      unsigned char b, unsigned char c)
{
    const uint64_t lo = 0x0101010101010101ull, hi = 0x8080808080808080ull;
    const uint64_t ma = lo * a, mb = lo * b, mc = lo * c;
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t w, x, y, z;
        memcpy(&w, p + i, 8);
        x = w ^ ma;
        y = w ^ mb;
        z = w ^ mc;
        /* high bit of a byte: >= 0x80; of (w - 0x20..) & ~w: some byte < 0x20
         * (exact for "any"); of (v - 0x01..) & ~v: some byte of v is zero */
        if ((w | ((w - lo * 0x20) & ~w) | ((x - lo) & ~x) | ((y - lo) & ~y) | ((z - lo) & ~z)) &
            hi)
            break;
    }
    return i;
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
