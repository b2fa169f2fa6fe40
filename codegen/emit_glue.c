/* emit_glue.c - writes NAME_ladon.c and NAME_ladon.h: one gSOAP service
 * function per operation that calls the user's implementation, checks of
 * required strings, the gSOAP namespaces table and the ladon_binding
 * descriptor with each WSDL split at its address (docs/internals.md).
 *
 * A task method costs a table, not logic (service ABI 3): one static const
 * ladon_task_desc of one-line wrappers (gSOAP's serializers of its
 * arguments and result, the implementation, its LADON_CHECK), the start
 * function that packs the arguments, and one call of the runtime for each
 * of m_progress, m_result, m_cancel, m_wait and m_list; the runtime
 * (framework/src/taskcall.c) does what the six operations do. */
#include <string.h>

#include "emit.h"
#include "names.h"
#include "task_parts.h"

void lg_emit_glue_h(lg_sb *out, lg_model *m, const char *name)
{
    lg_arena a = {0};
    lg_emit_banner(out, lg_emit_from(&a, m));
    const char *guard = lg_name_guard(&a, name, "LADON_H");
    lg_sb_printf(out, "#ifndef %s\n#define %s\n\n#include <ladon/service.h>\n\n", guard, guard);
    lg_sb_printf(out, "/* Every service of this binding, for ladon_main() / ladon_server_new(). */\n");
    lg_sb_printf(out, "extern const ladon_binding ladon_binding_%s;\n\n#endif /* %s */\n", name, guard);
    lg_arena_free(&a);
}

/* A static const char array holding s, one literal per line. */
static void c_text(lg_sb *out, const char *var, const char *s, size_t n)
{
    lg_sb_printf(out, "static const char %s[] =", var);
    if (n == 0)
        lg_sb_puts(out, " \"\"");
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) + 1 : n;
        lg_sb_puts(out, "\n    \"");
        lg_sb_c_escape(out, s + i, end - i);
        lg_sb_putc(out, '"');
        i = end;
    }
    lg_sb_puts(out, ";\n");
}

/* --- checks of required strings inside structs ---------------------------- */

/* Whether values of struct t can hold a NULL where a string is required. */
static bool needs_check(const lg_type *t, int depth)
{
    if (t->kind != LG_TYPE_STRUCT || depth > 64)
        return false;
    for (size_t i = 0; i < t->n_fields; i++) {
        const lg_member *f = &t->fields[i];
        if (f->base == LG_STRING && f->occ != LG_OPTIONAL)
            return true;
        if (f->base == LG_STRUCT && needs_check(f->type, depth + 1))
            return true;
    }
    return false;
}

typedef struct type_set {
    const lg_type **items;
    size_t n, cap;
} type_set;

static bool in_set(const type_set *s, const lg_type *t)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i] == t)
            return true;
    return false;
}

/* Adds t and the struct types below it that need a check, dependencies
 * first. */
static void collect_checks(lg_arena *a, type_set *s, const lg_type *t)
{
    if (in_set(s, t) || !needs_check(t, 0))
        return;
    for (size_t i = 0; i < t->n_fields; i++)
        if (t->fields[i].base == LG_STRUCT)
            collect_checks(a, s, t->fields[i].type);
    *LG_PUSH(a, s->items, s->n, s->cap) = t;
}

static char *check_fn(lg_arena *a, const lg_type *t)
{
    return lg_printf(a, "ladon__missing_%s", lg_name_type(a, t));
}

