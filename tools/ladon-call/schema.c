/* schema.c - XML Schema (the WSDL's <types>) to ladon-call's types (see schema.h).
 *
 * Named types and global elements are built once and cached by QName; a cached entry is
 * inserted before its content is read, so recursive types end as cycles of pointers rather
 * than endless recursion.  Anonymous types nest at most MAX_NESTING levels.  Every node pointer
 * is used only while the WSDL document lives; what the model keeps (names, docs) is copied
 * into the arena.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "schema.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmlsafe.h"

#define MAX_NESTING 64
#define SOAPENC_NS "http://schemas.xmlsoap.org/soap/encoding/"

typedef struct schema {
    const char *tns; /* NULL: no targetNamespace */
    bool qualified;  /* elementFormDefault="qualified" */
    xmlNode *node;
} schema;

typedef struct cached {
    bool element; /* a global element (field) or a named type */
    const char *ns, *local;
    lc_type *type;
    lc_field *field;
    struct cached *next;
} cached;

struct lc_schemas {
    lc_arena *a;
    schema *v;
    size_t n, cap;
    cached *cache;
    int depth;
};

lc_schemas *lc_schemas_new(lc_arena *a)
{
    lc_schemas *s = lc_arena_alloc(a, sizeof *s);
    if (s != NULL)
        s->a = a;
    return s;
}

int lc_schemas_add(lc_schemas *s, xmlNode *node)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        schema *v = lc_arena_array(s->a, cap, sizeof *v);
        if (v == NULL)
            return -1;
        if (s->n > 0)
            memcpy(v, s->v, s->n * sizeof *v);
        s->v = v;
        s->cap = cap;
    }
    const char *tns = lc_xml_attr(node, "targetNamespace");
    const char *form = lc_xml_attr(node, "elementFormDefault");
    s->v[s->n].tns = NULL;
    if (tns != NULL && tns[0] != '\0' && (s->v[s->n].tns = lc_arena_strdup(s->a, tns)) == NULL)
        return -1; /* (the model keeps it: a copy, the document goes away) */
    s->v[s->n].qualified = form != NULL && strcmp(form, "qualified") == 0;
    s->v[s->n].node = node;
    s->n++;
    return 0;
}

static bool same_ns(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int lc_qname(const xmlNode *node, const char *qname, const char **ns, const char **local)
{
    const char *colon = strchr(qname, ':');
    xmlNs *n;
    if (colon != NULL) {
        char prefix[256];
        size_t len = (size_t)(colon - qname);
        if (len >= sizeof prefix)
            return -1;
        memcpy(prefix, qname, len);
        prefix[len] = '\0';
        n = xmlSearchNs(node->doc, (xmlNode *)node, (const xmlChar *)prefix);
        if (n == NULL)
            return -1;
        *local = colon + 1;
    } else {
        n = xmlSearchNs(node->doc, (xmlNode *)node, NULL);
        *local = qname;
    }
    *ns = n != NULL && n->href != NULL && n->href[0] != '\0' ? (const char *)n->href : NULL;
    return 0;
}

const char *lc_schema_doc(lc_arena *a, const xmlNode *node)
{
    for (xmlNode *an = lc_xml_next_element(node, NULL); an != NULL;
         an = lc_xml_next_element(node, an)) {
        if (!lc_xml_is(an, LC_XSD_NS, "annotation"))
            continue;
        for (xmlNode *d = lc_xml_next_element(an, NULL); d != NULL;
             d = lc_xml_next_element(an, d)) {
            if (!lc_xml_is(d, LC_XSD_NS, "documentation"))
                continue;
            xmlChar *text = xmlNodeGetContent(d);
            if (text == NULL)
                return NULL;
            const char *t = (const char *)text;
            size_t len = strlen(t);
            while (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r') {
                t++;
                len--;
            }
            while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\n' || t[len - 1] == '\t' ||
                               t[len - 1] == '\r'))
                len--;
            const char *doc = len > 0 ? lc_arena_strndup(a, t, len) : NULL;
            xmlFree(text);
            return doc;
        }
    }
    return NULL;
}

/* --- built-in types ------------------------------------------------------------------- */

typedef struct builtin {
    const char *name;
    lc_kind kind;
    long long min, max;
} builtin;

