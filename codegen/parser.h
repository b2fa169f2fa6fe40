/* parser.h - a restricted C parser for annotated service headers.
 *
 * Accepted at file level (in any order; types must be declared before use):
 *   LADON_SERVICE(Name, "namespace-uri");                 exactly once
 *   typedef struct Tag { fields } Name;                    tag required
 *   typedef enum Tag { A, B = 2, ... } Name;               tag required
 *   LADON_METHOD int op(ladon_call *call, inputs..., R *result);
 * Fields:  [LADON_OPTIONAL] T name;  or  LADON_COUNT int n; T *items;
 * Doc comments before a declaration, or trailing (/ **< ... * /) after a
 * field, enumerator or parameter, are kept for the WSDL.
 * Everything else is rejected with "file:line:col: error: ..." (see
 * docs/annotations.md, "Errors").
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LG_PARSER_H
#define LG_PARSER_H

#include "lexer.h"
#include "model.h"

/* Parses the tokens of one header (file) into a new service of m.
 * Returns 0, or -1 with the error in d. */
int lg_parse(lg_model *m, const char *file, const lg_tokens *toks, lg_diag *d);

/* Lexes and parses src (len bytes) as if read from file. */
int lg_parse_source(lg_model *m, const char *file, const char *src, size_t len, lg_diag *d);

#endif /* LG_PARSER_H */
