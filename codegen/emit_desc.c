/* emit_desc.c - writes a service's description tables into NAME_ladon.c:
 * one ladon_type_info per type, one ladon_op_info per operation (service
 * ABI 5, framework/include/ladon/service.h).
 *
 * Why tables and not the WSDL: the service browser (docs/browser.md)
 * renders its pages and try-it forms at run time, and reading them from the
 * model ladon-gen already holds costs a table, where parsing the WSDL would
 * cost an XML parser on every page.  They say what the WSDL says, from the
 * same sources: names.c's XML types, task_parts.c's task types, operations
 * and documentation, and emit_wsdl.c's occurrence rules (a string result is
 * optional; an array without a doc comment takes its count's).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "emit.h"
#include "names.h"
#include "task_parts.h"

static const char *kind_name(lg_base b)
{
    switch (b) {
    case LG_INT: return "LADON_VALUE_INT";
    case LG_INT64: return "LADON_VALUE_LONG";
    case LG_DOUBLE: return "LADON_VALUE_DOUBLE";
    case LG_BOOL: return "LADON_VALUE_BOOLEAN";
    case LG_STRING: return "LADON_VALUE_STRING";
    case LG_TIME: return "LADON_VALUE_DATETIME";
    case LG_BINARY: return "LADON_VALUE_BASE64";
    case LG_ENUM: return "LADON_VALUE_ENUM";
    case LG_STRUCT: return "LADON_VALUE_STRUCT";
    }
    return "LADON_VALUE_STRING";
}

static const char *occurs_name(lg_occ o)
{
    switch (o) {
    case LG_REQUIRED: return "LADON_OCCURS_ONE";
    case LG_OPTIONAL: return "LADON_OCCURS_OPTIONAL";
    case LG_ARRAY: return "LADON_OCCURS_MANY";
    }
    return "LADON_OCCURS_ONE";
}

/* The names of the tables: ladon__PREFIX__ROLE__NAME.  The role comes
 * first and "__" separates the parts (no user name contains "__"), so no
 * two names can meet: an operation get_params and the parameters of get
 * were once both ladon__p_info_get_params. */
static const char *var(lg_arena *a, const lg_service *s, const char *role, const char *name)
{
    return lg_printf(a, "ladon__%s__%s__%s", s->prefix, role, name);
}

static const char *type_var(lg_arena *a, const lg_service *s, const char *type)
{
    return var(a, s, "type", type);
}

/* One ladon_member_info initializer: name, XML type, kind, occurrence,
 * type (NULL or &var) and doc. */
static void put_member(lg_sb *out, lg_arena *a, const lg_service *s, const char *name, lg_base base,
                       const char *type, lg_occ occ, const char *doc)
{
    lg_sb_puts(out, "{ ");
    lg_sb_c_string(out, name);
    lg_sb_puts(out, ", ");
    lg_sb_c_string(out, base == LG_ENUM || base == LG_STRUCT ? lg_printf(a, "%s:%s", s->prefix, type)
                                                             : lg_name_xml_type(a, base, NULL));
    lg_sb_printf(out, ", %s, %s, %s, ", kind_name(base), occurs_name(occ),
                 type != NULL ? lg_printf(a, "&%s", type_var(a, s, type)) : "NULL");
    lg_sb_c_string(out, doc != NULL ? doc : "");
    lg_sb_puts(out, " }");
}

static void put_model_member(lg_sb *out, lg_arena *a, const lg_service *s, const lg_member *mb)
{
    const char *doc = mb->occ == LG_ARRAY && mb->doc[0] == '\0' ? mb->count_doc : mb->doc;
    put_member(out, a, s, mb->name, mb->base, mb->type != NULL ? mb->type->name : NULL, mb->occ, doc);
}

static void put_task_member(lg_sb *out, lg_arena *a, const lg_service *s, const lg_task_field *f)
{
    if (f->base == LG_STRUCT) {
        put_member(out, a, s, f->name, f->base, f->of->name, LG_ARRAY, f->doc);
        return;
    }
    put_member(out, a, s, f->name, f->base, f->base == LG_ENUM ? lg_task_state.name : NULL,
               f->optional ? LG_OPTIONAL : LG_REQUIRED, f->doc);
}

/* static const ladon_type_info VAR = {...}; fields and values are arrays
 * written before it, or NULL. */
