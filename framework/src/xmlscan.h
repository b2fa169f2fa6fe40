/* xmlscan.h - a cheap pre-check of a buffered XML body (internal).
 *
 * gSOAP enforces soap->maxlevel only for elements it deserializes, not for
 * elements it skips (unknown SOAP Header entries, for one), so the runtime
 * measures the nesting depth of a buffered request body itself before
 * handing it to gSOAP: one linear pass, no allocation.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_XMLSCAN_H
#define LADON_SRC_XMLSCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Does the element nesting of p[0..n) go deeper than max (the document
 * element is depth 1)?  Comments, processing instructions, CDATA sections,
 * DOCTYPE and quoted attribute values are skipped; malformed input is left
 * to the XML parser (false unless the depth was already exceeded). */
bool ladon__xml_too_deep(const char *p, size_t n, unsigned max);

#endif
