/* args.h - the arguments of a call (NAME=VALUE words and/or a JSON document) turned into
 * the value of the operation's input element, checked against its schema type before
 * anything is sent.  NAME is a path: `record.origin.x`, an array item `points.0.x`; an array
 * of simple values is given at once as `values=1,2,3` (`\,` is a comma in an item, `\\` a
 * backslash).  The JSON document has the shape of `--json` output (an object per struct, an
 * array per array field).  At the top level `id` stands for `task_id` when the operation has
 * a task_id and no id.  Every error is a usage error (exit status 2).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_ARGS_H
#define LC_ARGS_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "err.h"
#include "model.h"
#include "value.h"

/* Builds *out, a value of the struct type wrapper: first from json (NULL: none; it must be an
 * object), then from the n words of kv (applied after the JSON: a word may add to it, but
 * giving a single value twice is an error).  0, or -1 with err set. */
int lc_args_build(lc_arena *a, const lc_type *wrapper, const json_t *json, char *const *kv,
                  size_t n, lc_value **out, lc_err *err);

#endif
