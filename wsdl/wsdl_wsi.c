/* wsdl_wsi.c - the WSDL checker's rules on the WSDL's own structure ("wsdl",
 * "reference", "port-address") and the WS-I Basic Profile 1.1 rules (R2xxx),
 * as listed in ladon_wsdl.h: unique component names, messages and their
 * parts, portTypes, bindings (SOAP 1.1, document/literal) and service ports.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "wsdl_internal.h"

#define NS_SOAP "http://schemas.xmlsoap.org/wsdl/soap/"
#define SOAP_HTTP "http://schemas.xmlsoap.org/soap/http"

static xmlNodePtr resolve_component(chk *c, xmlNodePtr ctx, const char *attrname,
                                    const char *kind, const char *what)
{
    const xmlChar *v = attr(ctx, attrname);
    if (v == NULL) {
        report(c, line_of(ctx), "wsdl", "%s has no %s attribute", what, attrname);
        return NULL;
    }
    qname q = resolve_qname(c, ctx, v, what);
    if (!q.ok)
        return NULL;
    xmlNodePtr n = find_component(c, kind, q);
    if (n == NULL) {
        if (!ns_equal(q.ns, c->tns))
            report(c, line_of(ctx), "reference",
                   "%s refers to %s '%s' in namespace '%s', not the WSDL's targetNamespace '%s' "
                   "(wsdl:import is not supported)",
                   what, kind, s(v), s(q.ns), s(c->tns));
        else
            report(c, line_of(ctx), "reference", "%s refers to undefined %s '%s'", what, kind,
                   s(v));
    }
    return n;
}

static void check_unique_names(chk *c, const char *kind)
{
    FOR_CHILD(a, c->defs) {
        if (!is_el(a, NS_WSDL, kind))
            continue;
        const xmlChar *na = attr(a, "name");
        if (na == NULL) {
            report(c, line_of(a), "wsdl", "wsdl:%s has no name", kind);
            continue;
        }
        for (xmlNodePtr b = next_el(a->next); b != NULL; b = next_el(b->next)) {
            const xmlChar *nb = is_el(b, NS_WSDL, kind) ? attr(b, "name") : NULL;
            if (nb != NULL && xmlStrEqual(na, nb)) {
                report(c, line_of(b), "wsdl", "duplicate wsdl:%s name '%s' (first at line %ld)",
                       kind, s(na), line_of(a));
                break;
            }
        }
    }
}

static void check_messages(chk *c)
{
    FOR_CHILD(m, c->defs) {
        if (!is_el(m, NS_WSDL, "message"))
            continue;
        FOR_CHILD(p, m) {
            if (!is_el(p, NS_WSDL, "part"))
                continue;
            const xmlChar *el = attr(p, "element");
            const xmlChar *ty = attr(p, "type");
            if ((el == NULL) == (ty == NULL)) {
                report(c, line_of(p), "wsdl",
                       "part '%s' of message '%s' must have exactly one of element= and type=",
                       s(attr(p, "name")), s(attr(m, "name")));
                continue;
            }
            if (el != NULL) {
                qname q = resolve_qname(c, p, el, "part element");
                if (q.ok && schema_find(c, "element", NULL, q) == NULL)
                    report(c, line_of(p), "R2206",
                           "part '%s' of message '%s': element '%s' is not a global element "
                           "declaration of wsdl:types",
                           s(attr(p, "name")), s(attr(m, "name")), s(el));
            } else {
                qname q = resolve_qname(c, p, ty, "part type");
                if (q.ok && !(q.ns != NULL && xmlStrEqual(q.ns, BAD_CAST NS_XSD))
                    && schema_find(c, "complexType", "simpleType", q) == NULL)
                    report(c, line_of(p), "reference",
                           "part '%s' of message '%s': type '%s' is not defined in wsdl:types",
                           s(attr(p, "name")), s(attr(m, "name")), s(ty));
            }
        }
    }
}

static void check_port_types(chk *c)
{
    FOR_CHILD(pt, c->defs) {
        if (!is_el(pt, NS_WSDL, "portType"))
            continue;
        FOR_CHILD(op, pt) {
            if (!is_el(op, NS_WSDL, "operation"))
                continue;
            const xmlChar *name = attr(op, "name");
            if (name == NULL) {
                report(c, line_of(op), "wsdl", "operation in portType '%s' has no name",
                       s(attr(pt, "name")));
                continue;
            }
            for (xmlNodePtr o2 = next_el(op->next); o2 != NULL; o2 = next_el(o2->next)) {
                const xmlChar *n2 = is_el(o2, NS_WSDL, "operation") ? attr(o2, "name") : NULL;
                if (n2 != NULL && xmlStrEqual(name, n2)) {
                    report(c, line_of(o2), "R2304",
                           "portType '%s' has two operations named '%s' (lines %ld and %ld)",
                           s(attr(pt, "name")), s(name), line_of(op), line_of(o2));
                    break;
                }
            }
            FOR_CHILD(io, op) {
                if (is_el(io, NS_WSDL, "input") || is_el(io, NS_WSDL, "output")
                    || is_el(io, NS_WSDL, "fault")) {
                    char what[300];
                    snprintf(what, sizeof what, "%s of operation '%s'", s(io->name), s(name));
                    resolve_component(c, io, "message", "message", what);
                }
            }
        }
    }
}

static void check_use(chk *c, xmlNodePtr n, const char *what, const xmlChar *opname)
{
    const xmlChar *use = attr(n, "use");
    if (use != NULL && !xmlStrEqual(use, BAD_CAST "literal"))
        report(c, line_of(n), "R2706", "operation '%s': soap:%s of %s has use=\"%s\", must be literal",
               s(opname), s(n->name), what, s(use));
}

/* Document-literal body checks of one input/output of a binding operation. */
static void check_doc_lit_body(chk *c, xmlNodePtr bio, xmlNodePtr body, xmlNodePtr pop,
                               const xmlChar *opname)
{
    if (attr(body, "namespace") != NULL)
        report(c, line_of(body), "R2716",
               "operation '%s': document-literal soap:body of %s has a namespace attribute",
               s(opname), s(bio->name));
    if (pop == NULL)
        return;
    xmlNodePtr pio = NULL;
    FOR_CHILD(x, pop)
        if (is_el(x, NS_WSDL, (const char *)bio->name))
            pio = x;
    if (pio == NULL) {
        report(c, line_of(bio), "R2718", "operation '%s': binding has %s, portType does not",
               s(opname), s(bio->name));
        return;
    }
    const xmlChar *mref = attr(pio, "message");
    if (mref == NULL)
        return;
    qname q = resolve_qname(c, pio, mref, "message");
    xmlNodePtr msg = find_component(c, "message", q);
    if (msg == NULL)
        return; /* reported with the portType */
    const xmlChar *parts = attr(body, "parts");
    int n_listed = 0;
    int n_body = 0;
    FOR_CHILD(p, msg) {
        if (!is_el(p, NS_WSDL, "part"))
            continue;
        const xmlChar *pname = attr(p, "name");
        bool in_body = true;
        if (parts != NULL) {
            /* parts is a whitespace-separated NMTOKENS list */
            in_body = false;
            size_t plen = pname != NULL ? (size_t)xmlStrlen(pname) : 0;
            for (const xmlChar *t = parts; *t;) {
                while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
                    t++;
                const xmlChar *e = t;
                while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
                    e++;
                if (e > t && pname != NULL && (size_t)(e - t) == plen
                    && memcmp(t, pname, plen) == 0)
                    in_body = true;
                t = e;
            }
        }
        if (!in_body)
            continue;
        n_body++;
        if (attr(p, "type") != NULL && attr(p, "element") == NULL)
            report(c, line_of(p), "R2204",
                   "operation '%s' is document-literal, but part '%s' of message '%s' uses "
                   "type=, not element=",
                   s(opname), s(pname), s(attr(msg, "name")));
    }
    if (parts != NULL) {
        for (const xmlChar *t = parts; *t;) {
            while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
                t++;
            if (*t)
                n_listed++;
            while (*t && *t != ' ' && *t != '\t' && *t != '\n' && *t != '\r')
                t++;
        }
        if (n_listed > 1)
            report(c, line_of(body), "R2201",
                   "operation '%s': document-literal soap:body of %s lists %d parts, at most one "
                   "is allowed",
                   s(opname), s(bio->name), n_listed);
        else if (n_listed != n_body)
            report(c, line_of(body), "reference",
                   "operation '%s': soap:body parts=\"%s\" names a part that message '%s' does "
                   "not have",
                   s(opname), s(parts), s(attr(msg, "name")));
    } else if (n_body > 1) {
        report(c, line_of(msg), "R2210",
               "message '%s' (%s of document-literal operation '%s') has %d parts, at most one "
               "is allowed",
               s(attr(msg, "name")), s(bio->name), s(opname), n_body);
    }
}

