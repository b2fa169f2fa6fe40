/* wsdl_tasks.c - the WSDL checker's "task-group" rule (ladon_wsdl.h): each task
 * method's companion operations, and the task types TaskInfoResponse,
 * TaskProgressResponse and TaskState (docs/design.md section 6).
 *
 * A task method m is exposed as five operations of one portType:
 *   m           its response element holds one element `result` of type TaskInfoResponse
 *   m_progress  request: one element `task_id` (xsd:int); response: one `result` of type
 *               TaskProgressResponse
 *   m_result    request: one element `task_id` (xsd:int); response: m's declared result (free)
 *   m_cancel    request: one element `task_id` (xsd:int); response as m_progress
 *   m_wait      request: `task_id` (xsd:int) then `timeout` (xsd:double); response as m_progress
 *   m_list      request: `limit` (xsd:int) then `page_token` (xsd:string), both optional;
 *               response: one `result` of type TaskListResponse
 * (so a task method is six operations).
 * TaskInfoResponse, TaskProgressResponse, TaskSummary and TaskListResponse are complexTypes of
 * the WSDL's targetNamespace with exactly the fields of task_info_fields / task_progress_fields /
 * task_summary_fields / task_list_fields, in that order (Ladon's four
 * elements of TaskProgressResponse first, then state and an optional message); TaskState, when
 * declared, is a simpleType restricting xsd:string to exactly task_states.  An operation is a
 * "task start" when its response's `result` is a TaskInfoResponse; X_progress, ... are checked
 * only when X is a task start of the same portType, so a plain method that merely ends in
 * _progress is left alone. Bindings need no check of their own: R2718 makes every binding carry
 * exactly its portType's operations. Names in <types> are resolved quietly: what does not resolve
 * is reported by the "schema" rule, and here it does not match.
 *
 * A WSDL of Ladon (or of Ladon-C before the task lifecycle) has only m, m_progress and m_result,
 * and Ladon's four elements of TaskProgressResponse.  The checker has no warning level, and every
 * Ladon-C server must serve all five, so this is an error - but one precise error per task ("has
 * Ladon's three operations only") and one for the type, rather than one for each missing part.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "wsdl_internal.h"

#define TASK_INFO "TaskInfoResponse"
#define TASK_PROGRESS "TaskProgressResponse"
#define TASK_STATE "TaskState"
#define TASK_SUMMARY "TaskSummary"
#define TASK_LIST "TaskListResponse"

/* A field a record must have: element NAME of type {NS}LOCAL, SHOWN so in messages (NS NULL: the
 * WSDL's targetNamespace), occurring once (OPTIONAL: at most once, minOccurs="0"). */
typedef struct field_want {
    const char *name;
    const char *ns;
    const char *local;
    const char *shown;
    bool optional;
    bool many; /* repeated: minOccurs="0" maxOccurs="unbounded" */
} field_want;

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const field_want task_info_fields[] = {
    { "task_id", NS_XSD, "int", "xsd:int", false, false },
};
/* Ladon's four (LADON_FIELDS of them), then the task lifecycle's two */
#define LADON_FIELDS 4
static const field_want task_progress_fields[] = {
    { "task_id", NS_XSD, "int", "xsd:int", false, false },
    { "progress", NS_XSD, "double", "xsd:double", false, false },
    { "duration", NS_XSD, "double", "xsd:double", false, false },
    { "starttime", NS_XSD, "double", "xsd:double", false, false },
    { "state", NULL, TASK_STATE, TASK_STATE, false, false },
    { "message", NS_XSD, "string", "xsd:string", true, false },
};
static const field_want task_summary_fields[] = {
    { "task_id", NS_XSD, "int", "xsd:int", false, false },
    { "state", NULL, TASK_STATE, TASK_STATE, false, false },
    { "progress", NS_XSD, "double", "xsd:double", false, false },
    { "starttime", NS_XSD, "double", "xsd:double", false, false },
};
static const field_want task_list_fields[] = {
    { "tasks", NULL, TASK_SUMMARY, TASK_SUMMARY, false, true },
    { "next_page_token", NS_XSD, "string", "xsd:string", false, false },
};
static const field_want want_list[] = {
    { "limit", NS_XSD, "int", "xsd:int", true, false },
    { "page_token", NS_XSD, "string", "xsd:string", true, false },
};
static const field_want want_list_result[] = { { "result", NULL, TASK_LIST, TASK_LIST, false, false } };
static const char *const task_states[] = { "queued", "running", "done", "failed", "cancelled" };
static const field_want want_task_id[] = { { "task_id", NS_XSD, "int", "xsd:int", false, false } };
static const field_want want_wait[] = {
    { "task_id", NS_XSD, "int", "xsd:int", false, false },
    { "timeout", NS_XSD, "double", "xsd:double", false, false },
};
static const field_want want_info_result[] = { { "result", NULL, TASK_INFO, TASK_INFO, false, false } };
static const field_want want_progress_result[] = {
    { "result", NULL, TASK_PROGRESS, TASK_PROGRESS, false, false },
};

