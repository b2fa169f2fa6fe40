/* wsdl_tasks.c - the WSDL checker's "task-trio" rule (ladon_wsdl.h): each task
 * method's companion operations, and the fields of TaskInfoResponse and
 * TaskProgressResponse (docs/design.md section 6.1).
 *
 * A task method m is exposed as three operations of one portType:
 *   m           its response element holds one element `result` of type TaskInfoResponse
 *   m_progress  request: one element `task_id` (xsd:int); response: one `result` of type
 *               TaskProgressResponse
 *   m_result    request: one element `task_id` (xsd:int); response: m's declared result (free)
 * TaskInfoResponse and TaskProgressResponse are complexTypes of the WSDL's targetNamespace with
 * exactly the fields of task_info_fields / task_progress_fields, in that order, each occurring
 * once. An operation is a "task start" when its response's `result` is a TaskInfoResponse;
 * X_progress and X_result are checked only when X is a task start of the same portType, so a plain
 * method that merely ends in _progress is left alone. Bindings need no check of their own: R2718
 * makes every binding carry exactly its portType's operations. Names in <types> are resolved
 * quietly: what does not resolve is reported by the "schema" rule, and here it does not match.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "wsdl_internal.h"

#define TASK_INFO "TaskInfoResponse"
#define TASK_PROGRESS "TaskProgressResponse"

/* A field a record must have: element NAME of type {NS}LOCAL, SHOWN so in messages (NS NULL: the
 * WSDL's targetNamespace). */
typedef struct field_want {
    const char *name;
    const char *ns;
    const char *local;
    const char *shown;
} field_want;

static const field_want task_info_fields[] = {
    { "task_id", NS_XSD, "int", "xsd:int" },
};
static const field_want task_progress_fields[] = {
    { "task_id", NS_XSD, "int", "xsd:int" },
    { "progress", NS_XSD, "double", "xsd:double" },
    { "duration", NS_XSD, "double", "xsd:double" },
    { "starttime", NS_XSD, "double", "xsd:double" },
};
static const field_want want_task_id = { "task_id", NS_XSD, "int", "xsd:int" };
static const field_want want_info_result = { "result", NULL, TASK_INFO, TASK_INFO };
static const field_want want_progress_result = { "result", NULL, TASK_PROGRESS, TASK_PROGRESS };

/* What is wrong with a shape, and the node whose line to report. */
typedef struct mismatch {
    xmlNodePtr at;
    char why[1024];
} mismatch;

/* The model group of complexType CT that holds its fields: its <sequence> or <all>, or NULL when
 * it has none. *plain is set to whether CT is a plain record: that group at most (and annotations),
 * holding only named local <element>s (and annotations); no attributes, derivation or choice. */
static xmlNodePtr record_group(xmlNodePtr ct, bool *plain)
{
    xmlNodePtr group = NULL;
    *plain = true;
    FOR_CHILD(x, ct) {
        if (is_el(x, NS_XSD, "annotation"))
            continue;
        if (group == NULL && (is_el(x, NS_XSD, "sequence") || is_el(x, NS_XSD, "all")))
            group = x;
        else
            *plain = false;
    }
    if (group != NULL) {
        FOR_CHILD(f, group) {
            if (!is_el(f, NS_XSD, "annotation")
                && (!is_el(f, NS_XSD, "element") || attr(f, "name") == NULL))
                *plain = false;
        }
    }
    return group;
}

/* The field group of global element declaration EL (see record_group): of its inline complexType,
 * or of the global complexType its type= names. NULL with *plain false when EL has neither. */
static xmlNodePtr element_group(chk *c, xmlNodePtr el, bool *plain)
{
    *plain = false;
    xmlNodePtr ct = NULL;
    const xmlChar *ty = attr(el, "type");
    if (ty != NULL) {
        ct = schema_find(c, "complexType", NULL, resolve_qname(NULL, el, ty, NULL));
    } else {
        FOR_CHILD(x, el)
            if (is_el(x, NS_XSD, "complexType"))
                ct = x;
    }
    return ct != NULL ? record_group(ct, plain) : NULL;
}

static xmlNodePtr field_named(xmlNodePtr group, const char *name)
{
    if (group == NULL)
        return NULL;
    FOR_CHILD(f, group) {
        const xmlChar *n = is_el(f, NS_XSD, "element") ? attr(f, "name") : NULL;
        if (n != NULL && xmlStrEqual(n, BAD_CAST name))
            return f;
    }
    return NULL;
}

/* The names of the fields of GROUP, comma-separated, into BUF; returns their number. */
static int field_names(xmlNodePtr group, char *buf, size_t size)
{
    int n = 0;
    size_t len = 0;
    buf[0] = '\0';
    if (group == NULL)
        return 0;
    FOR_CHILD(f, group) {
        if (!is_el(f, NS_XSD, "element"))
            continue;
        int w = snprintf(buf + len, size - len, "%s%s", n > 0 ? ", " : "", s(attr(f, "name")));
        if (w > 0)
            len = (size_t)w < size - len ? len + (size_t)w : size - 1;
        n++;
    }
    return n;
}