static const builtin builtins[] = {
    {"int", LC_INT, INT32_MIN, INT32_MAX},
    {"short", LC_INT, INT16_MIN, INT16_MAX},
    {"byte", LC_INT, INT8_MIN, INT8_MAX},
    {"unsignedShort", LC_INT, 0, UINT16_MAX},
    {"unsignedByte", LC_INT, 0, UINT8_MAX},
    {"unsignedInt", LC_LONG, 0, UINT32_MAX},
    {"long", LC_LONG, INT64_MIN, INT64_MAX},
    {"integer", LC_LONG, INT64_MIN, INT64_MAX},
    {"nonNegativeInteger", LC_LONG, 0, INT64_MAX},
    {"positiveInteger", LC_LONG, 1, INT64_MAX},
    {"nonPositiveInteger", LC_LONG, INT64_MIN, 0},
    {"negativeInteger", LC_LONG, INT64_MIN, -1},
    {"double", LC_DOUBLE, 0, 0},
    {"float", LC_DOUBLE, 0, 0},
    {"decimal", LC_DECIMAL, 0, 0},
    {"unsignedLong", LC_DECIMAL, 0, 0},
    {"boolean", LC_BOOL, 0, 0},
    {"dateTime", LC_DATETIME, 0, 0},
    {"base64Binary", LC_BASE64, 0, 0},
};

static const lc_type *builtin_type(lc_schemas *s, const char *local)
{
    for (cached *c = s->cache; c != NULL; c = c->next)
        if (!c->element && same_ns(c->ns, LC_XSD_NS) && strcmp(c->local, local) == 0)
            return c->type;
    lc_type *t = lc_arena_alloc(s->a, sizeof *t);
    cached *c = lc_arena_alloc(s->a, sizeof *c);
    if (t == NULL || c == NULL)
        return NULL;
    t->kind = LC_STRING; /* string, token, anyURI, date, hexBinary...: text, not checked */
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].name, local) == 0) {
            t->kind = builtins[i].kind;
            t->min = builtins[i].min;
            t->max = builtins[i].max;
        }
    t->name = lc_arena_printf(s->a, "xsd:%s", local);
    t->ns = LC_XSD_NS;
    t->local = lc_arena_strdup(s->a, local);
    if (t->name == NULL || t->local == NULL)
        return NULL;
    c->ns = t->ns;
    c->local = t->local;
    c->type = t;
    c->next = s->cache;
    s->cache = c;
    return t;
}

/* --- named and anonymous types ------------------------------------------------------- */

static const lc_type *type_by_qname(lc_schemas *s, const char *ns, const char *local);
static int fill_complex(lc_schemas *s, lc_type *t, xmlNode *node, const schema *sch);
static int fill_simple(lc_schemas *s, lc_type *t, xmlNode *node, const schema *sch);

/* A type that cannot be used, saying why (NULL when out of memory). */
static lc_type *unusable(lc_schemas *s, const char *why)
{
    lc_type *t = lc_arena_alloc(s->a, sizeof *t);
    if (t == NULL)
        return NULL;
    t->kind = LC_STRING;
    t->name = "(unsupported)";
    t->unsupported = why;
    return t;
}

static int set_unsupported(lc_schemas *s, lc_type *t, const char *what, const char *where)
{
    const char *why = lc_arena_printf(s->a, "%s (in %s)", what, where);
    if (why == NULL)
        return -1;
    if (t->unsupported == NULL)
        t->unsupported = why;
    return 0;
}

/* The global definition {ns}local of kind (element, complexType or simpleType). */
static xmlNode *find_global(lc_schemas *s, const char *ns, const char *local, const char *kind,
                            const schema **in)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!same_ns(s->v[i].tns, ns))
            continue;
        xmlNode *root = s->v[i].node;
        for (xmlNode *c = lc_xml_next_element(root, NULL); c != NULL;
             c = lc_xml_next_element(root, c)) {
            const char *name = lc_xml_attr(c, "name");
            if (lc_xml_is(c, LC_XSD_NS, kind) && name != NULL && strcmp(name, local) == 0) {
                *in = &s->v[i];
                return c;
            }
        }
    }
    return NULL;
}

static const lc_type *type_attr(lc_schemas *s, xmlNode *node, const char *qname)
{
    const char *ns, *local;
    if (lc_qname(node, qname, &ns, &local) != 0)
        return unusable(s, lc_arena_printf(s->a, "type '%s' has an undeclared prefix", qname));
    return type_by_qname(s, ns, local);
}

