/* wsdl_schema.c - the WSDL checker's "schema" rule (ladon_wsdl.h): the schemas in
 * wsdl:types must compile.
 *
 * A WSDL holds several <schema> elements under <types> that import each other by namespace only
 * (no schemaLocation), plus an import of the SOAP encoding namespace.
 * libxml2 cannot compile such a schema in place, so each check:
 *   1. copies every <schema> element into a document of its own, declaring on the copy every
 *      namespace in scope at the original (QName *values* such as type="calc:Point" need the
 *      prefixes declared on <definitions>);
 *   2. gives every <import namespace="N"> a schemaLocation "ladon-mem:ns-K.xsd" when the WSDL
 *      defines N; ladon-mem:ns-K.xsd is a generated schema for N that <include>s every schema of
 *      the WSDL with targetNamespace N (WSDL 1.1 allows several);
 *   3. compiles one generated root schema importing every namespace, with libxml2's external
 *      entity loader replaced for the duration so that ladon-mem: URLs are served from memory
 *      and every other URL is refused (nothing is read from the network or the disk).
 * The SOAP encoding schema (http://schemas.xmlsoap.org/soap/encoding/) is not available offline.
 * It is served as an EMPTY stub schema: an import of the namespace is accepted, but any reference
 * to a soapenc type or attribute (SOAP-ENC:Array, arrayType, ...) fails to resolve and is
 * reported. That is intended: a document/literal WSDL must not use SOAP encoding (WS-I R2110).
 * Errors of the compiled copies are mapped back to lines of the WSDL by the element path.
 */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "wsdl_internal.h"

#define NS_SOAPENC "http://schemas.xmlsoap.org/soap/encoding/"
#define MEM_SCHEME "ladon-mem:"
#define ROOT_NS "urn:ladon:wsdl-check:root"

static pthread_mutex_t loader_lock = PTHREAD_MUTEX_INITIALIZER;
static xmlExternalEntityLoader previous_loader;
static _Thread_local chk *loader_chk;

static const char soapenc_stub[] =
    "<?xml version=\"1.0\"?>\n"
    "<schema xmlns=\"" NS_XSD "\" targetNamespace=\"" NS_SOAPENC "\"/>\n";

static xmlParserInputPtr mem_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    chk *c = loader_chk;
    if (c == NULL)
        return previous_loader != NULL ? previous_loader(url, id, ctxt) : NULL;
    if (url == NULL)
        return NULL;
    const char *text = NULL;
    int len = 0;
    if (strncmp(url, MEM_SCHEME, strlen(MEM_SCHEME)) == 0) {
        for (int i = 0; i < c->n_mem; i++) {
            if (strcmp(c->mem[i].uri, url) == 0) {
                text = (const char *)c->mem[i].text;
                len = c->mem[i].len;
                break;
            }
        }
        if (text == NULL && strcmp(url, MEM_SCHEME "soapenc.xsd") == 0) {
            text = soapenc_stub;
            len = (int)strlen(soapenc_stub);
        }
    }
    if (text == NULL) {
        report(c, 0, "schema",
               "external schema '%s' is not loaded (only the WSDL's own schemas are used)", url);
        return NULL;
    }
    xmlParserInputBufferPtr buf = xmlParserInputBufferCreateMem(text, len, XML_CHAR_ENCODING_NONE);
    if (buf == NULL) {
        report_oom(c);
        return NULL;
    }
    xmlParserInputPtr in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE);
    if (in == NULL) {
        xmlFreeParserInputBuffer(buf);
        report_oom(c);
        return NULL;
    }
    in->filename = (char *)xmlStrdup(BAD_CAST url);
    if (in->filename == NULL) {
        xmlFreeInputStream(in);
        report_oom(c);
        return NULL;
    }
    return in;
}

/* Find the WSDL line of node N of a compiled copy: follow the chain of element indexes from
 * the copy's root down to N in the original <schema> element. */
static long map_line(chk *c, xmlNodePtr n)
{
    if (n == NULL || n->doc == NULL || n->doc->URL == NULL)
        return 0;
    const char *url = (const char *)n->doc->URL;
    int idx = -1;
    for (int i = 0; i < c->n_mem; i++)
        if (strcmp(c->mem[i].uri, url) == 0)
            idx = c->mem[i].schema;
    if (idx < 0)
        return 0;
    if (n->type == XML_ATTRIBUTE_NODE)
        n = n->parent;
    if (n == NULL || n->type != XML_ELEMENT_NODE)
        return 0;
    int path[128];
    int depth = 0;
    for (xmlNodePtr e = n; e != NULL && e->type == XML_ELEMENT_NODE && e->parent != NULL
                           && e->parent->type == XML_ELEMENT_NODE;
         e = e->parent) {
        if (depth == (int)(sizeof path / sizeof path[0]))
            return 0;
        int k = 0;
        for (xmlNodePtr p = e->prev; p != NULL; p = p->prev)
            if (p->type == XML_ELEMENT_NODE)
                k++;
        path[depth++] = k;
    }
    xmlNodePtr o = c->schemas[idx].orig;
    for (int d = depth - 1; d >= 0 && o != NULL; d--) {
        xmlNodePtr ch = next_el(o->children);
        for (int k = 0; k < path[d] && ch != NULL; k++)
            ch = next_el(ch->next);
        o = ch;
    }
    return o != NULL ? line_of(o) : 0;
}

