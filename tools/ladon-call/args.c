/* args.c - NAME=VALUE words and JSON to a checked input value (see args.h).  Both forms set
 * items of a value tree shaped by the schema (value.h); a final pass checks what must be
 * there (required fields, array bounds, no gaps between array indexes).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexical.h"

#define MAX_PATH_SEGMENTS LC_MAX_DEPTH

typedef struct ctx {
    lc_arena *a;
    lc_err *err;
    const lc_type *top;
} ctx;

static const char *join(ctx *c, const char *prefix, const char *name)
{
    const char *p = prefix[0] != '\0' ? lc_arena_printf(c->a, "%s.%s", prefix, name)
                                      : lc_arena_strdup(c->a, name);
    if (p == NULL)
        lc_err_nomem(c->err);
    return p;
}

/* "a, b, c": the field names of t, for an error message. */
static const char *field_list(ctx *c, const lc_type *t)
{
    size_t len = 1;
    for (size_t i = 0; i < t->n_fields; i++)
        len += strlen(t->fields[i].name) + 2;
    char *s = lc_arena_alloc(c->a, len);
    if (s == NULL)
        return "";
    for (size_t i = 0; i < t->n_fields; i++) {
        if (i > 0)
            strcat(s, ", ");
        strcat(s, t->fields[i].name);
    }
    return t->n_fields > 0 ? s : "(none)";
}

/* The field of struct value v named name (`id` for `task_id` at the top level). */
static const lc_field *find(ctx *c, const lc_value *v, const char *name, const char *path,
                            size_t *index)
{
    const lc_field *f = lc_type_field(v->type, name, index);
    if (f == NULL && v->type == c->top && strcmp(name, "id") == 0)
        f = lc_type_field(v->type, "task_id", index);
    if (f == NULL)
        lc_err_set(c->err, LC_EXIT_USAGE, "unknown argument '%s' (valid %s: %s)", path,
                   v->type == c->top ? "arguments" : "fields here", field_list(c, v->type));
    return f;
}

static int leaf(ctx *c, const lc_field *f, const char *text, const char *path, lc_value **place)
{
    char why[512];
    if (*place != NULL)
        return lc_err_set(c->err, LC_EXIT_USAGE, "argument '%s' is given twice", path);
    if (lc_lexical_check(f->type, text, why, sizeof why) != 0)
        return lc_err_set(c->err, LC_EXIT_USAGE, "bad value for %s (%s): %s", path,
                          f->type->name, why);
    lc_value *v = lc_value_new(c->a, f->type);
    if (v == NULL || (v->text = lc_arena_strdup(c->a, text)) == NULL)
        return lc_err_nomem(c->err);
    *place = v;
    return 0;
}

static int parse_index(const char *s, size_t *out)
{
    if (*s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 8)
        return -1;
    *out = (size_t)strtoul(s, NULL, 10);
    return 0;
}

/* values=1,2,3: split at commas that are not escaped (\, is a comma, \\ a backslash) */
static int split_items(ctx *c, const lc_field *f, lc_slot *slot, const char *raw,
                       const char *path)
{
    if (slot->n > 0)
        return lc_err_set(c->err, LC_EXIT_USAGE, "argument '%s' is given twice", path);
    if (raw[0] == '\0')
        return 0; /* values= : no items */
    char *buf = lc_arena_alloc(c->a, strlen(raw) + 1);
    if (buf == NULL)
        return lc_err_nomem(c->err);
    size_t idx = 0, len = 0;
    for (const char *p = raw;; p++) {
        if (*p == '\\' && (p[1] == ',' || p[1] == '\\')) {
            buf[len++] = *++p;
            continue;
        }
        if (*p == ',' || *p == '\0') {
            buf[len] = '\0';
            const char *ipath = lc_arena_printf(c->a, "%s.%zu", path, idx);
            lc_value **place = lc_slot_at(c->a, slot, idx);
            if (ipath == NULL || place == NULL)
                return lc_err_nomem(c->err);
            if (leaf(c, f, buf, ipath, place) != 0)
                return -1;
            idx++;
            len = 0;
            if (*p == '\0')
                break;
            continue;
        }
        buf[len++] = *p;
    }
    return 0;
}

