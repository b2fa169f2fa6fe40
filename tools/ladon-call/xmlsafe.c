/* xmlsafe.c - parsing untrusted XML under ladon-call's limits (see xmlsafe.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "xmlsafe.h"

#include <string.h>

#include <libxml/parser.h>

/* Is there a DOCTYPE before the root element?  Skips the XML declaration, comments,
 * processing instructions and white space (bytes, so a UTF-16 document is only caught by the
 * check after parsing). */
static int has_doctype(const char *d, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (d[i] != '<') {
            i++;
            continue;
        }
        if (len - i >= 9 && memcmp(d + i, "<!DOCTYPE", 9) == 0)
            return 1;
        if (len - i >= 4 && memcmp(d + i, "<!--", 4) == 0) {
            const char *end = memmem(d + i + 4, len - i - 4, "-->", 3);
            if (end == NULL)
                return 0;
            i = (size_t)(end - d) + 3;
            continue;
        }
        if (len - i >= 2 && d[i + 1] == '?') {
            i += 2;
            continue;
        }
        return 0; /* the root element: no DOCTYPE */
    }
    return 0;
}

xmlDocPtr lc_xml_parse(const char *data, size_t len, const char *what, int code, lc_err *err)
{
    if (len > LC_MAX_DOCUMENT) {
        lc_err_set(err, code, "%s: larger than %zu MiB", what, LC_MAX_DOCUMENT >> 20);
        return NULL;
    }
    if (len == 0) {
        lc_err_set(err, code, "%s: empty document", what);
        return NULL;
    }
    if (has_doctype(data, len)) {
        lc_err_set(err, code, "%s: has a DTD (<!DOCTYPE>), which is not accepted", what);
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        lc_err_nomem(err);
        return NULL;
    }
    /* no XML_PARSE_NOENT (entities are never substituted), no DTD loading, no network */
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    if (doc == NULL) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        if (e != NULL && e->message != NULL) {
            size_t n = strlen(e->message);
            while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
                n--;
            lc_err_set(err, code, "%s: not well-formed XML (line %d: %.*s)", what, e->line,
                       (int)n, e->message);
        } else {
            lc_err_set(err, code, "%s: not well-formed XML", what);
        }
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset != NULL || doc->extSubset != NULL) {
        xmlFreeDoc(doc);
        lc_err_set(err, code, "%s: has a DTD (<!DOCTYPE>), which is not accepted", what);
        return NULL;
    }
    if (xmlDocGetRootElement(doc) == NULL) {
        xmlFreeDoc(doc);
        lc_err_set(err, code, "%s: no root element", what);
        return NULL;
    }
    return doc;
}

const char *lc_xml_ns(const xmlNode *node)
{
    return node->ns != NULL && node->ns->href != NULL ? (const char *)node->ns->href : NULL;
}

int lc_xml_is(const xmlNode *node, const char *ns, const char *local)
{
    if (node == NULL || node->type != XML_ELEMENT_NODE)
        return 0;
    const char *n = lc_xml_ns(node);
    if ((ns == NULL) != (n == NULL) || (ns != NULL && strcmp(ns, n) != 0))
        return 0;
    return strcmp((const char *)node->name, local) == 0;
}

const char *lc_xml_attr(const xmlNode *node, const char *name)
{
    for (const xmlAttr *a = node->properties; a != NULL; a = a->next)
        if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
            return a->children != NULL && a->children->type == XML_TEXT_NODE
                       ? (const char *)a->children->content
                       : (a->children == NULL ? "" : NULL);
    return NULL;
}

xmlNode *lc_xml_next_element(const xmlNode *node, const xmlNode *prev)
{
    xmlNode *c = prev != NULL ? prev->next : node->children;
    while (c != NULL && c->type != XML_ELEMENT_NODE)
        c = c->next;
    return c;
}