static void schema_error(void *ctx, xmlErrorPtr e)
{
    chk *c = ctx;
    if (e == NULL || e->level < XML_ERR_ERROR || !c->in_schema)
        return;
    long line = map_line(c, e->node);
    report(c, line, "schema", "%s", e->message != NULL ? e->message : "schema error");
}

static int add_mem(chk *c, const char *uri, xmlChar *text, int len, int schema)
{
    mem_entry *m = realloc(c->mem, sizeof *m * (size_t)(c->n_mem + 1));
    if (m == NULL) {
        xmlFree(text);
        report_oom(c);
        return -1;
    }
    c->mem = m;
    mem_entry *e = &m[c->n_mem++];
    snprintf(e->uri, sizeof e->uri, "%s", uri);
    e->text = text;
    e->len = len;
    e->schema = schema;
    return 0;
}

/* Distinct target namespaces of the schemas, in document order; group i of schema k is
 * c->schemas[k].group. Returns the number of groups. */
static int group_schemas(chk *c, int *first_of_group)
{
    int n = 0;
    for (int i = 0; i < c->n_schemas; i++) {
        int g = -1;
        for (int j = 0; j < n; j++)
            if (ns_equal(c->schemas[first_of_group[j]].tns, c->schemas[i].tns))
                g = j;
        if (g < 0) {
            g = n++;
            first_of_group[g] = i;
        }
        c->schemas[i].group = g;
    }
    return n;
}

static int group_of_ns(chk *c, const xmlChar *ns)
{
    for (int i = 0; i < c->n_schemas; i++)
        if (ns_equal(c->schemas[i].tns, ns))
            return c->schemas[i].group;
    return -1;
}

/* Declare on COPY every namespace in scope at ORIG that COPY does not declare itself. */
static int add_inherited_ns(chk *c, xmlNodePtr orig, xmlNodePtr copy)
{
    xmlNsPtr *list = xmlGetNsList(orig->doc, orig);
    if (list == NULL)
        return 0; /* none in scope (or out of memory: then later steps fail too) */
    int rc = 0;
    for (int i = 0; list[i] != NULL; i++) {
        bool declared = false;
        for (xmlNsPtr d = copy->nsDef; d != NULL; d = d->next)
            if ((d->prefix == NULL && list[i]->prefix == NULL)
                || (d->prefix != NULL && list[i]->prefix != NULL
                    && xmlStrEqual(d->prefix, list[i]->prefix)))
                declared = true;
        if (!declared && xmlNewNs(copy, list[i]->href, list[i]->prefix) == NULL) {
            report_oom(c);
            rc = -1;
            break;
        }
    }
    xmlFree(list);
    return rc;
}

/* Serialize a copy of schema I with its imports pointed at the in-memory documents. */
static int build_schema_copy(chk *c, int i)
{
    xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
    if (d == NULL) {
        report_oom(c);
        return -1;
    }
    int rc = -1;
    xmlNodePtr copy = xmlDocCopyNode(c->schemas[i].orig, d, 1);
    if (copy == NULL) {
        report_oom(c);
        goto out;
    }
    xmlDocSetRootElement(d, copy);
    if (add_inherited_ns(c, c->schemas[i].orig, copy) != 0)
        goto out;
    FOR_CHILD(imp, copy) {
        if (!is_el(imp, NS_XSD, "import"))
            continue;
        const xmlChar *ns = attr(imp, "namespace");
        char loc[64] = "";
        int g = group_of_ns(c, ns);
        if (g >= 0)
            snprintf(loc, sizeof loc, MEM_SCHEME "ns-%d.xsd", g);
        else if (ns != NULL && xmlStrEqual(ns, BAD_CAST NS_SOAPENC))
            snprintf(loc, sizeof loc, MEM_SCHEME "soapenc.xsd");
        if (loc[0] != '\0' && xmlSetProp(imp, BAD_CAST "schemaLocation", BAD_CAST loc) == NULL) {
            report_oom(c);
            goto out;
        }
    }
    xmlChar *text = NULL;
    int len = 0;
    xmlDocDumpMemory(d, &text, &len);
    if (text == NULL) {
        report_oom(c);
        goto out;
    }
    char uri[64];
    snprintf(uri, sizeof uri, MEM_SCHEME "schema-%d.xsd", i);
    rc = add_mem(c, uri, text, len, i);
out:
    xmlFreeDoc(d);
    return rc;
}