static void emit_check(lg_sb *out, lg_arena *a, const lg_type *t)
{
    lg_sb_printf(out, "/* The XML name of a required string missing in a %s, or NULL. */\n", t->name);
    lg_sb_printf(out, "static const char *%s(const struct %s *v)\n{\n", check_fn(a, t), lg_name_type(a, t));
    bool need_m = false, need_i = false;
    for (size_t i = 0; i < t->n_fields; i++) {
        const lg_member *f = &t->fields[i];
        if (f->base == LG_STRUCT && needs_check(f->type, 0))
            need_m = true;
        if (f->occ == LG_ARRAY && (f->base == LG_STRING || (f->base == LG_STRUCT && needs_check(f->type, 0))))
            need_i = true;
    }
    if (need_m)
        lg_sb_puts(out, "    const char *m;\n");
    if (need_i)
        lg_sb_puts(out, "    int i;\n");
    for (size_t i = 0; i < t->n_fields; i++) {
        const lg_member *f = &t->fields[i];
        if (f->base == LG_STRING) {
            if (f->occ == LG_REQUIRED)
                lg_sb_printf(out, "    if (v->%s == NULL)\n        return \"%s\";\n", f->name, f->name);
            else if (f->occ == LG_ARRAY)
                lg_sb_printf(out,
                             "    for (i = 0; i < v->%s; i++)\n"
                             "        if (v->%s[i] == NULL)\n            return \"%s\";\n",
                             f->count_name, f->name, f->name);
            continue;
        }
        if (f->base != LG_STRUCT || !needs_check(f->type, 0))
            continue;
        const char *fn = check_fn(a, f->type);
        switch (f->occ) {
        case LG_REQUIRED:
            lg_sb_printf(out, "    if ((m = %s(&v->%s)) != NULL)\n        return m;\n", fn, f->name);
            break;
        case LG_OPTIONAL:
            lg_sb_printf(out, "    if (v->%s != NULL && (m = %s(v->%s)) != NULL)\n        return m;\n", f->name, fn,
                         f->name);
            break;
        case LG_ARRAY:
            lg_sb_printf(out,
                         "    for (i = 0; i < v->%s; i++)\n"
                         "        if ((m = %s(&v->%s[i])) != NULL)\n            return m;\n",
                         f->count_name, fn, f->name);
            break;
        }
    }
    lg_sb_puts(out, "    return NULL;\n}\n\n");
}

/* --- operations ------------------------------------------------------------ */

/* The C parameter declaration in the glue, matching soapStub.h. */
static char *param_decl(lg_arena *a, const lg_member *mb)
{
    const char *ty = lg_name_gsoap_type(a, mb->base, mb->type);
    if (mb->base == LG_STRING)
        return lg_printf(a, "%s%s", ty, mb->name);
    return lg_printf(a, "%s %s%s", ty, mb->occ == LG_OPTIONAL ? "*" : "", mb->name);
}

/* The ladon_task_desc of task op: "ladon__P_m_task". */
static char *task_table(lg_arena *a, const lg_service *s, const lg_op *op)
{
    return lg_printf(a, "ladon__%s_%s_task", s->prefix, op->name);
}

/* The call of fn (m or its check m_check) with the inputs of task op read
 * from struct P__m *a: "m(ladon_c, a->label, a->n" (unclosed). */
static void task_call(lg_sb *out, const lg_op *op, const char *fn)
{
    lg_sb_printf(out, "%s(ladon_c", fn);
    for (size_t i = 0; i < op->n_params; i++)
        lg_sb_printf(out, ", a->%s", op->params[i].name);
}

/* Task m's ladon_task_desc (service.h, ABI 3): one-line wrappers around
 * gSOAP's serializers of its request struct P__m (the arguments) and of
 * m_result's response struct, around m and around its LADON_CHECK.  The
 * runtime does the rest of the six operations.  Their parameters are
 * ladon_*: the user's names cannot start with ladon_. */
static void emit_task_method(lg_sb *out, lg_arena *a, const lg_service *s, const lg_op *op)
{
    const char *m = op->name, *tm = task_table(a, s, op);
    const char *req = lg_name_op(a, s, m), *res = lg_name_response(a, s, lg_printf(a, "%s_result", m));
    const char *args = op->n_params > 0 ? lg_printf(a, "struct %s *a = ladon_args; ", req) : "(void)ladon_args; ";
    lg_sb_printf(out, "/* Task %s: what the runtime needs to run its six operations. */\n", m);
    lg_sb_printf(out, "static int %s_write_args(struct soap *soap, const void *ladon_args) "
                      "{ return soap_serialize_%s(soap, ladon_args), soap_put_%s(soap, ladon_args, NULL, \"\"); }\n",
                 tm, req, req);
    lg_sb_printf(out, "static void *%s_read_args(struct soap *soap) { return soap_get_%s(soap, soap_new_%s(soap, -1), NULL, NULL); }\n",
                 tm, req, req);
    lg_sb_printf(out, "static void *%s_new_result(struct soap *soap) { return soap_new_%s(soap, -1); }\n", tm, res);
    lg_sb_printf(out, "static int %s_write_result(struct soap *soap, const void *ladon_result) "
                      "{ return soap_serialize_%s(soap, ladon_result), soap_put_%s(soap, ladon_result, NULL, \"\"); }\n",
                 tm, res, res);
    lg_sb_printf(out, "static void *%s_read_result(struct soap *soap, void *ladon_result) "
                      "{ soap_default_%s(soap, ladon_result); return soap_get_%s(soap, ladon_result, NULL, NULL); }\n",
                 tm, res, res);
    lg_sb_printf(out, "static int %s_run(ladon_call *ladon_c, void *ladon_args, void *ladon_result) { %sreturn ", tm, args);
    task_call(out, op, m);
    lg_sb_printf(out, ", &((struct %s *)ladon_result)->%s); }\n", res, op->result.name);
    if (op->check != NULL) {
        lg_sb_printf(out, "static int %s_check(ladon_call *ladon_c, void *ladon_args) { %sreturn ", tm, args);
        task_call(out, op, op->check->name);
        lg_sb_puts(out, "); }\n");
    }
    lg_sb_printf(out, "static const ladon_task_desc %s = {\n    \"%s\", %s_write_args, %s_read_args, %s_new_result,\n"
                      "    %s_write_result, %s_read_result, %s_run, %s%s,\n};\n\n",
                 tm, m, tm, tm, tm, tm, tm, tm, op->check != NULL ? tm : "NULL", op->check != NULL ? "_check" : "");
}

