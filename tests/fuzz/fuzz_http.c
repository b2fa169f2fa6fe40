/* fuzz_http.c - libFuzzer harness: the HTTP request head parser and the
 * chunked body framing (framework/src/http.c).
 *
 * Invariants: no crash or sanitizer report on any input; a head that
 * parses as complete at length L answers "need more" (0) for every shorter
 * prefix that ends inside its last line, and the same L for the whole
 * input; the same for the end of a chunked body.  The listener relies on
 * both: it calls the parsers again as bytes arrive.
 *
 * Of a complete head, also the headers looked up by name (http.c's
 * ladon__http_header) and what they hold (credentials.c): a value found
 * lies inside the head; Basic credentials that decode give a valid user name
 * and a password of the length said, and encode back to the token sent
 * (canonical base64: the decoder takes no other spelling but for
 * padding left out); a trusted proxy's user header is checked without
 * reading beyond it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credentials.h"
#include "http.h"

static void check_credentials(const char *p, size_t head)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char user[LADON_USER_MAX], pw[LADON__BASIC_MAX_PASSWORD + 1];
    const char *v;
    size_t n, plen;

    if (ladon__http_header(p, head, "X-Remote-User", &v, &n) > 0) {
        if (v < p || v + n > p + head)
            abort();
        (void)ladon__user_name_valid(v, n);
    }
    if (ladon__http_header(p, head, "Authorization", &v, &n) == 0)
        return;
    if (v < p || v + n > p + head)
        abort();
    int rc = ladon__basic_parse(v, n, user, pw, &plen);
    if (rc != 0) {
        if (user[0] != '\0' || pw[0] != '\0')
            abort();
        return;
    }
    size_t ulen = strlen(user);
    if (!ladon__user_name_valid(user, ulen) || strlen(pw) != plen ||
        plen > LADON__BASIC_MAX_PASSWORD)
        abort();
    /* user ":" password, encoded again, is the token (padding aside) */
    unsigned char raw[LADON_USER_MAX + 1 + LADON__BASIC_MAX_PASSWORD];
    char enc[sizeof raw / 3 * 4 + 8];
    size_t rn = 0, en = 0;
    memcpy(raw, user, ulen);
    raw[ulen] = ':';
    memcpy(raw + ulen + 1, pw, plen);
    rn = ulen + 1 + plen;
    for (size_t i = 0; i < rn; i += 3) {
        unsigned x = (unsigned)raw[i] << 16 | (i + 1 < rn ? (unsigned)raw[i + 1] << 8 : 0) |
                     (i + 2 < rn ? raw[i + 2] : 0);
        enc[en++] = b64[x >> 18];
        enc[en++] = b64[(x >> 12) & 63];
        if (i + 1 < rn)
            enc[en++] = b64[(x >> 6) & 63];
        if (i + 2 < rn)
            enc[en++] = b64[x & 63];
    }
    const char *tok = v + 5; /* after "Basic" */
    size_t tn = n - 5;
    while (tn > 0 && (*tok == ' ' || *tok == '\t'))
        tok++, tn--;
    while (tn > 0 && tok[tn - 1] == '=')
        tn--;
    if (tn != en || memcmp(tok, enc, en) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    ladon__http_req req;
    int r = ladon__http_parse_head(p, size, &req);

    if (r > 0) {
        size_t head = (size_t)r;
        ladon__http_req again;
        if (head > size)
            abort();
        /* the head alone parses the same */
        if (ladon__http_parse_head(p, head, &again) != r)
            abort();
        /* cut inside the final blank line: more is needed */
        if (ladon__http_parse_head(p, head - 1, &again) != 0)
            abort();
        check_credentials(p, head);
        if (req.chunked) {
            size_t end = 0;
            int c = ladon__http_chunked_end(p + head, size - head, 1u << 20, &end);
            if (c == 1) {
                size_t end2 = 0;
                if (end > size - head || end == 0)
                    abort();
                if (ladon__http_chunked_end(p + head, end, 1u << 20, &end2) != 1 || end2 != end)
                    abort();
                /* every shorter prefix needs more (or is already refused) */
                for (size_t k = end > 64 ? end - 64 : 0; k < end; k++)
                    if (ladon__http_chunked_end(p + head, k, 1u << 20, &end2) == 1)
                        abort();
            }
        }
    } else if (r == 0) {
        /* incomplete: any prefix is incomplete too, or refused */
        ladon__http_req again;
        if (size > 0 && ladon__http_parse_head(p, size - 1, &again) > 0)
            abort();
    }
    return 0;
}
