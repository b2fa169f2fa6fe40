/* lexer.c - tokenizer for annotated service headers (see lexer.h). */
#include "lexer.h"

#include <ctype.h>
#include <string.h>

typedef struct lexer {
    lg_arena *a;
    const char *file;
    const char *p;   /* current position */
    const char *end;
    int line;
    const char *line_start;
    bool at_line_start; /* only whitespace/comments since the last newline */
    lg_tokens *out;
    lg_diag *d;
} lexer;

static lg_loc here(const lexer *lx, const char *p)
{
    lg_loc l = {lx->file, lx->line, (int)(p - lx->line_start) + 1};
    return l;
}

static void newline(lexer *lx, const char *after_nl)
{
    lx->line++;
    lx->line_start = after_nl;
    lx->at_line_start = true;
}

static void emit(lexer *lx, lg_tok_kind kind, const char *text, size_t n, lg_loc loc)
{
    lg_token *t = LG_PUSH(lx->a, lx->out->items, lx->out->n, lx->out->cap);
    t->kind = kind;
    t->text = lg_strndup(lx->a, text, n);
    t->loc = loc;
}

/* Normalises the body of a doc comment into one line. */
static char *doc_text(lg_arena *a, const char *s, size_t n, bool block)
{
    lg_sb sb = {0};
    bool line_begin = true;
    bool pending_space = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n') {
            line_begin = true;
            pending_space = sb.len > 0;
            continue;
        }
        if (isspace((unsigned char)c)) {
            pending_space = sb.len > 0;
            continue;
        }
        if (line_begin && block && c == '*') {
            /* leading '*' of a continuation line */
            while (i + 1 < n && s[i + 1] == '*')
                i++;
            line_begin = false;
            continue;
        }
        line_begin = false;
        if (pending_space)
            lg_sb_putc(&sb, ' ');
        pending_space = false;
        lg_sb_putc(&sb, c);
    }
    char *r = lg_strndup(a, lg_sb_str(&sb), sb.len);
    lg_sb_free(&sb);
    return r;
}

