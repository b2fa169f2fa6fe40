/* model.c - the service model: reading headers into it and the checks that
 * span declarations and headers (see model.h). */
#include "model.h"

#include <errno.h>
#include <string.h>

#include "names.h"
#include "parser.h"
#include "task_parts.h"

void lg_model_init(lg_model *m)
{
    memset(m, 0, sizeof *m);
}

void lg_model_free(lg_model *m)
{
    lg_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

int lg_model_add_file(lg_model *m, const char *path, lg_diag *d)
{
    size_t len = 0;
    char *src = lg_read_file(&m->arena, path, &len);
    if (src == NULL)
        return lg_error_noloc(d, "cannot read %s: %s", path, strerror(errno));
    if (memchr(src, '\0', len) != NULL) {
        lg_loc l = {path, 1, 1};
        return lg_error(d, l, "the header contains a NUL byte");
    }
    return lg_parse_source(m, path, src, len, d);
}

const char *lg_base_name(lg_base b)
{
    switch (b) {
    case LG_INT: return "int";
    case LG_INT64: return "int64_t";
    case LG_DOUBLE: return "double";
    case LG_BOOL: return "bool";
    case LG_STRING: return "char *";
    case LG_TIME: return "time_t";
    case LG_BINARY: return "ladon_binary";
    case LG_ENUM: return "enum";
    case LG_STRUCT: return "struct";
    }
    return "?";
}

bool lg_model_uses(const lg_model *m, lg_base b)
{
    for (size_t i = 0; i < m->n_services; i++) {
        const lg_service *s = m->services[i];
        for (size_t j = 0; j < s->n_types; j++)
            for (size_t k = 0; k < s->types[j]->n_fields; k++)
                if (s->types[j]->fields[k].base == b)
                    return true;
        for (size_t j = 0; j < s->n_ops; j++) {
            if (s->ops[j].result.base == b)
                return true;
            for (size_t k = 0; k < s->ops[j].n_params; k++)
                if (s->ops[j].params[k].base == b)
                    return true;
        }
    }
    return false;
}

bool lg_service_has_tasks(const lg_service *s)
{
    for (size_t i = 0; i < s->n_ops; i++)
        if (s->ops[i].kind == LG_OP_TASK)
            return true;
    return false;
}

/* --- validation ------------------------------------------------------------ */

/* A name and where it was declared, for duplicate checks. */
typedef struct seen_name {
    const char *name;
    lg_loc loc;
} seen_name;

typedef struct seen_set {
    seen_name *items;
    size_t n, cap;
} seen_set;

static const seen_name *seen_find(const seen_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i].name, name) == 0)
            return &s->items[i];
    return NULL;
}

static void seen_add(lg_arena *a, seen_set *s, const char *name, lg_loc loc)
{
    seen_name *e = LG_PUSH(a, s->items, s->n, s->cap);
    e->name = name;
    e->loc = loc;
}

static int check_name(lg_diag *d, lg_loc loc, const char *what, const char *name)
{
    const char *why = NULL;
    if (lg_name_is_reserved(name, &why))
        return lg_error(d, loc, "%s name '%s' cannot be used: %s", what, name, why);
    if (strncmp(name, "ladon_", 6) == 0 || strncmp(name, "LADON_", 6) == 0)
        return lg_error(d, loc, "%s name '%s' cannot be used: names starting with ladon_/LADON_ are reserved", what,
                        name);
    return 0;
}

/* Reports a duplicate of name in set, or adds it. */
static int unique(lg_arena *a, lg_diag *d, seen_set *set, const char *what, const char *name, lg_loc loc)
{
    const seen_name *prev = seen_find(set, name);
    if (prev != NULL)
        return lg_error(d, loc, "duplicate %s '%s' (first declared at %s:%d:%d)", what, name, prev->loc.file,
                        prev->loc.line, prev->loc.col);
    seen_add(a, set, name, loc);
    return 0;
}

static int check_member(lg_arena *a, lg_diag *d, seen_set *names, const char *what, const lg_member *mb)
{
    if (check_name(d, mb->loc, what, mb->name) < 0)
        return -1;
    if (mb->occ == LG_ARRAY) {
        if (check_name(d, mb->count_loc, what, mb->count_name) < 0)
            return -1;
        if (unique(a, d, names, what, mb->count_name, mb->count_loc) < 0)
            return -1;
    }
    return unique(a, d, names, what, mb->name, mb->loc);
}

