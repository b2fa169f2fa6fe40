/* value.c - values of schema types (see value.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "value.h"

#include <string.h>

#define MAX_ITEMS ((size_t)1 << 24)

lc_value *lc_value_new(lc_arena *a, const lc_type *t)
{
    lc_value *v = lc_arena_alloc(a, sizeof *v);
    if (v == NULL)
        return NULL;
    v->type = t;
    if (t->kind == LC_STRUCT && t->n_fields > 0 &&
        (v->slots = lc_arena_array(a, t->n_fields, sizeof *v->slots)) == NULL)
        return NULL;
    return v;
}

lc_value **lc_slot_at(lc_arena *a, lc_slot *s, size_t index)
{
    if (index >= MAX_ITEMS)
        return NULL;
    if (index >= s->cap) {
        size_t cap = s->cap ? s->cap : 4;
        while (cap <= index)
            cap *= 2;
        lc_value **items = lc_arena_array(a, cap, sizeof *items);
        if (items == NULL)
            return NULL;
        if (s->n > 0)
            memcpy(items, s->items, s->n * sizeof *items);
        s->items = items;
        s->cap = cap;
    }
    if (index >= s->n)
        s->n = index + 1;
    return &s->items[index];
}

const lc_value *lc_value_get(const lc_value *v, const char *name)
{
    size_t i;
    if (v == NULL || lc_type_field(v->type, name, &i) == NULL || v->slots == NULL ||
        v->slots[i].n == 0)
        return NULL;
    return v->slots[i].items[0];
}
