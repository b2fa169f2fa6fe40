/* soapmsg.c - building SOAP requests and reading responses (see soapmsg.h).  Requests are
 * built as a libxml2 tree (so every text is escaped by the serializer); responses are parsed
 * by xmlsafe.c and matched to the output type by local name: elements that the schema does
 * not know are skipped, xsi:nil elements read as absent.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "soapmsg.h"

#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "xmlsafe.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define MAX_RESPONSE_DEPTH (2 * LC_MAX_DEPTH)

/* --- request ---------------------------------------------------------------------------- */

typedef struct builder {
    xmlDocPtr doc;
    int prefixes;
} builder;

static int set_ns(builder *b, xmlNode *el, const char *ns)
{
    if (ns == NULL)
        return 0; /* unqualified: no default namespace is ever declared, so none */
    xmlNs *n = xmlSearchNsByHref(b->doc, el, (const xmlChar *)ns);
    if (n == NULL) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "ns%d", ++b->prefixes);
        if ((n = xmlNewNs(el, (const xmlChar *)ns, (const xmlChar *)prefix)) == NULL)
            return -1;
    }
    xmlSetNs(el, n);
    return 0;
}

static int emit(builder *b, xmlNode *parent, const lc_value *v, int depth)
{
    if (depth > LC_MAX_DEPTH)
        return -1;
    for (size_t i = 0; i < v->type->n_fields; i++) {
        const lc_field *f = &v->type->fields[i];
        const lc_slot *s = &v->slots[i];
        for (size_t k = 0; k < s->n; k++) {
            const lc_value *item = s->items[k];
            if (item == NULL)
                continue;
            /* not xmlNewChild: with no namespace it would take the parent's */
            xmlNode *el = xmlNewDocNode(b->doc, NULL, (const xmlChar *)f->name, NULL);
            if (el == NULL)
                return -1;
            if (xmlAddChild(parent, el) == NULL) {
                xmlFreeNode(el);
                return -1;
            }
            if (set_ns(b, el, f->ns) != 0)
                return -1;
            if (item->type->kind == LC_STRUCT) {
                if (emit(b, el, item, depth + 1) != 0)
                    return -1;
            } else if (item->text != NULL && item->text[0] != '\0') {
                xmlNode *t = xmlNewText((const xmlChar *)item->text);
                if (t == NULL || xmlAddChild(el, t) == NULL) {
                    xmlFreeNode(t);
                    return -1;
                }
            }
        }
    }
    return 0;
}

int lc_soap_request(const lc_op *op, const lc_value *in, char **out, size_t *len, lc_err *err)
{
    builder b = {.doc = xmlNewDoc((const xmlChar *)"1.0")};
    if (b.doc == NULL)
        return lc_err_nomem(err);
    int rc = -1;
    xmlNode *env = xmlNewNode(NULL, (const xmlChar *)"Envelope");
    if (env == NULL)
        goto done;
    xmlDocSetRootElement(b.doc, env);
    xmlNs *soap = xmlNewNs(env, (const xmlChar *)LC_SOAP11_ENV, (const xmlChar *)"soapenv");
    if (soap == NULL)
        goto done;
    xmlSetNs(env, soap);
    xmlNode *body = xmlNewChild(env, soap, (const xmlChar *)"Body", NULL);
    xmlNode *wrap = body != NULL ? xmlNewChild(body, NULL, (const xmlChar *)op->input.name, NULL)
                                 : NULL;
    if (wrap == NULL || set_ns(&b, wrap, op->input.ns) != 0 || emit(&b, wrap, in, 0) != 0)
        goto done;
    xmlChar *mem = NULL;
    int n = 0;
    xmlDocDumpMemoryEnc(b.doc, &mem, &n, "UTF-8");
    if (mem == NULL || n < 0)
        goto done;
    *out = (char *)mem;
    *len = (size_t)n;
    rc = 0;
done:
    xmlFreeDoc(b.doc);
    return rc == 0 ? 0 : lc_err_nomem(err);
}

/* --- response --------------------------------------------------------------------------- */

static const char *text_of(lc_arena *a, const xmlNode *node)
{
    xmlChar *t = xmlNodeGetContent(node);
    if (t == NULL)
        return lc_arena_strdup(a, "");
    const char *s = lc_arena_strdup(a, (const char *)t);
    xmlFree(t);
    return s;
}

static bool is_nil(const xmlNode *node)
{
    xmlChar *nil = xmlGetNsProp(node, (const xmlChar *)"nil", (const xmlChar *)XSI_NS);
    bool yes = nil != NULL && (strcmp((const char *)nil, "true") == 0 ||
                               strcmp((const char *)nil, "1") == 0);
    xmlFree(nil);
    return yes;
}

