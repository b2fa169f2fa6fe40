/* lexer.h - tokens of an annotated service header.
 *
 * The lexer understands the small part of C a service header uses: ordinary
 * tokens, comments, doc comments and include guards.  Doc comments
 * (`/ ** ... * /`, `///`) become LG_TOK_DOC tokens; trailing ones
 * (`/ **< ... * /`, `///<`) LG_TOK_DOC_AFTER.  Their text is normalised to one
 * line: comment markers and leading `*` removed, whitespace collapsed.
 *
 * Preprocessor lines: `#include` is skipped (ladon-gen does not follow
 * includes), `#ifndef X` / `#define X` (nothing after the name) / `#endif`
 * and `#pragma once` are accepted as include guards; any other directive is
 * an error.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LG_LEXER_H
#define LG_LEXER_H

#include "util.h"

typedef enum lg_tok_kind {
    LG_TOK_EOF = 0,
    LG_TOK_IDENT,
    LG_TOK_NUMBER,    /* integer literal, text as written */
    LG_TOK_STRING,    /* text is the contents without quotes (escapes kept) */
    LG_TOK_PUNCT,     /* one character: { } ( ) [ ] ; , * = : - + . etc. */
    LG_TOK_DOC,       /* doc comment before a declaration */
    LG_TOK_DOC_AFTER  /* doc comment after a declaration */
} lg_tok_kind;

typedef struct lg_token {
    lg_tok_kind kind;
    const char *text; /* NUL-terminated, in the arena */
    lg_loc loc;
} lg_token;

typedef struct lg_tokens {
    lg_token *items; /* the last one is LG_TOK_EOF */
    size_t n;
    size_t cap;
} lg_tokens;

/* Splits src (len bytes) into tokens; file names the locations.  Returns 0,
 * or -1 with the error in d. */
int lg_lex(lg_arena *a, const char *file, const char *src, size_t len, lg_tokens *out, lg_diag *d);

/* Printable name of a kind, for messages and tests. */
const char *lg_tok_kind_name(lg_tok_kind k);

#endif /* LG_LEXER_H */
