/* xmlsafe.h - parsing XML that came from the network (WSDL documents, SOAP responses) with
 * libxml2 under ladon-call's limits: at most LC_MAX_DOCUMENT bytes, no network access, no
 * entity substitution, and no DTD at all (a document with a DOCTYPE is refused, so neither
 * external entities nor entity expansion can happen).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_XMLSAFE_H
#define LC_XMLSAFE_H

#include <stddef.h>

#include <libxml/tree.h>

#include "err.h"

#define LC_MAX_DOCUMENT ((size_t)64 << 20) /* 64 MiB: the largest WSDL or response read */

/* Parses len bytes of data as XML.  On failure records "WHAT: REASON" with exit status code
 * and returns NULL; the caller frees the document with xmlFreeDoc. */
xmlDocPtr lc_xml_parse(const char *data, size_t len, const char *what, int code, lc_err *err);

/* The XML namespace URI of node (NULL when it has none). */
const char *lc_xml_ns(const xmlNode *node);
/* Is node an element named local in namespace ns? */
int lc_xml_is(const xmlNode *node, const char *ns, const char *local);
/* The value of attribute name (no namespace), or NULL; the pointer lives as long as the node. */
const char *lc_xml_attr(const xmlNode *node, const char *name);
/* The first element child of node after (and not including) prev, or the first one when prev
 * is NULL. */
xmlNode *lc_xml_next_element(const xmlNode *node, const xmlNode *prev);

#endif
