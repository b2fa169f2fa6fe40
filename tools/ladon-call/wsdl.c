/* wsdl.c - WSDL 1.1 to ladon-call's model (see wsdl.h).  The walk is service -> port ->
 * binding -> portType operation -> message -> part element; the element's type comes from
 * schema.c.  Names are matched by local name within the one document (a WSDL split over
 * several files through wsdl:import is refused).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "wsdl.h"

#include <string.h>

#include <libxml/tree.h>

#include "schema.h"
#include "xmlsafe.h"

#define SOAP12_NS "http://schemas.xmlsoap.org/wsdl/soap12/"
#define WSDL20_NS "http://www.w3.org/ns/wsdl"

typedef struct reader {
    lc_arena *a;
    xmlNode *root;
    lc_schemas *schemas;
    bool nomem;
} reader;

static const char *local_of(const char *qname)
{
    const char *c = strchr(qname, ':');
    return c != NULL ? c + 1 : qname;
}

/* The child of the definitions named kind (message, portType, binding) with name local. */
static xmlNode *definition(reader *r, const char *kind, const char *qname)
{
    const char *local = local_of(qname);
    for (xmlNode *c = lc_xml_next_element(r->root, NULL); c != NULL;
         c = lc_xml_next_element(r->root, c)) {
        const char *name = lc_xml_attr(c, "name");
        if (lc_xml_is(c, LC_WSDL_NS, kind) && name != NULL && strcmp(name, local) == 0)
            return c;
    }
    return NULL;
}

static xmlNode *child(const xmlNode *node, const char *ns, const char *local)
{
    for (xmlNode *c = lc_xml_next_element(node, NULL); c != NULL; c = lc_xml_next_element(node, c))
        if (lc_xml_is(c, ns, local))
            return c;
    return NULL;
}

static const char *wsdl_doc(reader *r, const xmlNode *node)
{
    xmlNode *d = child(node, LC_WSDL_NS, "documentation");
    if (d == NULL)
        return NULL;
    xmlChar *text = xmlNodeGetContent(d);
    if (text == NULL)
        return NULL;
    const char *t = (const char *)text;
    size_t len = strlen(t);
    while (len > 0 && (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r')) {
        t++;
        len--;
    }
    while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\n' || t[len - 1] == '\t' ||
                       t[len - 1] == '\r'))
        len--;
    const char *doc = len > 0 ? lc_arena_strndup(r->a, t, len) : NULL;
    if (len > 0 && doc == NULL)
        r->nomem = true;
    xmlFree(text);
    return doc;
}

static const char *fmt(reader *r, const char *f, const char *x, const char *y)
{
    const char *s = lc_arena_printf(r->a, f, x, y);
    if (s == NULL)
        r->nomem = true;
    return s;
}

/* The wrapper element of message qname (the part named in soap:body parts=, else its only
 * part) into f; NULL, or why it is not a document/literal wrapped message. */
static const char *wrapper(reader *r, const char *qname, xmlNode *body, lc_field *f)
{
    xmlNode *msg = definition(r, "message", qname);
    if (msg == NULL)
        return fmt(r, "message '%s' is not defined%s", qname, "");
    const char *parts = body != NULL ? lc_xml_attr(body, "parts") : NULL;
    xmlNode *part = NULL;
    size_t n = 0;
    for (xmlNode *c = lc_xml_next_element(msg, NULL); c != NULL; c = lc_xml_next_element(msg, c)) {
        if (!lc_xml_is(c, LC_WSDL_NS, "part"))
            continue;
        const char *name = lc_xml_attr(c, "name");
        if (parts != NULL && parts[0] != '\0' && (name == NULL || strcmp(name, parts) != 0))
            continue;
        part = c;
        n++;
    }
    if (n != 1 || part == NULL)
        return fmt(r, "message '%s' does not have exactly one part (not document/literal "
                      "wrapped)%s", qname, "");
    const char *el = lc_xml_attr(part, "element");
    if (el == NULL)
        return fmt(r, "message '%s': its part has type= instead of element= (rpc style is "
                      "not supported)%s", qname, "");
    const char *ns, *local;
    if (lc_qname(part, el, &ns, &local) != 0)
        return fmt(r, "part element '%s' has an undeclared prefix%s", el, "");
    const char *why = NULL;
    const lc_field *g = lc_schemas_element(r->schemas, ns, local, &why);
    if (g == NULL) {
        if (why == NULL)
            r->nomem = true;
        return why != NULL ? why : "out of memory";
    }
    *f = *g;
    if (f->type->unsupported == NULL && f->type->kind != LC_STRUCT)
        return fmt(r, "element '%s' is of a simple type (not document/literal wrapped)%s", el,
                   "");
    return lc_type_unsupported(f->type);
}

