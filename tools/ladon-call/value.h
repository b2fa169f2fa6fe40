/* value.h - a value of a schema type: what the arguments build for a request and what a
 * response is read into (args.c, soapmsg.c, output.c).  A struct value has one slot per field
 * of its type, in schema order, whatever the order it was given in; a slot holds the field's
 * occurrences (none: absent; several: an array).  Values live in an arena.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_VALUE_H
#define LC_VALUE_H

#include <stddef.h>

#include "arena.h"
#include "model.h"

typedef struct lc_value lc_value;

typedef struct lc_slot {
    lc_value **items; /* items[i] may be NULL while arguments are being collected */
    size_t n, cap;
} lc_slot;

struct lc_value {
    const lc_type *type;
    const char *text; /* a simple type's XML text */
    lc_slot *slots;   /* LC_STRUCT: type->n_fields slots */
};

/* A new empty value of type t (a struct's slots all empty), or NULL when out of memory. */
lc_value *lc_value_new(lc_arena *a, const lc_type *t);
/* The place of item index in slot s, growing it (new places are NULL), or NULL when out of
 * memory or index is absurdly large. */
lc_value **lc_slot_at(lc_arena *a, lc_slot *s, size_t index);
/* The first item of the field named name of struct value v, or NULL when absent. */
const lc_value *lc_value_get(const lc_value *v, const char *name);

#endif