static const lc_type *type_by_qname(lc_schemas *s, const char *ns, const char *local)
{
    if (same_ns(ns, LC_XSD_NS))
        return builtin_type(s, local);
    for (cached *c = s->cache; c != NULL; c = c->next)
        if (!c->element && same_ns(c->ns, ns) && strcmp(c->local, local) == 0)
            return c->type;
    const schema *sch = NULL;
    xmlNode *node = find_global(s, ns, local, "complexType", &sch);
    bool complex = node != NULL;
    if (node == NULL)
        node = find_global(s, ns, local, "simpleType", &sch);
    if (node == NULL) {
        if (same_ns(ns, SOAPENC_NS))
            return unusable(s, lc_arena_printf(s->a, "SOAP encoding type soapenc:%s "
                                                     "(use=\"encoded\" WSDLs are not supported)",
                                               local));
        return unusable(s, lc_arena_printf(s->a,
                                           "type {%s}%s is not defined in the WSDL's schemas "
                                           "(an xsd:import of a schema that is not inline is "
                                           "not fetched)",
                                           ns != NULL ? ns : "", local));
    }
    lc_type *t = lc_arena_alloc(s->a, sizeof *t);
    cached *c = lc_arena_alloc(s->a, sizeof *c);
    if (t == NULL || c == NULL)
        return NULL;
    t->ns = ns != NULL ? lc_arena_strdup(s->a, ns) : NULL;
    t->local = lc_arena_strdup(s->a, local);
    t->name = t->local;
    t->context = lc_arena_printf(s->a, "type %s", local);
    if (t->local == NULL || t->context == NULL || (ns != NULL && t->ns == NULL))
        return NULL;
    c->ns = t->ns;
    c->local = t->local;
    c->type = t;
    c->next = s->cache;
    s->cache = c; /* before the content: a recursive reference finds it */
    int rc = complex ? fill_complex(s, t, node, sch) : fill_simple(s, t, node, sch);
    return rc == 0 ? t : NULL;
}

static int parse_occurs(const char *v, long dflt, long *out)
{
    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (strcmp(v, "unbounded") == 0) {
        *out = -1;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < 0)
        return -1;
    *out = n;
    return 0;
}

static int anonymous(lc_schemas *s, xmlNode *node, const schema *sch, bool complex,
                     const char *element, lc_type *t)
{
    t->name = "(anonymous)";
    if ((t->context = lc_arena_printf(s->a, "the type of element %s", element)) == NULL)
        return -1;
    if (s->depth >= MAX_NESTING) {
        t->unsupported = "a schema nested more than 64 levels deep";
        return 0;
    }
    s->depth++;
    int rc = complex ? fill_complex(s, t, node, sch) : fill_simple(s, t, node, sch);
    s->depth--;
    return rc;
}

/* The type of element declaration el (named name): its type= attribute, its inline
 * complexType or simpleType (read into into when not NULL, so that it can be referred to
 * while it is read), else xsd:anyType (any content, read and sent as text). */
static int element_type(lc_schemas *s, xmlNode *el, const schema *sch, const char *name,
                        lc_type *into, const lc_type **out)
{
    const char *v = lc_xml_attr(el, "type");
    if (v != NULL) {
        *out = type_attr(s, el, v);
        return *out == NULL ? -1 : 0;
    }
    for (xmlNode *c = lc_xml_next_element(el, NULL); c != NULL; c = lc_xml_next_element(el, c)) {
        bool complex = lc_xml_is(c, LC_XSD_NS, "complexType");
        if (complex || lc_xml_is(c, LC_XSD_NS, "simpleType")) {
            lc_type *t = into != NULL ? into : lc_arena_alloc(s->a, sizeof *t);
            if (t == NULL)
                return -1;
            *out = t;
            return anonymous(s, c, sch, complex, name, t);
        }
    }
    *out = builtin_type(s, "anyType");
    return *out == NULL ? -1 : 0;
}