static void check_bindings(chk *c)
{
    FOR_CHILD(b, c->defs) {
        if (!is_el(b, NS_WSDL, "binding"))
            continue;
        const xmlChar *bname = attr(b, "name");
        char what[300];
        snprintf(what, sizeof what, "binding '%s'", s(bname));
        xmlNodePtr pt = resolve_component(c, b, "type", "portType", what);

        xmlNodePtr sb = NULL;
        int n_sb = 0;
        FOR_CHILD(x, b)
            if (is_el(x, NS_SOAP, "binding")) {
                if (sb == NULL)
                    sb = x;
                n_sb++;
            }
        if (sb == NULL) {
            report(c, line_of(b), "R2401", "binding '%s' has no soap:binding (SOAP 1.1 binding)",
                   s(bname));
            continue;
        }
        if (n_sb > 1)
            report(c, line_of(b), "wsdl", "binding '%s' has %d soap:binding elements", s(bname),
                   n_sb);
        const xmlChar *transport = attr(sb, "transport");
        if (transport == NULL || !xmlStrEqual(transport, BAD_CAST SOAP_HTTP))
            report(c, line_of(sb), "R2702", "binding '%s': soap:binding transport is '%s', must be "
                   "'" SOAP_HTTP "'",
                   s(bname), transport != NULL ? s(transport) : "(absent)");
        const xmlChar *bstyle = attr(sb, "style");
        if (bstyle != NULL && !xmlStrEqual(bstyle, BAD_CAST "document"))
            report(c, line_of(sb), "R2705", "binding '%s' has style=\"%s\", must be document",
                   s(bname), s(bstyle));

        FOR_CHILD(op, b) {
            if (!is_el(op, NS_WSDL, "operation"))
                continue;
            const xmlChar *opname = attr(op, "name");
            xmlNodePtr pop = find_op(pt, opname);
            if (pt != NULL && pop == NULL)
                report(c, line_of(op), "R2718",
                       "binding '%s' has operation '%s' that portType '%s' does not have",
                       s(bname), s(opname), s(attr(pt, "name")));
            const xmlChar *style = bstyle;
            FOR_CHILD(so, op) {
                if (is_el(so, NS_SOAP, "operation") && attr(so, "style") != NULL) {
                    style = attr(so, "style");
                    if (!xmlStrEqual(style, BAD_CAST "document"))
                        report(c, line_of(so), "R2705",
                               "operation '%s' of binding '%s' has style=\"%s\", must be document",
                               s(opname), s(bname), s(style));
                }
            }
            bool document = style == NULL || xmlStrEqual(style, BAD_CAST "document");
            FOR_CHILD(io, op) {
                bool is_io = is_el(io, NS_WSDL, "input") || is_el(io, NS_WSDL, "output");
                if (!is_io && !is_el(io, NS_WSDL, "fault"))
                    continue;
                xmlNodePtr body = NULL;
                bool literal = true;
                FOR_CHILD(x, io) {
                    if (!in_ns(x, NS_SOAP))
                        continue;
                    if (is_el(x, NS_SOAP, "body") || is_el(x, NS_SOAP, "header")
                        || is_el(x, NS_SOAP, "fault")) {
                        check_use(c, x, (const char *)io->name, opname);
                        const xmlChar *use = attr(x, "use");
                        if (use != NULL && !xmlStrEqual(use, BAD_CAST "literal"))
                            literal = false;
                    }
                    if (is_el(x, NS_SOAP, "header"))
                        FOR_CHILD(hf, x)
                            if (is_el(hf, NS_SOAP, "headerfault"))
                                check_use(c, hf, (const char *)io->name, opname);
                    if (is_el(x, NS_SOAP, "body"))
                        body = x;
                }
                if (is_io && document && literal && body != NULL)
                    check_doc_lit_body(c, io, body, pop, opname);
            }
        }
        if (pt != NULL) {
            FOR_CHILD(pop, pt) {
                const xmlChar *n = is_el(pop, NS_WSDL, "operation") ? attr(pop, "name") : NULL;
                if (n != NULL && find_op(b, n) == NULL)
                    report(c, line_of(b), "R2718",
                           "binding '%s' lacks operation '%s' of portType '%s'", s(bname), s(n),
                           s(attr(pt, "name")));
            }
        }
    }
}

