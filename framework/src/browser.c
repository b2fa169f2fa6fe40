/* browser.c - renders the service browser's pages from the description
 * tables (see browser.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "browser.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* A page being written: the first failed append makes every later one a
 * no-op, and the caller checks once. */
typedef struct page {
    ladon__buf *b;
    int err;
} page;

static void putn(page *p, const char *s, size_t n)
{
    if (p->err == 0 && ladon__buf_append(p->b, s, n) != 0)
        p->err = -1;
}

static void put(page *p, const char *s)
{
    putn(p, s, strlen(s));
}

/* s as HTML text or attribute value: & < > " ' escaped, and a byte that is
 * not UTF-8 of an XML character, DEL or a C1 control written as U+FFFD (doc
 * comments come from headers in any encoding). */
static void put_html(page *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)(s != NULL ? s : "");
    size_t left = strlen((const char *)u);
    while (left > 0) {
        size_t run = 0;
        while (run < left && u[run] >= 0x20 && u[run] < 0x7f && strchr("&<>\"'", u[run]) == NULL)
            run++;
        putn(p, (const char *)u, run);
        u += run;
        left -= run;
        if (left == 0)
            break;
        uint32_t cp;
        int n = ladon__utf8_decode(u, left, &cp);
        /* DEL and the C1 controls are XML characters, but HTML's parse errors */
        if (n <= 0 || !ladon__xml_char_ok(cp) || (cp >= 0x7f && cp <= 0x9f)) {
            put(p, "\xef\xbf\xbd");
            u++;
            left--;
            continue;
        }
        switch (*u) {
        case '&': put(p, "&amp;"); break;
        case '<': put(p, "&lt;"); break;
        case '>': put(p, "&gt;"); break;
        case '"': put(p, "&quot;"); break;
        case '\'': put(p, "&#39;"); break;
        default: putn(p, (const char *)u, (size_t)n); break;
        }
        u += n;
        left -= (size_t)n;
    }
}

/* s as a JSON string inside a <script> element: quotes, backslashes and
 * controls escaped as JSON requires, '<', '>' and '&' as \u003c ... so the
 * text can never close the element or open a comment, and bytes that are
 * not UTF-8 as U+FFFD. */
static void put_json(page *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t left = s != NULL ? strlen(s) : 0;
    if (s == NULL) {
        put(p, "null");
        return;
    }
    put(p, "\"");
    while (left > 0) {
        char esc[8];
        uint32_t cp;
        int n;
        if (*u >= 0x20 && *u < 0x7f) {
            if (strchr("\"\\<>&", *u) != NULL) {
                snprintf(esc, sizeof esc, *u == '"' || *u == '\\' ? "\\%c" : "\\u%04x", *u);
                put(p, esc);
            } else {
                putn(p, (const char *)u, 1);
            }
            u++;
            left--;
            continue;
        }
        n = ladon__utf8_decode(u, left, &cp);
        if (n <= 0) {
            put(p, "\\ufffd");
            u++;
            left--;
            continue;
        }
        if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
            put(p, esc);
        } else {
            putn(p, (const char *)u, (size_t)n);
        }
        u += n;
        left -= (size_t)n;
    }
    put(p, "\"");
}

static const char *kind_word(ladon_value_kind k)
{
    switch (k) {
    case LADON_VALUE_INT: return "int";
    case LADON_VALUE_LONG: return "long";
    case LADON_VALUE_DOUBLE: return "double";
    case LADON_VALUE_BOOLEAN: return "boolean";
    case LADON_VALUE_STRING: return "string";
    case LADON_VALUE_DATETIME: return "dateTime";
    case LADON_VALUE_BASE64: return "base64";
    case LADON_VALUE_ENUM: return "enum";
    case LADON_VALUE_STRUCT: return "struct";
    }
    return "string";
}

static const char *occurs_word(ladon_occurs o)
{
    switch (o) {
    case LADON_OCCURS_ONE: return "required";
    case LADON_OCCURS_OPTIONAL: return "optional";
    case LADON_OCCURS_MANY: return "array";
    }
    return "required";
}

static const char *op_kind_word(ladon_op_kind k)
{
    switch (k) {
    case LADON_OP_METHOD: return "method";
    case LADON_OP_TASK_START: return "start";
    case LADON_OP_TASK_PROGRESS: return "progress";
    case LADON_OP_TASK_RESULT: return "result";
    case LADON_OP_TASK_CANCEL: return "cancel";
    case LADON_OP_TASK_WAIT: return "wait";
    case LADON_OP_TASK_LIST: return "list";
    }
    return "method";
}