/* Reads the element declaration el into f: name, namespace, type, occurrences, doc. */
static int make_field(lc_schemas *s, xmlNode *el, const schema *sch, lc_field *f,
                      const char **why)
{
    const char *ref = lc_xml_attr(el, "ref");
    if (parse_occurs(lc_xml_attr(el, "minOccurs"), 1, &f->min_occurs) != 0 ||
        parse_occurs(lc_xml_attr(el, "maxOccurs"), 1, &f->max_occurs) != 0 ||
        (f->max_occurs >= 0 && f->max_occurs < f->min_occurs)) {
        *why = "an element with a bad minOccurs or maxOccurs";
        return 1;
    }
    if (ref != NULL) {
        const char *ns, *local;
        if (lc_qname(el, ref, &ns, &local) != 0) {
            *why = lc_arena_printf(s->a, "element ref '%s' has an undeclared prefix", ref);
            return *why == NULL ? -1 : 1;
        }
        const lc_field *g = lc_schemas_element(s, ns, local, why);
        if (g == NULL)
            return *why == NULL ? -1 : 1;
        f->name = g->name;
        f->ns = g->ns;
        f->type = g->type;
        f->doc = lc_schema_doc(s->a, el);
        if (f->doc == NULL)
            f->doc = g->doc;
        return 0;
    }
    const char *name = lc_xml_attr(el, "name");
    if (name == NULL || name[0] == '\0') {
        *why = "an element without name or ref";
        return 1;
    }
    f->name = lc_arena_strdup(s->a, name);
    if (f->name == NULL)
        return -1;
    const char *form = lc_xml_attr(el, "form");
    bool qualified = form != NULL ? strcmp(form, "qualified") == 0 : sch->qualified;
    f->ns = qualified ? sch->tns : NULL;
    f->doc = lc_schema_doc(s->a, el);
    return element_type(s, el, sch, f->name, NULL, &f->type);
}

const lc_field *lc_schemas_element(lc_schemas *s, const char *ns, const char *local,
                                   const char **why)
{
    *why = NULL;
    for (cached *c = s->cache; c != NULL; c = c->next)
        if (c->element && same_ns(c->ns, ns) && strcmp(c->local, local) == 0)
            return c->field;
    const schema *sch = NULL;
    xmlNode *node = find_global(s, ns, local, "element", &sch);
    if (node == NULL) {
        *why = lc_arena_printf(s->a, "element {%s}%s is not defined in the WSDL's schemas",
                               ns != NULL ? ns : "", local);
        return NULL;
    }
    const lc_type *named = NULL;
    const char *tq = lc_xml_attr(node, "type");
    if (tq != NULL && (named = type_attr(s, node, tq)) == NULL)
        return NULL; /* (a named type is cached by itself: this may recurse once, no more) */
    lc_field *f = lc_arena_alloc(s->a, sizeof *f);
    cached *c = lc_arena_alloc(s->a, sizeof *c);
    lc_type *t = lc_arena_alloc(s->a, sizeof *t);
    if (f == NULL || c == NULL || t == NULL || (f->name = lc_arena_strdup(s->a, local)) == NULL)
        return NULL;
    /* cached before its type is read: an element that refers to itself (through its inline
     * type) finds this entry, whose type t is filled in place */
    f->ns = sch->tns;
    f->min_occurs = f->max_occurs = 1;
    f->doc = lc_schema_doc(s->a, node);
    f->type = t;
    t->name = "(anonymous)";
    c->element = true;
    c->ns = sch->tns;
    c->local = f->name;
    c->field = f;
    c->next = s->cache;
    s->cache = c;
    const lc_type *real = named;
    if (real == NULL && element_type(s, node, sch, f->name, t, &real) != 0)
        return NULL;
    f->type = real; /* t itself, unless the element has type= or no type */
    return f;
}

/* --- complexType and simpleType content ---------------------------------------------- */

typedef struct fields_acc {
    lc_field *v;
    size_t n, cap;
} fields_acc;

static lc_field *acc_push(lc_schemas *s, fields_acc *acc)
{
    if (acc->n == acc->cap) {
        size_t cap = acc->cap ? acc->cap * 2 : 8;
        lc_field *v = lc_arena_array(s->a, cap, sizeof *v);
        if (v == NULL)
            return NULL;
        if (acc->n > 0)
            memcpy(v, acc->v, acc->n * sizeof *v);
        acc->v = v;
        acc->cap = cap;
    }
    return &acc->v[acc->n++];
}

static const char *where(const lc_type *t)
{
    return t->context != NULL ? t->context : "an anonymous type";
}