/* The companions of task m, in the order they are checked: suffix, request, response (NULL:
 * free). */
typedef struct companion {
    const char *suffix;
    const field_want *request;
    size_t n_request;
    const field_want *response;
} companion;

static const companion companions[] = {
    { "_progress", want_task_id, 1, want_progress_result },
    { "_result", want_task_id, 1, NULL },
    { "_cancel", want_task_id, 1, want_progress_result },
    { "_wait", want_wait, 2, want_progress_result },
    { "_list", want_list, 2, want_list_result },
};

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
    const char *min = w->optional || w->many ? "0" : "1", *max = w->many ? "unbounded" : "1";
    if (!xmlStrEqual(lo != NULL ? lo : BAD_CAST "1", BAD_CAST min)
        || !xmlStrEqual(hi != NULL ? hi : BAD_CAST "1", BAD_CAST max)) {
        snprintf(mm->why, sizeof mm->why,
                 "%selement '%s' must %s (minOccurs=\"%s\" maxOccurs=\"%s\"; it has "
                 "minOccurs=\"%s\" maxOccurs=\"%s\")",
                 where, w->name,
                 w->many ? "repeat" : w->optional ? "be optional" : "occur exactly once", min, max,
                 lo != NULL ? s(lo) : "1", hi != NULL ? s(hi) : "1");
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

/* Whether the input or output (IO) of operation OP is an element holding exactly the fields
 * W[0..N), in that order; else fills MM (MM->at is left at OP when there is no body element). */
static bool body_is(chk *c, xmlNodePtr op, const char *io, const field_want *w, size_t n, mismatch *mm)
{
    xmlNodePtr el = body_element(c, op, io);
    if (el == NULL) {
        snprintf(mm->why, sizeof mm->why, "is not a message of one part with element=");
        return false;
    }
    mm->at = el;
    bool plain;
    xmlNodePtr group = element_group(c, el, &plain);
    char names[512], wanted[256], shown[320];
    int k = field_names(group, names, sizeof names);
    want_names(w, n, wanted, sizeof wanted);
    if (n == 1)
        snprintf(shown, sizeof shown, "'%s' (%s)", w[0].name, w[0].shown);
    else
        snprintf(shown, sizeof shown, "%s, in that order", wanted);
    if (!plain) {
        snprintf(mm->why, sizeof mm->why,
                 "element '%s' is not a plain sequence of elements (must hold only %s)",
                 s(attr(el, "name")), shown);
        return false;
    }
    bool same = (size_t)k == n && group != NULL;
    size_t i = 0;
    if (same) {
        FOR_CHILD(f, group) {
            if (!is_el(f, NS_XSD, "element"))
                continue;
            if (!xmlStrEqual(attr(f, "name"), BAD_CAST w[i].name))
                same = false;
            i++;
        }
    }
    if (!same) {
        snprintf(mm->why, sizeof mm->why,
                 "element '%s' must hold exactly %s %s; it holds %d%s%s",
                 s(attr(el, "name")), n == 1 ? "one element," : "the elements", shown, k,
                 k > 0 ? ": " : "", names);
        return false;
    }
    char where[300];
    snprintf(where, sizeof where, "element '%s': ", s(attr(el, "name")));
    for (i = 0; i < n; i++)
        if (!field_is(c, field_named(group, w[i].name), &w[i], where, mm))
            return false;
    return true;
}

/* Report unless the input or output (IO) of operation OP (part of task TASK) holds exactly
 * W[0..N). */
static void check_task_body(chk *c, xmlNodePtr op, const xmlChar *task, const char *io,
                            const field_want *w, size_t n)
{
    mismatch mm = { .at = op };
    if (body_is(c, op, io, w, n, &mm))
        return;
    const xmlChar *name = attr(op, "name");
    const char *what = strcmp(io, "input") == 0 ? "request" : "response";
    if (xmlStrEqual(name, task))
        report(c, line_of(mm.at), "task-group", "task operation '%s': %s %s", s(name), what,
               mm.why);
    else
        report(c, line_of(mm.at), "task-group", "operation '%s' of task '%s': %s %s", s(name),
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

/* Operation TASK SUFFIX of portType PT, or NULL (also when out of memory: C->oom). */
static xmlNodePtr companion_op(chk *c, xmlNodePtr pt, const xmlChar *task, const char *suffix)
{
    xmlChar *name = xmlStrncatNew(task, BAD_CAST suffix, -1);
    if (name == NULL) {
        report_oom(c);
        return NULL;
    }
    xmlNodePtr op = find_op(pt, name);
    xmlFree(name);
    return op;
}

/* Check the companions of task start OP named TASK in portType PT: each exists, its request is
 * what companions[] says, and its response too when that is not free.  A task with Ladon's
 * three operations only is one error. */
static void check_task_companions(chk *c, xmlNodePtr pt, xmlNodePtr op, const xmlChar *task)
{
    xmlNodePtr ops[N_OF(companions)];
    for (size_t i = 0; i < N_OF(companions); i++) {
        ops[i] = companion_op(c, pt, task, companions[i].suffix);
        if (c->oom)
            return;
    }
    /* companions[]: _progress, _result, then the lifecycle's _cancel, _wait, then _list */
    bool ladon_three = ops[0] != NULL && ops[1] != NULL && ops[2] == NULL && ops[3] == NULL &&
                       ops[4] == NULL;
    if (ladon_three)
        report(c, line_of(op), "task-group",
               "task '%s' has Ladon's three operations only (%s, %s_progress, %s_result): a WSDL "
               "from before the task lifecycle; portType '%s' must also have %s_cancel, %s_wait "
               "and %s_list",
               s(task), s(task), s(task), s(task), s(attr(pt, "name")), s(task), s(task), s(task));
    for (size_t i = 0; i < N_OF(companions); i++) {
        const companion *k = &companions[i];
        if (ops[i] == NULL) {
            if (!ladon_three)
                report(c, line_of(op), "task-group",
                       "task '%s' (its result is a " TASK_INFO ") has no operation '%s%s' in "
                       "portType '%s'",
                       s(task), s(task), k->suffix, s(attr(pt, "name")));
            continue;
        }
        check_task_body(c, ops[i], task, "input", k->request, k->n_request);
        if (k->response != NULL)
            check_task_body(c, ops[i], task, "output", k->response, 1);
    }
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
        report(c, line_of(t), "task-group",
               "'%s' must be a complexType with a plain sequence of the elements %s", tname, list);
        return;
    }
    bool complete = true;
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr f = field_named(group, w[i].name);
        mismatch mm;
        if (f == NULL) {
            report(c, line_of(t), "task-group", "complexType '%s' has no element '%s' (%s)", tname,
                   w[i].name, w[i].shown);
            complete = false;
        } else if (!field_is(c, f, &w[i], where, &mm)) {
            report(c, line_of(mm.at), "task-group", "%s", mm.why);
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
                report(c, line_of(f), "task-group",
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
        report(c, line_of(t), "task-group",
               "complexType '%s' must have exactly the elements %s, in that order", tname, list);
}

/* Whether complexType TNAME of the targetNamespace is a plain sequence of exactly the elements
 * W[0..N) by name, in order (a TaskProgressResponse of Ladon's). */
static bool type_has_exactly(chk *c, const char *tname, const field_want *w, size_t n)
{
    qname q = { c->tns, BAD_CAST tname, true };
    xmlNodePtr t = schema_find(c, "complexType", NULL, q);
    bool plain;
    xmlNodePtr group = t != NULL ? record_group(t, &plain) : NULL;
    if (group == NULL || !plain)
        return false;
    size_t k = 0;
    FOR_CHILD(f, group) {
        if (!is_el(f, NS_XSD, "element"))
            continue;
        if (k >= n || !xmlStrEqual(attr(f, "name"), BAD_CAST w[k].name))
            return false;
        k++;
    }
    return k == n;
}

/* TaskState, when the targetNamespace declares it: a simpleType restricting xsd:string to exactly
 * the enumeration values task_states (in any order, each once). */
static void check_task_state(chk *c)
{
    qname q = { c->tns, BAD_CAST TASK_STATE, true };
    xmlNodePtr t = schema_find(c, "simpleType", "complexType", q);
    if (t == NULL)
        return;
    xmlNodePtr r = NULL;
    if (is_el(t, NS_XSD, "simpleType"))
        FOR_CHILD(x, t)
            if (is_el(x, NS_XSD, "restriction"))
                r = x;
    qname base = r != NULL ? resolve_qname(NULL, r, attr(r, "base"), NULL) : (qname){ 0 };
    if (r == NULL || !base.ok || !ns_equal(base.ns, BAD_CAST NS_XSD)
        || !xmlStrEqual(base.local, BAD_CAST "string")) {
        report(c, line_of(t), "task-group",
               "'" TASK_STATE "' must be a simpleType restricting xsd:string to the values queued, "
               "running, done, failed, cancelled");
        return;
    }
    int seen[N_OF(task_states)] = { 0 };
    FOR_CHILD(e, r) {
        if (!is_el(e, NS_XSD, "enumeration"))
            continue;
        const xmlChar *v = attr(e, "value");
        size_t i = 0;
        while (i < N_OF(task_states) && !xmlStrEqual(v, BAD_CAST task_states[i]))
            i++;
        if (i == N_OF(task_states))
            report(c, line_of(e), "task-group",
                   "simpleType '" TASK_STATE "' has the value '%s', which is not one of queued, "
                   "running, done, failed, cancelled",
                   v != NULL ? s(v) : "");
        else if (seen[i]++ == 1)
            report(c, line_of(e), "task-group", "simpleType '" TASK_STATE "' has the value '%s' twice",
                   task_states[i]);
    }
    for (size_t i = 0; i < N_OF(task_states); i++)
        if (seen[i] == 0)
            report(c, line_of(t), "task-group", "simpleType '" TASK_STATE "' has no value '%s'",
                   task_states[i]);
}

void ladon__wsdl_check_tasks(chk *c)
{
    check_task_type(c, TASK_INFO, task_info_fields, N_OF(task_info_fields));
    if (type_has_exactly(c, TASK_PROGRESS, task_progress_fields, LADON_FIELDS)) {
        qname q = { c->tns, BAD_CAST TASK_PROGRESS, true };
        report(c, line_of(schema_find(c, "complexType", NULL, q)), "task-group",
               "complexType '" TASK_PROGRESS "' has Ladon's four elements only (task_id, progress, "
               "duration, starttime): a WSDL from before the task lifecycle; it must go on with "
               "state (" TASK_STATE ") and message (xsd:string, optional)");
    } else {
        check_task_type(c, TASK_PROGRESS, task_progress_fields, N_OF(task_progress_fields));
    }
    check_task_type(c, TASK_SUMMARY, task_summary_fields, N_OF(task_summary_fields));
    check_task_type(c, TASK_LIST, task_list_fields, N_OF(task_list_fields));
    check_task_state(c);
    FOR_CHILD(pt, c->defs) {
        if (!is_el(pt, NS_WSDL, "portType"))
            continue;
        FOR_CHILD(op, pt) {
            const xmlChar *task = is_el(op, NS_WSDL, "operation") ? attr(op, "name") : NULL;
            if (task == NULL || !is_task_start(c, op))
                continue;
            check_task_body(c, op, task, "output", want_info_result, 1);
            check_task_companions(c, pt, op, task);
            if (c->oom)
                return;
        }
    }
}