int lg_model_validate(lg_model *m, lg_diag *d)
{
    lg_arena tmp = {0}; /* the seen sets */
    int rc = -1;
    seen_set services = {0}, prefixes = {0}, nss = {0}, types = {0}, tags = {0}, ops = {0}, enumerators = {0};

    for (size_t i = 0; i < m->n_services; i++) {
        lg_service *s = m->services[i];
        if (unique(&tmp, d, &services, "service", s->name, s->loc) < 0)
            goto out;
        if (lg_name_prefix_reserved(s->prefix)) {
            lg_error(d, s->loc, "service %s: its gSOAP prefix '%s' is reserved; choose another service name", s->name,
                     s->prefix);
            goto out;
        }
        const seen_name *prev = seen_find(&prefixes, s->prefix);
        if (prev != NULL) {
            lg_error(d, s->loc, "service %s has the same gSOAP prefix '%s' as the service at %s:%d:%d", s->name,
                     s->prefix, prev->loc.file, prev->loc.line, prev->loc.col);
            goto out;
        }
        seen_add(&tmp, &prefixes, s->prefix, s->loc);
        if (unique(&tmp, d, &nss, "namespace", s->ns, s->loc) < 0)
            goto out;
    }

    for (size_t i = 0; i < m->n_services; i++) {
        lg_service *s = m->services[i];
        seen_set local = {0}; /* gSOAP struct names of this service: types, requests, responses */
        for (size_t j = 0; j < s->n_ops; j++) {
            lg_op *op = &s->ops[j];
            if (check_name(d, op->loc, "operation", op->name) < 0)
                goto out;
            if (unique(&tmp, d, &ops, "operation", op->name, op->loc) < 0)
                goto out;
        }
        for (size_t j = 0; j < s->n_ops; j++) {
            lg_op *op = &s->ops[j];
            const char *resp = lg_printf(&tmp, "%sResponse", op->name);
            if (unique(&tmp, d, &local, "name", op->name, op->loc) < 0)
                goto out;
            const seen_name *clash = seen_find(&local, resp);
            if (clash == NULL) {
                for (size_t k = 0; k < s->n_ops; k++)
                    if (strcmp(s->ops[k].name, resp) == 0) {
                        lg_error(d, s->ops[k].loc, "operation '%s' clashes with the response element of operation '%s'",
                                 resp, op->name);
                        goto out;
                    }
            }
            seen_add(&tmp, &local, resp, op->loc);
        }
        /* the names a task m adds: its companions (m_progress, m_result,
         * m_cancel, m_wait, m_list) and their responses, and the task types of
         * the service */
        for (size_t j = 0; j < s->n_ops; j++) {
            lg_op *op = &s->ops[j];
            if (op->kind != LG_OP_TASK)
                continue;
            for (size_t k = 0; k < 2 * lg_n_task_companions; k++) {
                const char *co = lg_task_op_name(&tmp, op, &lg_task_companions[k / 2]);
                const char *gen = k % 2 ? lg_printf(&tmp, "%sResponse", co) : co;
                const seen_name *clash = seen_find(&local, gen);
                if (clash != NULL) {
                    lg_error(d, clash->loc, "'%s' clashes with the name that task '%s' generates (%s:%d:%d)",
                             gen, op->name, op->loc.file, op->loc.line, op->loc.col);
                    goto out;
                }
                seen_add(&tmp, &local, gen, op->loc);
            }
        }
        /* reserved in every service, with or without tasks, so a WSDL
         * checker can tell a task group by its types (wsdl/wsdl_tasks.c) */
        {
            const char *const task_types[] = {lg_task_info.name, lg_task_progress.name, lg_task_state.name,
                                              lg_task_summary.name, lg_task_list.name};
            for (size_t k = 0; k < sizeof task_types / sizeof task_types[0]; k++) {
                const seen_name *clash = seen_find(&local, task_types[k]);
                if (clash != NULL) {
                    lg_error(d, clash->loc, "'%s' is a reserved type name (task methods use it)",
                             task_types[k]);
                    goto out;
                }
                for (size_t j = 0; j < s->n_types; j++)
                    if (strcmp(s->types[j]->name, task_types[k]) == 0) {
                        lg_error(d, s->types[j]->loc,
                                 "'%s' is a reserved type name (task methods use it)",
                                 task_types[k]);
                        goto out;
                    }
            }
        }
        for (size_t j = 0; j < s->n_types; j++) {
            lg_type *t = s->types[j];
            if (check_name(d, t->loc, "type", t->name) < 0)
                goto out;
            if (unique(&tmp, d, &types, "type", t->name, t->loc) < 0)
                goto out;
            if (strcmp(t->tag, t->name) != 0 && unique(&tmp, d, &tags, "tag", t->tag, t->loc) < 0)
                goto out;
            if (strcmp(t->tag, t->name) == 0)
                seen_add(&tmp, &tags, t->tag, t->loc);
            const seen_name *clash = seen_find(&local, t->name);
            if (clash != NULL) {
                lg_error(d, t->loc, "type '%s' clashes with the request or response element of an operation (%s:%d:%d)",
                         t->name, clash->loc.file, clash->loc.line, clash->loc.col);
                goto out;
            }
            seen_set members = {0};
            for (size_t k = 0; k < t->n_fields; k++)
                if (check_member(&tmp, d, &members, "field", &t->fields[k]) < 0)
                    goto out;
            for (size_t k = 0; k < t->n_enumerators; k++) {
                lg_enumerator *e = &t->enumerators[k];
                if (check_name(d, e->loc, "enumerator", e->name) < 0)
                    goto out;
                if (unique(&tmp, d, &enumerators, "enumerator", e->name, e->loc) < 0)
                    goto out;
            }
        }
        for (size_t j = 0; j < s->n_ops; j++) {
            lg_op *op = &s->ops[j];
            seen_set params = {0};
            /* the glue calls op(...) with the parameters and the call in scope */
            if (check_name(d, op->loc, "parameter", op->call_name) < 0)
                goto out;
            if (strcmp(op->call_name, op->name) == 0) {
                lg_error(d, op->loc, "parameter '%s' has the name of its operation", op->call_name);
                goto out;
            }
            for (size_t k = 0; k <= op->n_params; k++) {
                const lg_member *mb = k < op->n_params ? &op->params[k] : &op->result;
                if (strcmp(mb->name, op->name) == 0) {
                    lg_error(d, mb->loc, "parameter '%s' has the name of its operation", mb->name);
                    goto out;
                }
            }
            for (size_t k = 0; k < op->n_params; k++)
                if (check_member(&tmp, d, &params, "parameter", &op->params[k]) < 0)
                    goto out;
            if (check_member(&tmp, d, &params, "parameter", &op->result) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    lg_arena_free(&tmp);
    return rc;
}