static const char *soap_use(xmlNode *io)
{
    xmlNode *b = io != NULL ? child(io, LC_WSDL_SOAP_NS, "body") : NULL;
    const char *use = b != NULL ? lc_xml_attr(b, "use") : NULL;
    return use != NULL ? use : "literal";
}

static int read_op(reader *r, xmlNode *bop, xmlNode *ptype, const char *bstyle, lc_op *op)
{
    const char *name = lc_xml_attr(bop, "name");
    op->name = lc_arena_strdup(r->a, name != NULL ? name : "");
    op->action = "";
    if (op->name == NULL)
        return -1;
    xmlNode *soapop = child(bop, LC_WSDL_SOAP_NS, "operation");
    const char *style = bstyle;
    if (soapop != NULL) {
        const char *act = lc_xml_attr(soapop, "soapAction");
        const char *st = lc_xml_attr(soapop, "style");
        if (act != NULL && (op->action = lc_arena_strdup(r->a, act)) == NULL)
            return -1;
        if (st != NULL)
            style = st;
    }
    xmlNode *pop = NULL;
    for (xmlNode *c = lc_xml_next_element(ptype, NULL); c != NULL;
         c = lc_xml_next_element(ptype, c)) {
        const char *n = lc_xml_attr(c, "name");
        if (lc_xml_is(c, LC_WSDL_NS, "operation") && n != NULL && strcmp(n, op->name) == 0) {
            pop = c;
            break;
        }
    }
    xmlNode *bin = child(bop, LC_WSDL_NS, "input"), *bout = child(bop, LC_WSDL_NS, "output");
    if (pop == NULL) {
        op->unsupported = fmt(r, "operation '%s' is not in the binding's portType%s", op->name,
                              "");
        return r->nomem ? -1 : 0;
    }
    op->doc = wsdl_doc(r, pop);
    xmlNode *pin = child(pop, LC_WSDL_NS, "input"), *pout = child(pop, LC_WSDL_NS, "output");
    const char *in_msg = pin != NULL ? lc_xml_attr(pin, "message") : NULL;
    const char *out_msg = pout != NULL ? lc_xml_attr(pout, "message") : NULL;
    if (strcmp(style, "document") != 0)
        op->unsupported = fmt(r, "style=\"%s\" (only document/literal wrapped operations are "
                                 "supported)%s", style, "");
    else if (strcmp(soap_use(bin), "literal") != 0 || strcmp(soap_use(bout), "literal") != 0)
        op->unsupported = "use=\"encoded\" (SOAP encoding is not supported: only "
                          "document/literal wrapped)";
    else if ((bin != NULL && child(bin, LC_WSDL_SOAP_NS, "header") != NULL) ||
             (bout != NULL && child(bout, LC_WSDL_SOAP_NS, "header") != NULL))
        op->unsupported = "soap:header (SOAP headers are not supported)";
    else if (in_msg == NULL)
        op->unsupported = "an operation without input";
    else if (out_msg == NULL)
        op->unsupported = "a one-way operation (no output)";
    if (op->unsupported == NULL) {
        xmlNode *bodyin = bin != NULL ? child(bin, LC_WSDL_SOAP_NS, "body") : NULL;
        xmlNode *bodyout = bout != NULL ? child(bout, LC_WSDL_SOAP_NS, "body") : NULL;
        const char *why = wrapper(r, in_msg, bodyin, &op->input);
        if (why == NULL)
            why = wrapper(r, out_msg, bodyout, &op->output);
        op->unsupported = why;
    }
    return r->nomem ? -1 : 0;
}

