/* fuzz_http.c - libFuzzer harness: the HTTP request head parser and the
 * chunked body framing (framework/src/http.c).
 *
 * Invariants: no crash or sanitizer report on any input; a head that
 * parses as complete at length L answers "need more" (0) for every shorter
 * prefix that ends inside its last line, and the same L for the whole
 * input; the same for the end of a chunked body.  The listener relies on
 * both: it calls the parsers again as bytes arrive.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

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
