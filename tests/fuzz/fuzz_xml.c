/* fuzz_xml.c - libFuzzer harness: the request XML check and rewrite
 * (framework/src/xmlnorm.c) and the response check (utf8.c).
 *
 * Invariants: no crash, leak or sanitizer report; a rewritten body is
 * accepted unchanged when checked again (the rewrite leaves nothing to
 * rewrite; but a second byte-order mark becomes the first); the response checker gives the same answer whether the bytes
 * come whole or split at any point; utf8_scrub leaves text that the
 * response checker accepts when it holds no '&'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmlnorm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    ladon__buf out = {0}, again = {0};
    char msg[256];
    int rc = ladon__xml_normalize(p, size, 64, &out, NULL, msg, sizeof msg);

    if (rc == LADON__XML_REWRITTEN &&
        !(out.len >= 3 && memcmp(out.p, "\xEF\xBB\xBF", 3) == 0)) {
        int rc2 = ladon__xml_normalize(out.p, out.len, 64, &again, NULL, msg, sizeof msg);
        if (rc2 != LADON__XML_OK)
            abort();
    }
    ladon__buf_free(&out);
    ladon__buf_free(&again);

    {
        ladon__xmlout_check whole, split;
        size_t cut = size > 0 ? data[0] % (size + 1) : 0;
        int a, b;
        memset(&whole, 0, sizeof whole);
        memset(&split, 0, sizeof split);
        a = ladon__xmlout_feed(&whole, p, size);
        b = ladon__xmlout_feed(&split, p, cut);
        b |= ladon__xmlout_feed(&split, p + cut, size - cut);
        if ((a != 0) != (b != 0))
            abort();
    }
    {
        char *s = malloc(size + 1);
        if (s == NULL)
            return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        ladon__utf8_scrub(s);
        if (strchr(s, '&') == NULL) {
            ladon__xmlout_check k;
            memset(&k, 0, sizeof k);
            if (ladon__xmlout_feed(&k, s, strlen(s)) != 0)
                abort();
        }
        free(s);
    }
    return 0;
}
