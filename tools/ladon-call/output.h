/* output.h - printing a result: the readable tree (`result: 5`; a struct as `name:` then its
 * fields indented; an array one `- item` a line) or a JSON document (xsd:int, long, double as
 * numbers, booleans as true/false, arrays as arrays, absent fields left out).  The JSON has
 * the shape `--args` reads.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_OUTPUT_H
#define LC_OUTPUT_H

#include <stdio.h>

#include <jansson.h>

#include "err.h"
#include "value.h"

/* Prints the fields of struct value v as a tree (nothing for none). */
void lc_print_tree(FILE *f, const lc_value *v);
/* v as JSON (a new reference), or NULL when out of memory. */
json_t *lc_value_json(const lc_value *v);
/* Prints v as an indented JSON document and a newline; 0, or -1 with err set. */
int lc_print_json(FILE *f, const lc_value *v, lc_err *err);

#endif
