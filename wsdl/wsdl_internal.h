/* wsdl_internal.h - what the parts of the WSDL checker share (internal):
 * the checker's state, reporting, and the tree and QName lookups every rule
 * uses, as static inline functions so that the parts export nothing but
 * their entry points:
 *   wsdl_check.c   the entry points (ladon_wsdl.h): parse, run the rules
 *   wsdl_schema.c  the "schema" rule: compiling the WSDL's schemas
 *   wsdl_wsi.c     the WSDL structure and WS-I Basic Profile rules
 *   wsdl_tasks.c   the "task-group" rule (docs/design.md section 6)
 */
#ifndef LADON_WSDL_INTERNAL_H
#define LADON_WSDL_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "ladon_wsdl.h"

#define NS_WSDL "http://schemas.xmlsoap.org/wsdl/"
#define NS_XSD "http://www.w3.org/2001/XMLSchema"

/* ---------------------------------------------------------------- checker state */

typedef struct mem_entry {
    char uri[64];
    xmlChar *text; /* xmlFree */
    int len;
    int schema;    /* index into chk.schemas, or -1 for generated documents */
} mem_entry;

typedef struct schema_src {
    xmlNodePtr orig;     /* <schema> in the WSDL */
    const xmlChar *tns;  /* its targetNamespace attribute value (points into the tree) or NULL */
    int group;           /* index of its namespace group */
} schema_src;

typedef struct chk {
    ladon_wsdl_report_fn report;
    void *user;
    int errors;
    bool oom;
    xmlDocPtr doc;
    xmlNodePtr defs;
    xmlChar *tns;        /* definitions/@targetNamespace or NULL */
    schema_src *schemas;
    int n_schemas;
    mem_entry *mem;
    int n_mem;
    bool in_schema;      /* collecting errors of the schema compilation */
} chk;

static inline void report(chk *c, long line, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline void report(chk *c, long line, const char *rule, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    c->errors++;
    if (c->report != NULL)
        c->report(c->user, rule, line, buf);
}

static inline void report_oom(chk *c)
{
    if (!c->oom) {
        c->oom = true;
        report(c, 0, "internal", "out of memory");
    }
}

static inline long line_of(xmlNodePtr n)
{
    return n != NULL ? xmlGetLineNo(n) : 0;
}

/* ---------------------------------------------------------------- tree helpers */

static inline bool in_ns(xmlNodePtr n, const char *ns)
{
    return n->ns != NULL && n->ns->href != NULL && xmlStrEqual(n->ns->href, BAD_CAST ns);
}

static inline bool is_el(xmlNodePtr n, const char *ns, const char *local)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && in_ns(n, ns)
           && (local == NULL || xmlStrEqual(n->name, BAD_CAST local));
}

static inline xmlNodePtr next_el(xmlNodePtr n)
{
    while (n != NULL && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

#define FOR_CHILD(var, parent)                                                                    \
    for (xmlNodePtr var = next_el((parent)->children); var != NULL; var = next_el(var->next))

/* An attribute value without namespace; NULL when absent. The pointer stays valid while the
 * tree is unchanged (it points into the attribute's text node). */
static inline const xmlChar *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && xmlStrEqual(a->name, BAD_CAST name)) {
            if (a->children != NULL && a->children->type == XML_TEXT_NODE
                && a->children->next == NULL)
                return a->children->content;
            return BAD_CAST "";
        }
    }
    return NULL;
}

static inline const char *s(const xmlChar *x)
{
    return x != NULL ? (const char *)x : "";
}

static inline bool ns_equal(const xmlChar *a, const xmlChar *b)
{
    if (a == NULL || *a == '\0')
        return b == NULL || *b == '\0';
    return b != NULL && xmlStrEqual(a, b);
}

typedef struct qname {
    const xmlChar *ns; /* NULL: no namespace */
    const xmlChar *local;
    bool ok;
} qname;

/* Resolve a QName attribute value in the scope of node CTX. On an undeclared prefix reports a
 * "reference" error and returns ok=false. C may be NULL: then nothing is reported (for names in
 * <types>, whose errors the "schema" rule reports). */
static inline qname resolve_qname(chk *c, xmlNodePtr ctx, const xmlChar *value, const char *what)
{
    qname q = { NULL, value, false };
    if (value == NULL)
        return q;
    const xmlChar *colon = xmlStrchr(value, ':');
    char prefix[256];
    const char *pfx = NULL;
    if (colon != NULL) {
        size_t len = (size_t)(colon - value);
        if (len == 0 || len >= sizeof prefix) {
            if (c != NULL)
                report(c, line_of(ctx), "reference", "%s '%s' is not a valid QName", what,
                       s(value));
            return q;
        }
        memcpy(prefix, value, len);
        prefix[len] = '\0';
        pfx = prefix;
        q.local = colon + 1;
    }
    xmlNsPtr ns = xmlSearchNs(ctx->doc, ctx, BAD_CAST pfx);
    if (ns == NULL && pfx != NULL) {
        if (c != NULL)
            report(c, line_of(ctx), "reference", "%s '%s': namespace prefix '%s' is not declared",
                   what, s(value), pfx);
        return q;
    }
    q.ns = ns != NULL ? ns->href : NULL;
    q.ok = true;
    return q;
}

/* A top-level WSDL component (message, portType, binding) named by QName Q. */
static inline xmlNodePtr find_component(chk *c, const char *kind, qname q)
{
    if (!q.ok || !ns_equal(q.ns, c->tns))
        return NULL;
    FOR_CHILD(n, c->defs) {
        if (is_el(n, NS_WSDL, kind)) {
            const xmlChar *name = attr(n, "name");
            if (name != NULL && xmlStrEqual(name, q.local))
                return n;
        }
    }
    return NULL;
}

/* The global declaration (element, complexType, simpleType) of kind KIND1 or KIND2 (may be NULL)
 * named Q in one of the WSDL's schemas; NULL when there is none. */
static inline xmlNodePtr schema_find(chk *c, const char *kind1, const char *kind2, qname q)
{
    if (!q.ok)
        return NULL;
    for (int i = 0; i < c->n_schemas; i++) {
        if (!ns_equal(c->schemas[i].tns, q.ns))
            continue;
        FOR_CHILD(n, c->schemas[i].orig) {
            if (is_el(n, NS_XSD, kind1) || (kind2 != NULL && is_el(n, NS_XSD, kind2))) {
                const xmlChar *name = attr(n, "name");
                if (name != NULL && xmlStrEqual(name, q.local))
                    return n;
            }
        }
    }
    return NULL;
}

/* The operation named NAME of portType or binding PARENT; NULL when there is none. */
static inline xmlNodePtr find_op(xmlNodePtr parent, const xmlChar *name)
{
    if (parent == NULL || name == NULL)
        return NULL;
    FOR_CHILD(op, parent) {
        const xmlChar *n = is_el(op, NS_WSDL, "operation") ? attr(op, "name") : NULL;
        if (n != NULL && xmlStrEqual(n, name))
            return op;
    }
    return NULL;
}

/* ---------------------------------------------------------------- the rules */

/* In the order wsdl_check.c runs them. */

/* wsdl_schema.c: the "schema" rule, for wsdl:types element TYPES. */
void ladon__wsdl_check_schemas(chk *c, xmlNodePtr types);
/* wsdl_wsi.c: unique names, messages, portTypes, bindings, services. */
void ladon__wsdl_check_wsi(chk *c);
/* wsdl_tasks.c: the "task-group" rule. */
void ladon__wsdl_check_tasks(chk *c);

#endif
