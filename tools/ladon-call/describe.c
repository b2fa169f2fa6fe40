/* describe.c - the listing of a WSDL and the description of one operation (see describe.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "describe.h"

#include <string.h>

#include "task.h"

static void summary(FILE *f, const lc_type *t)
{
    fputc('(', f);
    for (size_t i = 0; t->kind == LC_STRUCT && i < t->n_fields; i++) {
        const lc_field *fd = &t->fields[i];
        fprintf(f, "%s%s%s: %s%s", i > 0 ? ", " : "", fd->name,
                fd->min_occurs == 0 && !lc_field_is_array(fd) ? "?" : "", fd->type->name,
                lc_field_is_array(fd) ? "[]" : "");
    }
    fputc(')', f);
}

void lc_print_listing(FILE *f, const lc_service *svc)
{
    fprintf(f, "%s  %s\n", svc->name, svc->address[0] != '\0' ? svc->address : "(no address)");
    if (svc->doc != NULL)
        fprintf(f, "  %s\n", svc->doc);
    if (svc->unsupported != NULL) {
        fprintf(f, "  (not usable: %s)\n", svc->unsupported);
        return;
    }
    for (size_t i = 0; i < svc->n_ops; i++) {
        const lc_op *op = &svc->ops[i];
        fprintf(f, "  %s", op->name);
        if (op->unsupported != NULL) {
            fprintf(f, "  (not usable: %s)\n", op->unsupported);
            continue;
        }
        summary(f, op->input.type);
        lc_task_ops t;
        if (lc_task_find(svc, op, &t))
            fputs("  [task]", f);
        fputc('\n', f);
    }
}

static const char *occurs(const lc_field *fd, char *buf, size_t size)
{
    if (!lc_field_is_array(fd))
        return fd->min_occurs == 0 ? "optional" : "required";
    if (fd->max_occurs < 0)
        snprintf(buf, size, "array %ld..unbounded", fd->min_occurs);
    else
        snprintf(buf, size, "array %ld..%ld", fd->min_occurs, fd->max_occurs);
    return buf;
}

static void tree(FILE *f, const lc_type *t, int indent, const lc_type **path, int depth)
{
    for (size_t i = 0; i < t->n_fields; i++) {
        const lc_field *fd = &t->fields[i];
        const lc_type *ft = fd->type;
        char buf[64];
        fprintf(f, "%*s%s: %s%s  %s%s", indent, "", fd->name, ft->name,
                lc_field_is_array(fd) ? "[]" : "", occurs(fd, buf, sizeof buf),
                ft->kind == LC_ENUM ? ", enum" : "");
        if (fd->doc != NULL)
            fprintf(f, "  -- %s", fd->doc);
        fputc('\n', f);
        if (ft->doc != NULL && (fd->doc == NULL || strcmp(fd->doc, ft->doc) != 0))
            fprintf(f, "%*s# %s\n", indent + 4, "", ft->doc);
        if (ft->kind == LC_ENUM)
            for (size_t k = 0; k < ft->n_values; k++) {
                fprintf(f, "%*s= %s", indent + 4, "", ft->values[k].value);
                if (ft->values[k].doc != NULL)
                    fprintf(f, "  -- %s", ft->values[k].doc);
                fputc('\n', f);
            }
        if (ft->kind != LC_STRUCT)
            continue;
        bool seen = false;
        for (int k = 0; k < depth; k++)
            seen = seen || path[k] == ft;
        if (seen || depth + 1 >= LC_MAX_DEPTH) {
            fprintf(f, "%*s(%s: recursive, its fields as above)\n", indent + 4, "", ft->name);
            continue;
        }
        path[depth] = ft;
        tree(f, ft, indent + 4, path, depth + 1);
    }
}

static void element(FILE *f, const char *what, const lc_field *el)
{
    const lc_type *path[LC_MAX_DEPTH];
    fprintf(f, "%s (element %s%s%s%s):\n", what, el->ns != NULL ? "{" : "",
            el->ns != NULL ? el->ns : "", el->ns != NULL ? "}" : "", el->name);
    if (el->type->doc != NULL)
        fprintf(f, "  # %s\n", el->type->doc);
    path[0] = el->type;
    if (el->type->n_fields == 0)
        fprintf(f, "  (nothing)\n");
    tree(f, el->type, 2, path, 1);
}

void lc_print_describe(FILE *f, const lc_service *svc, const lc_op *op)
{
    fprintf(f, "%s.%s\n", svc->name, op->name);
    if (op->doc != NULL)
        fprintf(f, "  %s\n", op->doc);
    fprintf(f, "  endpoint: %s\n  SOAPAction: \"%s\"\n",
            svc->address[0] != '\0' ? svc->address : "(none: use --endpoint)", op->action);
    lc_task_ops t;
    bool task = lc_task_find(svc, op, &t);
    if (task)
        fprintf(f, "  task: this call starts it; ladon-call follows it with %s, then calls %s "
                   "(--no-wait: print the task id only)\n",
                t.wait != NULL ? t.wait->name : t.progress->name, t.result->name);
    element(f, "input", &op->input);
    element(f, task ? "task started" : "result", &op->output);
    if (task)
        element(f, "result (of the task's _result)", &t.result->output);
}