/* The names of the wanted fields W[0..N), comma-separated, into BUF. */
static const char *want_names(const field_want *w, size_t n, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(buf + len, size - len, "%s%s", i > 0 ? ", " : "", w[i].name);
        if (k > 0)
            len = (size_t)k < size - len ? len + (size_t)k : size - 1;
    }
    return buf;
}

/* Whether field F is of the wanted type and occurs exactly once; else fills MM, starting the
 * reason with WHERE (e.g. "complexType 'T': "). */
static bool field_is(chk *c, xmlNodePtr f, const field_want *w, const char *where, mismatch *mm)
{
    const xmlChar *ns = w->ns != NULL ? BAD_CAST w->ns : c->tns;
    const xmlChar *ty = attr(f, "type");
    qname q = resolve_qname(NULL, f, ty, NULL);
    mm->at = f;
    if (!q.ok || !ns_equal(q.ns, ns) || !xmlStrEqual(q.local, BAD_CAST w->local)) {
        snprintf(mm->why, sizeof mm->why, "%selement '%s' has type '%s', must be %s%s", where,
                 w->name, ty != NULL ? s(ty) : "(anonymous)", w->shown,
                 w->ns == NULL ? " of the targetNamespace" : "");
        return false;
    }
    const xmlChar *lo = attr(f, "minOccurs");
    const xmlChar *hi = attr(f, "maxOccurs");
    if ((lo != NULL && !xmlStrEqual(lo, BAD_CAST "1"))
        || (hi != NULL && !xmlStrEqual(hi, BAD_CAST "1"))) {
        snprintf(mm->why, sizeof mm->why,
                 "%selement '%s' must occur exactly once (it has minOccurs=\"%s\" "
                 "maxOccurs=\"%s\")",
                 where, w->name, lo != NULL ? s(lo) : "1", hi != NULL ? s(hi) : "1");
        return false;
    }
    return true;
}

/* The global element declaration that the input or output (IO) of portType operation OP carries:
 * the element= of its message's only part. NULL when there is no such element. */
static xmlNodePtr body_element(chk *c, xmlNodePtr op, const char *io)
{
    xmlNodePtr pio = NULL;
    FOR_CHILD(x, op)
        if (pio == NULL && is_el(x, NS_WSDL, io))
            pio = x;
    if (pio == NULL)
        return NULL;
    qname mq = resolve_qname(NULL, pio, attr(pio, "message"), NULL);
    xmlNodePtr msg = find_component(c, "message", mq);
    if (msg == NULL)
        return NULL;
    xmlNodePtr part = NULL;
    int n = 0;
    FOR_CHILD(p, msg)
        if (is_el(p, NS_WSDL, "part")) {
            part = p;
            n++;
        }
    if (n != 1)
        return NULL;
    const xmlChar *el = attr(part, "element");
    return schema_find(c, "element", NULL, resolve_qname(NULL, part, el, NULL));
}

/* Whether the input or output (IO) of operation OP is an element holding exactly one field W;
 * else fills MM (MM->at is left at OP when there is no body element). */
static bool body_is(chk *c, xmlNodePtr op, const char *io, const field_want *w, mismatch *mm)
{
    xmlNodePtr el = body_element(c, op, io);
    if (el == NULL) {
        snprintf(mm->why, sizeof mm->why, "is not a message of one part with element=");
        return false;
    }
    mm->at = el;
    bool plain;
    xmlNodePtr group = element_group(c, el, &plain);
    char names[512];
    int n = field_names(group, names, sizeof names);
    xmlNodePtr f = field_named(group, w->name);
    if (!plain) {
        snprintf(mm->why, sizeof mm->why,
                 "element '%s' is not a plain sequence of elements (must hold only '%s' (%s))",
                 s(attr(el, "name")), w->name, w->shown);
        return false;
    }
    if (n != 1 || f == NULL) {
        snprintf(mm->why, sizeof mm->why,
                 "element '%s' must hold exactly one element, '%s' (%s); it holds %d%s%s",
                 s(attr(el, "name")), w->name, w->shown, n, n > 0 ? ": " : "", names);
        return false;
    }
    char where[300];
    snprintf(where, sizeof where, "element '%s': ", s(attr(el, "name")));
    return field_is(c, f, w, where, mm);
}

/* Report unless the input or output (IO) of operation OP (part of task TASK) holds exactly W. */
static void check_task_body(chk *c, xmlNodePtr op, const xmlChar *task, const char *io,
                            const field_want *w)
{
    mismatch mm = { .at = op };
    if (body_is(c, op, io, w, &mm))
        return;
    const xmlChar *name = attr(op, "name");
    const char *what = strcmp(io, "input") == 0 ? "request" : "response";
    if (xmlStrEqual(name, task))
        report(c, line_of(mm.at), "task-trio", "task operation '%s': %s %s", s(name), what,
               mm.why);
    else
        report(c, line_of(mm.at), "task-trio", "operation '%s' of task '%s': %s %s", s(name),
               s(task), what, mm.why);
}