static void put_type_info(lg_sb *out, lg_arena *a, const lg_service *s, const char *name, const char *doc, bool is_enum,
                          size_t n_fields, size_t n_values)
{
    const char *v = type_var(a, s, name);
    lg_sb_printf(out, "static const ladon_type_info %s = {\n    ", v);
    lg_sb_c_string(out, name);
    lg_sb_puts(out, ",\n    ");
    lg_sb_c_string(out, doc != NULL ? doc : "");
    lg_sb_printf(out, ",\n    %s,\n    %s, %zu,\n    %s, %zu,\n};\n\n", is_enum ? "LADON_VALUE_ENUM" : "LADON_VALUE_STRUCT",
                 n_fields ? var(a, s, "fields", name) : "NULL", n_fields, n_values ? var(a, s, "values", name) : "NULL",
                 n_values);
}

static void put_values_open(lg_sb *out, lg_arena *a, const lg_service *s, const char *name)
{
    lg_sb_printf(out, "static const ladon_enum_value %s[] = {\n", var(a, s, "values", name));
}

static void put_value(lg_sb *out, const char *name, const char *doc)
{
    lg_sb_puts(out, "    { ");
    lg_sb_c_string(out, name);
    lg_sb_puts(out, ", ");
    lg_sb_c_string(out, doc != NULL ? doc : "");
    lg_sb_puts(out, " },\n");
}

static void put_types(lg_sb *out, lg_arena *a, const lg_service *s)
{
    bool tasks = lg_service_has_tasks(s);
    /* declared first: a struct's fields point at types defined later */
    for (size_t i = 0; i < s->n_types; i++)
        lg_sb_printf(out, "static const ladon_type_info %s;\n", type_var(a, s, s->types[i]->name));
    if (tasks) {
        lg_sb_printf(out, "static const ladon_type_info %s;\n", type_var(a, s, lg_task_state.name));
        for (size_t k = 0; k < lg_n_task_types; k++)
            lg_sb_printf(out, "static const ladon_type_info %s;\n", type_var(a, s, lg_task_types[k]->name));
    }
    lg_sb_putc(out, '\n');

    for (size_t i = 0; i < s->n_types; i++) {
        const lg_type *t = s->types[i];
        bool is_enum = t->kind == LG_TYPE_ENUM;
        if (is_enum && t->n_enumerators > 0) {
            put_values_open(out, a, s, t->name);
            for (size_t k = 0; k < t->n_enumerators; k++)
                put_value(out, t->enumerators[k].name, t->enumerators[k].doc);
            lg_sb_puts(out, "};\n");
        }
        if (!is_enum && t->n_fields > 0) {
            lg_sb_printf(out, "static const ladon_member_info %s[] = {\n", var(a, s, "fields", t->name));
            for (size_t k = 0; k < t->n_fields; k++) {
                lg_sb_puts(out, "    ");
                put_model_member(out, a, s, &t->fields[k]);
                lg_sb_puts(out, ",\n");
            }
            lg_sb_puts(out, "};\n");
        }
        put_type_info(out, a, s, t->name, t->doc, is_enum, is_enum ? 0 : t->n_fields, is_enum ? t->n_enumerators : 0);
    }
    if (!tasks)
        return;
    put_values_open(out, a, s, lg_task_state.name);
    for (size_t k = 0; k < lg_task_state.n_values; k++)
        put_value(out, lg_task_state.values[k].name, lg_task_state.values[k].doc);
    lg_sb_puts(out, "};\n");
    put_type_info(out, a, s, lg_task_state.name, lg_task_state.doc, true, 0, lg_task_state.n_values);
    const lg_task_type *const *tt = lg_task_types;
    for (size_t i = 0; i < lg_n_task_types; i++) {
        lg_sb_printf(out, "static const ladon_member_info %s[] = {\n", var(a, s, "fields", tt[i]->name));
        for (size_t k = 0; k < tt[i]->n_fields; k++) {
            lg_sb_puts(out, "    ");
            put_task_member(out, a, s, &tt[i]->fields[k]);
            lg_sb_puts(out, ",\n");
        }
        lg_sb_puts(out, "};\n");
        put_type_info(out, a, s, tt[i]->name, tt[i]->doc, false, tt[i]->n_fields, 0);
    }
}

const char *lg_desc_op_var(lg_arena *a, const lg_service *s, const char *op)
{
    return var(a, s, "info", op);
}

/* The ladon_op_info of operation name: its doc, the params written by
 * put_params (n of them) and its result. */
static void put_op_open(lg_sb *out, lg_arena *a, const lg_service *s, const char *name, size_t n)
{
    if (n > 0)
        lg_sb_printf(out, "static const ladon_member_info %s[] = {\n", var(a, s, "params", name));
}