/* --- the head and the end of every page -------------------------------------- */

static void page_open(page *p, const char *title)
{
    put(p, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    put_html(p, title);
    /* exactly the text whose hash the Content-Security-Policy names */
    put(p, " - Ladon-C</title>\n<style>");
    put(p, ladon__browser_css);
    put(p, "</style></head>\n<body>\n");
}

/* --- the home page ------------------------------------------------------------ */

int ladon__browser_home(const ladon_binding *b, const char *const *addrs, ladon__buf *out)
{
    page p = {out, 0};
    page_open(&p, "Services");
    put(&p, "<header><h1>Services</h1></header>\n<main>\n<ul class=\"services\">\n");
    for (size_t i = 0; i < b->n_services; i++) {
        const ladon_service *s = b->services[i];
        put(&p, "<li><a class=\"service\" href=\"");
        put_html(&p, addrs[i]);
        put(&p, "\">");
        put_html(&p, s->name);
        put(&p, "</a> <a class=\"wsdl\" href=\"");
        put_html(&p, addrs[i]);
        put(&p, "?wsdl\">");
        put_html(&p, addrs[i]);
        put(&p, "?wsdl</a>");
        if (s->documentation != NULL && s->documentation[0] != '\0') {
            put(&p, "<p class=\"doc\">");
            put_html(&p, s->documentation);
            put(&p, "</p>");
        }
        put(&p, "</li>\n");
    }
    put(&p, "</ul>\n</main>\n</body></html>\n");
    return p.err;
}

/* --- a service's page ----------------------------------------------------- */

/* A member's type: its XML type, linked to the type's entry when it is one
 * of the service's. */
static void put_type_ref(page *p, const ladon_member_info *m)
{
    if (m->type != NULL) {
        put(p, "<a href=\"#type-");
        put_html(p, m->type->name);
        put(p, "\"><code>");
        put_html(p, m->xml_type);
        put(p, "</code></a>");
        return;
    }
    put(p, "<code>");
    put_html(p, m->xml_type);
    put(p, "</code>");
}

static void put_doc(page *p, const char *tag, const char *doc)
{
    if (doc == NULL || doc[0] == '\0')
        return;
    put(p, "<");
    put(p, tag);
    put(p, " class=\"doc\">");
    put_html(p, doc);
    put(p, "</");
    put(p, tag);
    put(p, ">");
}

/* A table of members: name, XML type, occurrence, documentation. */
static void put_members(page *p, const char *first, const ladon_member_info *m, size_t n)
{
    if (n == 0) {
        put(p, "<p class=\"none\">No parameters.</p>\n");
        return;
    }
    put(p, "<table class=\"members\"><thead><tr><th>");
    put(p, first);
    put(p, "</th><th>Type</th><th>Occurs</th><th>Description</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        put(p, "<tr><td><code>");
        put_html(p, m[i].name);
        put(p, "</code></td><td>");
        put_type_ref(p, &m[i]);
        put(p, "</td><td>");
        put(p, occurs_word(m[i].occurs));
        put(p, "</td><td>");
        put_html(p, m[i].doc);
        put(p, "</td></tr>\n");
    }
    put(p, "</tbody></table>\n");
}

static void put_result(page *p, const ladon_member_info *r)
{
    put(p, "<p class=\"result\">Returns <code>");
    put_html(p, r->name);
    put(p, "</code>: ");
    put_type_ref(p, r);
    if (r->occurs == LADON_OCCURS_OPTIONAL)
        put(p, " (may be absent)");
    if (r->doc != NULL && r->doc[0] != '\0') {
        put(p, " &mdash; ");
        put_html(p, r->doc);
    }
    put(p, "</p>\n");
}

/* The try-it form's place: the script fills it. */
static void put_try(page *p, const char *op, bool task)
{
    put(p, "<div class=\"try\" data-op=\"");
    put_html(p, op);
    put(p, task ? "\" data-task=\"1\"></div>\n" : "\"></div>\n");
}

static void put_operation(page *p, const ladon_operation *op)
{
    const ladon_op_info *in = op->info;
    put(p, "<article class=\"op\" id=\"op-");
    put_html(p, op->name);
    put(p, "\"><h3><code>");
    put_html(p, op->name);
    put(p, "</code></h3>\n");
    if (in == NULL) {
        put(p, "<p class=\"none\">No description.</p></article>\n");
        return;
    }
    put_doc(p, "p", in->doc);
    put(p, "\n");
    put_members(p, "Parameter", in->params, in->n_params);
    put_result(p, &in->result);
    put_try(p, op->name, false);
    put(p, "</article>\n");
}

/* A task: its start operation and what each of its operations answers. */
static void put_task(page *p, const ladon_service *s, const ladon_operation *start)
{
    const ladon_op_info *in = start->info;
    put(p, "<article class=\"task\" id=\"task-");
    put_html(p, start->name);
    put(p, "\"><h3><code>");
    put_html(p, start->name);
    put(p, "</code> <span class=\"badge\">task</span></h3>\n");
    if (in == NULL) {
        put(p, "<p class=\"none\">No description.</p></article>\n");
        return;
    }
    put_doc(p, "p", in->doc);
    put(p, "\n");
    put_members(p, "Parameter", in->params, in->n_params);
    put(p, "<table class=\"task-ops\"><thead><tr><th>Operation</th><th>Takes</th><th>Answers</th>"
           "<th>What it does</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < s->n_operations; i++) {
        const ladon_operation *o = &s->operations[i];
        if (o->task != start->task || o->info == NULL)
            continue;
        put(p, "<tr id=\"op-");
        put_html(p, o->name);
        put(p, "\"><td><code>");
        put_html(p, o->name);
        put(p, "</code></td><td>");
        for (size_t k = 0; k < o->info->n_params; k++) {
            if (k > 0)
                put(p, ", ");
            put(p, "<code>");
            put_html(p, o->info->params[k].name);
            put(p, "</code>");
        }
        if (o->info->n_params == 0)
            put(p, "nothing");
        put(p, "</td><td>");
        put_type_ref(p, &o->info->result);
        put(p, "</td><td>");
        put_html(p, o->kind == LADON_OP_TASK_START ? "Starts the task and answers its task_id at once."
                                                    : o->info->doc);
        put(p, "</td></tr>\n");
    }
    put(p, "</tbody></table>\n");
    for (size_t i = 0; i < s->n_operations; i++) {
        const ladon_operation *o = &s->operations[i];
        if (o->task == start->task && o->kind == LADON_OP_TASK_RESULT && o->info != NULL)
            put_result(p, &o->info->result);
    }
    put_try(p, start->name, true);
    put(p, "<details class=\"companions\"><summary>Call its operations one by one</summary>\n");
    for (size_t i = 0; i < s->n_operations; i++) {
        const ladon_operation *o = &s->operations[i];
        if (o->task == start->task && o->kind != LADON_OP_TASK_START && o->info != NULL) {
            put(p, "<h4><code>");
            put_html(p, o->name);
            put(p, "</code></h4>\n");
            put_members(p, "Parameter", o->info->params, o->info->n_params);
            put_try(p, o->name, false);
        }
    }
    put(p, "</details>\n</article>\n");
}

static void put_type(page *p, const ladon_type_info *t)
{
    put(p, "<article class=\"type\" id=\"type-");
    put_html(p, t->name);
    put(p, "\"><h3><code>");
    put_html(p, t->name);
    put(p, "</code> <span class=\"badge\">");
    put(p, t->kind == LADON_VALUE_ENUM ? "enum" : "struct");
    put(p, "</span></h3>\n");
    put_doc(p, "p", t->doc);
    put(p, "\n");
    if (t->kind == LADON_VALUE_STRUCT) {
        put_members(p, "Field", t->fields, t->n_fields);
    } else {
        put(p, "<table class=\"values\"><thead><tr><th>Value</th><th>Description</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < t->n_values; i++) {
            put(p, "<tr><td><code>");
            put_html(p, t->values[i].name);
            put(p, "</code></td><td>");
            put_html(p, t->values[i].doc);
            put(p, "</td></tr>\n");
        }
        put(p, "</tbody></table>\n");
    }
    put(p, "</article>\n");
}

/* --- the model the script reads --------------------------------------------- */

static void json_member(page *p, const ladon_member_info *m)
{
    put(p, "{\"name\":");
    put_json(p, m->name);
    put(p, ",\"xml\":");
    put_json(p, m->xml_type);
    put(p, ",\"kind\":\"");
    put(p, kind_word(m->kind));
    put(p, "\",\"occurs\":\"");
    put(p, m->occurs == LADON_OCCURS_ONE ? "one" : m->occurs == LADON_OCCURS_OPTIONAL ? "optional" : "many");
    put(p, "\",\"type\":");
    put_json(p, m->type != NULL ? m->type->name : NULL);
    put(p, "}");
}

static void json_model(page *p, const ladon_service *s)
{
    put(p, "{\"service\":");
    put_json(p, s->name);
    put(p, ",\"namespace\":");
    put_json(p, s->namespace_uri);
    put(p, ",\"prefix\":");
    put_json(p, s->prefix);
    put(p, ",\n\"operations\":[");
    bool first = true;
    for (size_t i = 0; i < s->n_operations; i++) {
        const ladon_operation *o = &s->operations[i];
        if (o->info == NULL)
            continue;
        put(p, first ? "\n{\"name\":" : ",\n{\"name\":");
        first = false;
        put_json(p, o->name);
        put(p, ",\"kind\":\"");
        put(p, op_kind_word(o->kind));
        put(p, "\",\"task\":");
        put_json(p, o->task != NULL ? o->task->name : NULL);
        put(p, ",\"params\":[");
        for (size_t k = 0; k < o->info->n_params; k++) {
            if (k > 0)
                put(p, ",");
            json_member(p, &o->info->params[k]);
        }
        put(p, "],\"result\":");
        json_member(p, &o->info->result);
        put(p, "}");
    }
    put(p, "],\n\"types\":{");
    for (size_t i = 0; i < s->n_types; i++) {
        const ladon_type_info *t = s->types[i];
        put(p, i > 0 ? ",\n" : "\n");
        put_json(p, t->name);
        put(p, t->kind == LADON_VALUE_ENUM ? ":{\"kind\":\"enum\",\"values\":[" : ":{\"kind\":\"struct\",\"fields\":[");
        size_t n = t->kind == LADON_VALUE_ENUM ? t->n_values : t->n_fields;
        for (size_t k = 0; k < n; k++) {
            if (k > 0)
                put(p, ",");
            if (t->kind == LADON_VALUE_ENUM)
                put_json(p, t->values[k].name);
            else
                json_member(p, &t->fields[k]);
        }
        put(p, "]}");
    }
    put(p, "}}");
}

int ladon__browser_service(const ladon_service *s, const char *addr, ladon__buf *out)
{
    page p = {out, 0};
    bool any_method = false, any_task = false;
    for (size_t i = 0; i < s->n_operations; i++) {
        any_method = any_method || s->operations[i].kind == LADON_OP_METHOD;
        any_task = any_task || s->operations[i].kind == LADON_OP_TASK_START;
    }

    page_open(&p, s->name);
    put(&p, "<header><nav><a href=\"./\">All services</a></nav><h1>");
    put_html(&p, s->name);
    put(&p, "</h1>");
    put_doc(&p, "p", s->documentation);
    put(&p, "\n<p class=\"meta\">Namespace <code>");
    put_html(&p, s->namespace_uri);
    put(&p, "</code> &middot; WSDL <a class=\"wsdl\" href=\"");
    put_html(&p, addr);
    put(&p, "?wsdl\">");
    put_html(&p, addr);
    put(&p, "?wsdl</a></p>\n<nav class=\"toc\">");
    if (any_method)
        put(&p, "<a href=\"#operations\">Operations</a> ");
    if (any_task)
        put(&p, "<a href=\"#tasks\">Tasks</a> ");
    if (s->n_types > 0)
        put(&p, "<a href=\"#types\">Types</a>");
    put(&p, "</nav></header>\n<main>\n<noscript><p class=\"noscript\">The try-it forms need JavaScript; "
            "the documentation on this page does not.</p></noscript>\n");
    if (any_method) {
        put(&p, "<section id=\"operations\"><h2>Operations</h2>\n");
        for (size_t i = 0; i < s->n_operations; i++)
            if (s->operations[i].kind == LADON_OP_METHOD)
                put_operation(&p, &s->operations[i]);
        put(&p, "</section>\n");
    }
    if (any_task) {
        put(&p, "<section id=\"tasks\"><h2>Tasks</h2>\n");
        for (size_t i = 0; i < s->n_operations; i++)
            if (s->operations[i].kind == LADON_OP_TASK_START)
                put_task(&p, s, &s->operations[i]);
        put(&p, "</section>\n");
    }
    if (s->n_types > 0) {
        put(&p, "<section id=\"types\"><h2>Types</h2>\n");
        for (size_t i = 0; i < s->n_types; i++)
            put_type(&p, s->types[i]);
        put(&p, "</section>\n");
    }
    put(&p, "</main>\n<script type=\"application/json\" id=\"ladon-model\">");
    json_model(&p, s);
    put(&p, "</script>\n<script>"); /* exactly the hashed text, as the style */
    put(&p, ladon__browser_js);
    put(&p, "</script>\n</body></html>\n");
    return p.err;
}
