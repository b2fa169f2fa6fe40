/* body.h - the bytes of a request body as XML in UTF-8 (internal).
 *
 * A request body reaches the runtime framed (Content-Length or chunked),
 * perhaps compressed (Content-Encoding gzip or deflate) and perhaps in
 * another character encoding (UTF-16, which WS-I Basic Profile 1.1 R1012
 * allows, or whatever the Content-Type's charset or the XML declaration
 * names).  The runtime, not gSOAP, undoes all three, so that limits hold
 * on the decoded bytes whatever the framing (--max-request-size, the XML
 * checks of xmlnorm.h) and every error gets a precise answer; gSOAP then
 * reads plain UTF-8 XML of a known length.  (gSOAP's own inflating leaked
 * its zlib state on every failed request: it no longer inflates.)
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_BODY_H
#define LADON_SRC_BODY_H

#include <stddef.h>

#include "buf.h"
#include "http.h"

enum {
    LADON__BODY_OK = 0,
    LADON__BODY_BAD = -1,         /* a Client fault: msg says why */
    LADON__BODY_TOO_LARGE = -2,   /* 413: more than max bytes once decoded */
    LADON__BODY_UNSUPPORTED = -3, /* 415: msg names the media type, coding or charset */
    LADON__BODY_NOMEM = -4
};

/* Decodes the body raw[0..n) of the request req (whose framing
 * ladon__http_chunked_end or Content-Length already checked) into UTF-8,
 * using the two scratch buffers (emptied first).  On LADON__BODY_OK,
 * *body and *len give the result: raw itself when nothing needed decoding, else
 * inside one of the buffers; *soap12 tells whether the Content-Type was
 * SOAP 1.2's.  Any other result leaves the reason in msg (msglen bytes). */
int ladon__body_decode(const ladon__http_req *req, const char *raw, size_t n, size_t max,
                       ladon__buf *a, ladon__buf *b, const char **body, size_t *len,
                       int *soap12, char *msg, size_t msglen);

#endif