/* The end of m's service function: the arguments into the request struct,
 * then the runtime starts the task. */
static void emit_task_start(lg_sb *out, lg_arena *a, const lg_service *s, const lg_op *op)
{
    const char *m = op->name, *call = op->call_name;
    lg_sb_printf(out, "    soap_default_%s(soap, &ladon_args);\n", lg_name_op(a, s, m));
    for (size_t i = 0; i < op->n_params; i++)
        lg_sb_printf(out, "    ladon_args.%s = %s;\n", op->params[i].name, op->params[i].name);
    lg_sb_printf(out, "    return ladon_call_task_start(%s, &%s, &ladon_args, &ladon_response->result.task_id);\n}\n\n",
                 call, task_table(a, s, op));
}

/* m_progress, m_result, m_cancel, m_wait and m_list of task m: each one call of
 * the runtime. */
static void emit_task_companions(lg_sb *out, lg_arena *a, const lg_service *s, const lg_op *op)
{
    const char *tm = task_table(a, s, op);
    for (size_t c = 0; c < lg_n_task_companions; c++) {
        const lg_task_companion *tc = &lg_task_companions[c];
        const char *co = lg_task_op_name(a, op, tc);
        bool wait = tc->op == LG_TASK_WAIT;
        if (tc->op == LG_TASK_LIST) {
            lg_sb_printf(out, "int %s(struct soap *soap, int *limit, char *page_token, struct %s *ladon_response)\n{\n",
                         lg_name_op(a, s, co), lg_name_response(a, s, co));
            lg_sb_printf(out, "    ladon_task_page pg;\n    return ladon__%s_list(%s(ladon_call_get(soap), &%s, limit, page_token, "
                              "&pg), soap, &pg, &ladon_response->result);\n}\n\n",
                         s->prefix, tc->call, tm);
            continue;
        }
        lg_sb_printf(out, "int %s(struct soap *soap, int task_id, %sstruct %s *ladon_response)\n{\n",
                     lg_name_op(a, s, co), wait ? "double timeout, " : "", lg_name_response(a, s, co));
        if (tc->op == LG_TASK_RESULT) {
            lg_sb_printf(out, "    return %s(ladon_call_get(soap), &%s, task_id, ladon_response);\n}\n\n", tc->call, tm);
            continue;
        }
        lg_sb_printf(out, "    ladon_task_view v;\n    return ladon__%s_progress(%s(ladon_call_get(soap), &%s, task_id, %s&v), "
                          "&v, &ladon_response->result);\n}\n\n",
                     s->prefix, tc->call, tm, wait ? "timeout, " : "");
    }
}

/* The one copy of the runtime's ladon_task_view into service s's
 * TaskProgressResponse, for the m_progress, m_cancel and m_wait of all its
 * tasks. */