/* Whether portType operation OP is a task start: its response holds a `result` of type
 * TaskInfoResponse (of the targetNamespace), whatever else is wrong with it. */
static bool is_task_start(chk *c, xmlNodePtr op)
{
    xmlNodePtr el = body_element(c, op, "output");
    if (el == NULL)
        return false;
    bool plain;
    xmlNodePtr f = field_named(element_group(c, el, &plain), "result");
    if (f == NULL)
        return false;
    qname q = resolve_qname(NULL, f, attr(f, "type"), NULL);
    return q.ok && ns_equal(q.ns, c->tns) && xmlStrEqual(q.local, BAD_CAST TASK_INFO);
}

/* Check operation TASK SUFFIX of portType PT, the companion of task start OP named TASK: its
 * request is one task_id, and when RESPONSE is not NULL its response holds exactly that. */
static void check_task_companion(chk *c, xmlNodePtr pt, xmlNodePtr op, const xmlChar *task,
                                 const char *suffix, const field_want *response)
{
    xmlChar *name = xmlStrncatNew(task, BAD_CAST suffix, -1);
    if (name == NULL) {
        report_oom(c);
        return;
    }
    xmlNodePtr cop = find_op(pt, name);
    if (cop == NULL) {
        report(c, line_of(op), "task-trio",
               "task '%s' (its result is a " TASK_INFO ") has no operation '%s' in portType '%s'",
               s(task), s(name), s(attr(pt, "name")));
    } else {
        check_task_body(c, cop, task, "input", &want_task_id);
        if (response != NULL)
            check_task_body(c, cop, task, "output", response);
    }
    xmlFree(name);
}

/* TaskInfoResponse or TaskProgressResponse (TNAME), when the targetNamespace declares it, is a
 * complexType with exactly the fields W[0..N), in that order. */
static void check_task_type(chk *c, const char *tname, const field_want *w, size_t n)
{
    qname q = { c->tns, BAD_CAST tname, true };
    xmlNodePtr t = schema_find(c, "complexType", "simpleType", q);
    if (t == NULL)
        return;
    char list[256];
    want_names(w, n, list, sizeof list);
    char where[64];
    snprintf(where, sizeof where, "complexType '%s': ", tname);
    bool plain;
    xmlNodePtr group = is_el(t, NS_XSD, "complexType") ? record_group(t, &plain) : NULL;
    if (!is_el(t, NS_XSD, "complexType") || !plain) {
        report(c, line_of(t), "task-trio",
               "'%s' must be a complexType with a plain sequence of the elements %s", tname, list);
        return;
    }
    bool complete = true;
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr f = field_named(group, w[i].name);
        mismatch mm;
        if (f == NULL) {
            report(c, line_of(t), "task-trio", "complexType '%s' has no element '%s' (%s)", tname,
                   w[i].name, w[i].shown);
            complete = false;
        } else if (!field_is(c, f, &w[i], where, &mm)) {
            report(c, line_of(mm.at), "task-trio", "%s", mm.why);
        }
    }
    size_t k = 0;
    bool in_order = true;
    if (group != NULL) {
        FOR_CHILD(f, group) {
            if (!is_el(f, NS_XSD, "element"))
                continue;
            const xmlChar *fname = attr(f, "name");
            bool known = false;
            for (size_t i = 0; i < n; i++)
                if (xmlStrEqual(fname, BAD_CAST w[i].name))
                    known = true;
            if (!known) {
                report(c, line_of(f), "task-trio",
                       "complexType '%s' has element '%s', which is not one of %s", tname,
                       s(fname), list);
                complete = false;
            }
            if (k >= n || !xmlStrEqual(fname, BAD_CAST w[k].name))
                in_order = false;
            k++;
        }
    }
    if (complete && (!in_order || k != n))
        report(c, line_of(t), "task-trio",
               "complexType '%s' must have exactly the elements %s, in that order", tname, list);
}

void ladon__wsdl_check_tasks(chk *c)
{
    check_task_type(c, TASK_INFO, task_info_fields,
                    sizeof task_info_fields / sizeof task_info_fields[0]);
    check_task_type(c, TASK_PROGRESS, task_progress_fields,
                    sizeof task_progress_fields / sizeof task_progress_fields[0]);
    FOR_CHILD(pt, c->defs) {
        if (!is_el(pt, NS_WSDL, "portType"))
            continue;
        FOR_CHILD(op, pt) {
            const xmlChar *task = is_el(op, NS_WSDL, "operation") ? attr(op, "name") : NULL;
            if (task == NULL || !is_task_start(c, op))
                continue;
            check_task_body(c, op, task, "output", &want_info_result);
            check_task_companion(c, pt, op, task, "_progress", &want_progress_result);
            check_task_companion(c, pt, op, task, "_result", NULL);
            if (c->oom)
                return;
        }
    }
}
