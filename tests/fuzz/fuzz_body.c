/* fuzz_body.c - libFuzzer harness: request body decoding
 * (framework/src/body.c: chunks, gzip/deflate, charsets).
 *
 * The first input byte picks the framing, content coding and
 * Content-Type; the rest is the body.  Invariants: no crash, leak or
 * sanitizer report; a decoded body never exceeds the limit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"

#define MAX (64u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ctypes[] = {"text/xml", "", "application/soap+xml; charset=utf-8",
                                         "text/xml; charset=UTF-16", "text/xml; charset=latin1",
                                         "multipart/related", "text/xml; charset=\"utf-16le\"",
                                         "application/xml; charset=bogus"};
    static const char *const codings[] = {"", "gzip", "deflate", "x-gzip"};
    ladon__http_req req;
    ladon__buf a = {0}, b = {0};
    const char *body;
    size_t len;
    int soap12, rc;
    char msg[256];

    if (size < 1)
        return 0;
    memset(&req, 0, sizeof req);
    snprintf(req.content_type, sizeof req.content_type, "%s", ctypes[data[0] & 7]);
    snprintf(req.content_encoding, sizeof req.content_encoding, "%s", codings[(data[0] >> 3) & 3]);
    req.chunked = (data[0] & 0x20) != 0;
    rc = ladon__body_decode(&req, (const char *)data + 1, size - 1, MAX, &a, &b, &body, &len,
                            &soap12, msg, sizeof msg);
    if (rc == LADON__BODY_OK && body != (const char *)data + 1 && len > MAX)
        abort();
    if (rc != LADON__BODY_OK && msg[0] == '\0')
        abort(); /* every refusal says why */
    ladon__buf_free(&a);
    ladon__buf_free(&b);
    return 0;
}