static void emit_progress_copy(lg_sb *out, const lg_service *s)
{
    const char *p = s->prefix;
    lg_sb_printf(out, "_Static_assert((int)%s__TaskState__queued == LADON_TASK_QUEUED && (int)%s__TaskState__running == LADON_TASK_RUNNING &&\n"
                      "               (int)%s__TaskState__done == LADON_TASK_DONE && (int)%s__TaskState__failed == LADON_TASK_FAILED &&\n"
                      "               (int)%s__TaskState__cancelled == LADON_TASK_CANCELLED, \"TaskState is ladon_task_state\");\n\n",
                 p, p, p, p, p);
    lg_sb_printf(out, "/* rc, after copying *v into *r when rc is SOAP_OK (a NULL message is no element). */\n"
                      "static int ladon__%s_progress(int rc, const ladon_task_view *v, struct %s__TaskProgressResponse *r)\n{\n"
                      "    if (rc != SOAP_OK)\n        return rc;\n"
                      "    r->task_id = v->task_id;\n    r->progress = v->progress;\n    r->duration = v->duration;\n"
                      "    r->starttime = v->starttime;\n    r->state = (enum %s__TaskState)v->state;\n"
                      "    r->message = (char *)v->message;\n    return SOAP_OK;\n}\n\n",
                 p, p, p);
    lg_sb_printf(out, "/* rc, after copying *pg into *r when rc is SOAP_OK. */\n"
                      "static int ladon__%s_list(int rc, struct soap *soap, const ladon_task_page *pg, struct %s__TaskListResponse *r)\n{\n"
                      "    if (rc != SOAP_OK)\n        return rc;\n"
                      "    r->__sizetasks = pg->n;\n    r->tasks = NULL;\n"
                      "    if (pg->n > 0 && (r->tasks = soap_malloc(soap, (size_t)pg->n * sizeof *r->tasks)) == NULL)\n"
                      "        return soap_receiver_fault(soap, \"out of memory\", NULL);\n"
                      "    for (int i = 0; i < pg->n; i++) {\n"
                      "        r->tasks[i].task_id = pg->tasks[i].task_id;\n"
                      "        r->tasks[i].state = (enum %s__TaskState)pg->tasks[i].state;\n"
                      "        r->tasks[i].progress = pg->tasks[i].progress;\n"
                      "        r->tasks[i].starttime = pg->tasks[i].starttime;\n    }\n"
                      "    r->next_page_token = (char *)pg->next_page_token;\n    return SOAP_OK;\n}\n\n",
                 p, p, p);
}

static void emit_op(lg_sb *out, lg_arena *a, const lg_service *s, const lg_op *op)
{
    const char *call = op->call_name;
    bool need_m = false;
    for (size_t i = 0; i < op->n_params; i++)
        if (op->params[i].base == LG_STRUCT && needs_check(op->params[i].type, 0))
            need_m = true;
    if (op->kind == LG_OP_TASK)
        emit_task_method(out, a, s, op);
    lg_sb_printf(out, "int %s(struct soap *soap", lg_name_op(a, s, op->name));
    for (size_t i = 0; i < op->n_params; i++)
        lg_sb_printf(out, ", %s", param_decl(a, &op->params[i]));
    lg_sb_printf(out, ", struct %s *ladon_response)\n{\n", lg_name_response(a, s, op->name));
    lg_sb_printf(out, "    ladon_call *%s = ladon_call_get(soap);\n", call);
    if (op->kind == LG_OP_TASK)
        lg_sb_printf(out, "    struct %s ladon_args;\n", lg_name_op(a, s, op->name));
    if (need_m)
        lg_sb_puts(out, "    const char *ladon_missing;\n");
    for (size_t i = 0; i < op->n_params; i++) {
        const lg_member *p = &op->params[i];
        if (p->base == LG_STRING && p->occ == LG_REQUIRED)
            lg_sb_printf(out, "    if (%s == NULL)\n        return ladon_call_missing(%s, \"%s\");\n", p->name, call,
                         p->name);
        if (p->base == LG_STRUCT && needs_check(p->type, 0)) {
            const char *fn = check_fn(a, p->type);
            if (p->occ == LG_OPTIONAL)
                lg_sb_printf(out, "    if (%s != NULL && (ladon_missing = %s(%s)) != NULL)\n", p->name, fn, p->name);
            else
                lg_sb_printf(out, "    if ((ladon_missing = %s(&%s)) != NULL)\n", fn, p->name);
            lg_sb_printf(out, "        return ladon_call_missing(%s, ladon_missing);\n", call);
        }
    }
    if (op->kind == LG_OP_TASK) {
        emit_task_start(out, a, s, op);
        return;
    }
    lg_sb_printf(out, "    return ladon_call_finish(%s, %s(%s", call, op->name, call);
    for (size_t i = 0; i < op->n_params; i++)
        lg_sb_printf(out, ", %s", op->params[i].name);
    lg_sb_printf(out, ", &ladon_response->%s));\n}\n\n", op->result.name);
}