static int set_path(ctx *c, lc_value *v, char **segs, size_t nseg, const char *raw,
                    const char *prefix)
{
    size_t idx;
    const char *path = join(c, prefix, segs[0]);
    if (path == NULL)
        return -1;
    const lc_field *f = find(c, v, segs[0], path, &idx);
    if (f == NULL)
        return -1;
    lc_slot *slot = &v->slots[idx];
    const lc_type *t = f->type;
    lc_value **place;
    size_t rest = 1;
    if (lc_field_is_array(f)) {
        size_t item;
        if (nseg == 1) {
            if (t->kind == LC_STRUCT)
                return lc_err_set(c->err, LC_EXIT_USAGE,
                                  "'%s' is an array of %s: give its items' fields, e.g. "
                                  "%s.0.%s=...",
                                  path, t->name, path,
                                  t->n_fields > 0 ? t->fields[0].name : "FIELD");
            return split_items(c, f, slot, raw, path);
        }
        if (parse_index(segs[1], &item) != 0)
            return lc_err_set(c->err, LC_EXIT_USAGE,
                              "'%s' is an array: give an item index, e.g. %s.0.%s", path, path,
                              segs[1]);
        if ((path = join(c, path, segs[1])) == NULL || (place = lc_slot_at(c->a, slot, item)) == NULL)
            return lc_err_nomem(c->err);
        rest = 2;
    } else {
        if ((place = lc_slot_at(c->a, slot, 0)) == NULL)
            return lc_err_nomem(c->err);
    }
    if (rest == nseg) {
        if (t->kind == LC_STRUCT)
            return lc_err_set(c->err, LC_EXIT_USAGE,
                              "'%s' is a structure (%s): give its fields as %s.FIELD=... "
                              "(fields: %s)",
                              path, t->name, path, field_list(c, t));
        return leaf(c, f, raw, path, place);
    }
    if (t->kind != LC_STRUCT)
        return lc_err_set(c->err, LC_EXIT_USAGE, "'%s' is a %s value: it has no field '%s'",
                          path, t->name, segs[rest]);
    if (*place == NULL && (*place = lc_value_new(c->a, t)) == NULL)
        return lc_err_nomem(c->err);
    return set_path(c, *place, segs + rest, nseg - rest, raw, path);
}

static int set_word(ctx *c, lc_value *top, const char *word)
{
    const char *eq = strchr(word, '=');
    if (eq == NULL || eq == word)
        return lc_err_set(c->err, LC_EXIT_USAGE,
                          "argument '%s' is not NAME=VALUE (e.g. a=2, record.origin.x=1)", word);
    char *key = lc_arena_strndup(c->a, word, (size_t)(eq - word));
    if (key == NULL)
        return lc_err_nomem(c->err);
    if (key[0] == '.' || key[strlen(key) - 1] == '.' || strstr(key, "..") != NULL)
        return lc_err_set(c->err, LC_EXIT_USAGE, "argument name '%.*s' is not a path like "
                                                 "a.b.0.c", (int)(eq - word), word);
    char *segs[MAX_PATH_SEGMENTS];
    size_t n = 0;
    for (char *save = NULL, *s = strtok_r(key, ".", &save); s != NULL;
         s = strtok_r(NULL, ".", &save)) {
        if (n == MAX_PATH_SEGMENTS)
            return lc_err_set(c->err, LC_EXIT_USAGE, "argument name '%.*s' is nested too deeply",
                              (int)(eq - word), word);
        segs[n++] = s;
    }
    return set_path(c, top, segs, n, eq + 1, "");
}

/* --- JSON ----------------------------------------------------------------------------- */

static int from_json(ctx *c, lc_value *v, const json_t *obj, const char *prefix, int depth);

static int json_item(ctx *c, const lc_field *f, const json_t *j, const char *path,
                     lc_value **place, int depth)
{
    const lc_type *t = f->type;
    if (t->kind == LC_STRUCT) {
        if (!json_is_object(j))
            return lc_err_set(c->err, LC_EXIT_USAGE, "JSON: '%s' must be an object (a %s)", path,
                              t->name);
        if (*place == NULL && (*place = lc_value_new(c->a, t)) == NULL)
            return lc_err_nomem(c->err);
        return from_json(c, *place, j, path, depth + 1);
    }
    char num[64];
    const char *text;
    if (json_is_string(j))
        text = json_string_value(j);
    else if (json_is_integer(j))
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j)), text = num;
    else if (json_is_real(j))
        snprintf(num, sizeof num, "%.17g", json_real_value(j)), text = num;
    else if (json_is_boolean(j))
        text = json_is_true(j) ? "true" : "false";
    else
        return lc_err_set(c->err, LC_EXIT_USAGE,
                          "JSON: '%s' must be a string, number or boolean (a %s)", path, t->name);
    return leaf(c, f, text, path, place);
}