static void check_services(chk *c)
{
    FOR_CHILD(svc, c->defs) {
        if (!is_el(svc, NS_WSDL, "service"))
            continue;
        FOR_CHILD(port, svc) {
            if (!is_el(port, NS_WSDL, "port"))
                continue;
            const xmlChar *pname = attr(port, "name");
            char what[300];
            snprintf(what, sizeof what, "port '%s' of service '%s'", s(pname),
                     s(attr(svc, "name")));
            resolve_component(c, port, "binding", "binding", what);
            int n = 0;
            FOR_CHILD(a, port) {
                if (!is_el(a, NS_SOAP, "address"))
                    continue;
                n++;
                const xmlChar *loc = attr(a, "location");
                if (loc == NULL || *loc == '\0')
                    report(c, line_of(a), "port-address", "%s: soap:address has no location",
                           what);
            }
            if (n != 1)
                report(c, line_of(port), "port-address",
                       "%s has %d soap:address elements, must have exactly one", what, n);
        }
    }
}

void ladon__wsdl_check_wsi(chk *c)
{
    check_unique_names(c, "message");
    check_unique_names(c, "portType");
    check_unique_names(c, "binding");
    check_unique_names(c, "service");
    check_messages(c);
    check_port_types(c);
    check_bindings(c);
    check_services(c);
}
