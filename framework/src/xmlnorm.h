/* xmlnorm.h - checks a request body's XML and puts it in the form gSOAP
 * reads correctly (internal).
 *
 * gSOAP is the XML parser, but it gets several things wrong that a hostile
 * or merely unusual client can exploit (issue "No anonymous client can
 * exhaust..."): it enforces --max-depth only for elements it deserializes,
 * resolves SOAP-ENC multi-references (href/id) even for document/literal
 * services (a small request makes a huge response), decodes character
 * references longer than 7 characters wrongly, accepts references to
 * characters XML forbids and echoes them into responses that are not
 * well-formed, and does not read an operation wrapper with xsi:nil="true".
 * So every body passes this one linear scan before gSOAP sees it, which
 *   - refuses (with the reason, for a Client fault): invalid UTF-8,
 *     characters or character references XML 1.0 does not allow, undefined
 *     entities, a DTD, multi-references (href, ref), a declaration of the
 *     prefix xmlns, nesting beyond max_depth;
 *   - rewrites, only where needed: every character reference to the
 *     character itself (UTF-8; the five markup characters as &lt; &gt;
 *     &amp; &quot; &apos;), a leading byte-order mark away, and
 *     xsi:nil="true" off the operation wrapper (the child of the Body).
 * A body that needs no rewrite is not copied.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_XMLNORM_H
#define LADON_SRC_XMLNORM_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum {
    LADON__XML_OK = 0,        /* acceptable as it is */
    LADON__XML_REWRITTEN = 1, /* acceptable in the form out->p[0..out->len) */
    LADON__XML_REFUSED = -1,  /* msg says why */
    LADON__XML_NOMEM = -2
};

/* Checks p[0..n); out is appended to (pass it empty).  On
 * LADON__XML_REFUSED, msg (msglen bytes) holds the reason.  When the body
 * is acceptable and has_idref is not NULL, *has_idref says whether an
 * attribute's local name is id, ref or href, with any prefix or none,
 * xmlns: included: the only attributes that can put entries in gSOAP's id
 * table (recv.c). */
int ladon__xml_normalize(const char *p, size_t n, unsigned max_depth, ladon__buf *out,
                         bool *has_idref, char *msg, size_t msglen);

#endif