static int from_json(ctx *c, lc_value *v, const json_t *obj, const char *prefix, int depth)
{
    if (depth >= LC_MAX_DEPTH)
        return lc_err_set(c->err, LC_EXIT_USAGE, "JSON: '%s' is nested too deeply", prefix);
    const char *key;
    json_t *j;
    json_object_foreach((json_t *)obj, key, j) {
        size_t idx;
        const char *path = join(c, prefix, key);
        if (path == NULL)
            return -1;
        const lc_field *f = find(c, v, key, path, &idx);
        if (f == NULL)
            return -1;
        if (json_is_null(j))
            continue;
        lc_slot *slot = &v->slots[idx];
        if (lc_field_is_array(f) && json_is_array(j)) {
            if (slot->n > 0)
                return lc_err_set(c->err, LC_EXIT_USAGE, "argument '%s' is given twice", path);
            for (size_t i = 0; i < json_array_size(j); i++) {
                const char *ipath = lc_arena_printf(c->a, "%s.%zu", path, i);
                lc_value **place = lc_slot_at(c->a, slot, i);
                if (ipath == NULL || place == NULL)
                    return lc_err_nomem(c->err);
                if (json_item(c, f, json_array_get(j, i), ipath, place, depth) != 0)
                    return -1;
            }
            continue;
        }
        if (json_is_array(j))
            return lc_err_set(c->err, LC_EXIT_USAGE, "JSON: '%s' is not an array (a single %s)",
                              path, f->type->name);
        lc_value **place = lc_slot_at(c->a, slot, lc_field_is_array(f) ? slot->n : 0);
        if (place == NULL)
            return lc_err_nomem(c->err);
        if (json_item(c, f, j, path, place, depth) != 0)
            return -1;
    }
    return 0;
}

/* --- what must be there ------------------------------------------------------------------ */

static int finish(ctx *c, const lc_value *v, const char *prefix, int depth)
{
    if (depth >= LC_MAX_DEPTH)
        return lc_err_set(c->err, LC_EXIT_USAGE, "'%s' is nested too deeply", prefix);
    for (size_t i = 0; i < v->type->n_fields; i++) {
        const lc_field *f = &v->type->fields[i];
        const lc_slot *s = &v->slots[i];
        const char *path = join(c, prefix, f->name);
        if (path == NULL)
            return -1;
        for (size_t k = 0; k < s->n; k++)
            if (s->items[k] == NULL)
                return lc_err_set(c->err, LC_EXIT_USAGE,
                                  "'%s.%zu' is missing (array indexes start at 0, without "
                                  "gaps)", path, k);
        if ((long)s->n < f->min_occurs) {
            if (s->n == 0)
                return lc_err_set(c->err, LC_EXIT_USAGE, "missing required argument '%s' (%s)",
                                  path, f->type->name);
            return lc_err_set(c->err, LC_EXIT_USAGE, "'%s' needs at least %ld items", path,
                              f->min_occurs);
        }
        if (f->max_occurs >= 0 && (long)s->n > f->max_occurs)
            return lc_err_set(c->err, LC_EXIT_USAGE, "'%s' takes at most %ld items", path,
                              f->max_occurs);
        if (f->type->kind == LC_STRUCT)
            for (size_t k = 0; k < s->n; k++) {
                const char *ipath =
                    lc_field_is_array(f) ? lc_arena_printf(c->a, "%s.%zu", path, k) : path;
                if (ipath == NULL)
                    return lc_err_nomem(c->err);
                if (finish(c, s->items[k], ipath, depth + 1) != 0)
                    return -1;
            }
    }
    return 0;
}

int lc_args_build(lc_arena *a, const lc_type *wrapper, const json_t *json, char *const *kv,
                  size_t n, lc_value **out, lc_err *err)
{
    ctx c = {.a = a, .err = err, .top = wrapper};
    lc_value *v = lc_value_new(a, wrapper);
    if (v == NULL)
        return lc_err_nomem(err);
    if (json != NULL) {
        if (!json_is_object(json))
            return lc_err_set(err, LC_EXIT_USAGE, "JSON arguments must be an object");
        if (from_json(&c, v, json, "", 0) != 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (set_word(&c, v, kv[i]) != 0)
            return -1;
    if (finish(&c, v, "", 0) != 0)
        return -1;
    *out = v;
    return 0;
}