/* The element children of a sequence (or all) into acc; nested sequences are flattened. */
static int add_particles(lc_schemas *s, lc_type *t, xmlNode *seq, const schema *sch,
                         fields_acc *acc, int depth)
{
    long min, max;
    if (parse_occurs(lc_xml_attr(seq, "minOccurs"), 1, &min) != 0 ||
        parse_occurs(lc_xml_attr(seq, "maxOccurs"), 1, &max) != 0 || max != 1)
        return set_unsupported(s, t, "a repeated xsd:sequence", where(t));
    if (depth > MAX_NESTING)
        return set_unsupported(s, t, "sequences nested more than 64 levels deep", where(t));
    for (xmlNode *c = lc_xml_next_element(seq, NULL); c != NULL; c = lc_xml_next_element(seq, c)) {
        if (lc_xml_is(c, LC_XSD_NS, "annotation"))
            continue;
        if (lc_xml_is(c, LC_XSD_NS, "element")) {
            lc_field *f = acc_push(s, acc);
            if (f == NULL)
                return -1;
            const char *why = NULL;
            int rc = make_field(s, c, sch, f, &why);
            if (rc < 0)
                return -1;
            if (rc > 0) {
                acc->n--;
                if (set_unsupported(s, t, why, where(t)) != 0)
                    return -1;
                continue;
            }
            if (min == 0)
                f->min_occurs = 0; /* an optional sequence makes its elements optional */
        } else if (lc_xml_is(c, LC_XSD_NS, "sequence")) {
            if (add_particles(s, t, c, sch, acc, depth + 1) != 0)
                return -1;
        } else {
            const char *what = lc_arena_printf(s->a, "xsd:%s", (const char *)c->name);
            if (what == NULL || set_unsupported(s, t, what, where(t)) != 0)
                return -1;
        }
    }
    return 0;
}

static int unsupported_child(lc_schemas *s, lc_type *t, xmlNode *c)
{
    const char *name = (const char *)c->name;
    const char *what;
    if (strcmp(name, "attribute") == 0 || strcmp(name, "attributeGroup") == 0 ||
        strcmp(name, "anyAttribute") == 0)
        what = lc_arena_printf(s->a, "attributes (xsd:%s)", name);
    else
        what = lc_arena_printf(s->a, "xsd:%s", name);
    return what == NULL ? -1 : set_unsupported(s, t, what, where(t));
}

static int fill_complex(lc_schemas *s, lc_type *t, xmlNode *node, const schema *sch)
{
    fields_acc acc = {0};
    t->kind = LC_STRUCT;
    t->doc = lc_schema_doc(s->a, node);
    const char *mixed = lc_xml_attr(node, "mixed");
    if (mixed != NULL && (strcmp(mixed, "true") == 0 || strcmp(mixed, "1") == 0) &&
        set_unsupported(s, t, "mixed content", where(t)) != 0)
        return -1;
    for (xmlNode *c = lc_xml_next_element(node, NULL); c != NULL;
         c = lc_xml_next_element(node, c)) {
        if (lc_xml_is(c, LC_XSD_NS, "annotation"))
            continue;
        if (lc_xml_is(c, LC_XSD_NS, "sequence") || lc_xml_is(c, LC_XSD_NS, "all")) {
            if (add_particles(s, t, c, sch, &acc, 0) != 0)
                return -1;
        } else if (lc_xml_is(c, LC_XSD_NS, "complexContent")) {
            xmlNode *d = lc_xml_next_element(c, NULL);
            while (d != NULL && lc_xml_is(d, LC_XSD_NS, "annotation"))
                d = lc_xml_next_element(c, d);
            const char *base = d != NULL ? lc_xml_attr(d, "base") : NULL;
            const char *bns = NULL, *blocal = NULL;
            if (base != NULL && lc_qname(d, base, &bns, &blocal) != 0)
                base = NULL;
            if (d != NULL && lc_xml_is(d, LC_XSD_NS, "restriction") && base != NULL &&
                same_ns(bns, SOAPENC_NS) && strcmp(blocal, "Array") == 0) {
                if (set_unsupported(s, t, "SOAP-encoded arrays (soapenc:Array)", where(t)) != 0)
                    return -1;
            } else if (d != NULL && lc_xml_is(d, LC_XSD_NS, "extension") && base != NULL) {
                const lc_type *b = type_by_qname(s, bns, blocal);
                if (b == NULL)
                    return -1;
                if (b->unsupported != NULL) {
                    if (set_unsupported(s, t, b->unsupported, where(t)) != 0)
                        return -1;
                } else if (b->kind != LC_STRUCT) {
                    if (set_unsupported(s, t, "an extension of a simple type", where(t)) != 0)
                        return -1;
                } else {
                    for (size_t i = 0; i < b->n_fields; i++) {
                        lc_field *f = acc_push(s, &acc);
                        if (f == NULL)
                            return -1;
                        *f = b->fields[i];
                    }
                }
                for (xmlNode *e = lc_xml_next_element(d, NULL); e != NULL;
                     e = lc_xml_next_element(d, e)) {
                    if (lc_xml_is(e, LC_XSD_NS, "annotation"))
                        continue;
                    if (lc_xml_is(e, LC_XSD_NS, "sequence") || lc_xml_is(e, LC_XSD_NS, "all")) {
                        if (add_particles(s, t, e, sch, &acc, 0) != 0)
                            return -1;
                    } else if (unsupported_child(s, t, e) != 0) {
                        return -1;
                    }
                }
            } else if (set_unsupported(s, t, "an xsd:complexContent restriction", where(t)) != 0) {
                return -1;
            }
        } else if (unsupported_child(s, t, c) != 0) {
            return -1;
        }
    }
    t->fields = acc.v;
    t->n_fields = acc.n;
    return 0;
}