/* The identifier at p (or NULL) and its length. */
static size_t ident_len(const char *p, const char *end)
{
    const char *q = p;
    if (q < end && (isalpha((unsigned char)*q) || *q == '_')) {
        q++;
        while (q < end && (isalnum((unsigned char)*q) || *q == '_'))
            q++;
    }
    return (size_t)(q - p);
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* Rest of a directive line may only hold blanks and comments. */
static bool rest_is_empty(const char *p, const char *end)
{
    p = skip_blanks(p, end);
    if (p >= end || *p == '\n' || *p == '\r')
        return true;
    if (p + 1 < end && p[0] == '/' && (p[1] == '/' || p[1] == '*'))
        return true; /* the comment is lexed normally afterwards */
    return false;
}

/* Handles a preprocessor line starting at '#'; leaves p at the end of the
 * directive (before a trailing comment or the newline). */
static int directive(lexer *lx)
{
    const char *hash = lx->p;
    lg_loc loc = here(lx, hash);
    const char *p = skip_blanks(hash + 1, lx->end);
    size_t n = ident_len(p, lx->end);
    const char *name = p;
    p += n;
    if (n == 7 && strncmp(name, "include", 7) == 0) {
        while (p < lx->end && *p != '\n')
            p++;
        lx->p = p;
        return 0;
    }
    if ((n == 6 && strncmp(name, "ifndef", 6) == 0) || (n == 6 && strncmp(name, "define", 6) == 0)) {
        const char *q = skip_blanks(p, lx->end);
        size_t m = ident_len(q, lx->end);
        if (m > 0 && rest_is_empty(q + m, lx->end)) {
            lx->p = q + m;
            return 0;
        }
        if (name[0] == 'd')
            return lg_error(lx->d, loc, "macro definitions are not supported (only include guards: #define NAME)");
        return lg_error(lx->d, loc, "conditional compilation is not supported (only include guards: #ifndef NAME)");
    }
    if (n == 5 && strncmp(name, "endif", 5) == 0) {
        lx->p = p;
        return 0;
    }
    if (n == 6 && strncmp(name, "pragma", 6) == 0) {
        const char *q = skip_blanks(p, lx->end);
        if (ident_len(q, lx->end) == 4 && strncmp(q, "once", 4) == 0 && rest_is_empty(q + 4, lx->end)) {
            lx->p = q + 4;
            return 0;
        }
    }
    return lg_error(lx->d, loc, "preprocessor directive '#%.*s' is not supported (only #include and include guards)",
                    (int)n, name);
}

int lg_lex(lg_arena *a, const char *file, const char *src, size_t len, lg_tokens *out, lg_diag *d)
{
    lexer lx = {a, file, src, src + len, 1, src, true, out, d};
    while (lx.p < lx.end) {
        const char *p = lx.p;
        char c = *p;
        if (c == '\n') {
            lx.p = p + 1;
            newline(&lx, lx.p);
            continue;
        }
        if (isspace((unsigned char)c)) {
            lx.p++;
            continue;
        }
        if (c == '#' && lx.at_line_start) {
            if (directive(&lx) < 0)
                return -1;
            lx.at_line_start = false;
            continue;
        }
        lx.at_line_start = false;
        lg_loc loc = here(&lx, p);
        if (c == '/' && p + 1 < lx.end && p[1] == '/') {
            const char *q = p + 2;
            while (q < lx.end && *q != '\n')
                q++;
            if (p + 2 < q && p[2] == '/' && !(p + 3 < q && p[3] == '/')) {
                bool after = p + 3 < q && p[3] == '<';
                const char *body = p + 3 + (after ? 1 : 0);
                char *text = doc_text(a, body, (size_t)(q - body), false);
                if (text[0] != '\0') {
                    emit(&lx, after ? LG_TOK_DOC_AFTER : LG_TOK_DOC, "", 0, loc);
                    out->items[out->n - 1].text = text;
                }
            }
            lx.p = q;
            continue;
        }
        if (c == '/' && p + 1 < lx.end && p[1] == '*') {
            const char *q = p + 2;
            const char *body = q;
            while (q + 1 < lx.end && !(q[0] == '*' && q[1] == '/')) {
                if (*q == '\n')
                    newline(&lx, q + 1);
                q++;
            }
            if (q + 1 >= lx.end)
                return lg_error(d, loc, "unterminated comment");
            lx.at_line_start = false;
            /* doc comment: starts with exactly two stars and is not empty */
            if (body < q && body[0] == '*' && !(body + 1 < q && body[1] == '*')) {
                bool after = body + 1 < q && body[1] == '<';
                const char *t = body + 1 + (after ? 1 : 0);
                char *text = doc_text(a, t, (size_t)(q - t), true);
                if (text[0] != '\0') {
                    emit(&lx, after ? LG_TOK_DOC_AFTER : LG_TOK_DOC, "", 0, loc);
                    out->items[out->n - 1].text = text;
                }
            }
            lx.p = q + 2;
            continue;
        }
        if (isalpha((unsigned char)c) || c == '_') {
            size_t n = ident_len(p, lx.end);
            emit(&lx, LG_TOK_IDENT, p, n, loc);
            lx.p = p + n;
            continue;
        }
        if (isdigit((unsigned char)c)) {
            const char *q = p;
            while (q < lx.end && (isalnum((unsigned char)*q) || *q == '_'))
                q++;
            emit(&lx, LG_TOK_NUMBER, p, (size_t)(q - p), loc);
            lx.p = q;
            continue;
        }
        if (c == '"') {
            const char *q = p + 1;
            while (q < lx.end && *q != '"' && *q != '\n') {
                if (*q == '\\' && q + 1 < lx.end && q[1] != '\n')
                    q++;
                q++;
            }
            if (q >= lx.end || *q != '"')
                return lg_error(d, loc, "unterminated string literal");
            emit(&lx, LG_TOK_STRING, p + 1, (size_t)(q - p - 1), loc);
            lx.p = q + 1;
            continue;
        }
        if (strchr("{}()[];,*=:-+.&|<>!~?%^/'", c) != NULL && c != '\0') {
            if (c == '\'')
                return lg_error(d, loc, "character literals are not supported");
            emit(&lx, LG_TOK_PUNCT, p, 1, loc);
            lx.p = p + 1;
            continue;
        }
        if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
            return lg_error(d, loc, "unexpected character '%c'", c);
        return lg_error(d, loc, "unexpected byte 0x%02x", (unsigned)(unsigned char)c);
    }
    lg_loc loc = here(&lx, lx.p);
    emit(&lx, LG_TOK_EOF, "", 0, loc);
    return 0;
}

const char *lg_tok_kind_name(lg_tok_kind k)
{
    switch (k) {
    case LG_TOK_EOF: return "end of file";
    case LG_TOK_IDENT: return "identifier";
    case LG_TOK_NUMBER: return "number";
    case LG_TOK_STRING: return "string";
    case LG_TOK_PUNCT: return "punctuation";
    case LG_TOK_DOC: return "doc comment";
    case LG_TOK_DOC_AFTER: return "trailing doc comment";
    }
    return "token";
}