/* A gSOAP namespaces table named decl: the four of SOAP, then the prefix
 * of only (a service's table: its responses declare only what they use), or
 * of every service when only is NULL. */
static void emit_namespaces(lg_sb *out, const char *decl, const lg_model *m, const lg_service *only)
{
    lg_sb_printf(out, "%s = {\n", decl);
    lg_sb_puts(out, "    { \"SOAP-ENV\", \"http://schemas.xmlsoap.org/soap/envelope/\", "
                    "\"http://www.w3.org/*/soap-envelope\", NULL },\n"
                    "    { \"SOAP-ENC\", \"http://schemas.xmlsoap.org/soap/encoding/\", "
                    "\"http://www.w3.org/*/soap-encoding\", NULL },\n"
                    "    { \"xsi\", \"http://www.w3.org/2001/XMLSchema-instance\", "
                    "\"http://www.w3.org/*/XMLSchema-instance\", NULL },\n"
                    "    { \"xsd\", \"http://www.w3.org/2001/XMLSchema\", \"http://www.w3.org/*/XMLSchema\", NULL },\n");
    for (size_t i = 0; i < m->n_services; i++) {
        if (only != NULL && m->services[i] != only)
            continue;
        lg_sb_printf(out, "    { \"%s\", ", m->services[i]->prefix);
        lg_sb_c_string(out, m->services[i]->ns);
        lg_sb_puts(out, ", NULL, NULL },\n");
    }
    lg_sb_puts(out, "    { NULL, NULL, NULL, NULL }\n};\n\n");
}

static int emit_service(lg_sb *out, lg_arena *a, const lg_service *s, bool only, const char *wsdl, lg_diag *d)
{
    const char *p = s->prefix;
    lg_sb_printf(out, "/* --- service %s (%s) --- */\n\n", s->name, lg_basename(s->file));
    size_t n_ops = 0;
    if (lg_service_has_tasks(s))
        emit_progress_copy(out, s);
    for (size_t i = 0; i < s->n_ops; i++) {
        emit_op(out, a, s, &s->ops[i]);
        if (s->ops[i].kind == LG_OP_TASK)
            emit_task_companions(out, a, s, &s->ops[i]);
    }

    lg_emit_desc(out, a, s);
    lg_sb_printf(out, "static const ladon_operation ladon__%s_operations[] = {\n", p);
    for (size_t i = 0; i < s->n_ops; i++) {
        const lg_op *op = &s->ops[i];
        lg_sb_printf(out, "    { \"%s\", \"%s\", soap_serve_%s, %s, %s, &%s },\n", op->name,
                     lg_name_op_tag(a, s, op->name), lg_name_op(a, s, op->name),
                     op->kind == LG_OP_TASK ? "LADON_OP_TASK_START" : "LADON_OP_METHOD",
                     op->kind == LG_OP_TASK ? lg_printf(a, "&%s", task_table(a, s, op)) : "NULL",
                     lg_desc_op_var(a, s, op->name));
        n_ops++;
        for (size_t c = 0; op->kind == LG_OP_TASK && c < lg_n_task_companions; c++) {
            const char *co = lg_task_op_name(a, op, &lg_task_companions[c]);
            lg_sb_printf(out, "    { \"%s\", \"%s\", soap_serve_%s, %s, &%s, &%s },\n", co, lg_name_op_tag(a, s, co),
                         lg_name_op(a, s, co), lg_task_companions[c].kind, task_table(a, s, op),
                         lg_desc_op_var(a, s, co));
            n_ops++;
        }
    }
    lg_sb_puts(out, "};\n\n");

    const char *marker = "<SOAP:address location=\"";
    const char *addr = lg_emit_address(a, s);
    const char *at = strstr(wsdl, marker);
    size_t mlen = strlen(marker), alen = strlen(addr);
    if (at == NULL || strncmp(at + mlen, addr, alen) != 0 || at[mlen + alen] != '"' ||
        strstr(at + mlen, marker) != NULL)
        return lg_error_noloc(d, "the WSDL of %s has no single soap:address %s", s->name, addr);
    size_t head_len = (size_t)(at - wsdl) + mlen;
    const char *tail = at + mlen + alen;
    c_text(out, lg_printf(a, "ladon__%s_wsdl_head", p), wsdl, head_len);
    lg_sb_putc(out, '\n');
    c_text(out, lg_printf(a, "ladon__%s_wsdl_tail", p), tail, strlen(tail));
    lg_sb_putc(out, '\n');

    lg_sb_printf(out, "static const ladon_service ladon__%s_service = {\n    ", p);
    lg_sb_c_string(out, s->name);
    lg_sb_puts(out, ",\n    ");
    lg_sb_c_string(out, p);
    lg_sb_puts(out, ",\n    ");
    lg_sb_c_string(out, s->ns);
    lg_sb_puts(out, ",\n    ");
    lg_sb_c_string(out, s->doc);
    lg_sb_printf(out, ",\n    ladon__%s_wsdl_head,\n    ladon__%s_wsdl_tail,\n", p, p);
    /* a binding of one service: its table is the binding's */
    lg_sb_printf(out, "    ladon__%s_operations,\n    %zu,\n    %s,\n    %s,\n    %zu,\n};\n\n", p, n_ops,
                 only ? "namespaces" : lg_printf(a, "ladon__%s_namespaces", p),
                 lg_desc_n_types(s) > 0 ? lg_printf(a, "ladon__%s_types", p) : "NULL", lg_desc_n_types(s));
    return 0;
}