/* Append text to a growing buffer; returns -1 on out of memory. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static int sb_add(chk *c, sbuf *b, const char *text)
{
    size_t n = strlen(text);
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            report_oom(c);
            return -1;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, text, n + 1);
    b->len += n;
    return 0;
}

/* Append an attribute value, escaped. */
static int sb_add_attr(chk *c, sbuf *b, const xmlChar *v)
{
    char one[2] = { 0, 0 };
    for (const xmlChar *p = v; *p; p++) {
        int rc;
        switch (*p) {
        case '&': rc = sb_add(c, b, "&amp;"); break;
        case '<': rc = sb_add(c, b, "&lt;"); break;
        case '"': rc = sb_add(c, b, "&quot;"); break;
        default:
            one[0] = (char)*p;
            rc = sb_add(c, b, one);
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int sb_to_mem(chk *c, sbuf *b, const char *uri)
{
    if (b->len > INT_MAX) {
        report_oom(c);
        free(b->p);
        return -1;
    }
    xmlChar *text = xmlStrdup(BAD_CAST b->p);
    int len = (int)b->len;
    free(b->p);
    b->p = NULL;
    if (text == NULL) {
        report_oom(c);
        return -1;
    }
    return add_mem(c, uri, text, len, -1);
}

void ladon__wsdl_check_schemas(chk *c, xmlNodePtr types)
{
    int n = 0;
    FOR_CHILD(sch, types) {
        if (is_el(sch, NS_XSD, "schema"))
            n++;
        else if (!in_ns(sch, NS_WSDL))
            report(c, line_of(sch), "wsdl", "unexpected element '%s' in wsdl:types", s(sch->name));
    }
    if (n == 0)
        return;
    c->schemas = calloc((size_t)n, sizeof *c->schemas);
    int *first = calloc((size_t)n, sizeof *first);
    if (c->schemas == NULL || first == NULL) {
        free(first);
        report_oom(c);
        return;
    }
    FOR_CHILD(sch, types) {
        if (!is_el(sch, NS_XSD, "schema"))
            continue;
        schema_src *src = &c->schemas[c->n_schemas++];
        src->orig = sch;
        src->tns = attr(sch, "targetNamespace");
    }
    int groups = group_schemas(c, first);

    for (int i = 0; i < c->n_schemas; i++)
        if (build_schema_copy(c, i) != 0)
            goto out;
    for (int g = 0; g < groups; g++) {
        sbuf b = { 0 };
        const xmlChar *tns = c->schemas[first[g]].tns;
        int rc = sb_add(c, &b, "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"" NS_XSD "\"");
        if (rc == 0 && tns != NULL && *tns != '\0')
            rc = sb_add(c, &b, " targetNamespace=\"") || sb_add_attr(c, &b, tns)
                 || sb_add(c, &b, "\"");
        rc = rc || sb_add(c, &b, ">\n");
        for (int i = 0; rc == 0 && i < c->n_schemas; i++) {
            if (c->schemas[i].group != g)
                continue;
            char inc[128];
            snprintf(inc, sizeof inc,
                     "  <xs:include schemaLocation=\"" MEM_SCHEME "schema-%d.xsd\"/>\n", i);
            rc = sb_add(c, &b, inc);
        }
        rc = rc || sb_add(c, &b, "</xs:schema>\n");
        char uri[64];
        snprintf(uri, sizeof uri, MEM_SCHEME "ns-%d.xsd", g);
        if (rc != 0 || sb_to_mem(c, &b, uri) != 0) {
            free(b.p);
            goto out;
        }
    }
    sbuf root = { 0 };
    int rc = sb_add(c, &root,
                    "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"" NS_XSD
                    "\" targetNamespace=\"" ROOT_NS "\">\n");
    for (int g = 0; rc == 0 && g < groups; g++) {
        const xmlChar *tns = c->schemas[first[g]].tns;
        rc = sb_add(c, &root, "  <xs:import");
        if (rc == 0 && tns != NULL && *tns != '\0')
            rc = sb_add(c, &root, " namespace=\"") || sb_add_attr(c, &root, tns)
                 || sb_add(c, &root, "\"");
        char loc[64];
        snprintf(loc, sizeof loc, " schemaLocation=\"" MEM_SCHEME "ns-%d.xsd\"/>\n", g);
        rc = rc || sb_add(c, &root, loc);
    }
    rc = rc || sb_add(c, &root, "</xs:schema>\n");
    if (rc != 0 || root.len > INT_MAX) {
        free(root.p);
        if (rc == 0)
            report_oom(c);
        goto out;
    }

    /* Compile. */
    pthread_mutex_lock(&loader_lock);
    previous_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(mem_loader);
    loader_chk = c;
    c->in_schema = true;
    xmlStructuredErrorFunc saved_fn = xmlStructuredError;
    void *saved_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(c, schema_error);
    int before = c->errors;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(root.p, (int)root.len);
    if (pc == NULL) {
        report_oom(c);
    } else {
        xmlSchemaSetParserStructuredErrors(pc, schema_error, c);
        xmlSchemaPtr schema = xmlSchemaParse(pc);
        if (schema == NULL && c->errors == before)
            report(c, line_of(types), "schema", "the schemas in wsdl:types do not compile");
        if (schema != NULL)
            xmlSchemaFree(schema);
        xmlSchemaFreeParserCtxt(pc);
    }
    xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
    c->in_schema = false;
    loader_chk = NULL;
    xmlSetExternalEntityLoader(previous_loader);
    pthread_mutex_unlock(&loader_lock);
    free(root.p);
out:
    free(first);
}