static void put_op_close(lg_sb *out, lg_arena *a, const lg_service *s, const char *name, size_t n, const char *doc)
{
    const char *v = lg_desc_op_var(a, s, name);
    if (n > 0)
        lg_sb_puts(out, "};\n");
    lg_sb_printf(out, "static const ladon_op_info %s = {\n    ", v);
    lg_sb_c_string(out, doc);
    lg_sb_printf(out, ",\n    %s, %zu,\n    ", n > 0 ? var(a, s, "params", name) : "NULL", n);
}

static void put_ops(lg_sb *out, lg_arena *a, const lg_service *s)
{
    for (size_t i = 0; i < s->n_ops; i++) {
        const lg_op *op = &s->ops[i];
        const lg_member *r = &op->result;
        /* a string result may be NULL, sent as no element (emit_wsdl.c) */
        lg_occ r_occ = r->base == LG_STRING ? LG_OPTIONAL : LG_REQUIRED;
        const char *r_type = r->type != NULL ? r->type->name : NULL;

        put_op_open(out, a, s, op->name, op->n_params);
        for (size_t k = 0; k < op->n_params; k++) {
            lg_sb_puts(out, "    ");
            put_model_member(out, a, s, &op->params[k]);
            lg_sb_puts(out, ",\n");
        }
        put_op_close(out, a, s, op->name, op->n_params, lg_doc_op(a, op));
        if (op->kind == LG_OP_TASK)
            put_member(out, a, s, "result", LG_STRUCT, lg_task_info.name, LG_REQUIRED, NULL);
        else
            put_member(out, a, s, r->name, r->base, r_type, r_occ, r->doc);
        lg_sb_puts(out, ",\n};\n\n");
        if (op->kind != LG_OP_TASK)
            continue;

        for (size_t c = 0; c < lg_n_task_companions; c++) {
            const lg_task_companion *tc = &lg_task_companions[c];
            const char *name = lg_task_op_name(a, op, tc);
            size_t n = tc->op == LG_TASK_WAIT || tc->op == LG_TASK_LIST ? 2 : 1;
            put_op_open(out, a, s, name, n);
            if (tc->op == LG_TASK_LIST) {
                lg_sb_puts(out, "    ");
                put_member(out, a, s, "limit", LG_INT, NULL, LG_OPTIONAL, lg_doc_limit());
                lg_sb_puts(out, ",\n    ");
                put_member(out, a, s, "page_token", LG_STRING, NULL, LG_OPTIONAL, lg_doc_page_token());
                lg_sb_puts(out, ",\n");
                put_op_close(out, a, s, name, n, lg_doc_companion(a, op, tc));
                put_member(out, a, s, "result", LG_STRUCT, lg_task_list.name, LG_REQUIRED, NULL);
                lg_sb_puts(out, ",\n};\n\n");
                continue;
            }
            lg_sb_puts(out, "    ");
            put_member(out, a, s, "task_id", LG_INT, NULL, LG_REQUIRED, lg_doc_task_id(a, op));
            lg_sb_puts(out, ",\n");
            if (tc->op == LG_TASK_WAIT) {
                lg_sb_puts(out, "    ");
                put_member(out, a, s, "timeout", LG_DOUBLE, NULL, LG_REQUIRED, lg_doc_timeout());
                lg_sb_puts(out, ",\n");
            }
            put_op_close(out, a, s, name, n, lg_doc_companion(a, op, tc));
            if (tc->op == LG_TASK_RESULT)
                put_member(out, a, s, r->name, r->base, r_type, r_occ, r->doc);
            else
                put_member(out, a, s, "result", LG_STRUCT, lg_task_progress.name, LG_REQUIRED, NULL);
            lg_sb_puts(out, ",\n};\n\n");
        }
    }
}

void lg_emit_desc(lg_sb *out, lg_arena *a, const lg_service *s)
{
    put_types(out, a, s);
    put_ops(out, a, s);
    size_t n = lg_desc_n_types(s);
    if (n == 0)
        return;
    lg_sb_printf(out, "static const ladon_type_info *const ladon__%s_types[] = {\n", s->prefix);
    for (size_t i = 0; i < s->n_types; i++)
        lg_sb_printf(out, "    &%s,\n", type_var(a, s, s->types[i]->name));
    if (lg_service_has_tasks(s)) {
        lg_sb_printf(out, "    &%s,\n", type_var(a, s, lg_task_state.name));
        for (size_t k = 0; k < lg_n_task_types; k++)
            lg_sb_printf(out, "    &%s,\n", type_var(a, s, lg_task_types[k]->name));
    }
    lg_sb_puts(out, "};\n\n");
}

size_t lg_desc_n_types(const lg_service *s)
{
    return s->n_types + (lg_service_has_tasks(s) ? 1 + lg_n_task_types : 0);
}
