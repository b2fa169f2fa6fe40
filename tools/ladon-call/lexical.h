/* lexical.h - is a text a valid value of a simple schema type?  The checks ladon-call makes
 * on every argument before anything is sent (integers within their type's range, doubles,
 * booleans, enumerations, dateTime, base64, decimal; strings must be UTF-8 without the
 * control characters XML 1.0 forbids).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_LEXICAL_H
#define LC_LEXICAL_H

#include <stddef.h>

#include "model.h"

/* 0 when text is a valid value of the simple type t; else -1 with the reason in why (size
 * bytes, e.g. "'x' is not an integer"). */
int lc_lexical_check(const lc_type *t, const char *text, char *why, size_t size);
/* Is text valid UTF-8 holding only characters XML 1.0 allows? */
int lc_lexical_xml_text(const char *text);

#endif
