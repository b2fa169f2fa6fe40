/* wsdl_check.c - the Ladon-C WSDL checker's entry points (ladon_wsdl.h for the
 * rules): parse the document, run the rules in order - schema compilation
 * (wsdl_schema.c), the WSDL structure and WS-I rules (wsdl_wsi.c), the task
 * group (wsdl_tasks.c) - and free what they built.  wsdl_internal.h holds the
 * checker's state and the lookups the rules share.
 */
#include "ladon_wsdl.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "wsdl_internal.h"

static void parse_error(void *ctx, xmlErrorPtr e)
{
    chk *c = ctx;
    /* Keep the first error only: later ones are usually consequences. */
    if (e == NULL || e->level < XML_ERR_ERROR || c->errors > 0)
        return;
    report(c, e->line, "well-formed", "%s",
           e->message != NULL ? e->message : "not well-formed");
}

static int run(chk *c)
{
    xmlNodePtr root = xmlDocGetRootElement(c->doc);
    if (root == NULL) {
        report(c, 0, "well-formed", "document has no root element");
        return c->errors;
    }
    if (!is_el(root, NS_WSDL, "definitions")) {
        report(c, line_of(root), "wsdl", "root element is '%s' in namespace '%s', not wsdl:definitions",
               s(root->name), root->ns != NULL ? s(root->ns->href) : "");
        return c->errors;
    }
    c->defs = root;
    const xmlChar *tns = attr(root, "targetNamespace");
    if (tns != NULL) {
        c->tns = xmlStrdup(tns);
        if (c->tns == NULL) {
            report_oom(c);
            return -1;
        }
    }
    int n_types = 0;
    FOR_CHILD(t, root) {
        if (!is_el(t, NS_WSDL, "types"))
            continue;
        if (++n_types > 1) {
            report(c, line_of(t), "wsdl", "more than one wsdl:types element");
            continue;
        }
        ladon__wsdl_check_schemas(c, t);
    }
    if (c->oom)
        return -1;
    ladon__wsdl_check_wsi(c);
    ladon__wsdl_check_tasks(c);
    return c->oom ? -1 : c->errors;
}

static void cleanup(chk *c)
{
    for (int i = 0; i < c->n_mem; i++)
        xmlFree(c->mem[i].text);
    free(c->mem);
    free(c->schemas);
    xmlFree(c->tns);
    if (c->doc != NULL)
        xmlFreeDoc(c->doc);
}

static int check(const char *data, size_t size, const char *path, const char *name,
                 ladon_wsdl_report_fn fn, void *user)
{
    chk c = { .report = fn, .user = user };
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (pc == NULL) {
        report_oom(&c);
        return -1;
    }
    xmlStructuredErrorFunc saved_fn = xmlStructuredError;
    void *saved_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(&c, parse_error);
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    if (path != NULL) {
        c.doc = xmlCtxtReadFile(pc, path, NULL, opts);
    } else if (size > INT_MAX) {
        report(&c, 0, "well-formed", "document too large");
    } else {
        c.doc = xmlCtxtReadMemory(pc, data, (int)size, name, NULL, opts);
    }
    xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
    bool wf = pc->wellFormed;
    xmlFreeParserCtxt(pc);
    if (c.doc == NULL || !wf) {
        if (c.errors == 0)
            report(&c, 0, "well-formed", "cannot read or parse the document");
        cleanup(&c);
        return 1;
    }
    int rc = run(&c);
    cleanup(&c);
    return rc;
}

int ladon_wsdl_check_file(const char *path, ladon_wsdl_report_fn report_fn, void *user)
{
    if (path == NULL)
        return -1;
    return check(NULL, 0, path, NULL, report_fn, user);
}

int ladon_wsdl_check_memory(const char *data, size_t size, const char *name,
                            ladon_wsdl_report_fn report_fn, void *user)
{
    if (data == NULL)
        return -1;
    return check(data, size, NULL, name, report_fn, user);
}