static int read_service(reader *r, xmlNode *svc, const char *source, lc_service *out)
{
    const char *name = lc_xml_attr(svc, "name");
    out->name = lc_arena_strdup(r->a, name != NULL ? name : "(unnamed)");
    out->source = lc_arena_strdup(r->a, source);
    out->doc = wsdl_doc(r, svc);
    out->address = "";
    if (out->name == NULL || out->source == NULL || r->nomem)
        return -1;
    xmlNode *binding = NULL, *soapbind = NULL;
    bool other = false;
    for (xmlNode *p = lc_xml_next_element(svc, NULL); p != NULL; p = lc_xml_next_element(svc, p)) {
        if (!lc_xml_is(p, LC_WSDL_NS, "port"))
            continue;
        const char *bq = lc_xml_attr(p, "binding");
        xmlNode *b = bq != NULL ? definition(r, "binding", bq) : NULL;
        xmlNode *sb = b != NULL ? child(b, LC_WSDL_SOAP_NS, "binding") : NULL;
        if (sb == NULL) {
            other = true;
            continue;
        }
        binding = b;
        soapbind = sb;
        xmlNode *addr = child(p, LC_WSDL_SOAP_NS, "address");
        const char *loc = addr != NULL ? lc_xml_attr(addr, "location") : NULL;
        if (loc != NULL && (out->address = lc_arena_strdup(r->a, loc)) == NULL)
            return -1;
        break;
    }
    if (binding == NULL) {
        out->unsupported = other ? "no SOAP 1.1 port (SOAP 1.2 and HTTP bindings are not "
                                   "supported)"
                                 : "no port";
        return 0;
    }
    const char *transport = lc_xml_attr(soapbind, "transport");
    if (transport != NULL && strcmp(transport, "http://schemas.xmlsoap.org/soap/http") != 0) {
        out->unsupported = fmt(r, "transport %s (only SOAP over HTTP)%s", transport, "");
        return r->nomem ? -1 : 0;
    }
    const char *style = lc_xml_attr(soapbind, "style");
    const char *tq = lc_xml_attr(binding, "type");
    xmlNode *ptype = tq != NULL ? definition(r, "portType", tq) : NULL;
    if (ptype == NULL) {
        out->unsupported = "the binding's portType is not defined";
        return 0;
    }
    size_t n = 0;
    for (xmlNode *c = lc_xml_next_element(binding, NULL); c != NULL;
         c = lc_xml_next_element(binding, c))
        if (lc_xml_is(c, LC_WSDL_NS, "operation"))
            n++;
    out->ops = lc_arena_array(r->a, n, sizeof *out->ops);
    if (out->ops == NULL)
        return -1;
    for (xmlNode *c = lc_xml_next_element(binding, NULL); c != NULL;
         c = lc_xml_next_element(binding, c)) {
        if (!lc_xml_is(c, LC_WSDL_NS, "operation"))
            continue;
        if (read_op(r, c, ptype, style != NULL ? style : "document", &out->ops[out->n_ops]) != 0)
            return -1;
        out->n_ops++;
    }
    return 0;
}

lc_wsdl *lc_wsdl_read(lc_arena *a, const char *data, size_t len, const char *source,
                      lc_err *err)
{
    xmlDocPtr doc = lc_xml_parse(data, len, source, LC_EXIT_USAGE, err);
    if (doc == NULL)
        return NULL;
    lc_wsdl *w = NULL;
    reader r = {.a = a, .root = xmlDocGetRootElement(doc)};
    if (lc_xml_is(r.root, WSDL20_NS, "description")) {
        lc_err_set(err, LC_EXIT_USAGE, "%s: WSDL 2.0 is not supported (only WSDL 1.1)", source);
        goto done;
    }
    if (!lc_xml_is(r.root, LC_WSDL_NS, "definitions")) {
        lc_err_set(err, LC_EXIT_USAGE, "%s: not a WSDL 1.1 document (its root element is <%s>)",
                   source, (const char *)r.root->name);
        goto done;
    }
    if ((r.schemas = lc_schemas_new(a)) == NULL || (w = lc_arena_alloc(a, sizeof *w)) == NULL)
        goto nomem;
    size_t n = 0;
    for (xmlNode *c = lc_xml_next_element(r.root, NULL); c != NULL;
         c = lc_xml_next_element(r.root, c)) {
        if (lc_xml_is(c, LC_WSDL_NS, "import")) {
            lc_err_set(err, LC_EXIT_USAGE, "%s: wsdl:import (a WSDL split over several "
                                           "documents) is not supported", source);
            w = NULL;
            goto done;
        }
        if (lc_xml_is(c, LC_WSDL_NS, "types"))
            for (xmlNode *s = lc_xml_next_element(c, NULL); s != NULL;
                 s = lc_xml_next_element(c, s))
                if (lc_xml_is(s, LC_XSD_NS, "schema") && lc_schemas_add(r.schemas, s) != 0)
                    goto nomem;
        if (lc_xml_is(c, LC_WSDL_NS, "service"))
            n++;
    }
    if (n == 0) {
        lc_err_set(err, LC_EXIT_USAGE, "%s: the WSDL defines no service", source);
        w = NULL;
        goto done;
    }
    if ((w->services = lc_arena_array(a, n, sizeof *w->services)) == NULL)
        goto nomem;
    for (xmlNode *c = lc_xml_next_element(r.root, NULL); c != NULL;
         c = lc_xml_next_element(r.root, c)) {
        if (!lc_xml_is(c, LC_WSDL_NS, "service"))
            continue;
        if (read_service(&r, c, source, &w->services[w->n_services]) != 0 || r.nomem)
            goto nomem;
        w->n_services++;
    }
    goto done;
nomem:
    lc_err_nomem(err);
    w = NULL;
done:
    xmlFreeDoc(doc);
    return w;
}
