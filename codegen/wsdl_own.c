/* wsdl_own.c - one service's own WSDL, cut from the one soapcpp2 writes
 * (see wsdl_own.h).
 *
 * soapcpp2 2.8.124 (the generated code #errors on any other version) writes
 * one definition or element per line, so the cut works on lines and checks
 * every assumption it makes: anything it does not recognise is an error,
 * never a WSDL with a stray reference in it.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "wsdl_own.h"

#include <stdbool.h>
#include <string.h>

#define SOAP_ENC_NS "http://schemas.xmlsoap.org/soap/encoding/"

/* The service of m whose namespace is the len bytes at uri, or NULL. */
static const lg_service *service_of_ns(const lg_model *m, const char *uri, size_t len)
{
    for (size_t i = 0; i < m->n_services; i++)
        if (strlen(m->services[i]->ns) == len && memcmp(m->services[i]->ns, uri, len) == 0)
            return m->services[i];
    return NULL;
}

/* The value of attribute name (` name="`) in the line [p, end), as
 * [*v, *v + *vlen); false when the line has none. */
static bool attr(const char *p, const char *end, const char *name, const char **v, size_t *vlen)
{
    size_t n = strlen(name);
    for (const char *q = p; q + n + 2 <= end; q++) {
        if ((q == p || q[-1] == ' ') && memcmp(q, name, n) == 0 && q[n] == '=' && q[n + 1] == '"') {
            const char *s = q + n + 2, *e = memchr(s, '"', (size_t)(end - s));
            if (e == NULL)
                return false;
            *v = s;
            *vlen = (size_t)(e - s);
            return true;
        }
    }
    return false;
}

/* Whether the line [p, end), after its indentation, starts with s. */
static bool starts(const char *p, const char *end, const char *s)
{
    while (p < end && *p == ' ')
        p++;
    size_t n = strlen(s);
    return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* Appends the line [p, end) and its '\n', with the message parts renamed
 * from "Body" to "parameters" (the WS-I wrapped convention that .NET
 * tooling expects). */
static void put_line(lg_sb *out, const char *p, const char *end)
{
    static const char *const from[] = {"<part name=\"Body\"", "parts=\"Body\""};
    static const char *const to[] = {"<part name=\"parameters\"", "parts=\"parameters\""};
    while (p < end) {
        size_t k = 0, n = 0;
        const char *hit = NULL;
        for (const char *q = p; q < end && hit == NULL; q++)
            for (k = 0; k < 2; k++) {
                n = strlen(from[k]);
                if ((size_t)(end - q) >= n && memcmp(q, from[k], n) == 0) {
                    hit = q;
                    break;
                }
            }
        if (hit == NULL)
            break;
        lg_sb_putn(out, p, (size_t)(hit - p));
        lg_sb_puts(out, to[k]);
        p = hit + n;
    }
    lg_sb_putn(out, p, (size_t)(end - p));
    lg_sb_putc(out, '\n');
}

char *lg_wsdl_own(lg_arena *a, const char *wsdl, const lg_model *m, const lg_service *s, lg_diag *d)
{
    lg_sb out = {0};
    const char *p = wsdl;
    int own_schemas = 0, parts = 0;
    bool skipping = false, in_schema = false;

    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        const char *end = nl != NULL ? nl : p + strlen(p);
        const char *next = nl != NULL ? nl + 1 : end;
        const char *v;
        size_t vlen;

        if (skipping) {
            if (starts(p, end, "</schema>")) {
                skipping = false;
                if (*next == '\n')
                    next++; /* the blank line after it */
            }
            p = next;
            continue;
        }
        if (starts(p, end, "xmlns:")) {
            /* soapcpp2 declares one namespace a line; another service's goes */
            const char *eq = memchr(p, '=', (size_t)(end - p));
            const lg_service *owner = NULL;
            if (eq != NULL && eq + 1 < end && eq[1] == '"' && end[-1] == '"')
                owner = service_of_ns(m, eq + 2, (size_t)(end - eq - 3));
            if (owner != NULL && owner != s) {
                p = next;
                continue;
            }
        } else if (starts(p, end, "<schema ")) {
            if (!attr(p, end, "targetNamespace", &v, &vlen)) {
                lg_error_noloc(d, "soapcpp2's WSDL for %s: a schema without targetNamespace on one line", s->name);
                goto fail;
            }
            const lg_service *owner = service_of_ns(m, v, vlen);
            if (owner == NULL) {
                lg_error_noloc(d, "soapcpp2's WSDL for %s: a schema of namespace '%.*s', which no service has",
                               s->name, (int)vlen, v);
                goto fail;
            }
            if (owner != s) {
                skipping = true;
                p = next;
                continue;
            }
            own_schemas++;
            in_schema = true;
        } else if (starts(p, end, "</schema>")) {
            in_schema = false;
        } else if (in_schema && starts(p, end, "<import ")) {
            if (!attr(p, end, "namespace", &v, &vlen)) {
                lg_error_noloc(d, "soapcpp2's WSDL for %s: an import without a namespace", s->name);
                goto fail;
            }
            const lg_service *owner = service_of_ns(m, v, vlen);
            if ((owner != NULL && owner != s) ||
                (vlen == sizeof SOAP_ENC_NS - 1 && memcmp(v, SOAP_ENC_NS, vlen) == 0)) {
                p = next; /* another service's schema (left out), or SOAP-ENC (literal: unused) */
                continue;
            }
        } else if (starts(p, end, "<part name=\"Body\"")) {
            parts++;
        }
        put_line(&out, p, end);
        p = next;
    }
    if (skipping || own_schemas != 1) {
        lg_error_noloc(d, "soapcpp2's WSDL for %s: expected exactly one schema of %s, found %d%s", s->name, s->ns,
                       own_schemas, skipping ? " and an unterminated one" : "");
        goto fail;
    }
    if (parts == 0) {
        lg_error_noloc(d, "soapcpp2's WSDL for %s: no message part named Body", s->name);
        goto fail;
    }
    /* what is left must not name another service: its namespace (in an
     * attribute the cut did not expect) or a QName of its prefix */
    const char *text = lg_sb_str(&out);
    for (size_t i = 0; i < m->n_services; i++) {
        const lg_service *o = m->services[i];
        if (o == s)
            continue;
        const char *qn = lg_printf(a, "\"%s:", o->prefix);
        const char *ns = lg_printf(a, "\"%s\"", o->ns);
        if (strstr(text, qn) != NULL || strstr(text, ns) != NULL) {
            lg_error_noloc(d, "soapcpp2's WSDL for %s refers to service %s", s->name, o->name);
            goto fail;
        }
    }
    char *r = lg_strdup(a, text);
    lg_sb_free(&out);
    return r;
fail:
    lg_sb_free(&out);
    return NULL;
}