static lc_value *read_value(lc_arena *a, const lc_type *t, const xmlNode *node, int depth,
                            lc_err *err)
{
    if (depth > MAX_RESPONSE_DEPTH) {
        lc_err_set(err, LC_EXIT_TRANSPORT, "the response is nested more than %d levels deep",
                   MAX_RESPONSE_DEPTH);
        return NULL;
    }
    lc_value *v = lc_value_new(a, t);
    if (v == NULL) {
        lc_err_nomem(err);
        return NULL;
    }
    if (t->kind != LC_STRUCT) {
        if ((v->text = text_of(a, node)) == NULL) {
            lc_err_nomem(err);
            return NULL;
        }
        return v;
    }
    for (xmlNode *c = lc_xml_next_element(node, NULL); c != NULL;
         c = lc_xml_next_element(node, c)) {
        size_t idx;
        const lc_field *f = lc_type_field(t, (const char *)c->name, &idx);
        if (f == NULL || is_nil(c))
            continue;
        lc_slot *s = &v->slots[idx];
        lc_value **place = lc_slot_at(a, s, s->n);
        if (place == NULL) {
            lc_err_nomem(err);
            return NULL;
        }
        if ((*place = read_value(a, f->type, c, depth + 1, err)) == NULL)
            return NULL;
    }
    return v;
}

static xmlNode *any_child(const xmlNode *node, const char *local)
{
    for (xmlNode *c = lc_xml_next_element(node, NULL); c != NULL; c = lc_xml_next_element(node, c))
        if (strcmp((const char *)c->name, local) == 0)
            return c;
    return NULL;
}

static int fault(lc_arena *a, const xmlNode *f, bool soap12, lc_err *err)
{
    const xmlNode *code = any_child(f, soap12 ? "Code" : "faultcode");
    const xmlNode *str = any_child(f, soap12 ? "Reason" : "faultstring");
    if (soap12) {
        code = code != NULL ? any_child(code, "Value") : NULL;
        str = str != NULL ? any_child(str, "Text") : NULL;
    }
    const char *c = code != NULL ? text_of(a, code) : "(none)";
    const char *s = str != NULL ? text_of(a, str) : "(none)";
    if (c == NULL || s == NULL)
        return lc_err_nomem(err);
    return lc_err_set(err, LC_EXIT_FAULT, "SOAP fault\nfaultcode: %s\nfaultstring: %s", c, s);
}

int lc_soap_response(lc_arena *a, const lc_op *op, const char *data, size_t len, long status,
                     lc_value **out, lc_err *err)
{
    bool http_ok = status >= 200 && status < 300;
    if (len == 0)
        return http_ok ? lc_err_set(err, LC_EXIT_TRANSPORT, "empty response (HTTP %ld)", status)
                       : lc_err_set(err, LC_EXIT_TRANSPORT, "HTTP %ld without a SOAP fault",
                                    status);
    lc_err perr = {0};
    xmlDocPtr doc = lc_xml_parse(data, len, "the response", LC_EXIT_TRANSPORT, &perr);
    if (doc == NULL) {
        if (!http_ok)
            return lc_err_set(err, LC_EXIT_TRANSPORT, "HTTP %ld without a SOAP fault (%s)",
                              status, perr.msg);
        *err = perr;
        return -1;
    }
    int rc = -1;
    xmlNode *env = xmlDocGetRootElement(doc);
    bool soap12 = lc_xml_is(env, LC_SOAP12_ENV, "Envelope");
    const char *envns = soap12 ? LC_SOAP12_ENV : LC_SOAP11_ENV;
    xmlNode *body = NULL;
    if (lc_xml_is(env, envns, "Envelope"))
        for (xmlNode *c = lc_xml_next_element(env, NULL); c != NULL;
             c = lc_xml_next_element(env, c))
            if (lc_xml_is(c, envns, "Body"))
                body = c;
    xmlNode *first = body != NULL ? lc_xml_next_element(body, NULL) : NULL;
    if (first == NULL) {
        if (!http_ok)
            lc_err_set(err, LC_EXIT_TRANSPORT, "HTTP %ld without a SOAP fault", status);
        else
            lc_err_set(err, LC_EXIT_TRANSPORT, "the response is not a SOAP envelope with a "
                                               "body element (root <%s>)",
                       (const char *)env->name);
    } else if (lc_xml_is(first, envns, "Fault")) {
        fault(a, first, soap12, err);
    } else if (!http_ok) {
        lc_err_set(err, LC_EXIT_TRANSPORT, "HTTP %ld without a SOAP fault", status);
    } else if ((*out = read_value(a, op->output.type, first, 0, err)) != NULL) {
        rc = 0;
    }
    xmlFreeDoc(doc);
    return rc;
}