int lg_emit_glue_c(lg_sb *out, lg_model *m, const char *name, const char *const *wsdls, lg_diag *d)
{
    lg_arena a = {0};
    int rc = -1;
    bool has_tasks = false; /* the TaskState check needs ladon_task_state */
    for (size_t i = 0; i < m->n_services; i++)
        has_tasks = has_tasks || lg_service_has_tasks(m->services[i]);
    lg_emit_banner(out, lg_emit_from(&a, m));
    lg_sb_printf(out, "/* The glue between gSOAP and the service implementations, the gSOAP\n"
                      " * namespaces table and the binding's descriptor (docs/internals.md). */\n"
                      "#include \"soapH.h\"\n#include <ladon/error.h>\n#include <ladon/service.h>\n%s#include \"%s_ladon.h\"\n\n",
                 has_tasks ? "#include <ladon/store.h>\n" : "", name);
    lg_sb_printf(out, "#if LADON_SERVICE_ABI != 5\n"
                      "#error \"%s_ladon.c was generated for another Ladon-C version: regenerate it\"\n"
                      "#endif\n\n",
                 name);

    /* the binding's table (every prefix: gSOAP's own, and the task
     * arguments and results written as XML), then one per service when
     * there are several */
    emit_namespaces(out, "SOAP_NMAC struct Namespace namespaces[]", m, NULL);
    for (size_t i = 0; i < m->n_services && m->n_services > 1; i++)
        emit_namespaces(out, lg_printf(&a, "static struct Namespace ladon__%s_namespaces[]", m->services[i]->prefix), m,
                        m->services[i]);

    /* checks of required strings in the structs that operations take */
    type_set checks = {0};
    for (size_t i = 0; i < m->n_services; i++)
        for (size_t j = 0; j < m->services[i]->n_ops; j++) {
            const lg_op *op = &m->services[i]->ops[j];
            for (size_t k = 0; k < op->n_params; k++)
                if (op->params[k].base == LG_STRUCT)
                    collect_checks(&a, &checks, op->params[k].type);
        }
    for (size_t i = 0; i < checks.n; i++)
        emit_check(out, &a, checks.items[i]);

    for (size_t i = 0; i < m->n_services; i++)
        if (emit_service(out, &a, m->services[i], m->n_services == 1, wsdls[i], d) < 0)
            goto out;

    lg_sb_puts(out, "static const ladon_service *const ladon__services[] = {\n");
    for (size_t i = 0; i < m->n_services; i++)
        lg_sb_printf(out, "    &ladon__%s_service,\n", m->services[i]->prefix);
    lg_sb_puts(out, "};\n\n");
    lg_sb_printf(out, "const ladon_binding ladon_binding_%s = {\n    LADON_SERVICE_ABI,\n    \"%s\",\n    namespaces,\n"
                      "    ladon__services,\n    %zu,\n};\n",
                 name, name, m->n_services);
    rc = 0;
out:
    lg_arena_free(&a);
    return rc;
}
