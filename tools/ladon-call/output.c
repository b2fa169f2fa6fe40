/* output.c - the tree and JSON forms of a result (see output.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void text(FILE *f, const char *s)
{
    fputs(s != NULL && s[0] != '\0' ? s : "\"\"", f);
}

/* lead: printed instead of the indentation of the first line ("- " for an array item) */
static void fields(FILE *f, const lc_value *v, int indent, const char *lead, int depth)
{
    for (size_t i = 0; i < v->type->n_fields; i++) {
        const lc_field *fd = &v->type->fields[i];
        const lc_slot *s = &v->slots[i];
        if (s->n == 0)
            continue;
        if (lead != NULL) {
            fprintf(f, "%*s%s", indent - (int)strlen(lead), "", lead);
            lead = NULL;
        } else {
            fprintf(f, "%*s", indent, "");
        }
        if (depth >= LC_MAX_DEPTH) {
            fprintf(f, "%s: ...\n", fd->name);
            continue;
        }
        if (lc_field_is_array(fd)) {
            fprintf(f, "%s:\n", fd->name);
            for (size_t k = 0; k < s->n; k++) {
                const lc_value *item = s->items[k];
                if (item->type->kind == LC_STRUCT) {
                    bool any = false;
                    for (size_t j = 0; j < item->type->n_fields; j++)
                        any = any || item->slots[j].n > 0;
                    if (any)
                        fields(f, item, indent + 4, "- ", depth + 1);
                    else
                        fprintf(f, "%*s-\n", indent + 2, "");
                } else {
                    fprintf(f, "%*s- ", indent + 2, "");
                    text(f, item->text);
                    fputc('\n', f);
                }
            }
        } else if (s->items[0]->type->kind == LC_STRUCT) {
            fprintf(f, "%s:\n", fd->name);
            fields(f, s->items[0], indent + 2, NULL, depth + 1);
        } else {
            fprintf(f, "%s: ", fd->name);
            text(f, s->items[0]->text);
            fputc('\n', f);
        }
    }
}

void lc_print_tree(FILE *f, const lc_value *v)
{
    if (v->type->kind != LC_STRUCT) {
        text(f, v->text);
        fputc('\n', f);
        return;
    }
    fields(f, v, 0, NULL, 0);
}

static json_t *scalar(const lc_value *v)
{
    const char *t = v->text != NULL ? v->text : "";
    char *end;
    switch (v->type->kind) {
    case LC_INT:
    case LC_LONG: {
        errno = 0;
        long long n = strtoll(t, &end, 10);
        if (errno == 0 && end != t && *end == '\0')
            return json_integer(n);
        break;
    }
    case LC_DOUBLE: {
        double d = strtod(t, &end);
        if (end != t && *end == '\0' && isfinite(d))
            return json_real(d);
        break; /* INF, NaN: JSON has no such numbers */
    }
    case LC_BOOL:
        if (strcmp(t, "true") == 0 || strcmp(t, "1") == 0)
            return json_true();
        if (strcmp(t, "false") == 0 || strcmp(t, "0") == 0)
            return json_false();
        break;
    default:
        break;
    }
    return json_string(t);
}

static json_t *to_json(const lc_value *v, int depth)
{
    if (v->type->kind != LC_STRUCT)
        return scalar(v);
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    if (depth >= LC_MAX_DEPTH)
        return o;
    for (size_t i = 0; i < v->type->n_fields; i++) {
        const lc_field *fd = &v->type->fields[i];
        const lc_slot *s = &v->slots[i];
        if (s->n == 0)
            continue;
        json_t *j;
        if (lc_field_is_array(fd)) {
            j = json_array();
            for (size_t k = 0; j != NULL && k < s->n; k++) {
                json_t *item = to_json(s->items[k], depth + 1);
                if (item == NULL || json_array_append_new(j, item) != 0) {
                    json_decref(j);
                    j = NULL;
                }
            }
        } else {
            j = to_json(s->items[0], depth + 1);
        }
        if (j == NULL || json_object_set_new(o, fd->name, j) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

json_t *lc_value_json(const lc_value *v)
{
    return to_json(v, 0);
}

int lc_print_json(FILE *f, const lc_value *v, lc_err *err)
{
    json_t *j = lc_value_json(v);
    if (j == NULL)
        return lc_err_nomem(err);
    int rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    json_decref(j);
    if (rc != 0)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "cannot write the JSON output");
    fputc('\n', f);
    return 0;
}