static int fill_simple(lc_schemas *s, lc_type *t, xmlNode *node, const schema *sch)
{
    (void)sch;
    t->doc = lc_schema_doc(s->a, node);
    t->kind = LC_STRING;
    for (xmlNode *c = lc_xml_next_element(node, NULL); c != NULL;
         c = lc_xml_next_element(node, c)) {
        if (lc_xml_is(c, LC_XSD_NS, "annotation"))
            continue;
        if (!lc_xml_is(c, LC_XSD_NS, "restriction"))
            return unsupported_child(s, t, c);
        const char *base = lc_xml_attr(c, "base");
        if (base == NULL)
            return set_unsupported(s, t, "a restriction without base", where(t));
        const lc_type *b = type_attr(s, c, base);
        if (b == NULL)
            return -1;
        if (b->unsupported != NULL)
            return set_unsupported(s, t, b->unsupported, where(t));
        if (b->kind == LC_STRUCT)
            return set_unsupported(s, t, "a simpleType restricting a complexType", where(t));
        t->kind = b->kind;
        t->min = b->min;
        t->max = b->max;
        size_t n = 0;
        for (xmlNode *e = lc_xml_next_element(c, NULL); e != NULL; e = lc_xml_next_element(c, e))
            if (lc_xml_is(e, LC_XSD_NS, "enumeration"))
                n++;
        if (n == 0) {
            if (b->kind == LC_ENUM) { /* a restriction of an enumeration keeps its values */
                t->values = b->values;
                t->n_values = b->n_values;
            }
            return 0;
        }
        t->kind = LC_ENUM;
        t->values = lc_arena_array(s->a, n, sizeof *t->values);
        if (t->values == NULL)
            return -1;
        for (xmlNode *e = lc_xml_next_element(c, NULL); e != NULL;
             e = lc_xml_next_element(c, e)) {
            if (!lc_xml_is(e, LC_XSD_NS, "enumeration"))
                continue;
            const char *v = lc_xml_attr(e, "value");
            lc_enum_value *ev = &t->values[t->n_values++];
            ev->value = lc_arena_strdup(s->a, v != NULL ? v : "");
            ev->doc = lc_schema_doc(s->a, e);
            if (ev->value == NULL)
                return -1;
        }
        return 0;
    }
    return set_unsupported(s, t, "a simpleType without restriction", where(t));
}

/* --- reachability of unsupported constructs --------------------------------------------- */

static const char *walk(const lc_type *t, const lc_type **path, int depth)
{
    if (t->unsupported != NULL)
        return t->unsupported;
    if (t->kind != LC_STRUCT || depth >= LC_MAX_DEPTH)
        return NULL;
    for (int i = 0; i < depth; i++)
        if (path[i] == t)
            return NULL;
    path[depth] = t;
    for (size_t i = 0; i < t->n_fields; i++) {
        const char *why = walk(t->fields[i].type, path, depth + 1);
        if (why != NULL)
            return why;
    }
    return NULL;
}

const char *lc_type_unsupported(const lc_type *t)
{
    const lc_type *path[LC_MAX_DEPTH];
    return walk(t, path, 0);
}
