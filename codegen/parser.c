/* parser.c - recursive-descent parser for annotated service headers (see
 * parser.h).  It stops at the first error. */
#include "parser.h"

#include <string.h>

#include "names.h"

typedef struct parser {
    lg_model *m;
    lg_arena *a;
    lg_diag *d;
    const lg_token *t;
    size_t n;
    size_t i;
    const char *pending_doc;  /* doc comment waiting for the next declaration */
    const char **after_doc;   /* where a trailing doc comment goes */
    lg_service *svc;
    bool have_service;
    const char *defining_tag; /* struct being defined (recursion check) */
} parser;

/* --- token access ---------------------------------------------------------- */

static void skip_docs(parser *p)
{
    while (p->i < p->n && (p->t[p->i].kind == LG_TOK_DOC || p->t[p->i].kind == LG_TOK_DOC_AFTER)) {
        const lg_token *tk = &p->t[p->i];
        if (tk->kind == LG_TOK_DOC) {
            p->pending_doc = tk->text;
        } else if (p->after_doc != NULL && tk->text[0] != '\0') {
            if ((*p->after_doc)[0] == '\0')
                *p->after_doc = tk->text;
            else
                *p->after_doc = lg_printf(p->a, "%s %s", *p->after_doc, tk->text);
        }
        p->i++;
    }
}

static const lg_token *peek(parser *p)
{
    skip_docs(p);
    return &p->t[p->i < p->n ? p->i : p->n - 1];
}

/* The token after the current one (docs skipped, but not consumed). */
static const lg_token *peek2(parser *p)
{
    skip_docs(p);
    size_t j = p->i + 1;
    while (j < p->n && (p->t[j].kind == LG_TOK_DOC || p->t[j].kind == LG_TOK_DOC_AFTER))
        j++;
    return &p->t[j < p->n ? j : p->n - 1];
}

static const lg_token *next(parser *p)
{
    const lg_token *tk = peek(p);
    if (tk->kind != LG_TOK_EOF)
        p->i++;
    return tk;
}

static bool is_punct(const lg_token *tk, char c)
{
    return tk->kind == LG_TOK_PUNCT && tk->text[0] == c;
}

static bool is_ident(const lg_token *tk, const char *s)
{
    return tk->kind == LG_TOK_IDENT && strcmp(tk->text, s) == 0;
}

static const char *describe(const lg_token *tk)
{
    switch (tk->kind) {
    case LG_TOK_EOF: return "end of file";
    case LG_TOK_STRING: return "a string";
    default: return tk->text;
    }
}

static int expect_punct(parser *p, char c, const char *what)
{
    const lg_token *tk = peek(p);
    if (!is_punct(tk, c)) {
        if (what != NULL)
            return lg_error(p->d, tk->loc, "expected '%c' %s, found '%s'", c, what, describe(tk));
        return lg_error(p->d, tk->loc, "expected '%c', found '%s'", c, describe(tk));
    }
    next(p);
    if (c == '}' || c == ';')
        p->pending_doc = NULL; /* a doc comment right before '}' documents nothing */
    return 0;
}

static const lg_token *expect_ident(parser *p, const char *what)
{
    const lg_token *tk = peek(p);
    if (tk->kind != LG_TOK_IDENT) {
        lg_error(p->d, tk->loc, "expected %s, found '%s'", what, describe(tk));
        return NULL;
    }
    return next(p);
}

/* A member's doc: its leading doc comment and the trailing ones before its
 * separator, joined as skip_docs joins trailing ones. */
static const char *join_docs(parser *p, const char *lead, const char *inner)
{
    if (inner[0] == '\0')
        return lead;
    return lead[0] == '\0' ? inner : lg_printf(p->a, "%s %s", lead, inner);
}

static const char *take_doc(parser *p)
{
    peek(p); /* collect doc comments before the declaration */
    const char *doc = p->pending_doc ? p->pending_doc : "";
    p->pending_doc = NULL;
    return doc;
}

/* --- annotations ----------------------------------------------------------- */

enum {
    ANN_SERVICE = 1 << 0,
    ANN_METHOD = 1 << 1,
    ANN_TASK = 1 << 2,
    ANN_COUNT = 1 << 3,
    ANN_OPTIONAL = 1 << 4,
    ANN_CHECK = 1 << 5,
};

static bool is_ladon_word(const lg_token *tk)
{
    return tk->kind == LG_TOK_IDENT && strncmp(tk->text, "LADON_", 6) == 0;
}

static int annotation_bit(const char *s)
{
    if (strcmp(s, "LADON_SERVICE") == 0) return ANN_SERVICE;
    if (strcmp(s, "LADON_METHOD") == 0) return ANN_METHOD;
    if (strcmp(s, "LADON_TASK") == 0) return ANN_TASK;
    if (strcmp(s, "LADON_COUNT") == 0) return ANN_COUNT;
    if (strcmp(s, "LADON_OPTIONAL") == 0) return ANN_OPTIONAL;
    if (strcmp(s, "LADON_CHECK") == 0) return ANN_CHECK;
    return 0;
}

/* Reads LADON_* words before a declaration; allowed is the set valid here,
 * place names it for messages.  Returns the set read or -1. */
static int read_annotations(parser *p, int allowed, const char *place, lg_loc *first)
{
    int seen = 0;
    while (is_ladon_word(peek(p))) {
        const lg_token *tk = peek(p);
        int bit = annotation_bit(tk->text);
        if (bit == 0)
            return lg_error(p->d, tk->loc, "unknown annotation '%s'", tk->text);
        if (bit == ANN_SERVICE)
            return seen ? lg_error(p->d, tk->loc, "LADON_SERVICE must stand alone") : bit;
        if (!(allowed & bit))
            return lg_error(p->d, tk->loc, "%s is not allowed on %s", tk->text, place);
        if (seen & bit)
            return lg_error(p->d, tk->loc, "%s given twice", tk->text);
        if (seen == 0 && first != NULL)
            *first = tk->loc;
        seen |= bit;
        next(p);
    }
    if ((seen & ANN_METHOD) && (seen & ANN_TASK))
        return lg_error(p->d, peek(p)->loc, "LADON_METHOD and LADON_TASK cannot be combined");
    if ((seen & ANN_CHECK) && (seen & (ANN_METHOD | ANN_TASK)))
        return lg_error(p->d, peek(p)->loc, "LADON_CHECK cannot be combined with LADON_METHOD or LADON_TASK");
    if ((seen & ANN_COUNT) && (seen & ANN_OPTIONAL))
        return lg_error(p->d, peek(p)->loc, "LADON_COUNT and LADON_OPTIONAL cannot be combined");
    return seen;
}

/* --- type specifiers ------------------------------------------------------- */

typedef enum ts_kind { TS_INT, TS_INT64, TS_DOUBLE, TS_BOOL, TS_CHAR, TS_TIME, TS_BINARY, TS_CALL, TS_USER } ts_kind;

typedef struct tspec {
    lg_loc loc;
    ts_kind kind;
    lg_type *user;
    bool is_const;
    int stars;
} tspec;

static lg_type *find_type(lg_service *s, const char *name, bool by_tag, int kind)
{
    for (size_t i = 0; i < s->n_types; i++) {
        lg_type *t = s->types[i];
        if (kind >= 0 && (int)t->kind != kind)
            continue;
        if (strcmp(by_tag ? t->tag : t->name, name) == 0)
            return t;
    }
    return NULL;
}

static const char *const unsupported_types[] = {
    "unsigned", "signed", "short", "float", "void", "size_t", "ssize_t", "int8_t", "int16_t",
    "int32_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "intptr_t", "uintptr_t", "wchar_t",
    "_Complex", "long double", "FILE", "va_list",
};

static int parse_tspec(parser *p, tspec *ts)
{
    memset(ts, 0, sizeof *ts);
    const lg_token *tk = peek(p);
    ts->loc = tk->loc;
    while (is_ident(peek(p), "const")) {
        ts->is_const = true;
        next(p);
    }
    tk = peek(p);
    if (tk->kind != LG_TOK_IDENT)
        return lg_error(p->d, tk->loc, "expected a type, found '%s'", describe(tk));
    const char *w = tk->text;
    if (strcmp(w, "int") == 0) {
        ts->kind = TS_INT;
    } else if (strcmp(w, "double") == 0) {
        ts->kind = TS_DOUBLE;
    } else if (strcmp(w, "bool") == 0 || strcmp(w, "_Bool") == 0) {
        ts->kind = TS_BOOL;
    } else if (strcmp(w, "char") == 0) {
        ts->kind = TS_CHAR;
    } else if (strcmp(w, "int64_t") == 0) {
        ts->kind = TS_INT64;
    } else if (strcmp(w, "time_t") == 0) {
        ts->kind = TS_TIME;
    } else if (strcmp(w, "ladon_binary") == 0) {
        ts->kind = TS_BINARY;
    } else if (strcmp(w, "ladon_call") == 0) {
        ts->kind = TS_CALL;
    } else if (strcmp(w, "long") == 0) {
        if (is_ident(peek2(p), "long"))
            return lg_error(p->d, tk->loc,
                            "'long long' is not supported: use int64_t (xsd:long; gSOAP's LONG64 is int64_t here)");
        return lg_error(p->d, tk->loc, "'long' is not supported: use int or int64_t");
    } else if (strcmp(w, "union") == 0) {
        return lg_error(p->d, tk->loc, "unions are not supported");
    } else if (strcmp(w, "struct") == 0 || strcmp(w, "enum") == 0) {
        bool is_struct = w[0] == 's';
        next(p);
        const lg_token *tag = peek(p);
        if (is_punct(tag, '{'))
            return lg_error(p->d, tk->loc, "anonymous %s: declare it as typedef %s Name {...} Name; first", w, w);
        if (tag->kind != LG_TOK_IDENT)
            return lg_error(p->d, tag->loc, "expected a %s tag, found '%s'", w, describe(tag));
        if (is_punct(peek2(p), '{'))
            return lg_error(p->d, tk->loc, "nested %s definitions are not supported: declare typedef %s %s {...} %s; first",
                            w, w, tag->text, tag->text);
        if (is_struct && p->defining_tag != NULL && strcmp(tag->text, p->defining_tag) == 0)
            return lg_error(p->d, tag->loc, "recursive types are not supported ('struct %s' inside itself)", tag->text);
        ts->user = find_type(p->svc, tag->text, true, is_struct ? LG_TYPE_STRUCT : LG_TYPE_ENUM);
        if (ts->user == NULL)
            return lg_error(p->d, tag->loc, "unknown type '%s %s' (types must be declared in this header, before use)",
                            w, tag->text);
        ts->kind = TS_USER;
        tk = tag;
    } else if (is_ladon_word(tk)) {
        if (annotation_bit(w) == 0)
            return lg_error(p->d, tk->loc, "unknown annotation '%s'", w);
        return lg_error(p->d, tk->loc, "%s is not allowed here", w);
    } else {
        for (size_t i = 0; i < sizeof unsupported_types / sizeof unsupported_types[0]; i++)
            if (strcmp(w, unsupported_types[i]) == 0)
                return lg_error(p->d, tk->loc,
                                "unsupported type '%s' (supported: int, int64_t, double, bool, char *, time_t, "
                                "ladon_binary, and structs and enums of this header)", w);
        ts->user = find_type(p->svc, w, false, -1);
        if (ts->user == NULL)
            return lg_error(p->d, tk->loc, "unknown type '%s' (types must be declared in this header, before use)", w);
        ts->kind = TS_USER;
    }
    next(p);
    while (is_ident(peek(p), "const")) {
        ts->is_const = true;
        next(p);
    }
    while (is_punct(peek(p), '*')) {
        ts->stars++;
        next(p);
        if (is_ident(peek(p), "const"))
            return lg_error(p->d, peek(p)->loc, "const pointers ('* const') are not supported");
    }
    if (is_punct(peek(p), '('))
        return lg_error(p->d, peek(p)->loc, "function pointers are not supported");
    return 0;
}

static lg_base base_of(const tspec *ts)
{
    switch (ts->kind) {
    case TS_INT: return LG_INT;
    case TS_INT64: return LG_INT64;
    case TS_DOUBLE: return LG_DOUBLE;
    case TS_BOOL: return LG_BOOL;
    case TS_CHAR: return LG_STRING;
    case TS_TIME: return LG_TIME;
    case TS_BINARY: return LG_BINARY;
    case TS_CALL: return LG_INT; /* never used: rejected before */
    case TS_USER: return ts->user->kind == LG_TYPE_ENUM ? LG_ENUM : LG_STRUCT;
    }
    return LG_INT;
}

/* The C spelling of a type specifier's base, for messages. */
static const char *ts_name(const tspec *ts)
{
    switch (ts->kind) {
    case TS_INT: return "int";
    case TS_INT64: return "int64_t";
    case TS_DOUBLE: return "double";
    case TS_BOOL: return "bool";
    case TS_CHAR: return "char";
    case TS_TIME: return "time_t";
    case TS_BINARY: return "ladon_binary";
    case TS_CALL: return "ladon_call";
    case TS_USER: return ts->user->name;
    }
    return "?";
}

/* Reads the declarator name after a type, rejecting [], : and (. */
static const lg_token *parse_declarator(parser *p, const char *what)
{
    const lg_token *name = expect_ident(p, what);
    if (name == NULL)
        return NULL;
    const lg_token *tk = peek(p);
    if (is_punct(tk, '['))
        return lg_error(p->d, tk->loc, "fixed-size arrays are not supported: use LADON_COUNT int n_%s; T *%s;",
                        name->text, name->text), NULL;
    if (is_punct(tk, ':'))
        return lg_error(p->d, tk->loc, "bit-fields are not supported"), NULL;
    return name;
}

static const char *const multi_ptr_msg =
    "multi-level pointers are not supported (char ** is allowed only as a string array after LADON_COUNT)";

/* A single (non-array) value: field or input parameter. */
static int single_member(parser *p, const tspec *ts, int ann, bool is_param, lg_member *mb)
{
    if (ts->kind == TS_CALL)
        return lg_error(p->d, ts->loc, "ladon_call is only allowed as the first parameter (ladon_call *call)");
    if (ts->is_const && !is_param)
        return lg_error(p->d, ts->loc, "const fields are not supported");
    if (ts->stars >= 2) {
        if (ts->kind == TS_CHAR && !is_param)
            return lg_error(p->d, ts->loc, "array '%s' needs a preceding LADON_COUNT int field", mb->name);
        return lg_error(p->d, ts->loc, "%s", multi_ptr_msg);
    }
    mb->base = base_of(ts);
    mb->type = ts->user;
    if (ts->stars == 0) {
        if (ts->kind == TS_CHAR)
            return lg_error(p->d, ts->loc, "'char' is a single character: use char * for a string");
        if (ann & ANN_OPTIONAL)
            return lg_error(p->d, ts->loc, "LADON_OPTIONAL needs a pointer (char *, or T * for other types)");
        mb->occ = LG_REQUIRED;
        return 0;
    }
    if (ts->kind == TS_CHAR) {
        mb->occ = (ann & ANN_OPTIONAL) ? LG_OPTIONAL : LG_REQUIRED;
        return 0;
    }
    if (is_param && !ts->is_const)
        return lg_error(p->d, ts->loc,
                        "input pointer parameters must be const (const %s *%s); only the last parameter is the result",
                        ts_name(ts), mb->name);
    mb->occ = LG_OPTIONAL;
    return 0;
}

/* --- declarations ---------------------------------------------------------- */

static int parse_struct_body(parser *p, lg_type *t)
{
    if (expect_punct(p, '{', NULL) < 0)
        return -1;
    p->after_doc = NULL;
    bool count_pending = false;
    const char *count_name = NULL;
    lg_loc count_loc = {0};
    const char *count_doc = "";
    while (!is_punct(peek(p), '}')) {
        if (peek(p)->kind == LG_TOK_EOF)
            return lg_error(p->d, peek(p)->loc, "expected '}' to end struct %s", t->tag);
        const char *doc = take_doc(p);
        /* a trailing doc before the ';' is this field's, not the previous one's */
        const char *inner = "";
        p->after_doc = &inner;
        int ann = read_annotations(p, ANN_COUNT | ANN_OPTIONAL, "a struct field", NULL);
        if (ann < 0)
            return -1;
        const lg_token *first = peek(p);
        if (is_ident(first, "union"))
            return lg_error(p->d, first->loc, "unions are not supported");
        tspec ts;
        if (parse_tspec(p, &ts) < 0)
            return -1;
        const lg_token *name = parse_declarator(p, "a field name");
        if (name == NULL)
            return -1;
        if (is_punct(peek(p), ','))
            return lg_error(p->d, peek(p)->loc, "declare one field per line (no 'int a, b;')");
        if (expect_punct(p, ';', "after the field") < 0)
            return -1;
        doc = join_docs(p, doc, inner);
        if (ann & ANN_COUNT) {
            if (count_pending)
                return lg_error(p->d, first->loc, "LADON_COUNT int %s must be followed by a pointer field (the array)",
                                count_name);
            if (ts.kind != TS_INT || ts.stars != 0 || ts.is_const)
                return lg_error(p->d, ts.loc, "LADON_COUNT must mark an int field");
            count_pending = true;
            count_name = name->text;
            count_loc = name->loc;
            count_doc = doc;
            /* a trailing doc on the count documents the array */
            p->after_doc = &count_doc;
            continue;
        }
        lg_member *mb = LG_PUSH(p->a, t->fields, t->n_fields, t->cap_fields);
        mb->name = name->text;
        mb->loc = name->loc;
        mb->doc = doc;
        if (count_pending) {
            count_pending = false;
            if (ann & ANN_OPTIONAL)
                return lg_error(p->d, ts.loc, "LADON_OPTIONAL is not allowed on an array");
            if (ts.kind == TS_CALL)
                return lg_error(p->d, ts.loc, "ladon_call is only allowed as the first parameter (ladon_call *call)");
            if (ts.is_const)
                return lg_error(p->d, ts.loc, "const fields are not supported");
            if (ts.stars == 0)
                return lg_error(p->d, first->loc, "LADON_COUNT int %s must be followed by a pointer field (the array)",
                                count_name);
            if (ts.kind == TS_CHAR && ts.stars == 1)
                return lg_error(p->d, ts.loc, "an array of strings is char **%s", name->text);
            if (ts.stars > (ts.kind == TS_CHAR ? 2 : 1))
                return lg_error(p->d, ts.loc, "%s", multi_ptr_msg);
            mb->base = base_of(&ts);
            mb->type = ts.user;
            mb->occ = LG_ARRAY;
            mb->count_name = count_name;
            mb->count_loc = count_loc;
            mb->count_doc = count_doc;
        } else if (single_member(p, &ts, ann, false, mb) < 0) {
            return -1;
        }
        p->after_doc = &mb->doc;
    }
    if (count_pending)
        return lg_error(p->d, count_loc, "LADON_COUNT int %s must be followed by a pointer field (the array)",
                        count_name);
    if (t->n_fields == 0)
        return lg_error(p->d, t->loc, "struct %s has no fields", t->tag);
    p->after_doc = NULL;
    return expect_punct(p, '}', NULL);
}

static int parse_enum_body(parser *p, lg_type *t)
{
    if (expect_punct(p, '{', NULL) < 0)
        return -1;
    p->after_doc = NULL;
    while (!is_punct(peek(p), '}')) {
        const char *doc = take_doc(p);
        const lg_token *name = expect_ident(p, "an enumerator");
        if (name == NULL)
            return -1;
        lg_enumerator *e = LG_PUSH(p->a, t->enumerators, t->n_enumerators, t->cap_enumerators);
        e->name = name->text;
        e->loc = name->loc;
        e->doc = doc;
        if (is_punct(peek(p), '=')) {
            next(p);
            bool neg = false;
            if (is_punct(peek(p), '-')) {
                neg = true;
                next(p);
            }
            const lg_token *v = peek(p);
            if (v->kind != LG_TOK_NUMBER)
                return lg_error(p->d, v->loc, "enumerator values must be integer literals");
            next(p);
            e->value = neg ? lg_printf(p->a, "-%s", v->text) : v->text;
        }
        p->after_doc = &e->doc;
        if (is_punct(peek(p), ',')) {
            next(p);
            continue;
        }
        if (!is_punct(peek(p), '}'))
            return lg_error(p->d, peek(p)->loc, "expected ',' or '}' after enumerator %s, found '%s'", e->name,
                            describe(peek(p)));
    }
    if (t->n_enumerators == 0)
        return lg_error(p->d, t->loc, "enum %s has no enumerators", t->tag);
    p->after_doc = NULL;
    return expect_punct(p, '}', NULL);
}

static int parse_typedef(parser *p, const char *doc)
{
    const lg_token *kw = next(p); /* typedef */
    const lg_token *k = peek(p);
    if (is_ident(k, "union"))
        return lg_error(p->d, k->loc, "unions are not supported");
    bool is_struct = is_ident(k, "struct");
    if (!is_struct && !is_ident(k, "enum"))
        return lg_error(p->d, kw->loc,
                        "unsupported typedef: only 'typedef struct T {...} T;' and 'typedef enum T {...} T;' are supported");
    next(p);
    const lg_token *tag = peek(p);
    if (is_punct(tag, '{'))
        return lg_error(p->d, k->loc, "anonymous %s: give it a tag, as in typedef %s Name {...} Name;", k->text,
                        k->text);
    if (tag->kind != LG_TOK_IDENT)
        return lg_error(p->d, tag->loc, "expected a %s tag, found '%s'", k->text, describe(tag));
    next(p);
    if (!is_punct(peek(p), '{'))
        return lg_error(p->d, peek(p)->loc, "expected '{': opaque typedefs are not supported, define the %s here",
                        k->text);
    lg_type *t = lg_alloc(p->a, sizeof *t);
    t->kind = is_struct ? LG_TYPE_STRUCT : LG_TYPE_ENUM;
    t->tag = tag->text;
    t->name = tag->text;
    t->loc = tag->loc;
    t->doc = doc;
    t->service = p->svc;
    p->defining_tag = tag->text;
    int rc = is_struct ? parse_struct_body(p, t) : parse_enum_body(p, t);
    p->defining_tag = NULL;
    if (rc < 0)
        return -1;
    const lg_token *name = expect_ident(p, "the typedef name");
    if (name == NULL)
        return -1;
    t->name = name->text;
    t->loc = name->loc;
    if (expect_punct(p, ';', "after the typedef") < 0)
        return -1;
    *(lg_type **)LG_PUSH(p->a, p->svc->types, p->svc->n_types, p->svc->cap_types) = t;
    return 0;
}

static int parse_service(parser *p, const char *doc)
{
    const lg_token *kw = next(p); /* LADON_SERVICE */
    if (p->have_service)
        return lg_error(p->d, kw->loc, "second LADON_SERVICE in one header (the first is at line %d): one header describes one service",
                        p->svc->loc.line);
    if (expect_punct(p, '(', "after LADON_SERVICE") < 0)
        return -1;
    const lg_token *name = expect_ident(p, "the service name");
    if (name == NULL)
        return -1;
    if (!lg_name_service_ok(name->text))
        return lg_error(p->d, name->loc, "service name '%s' must be a letter followed by letters and digits",
                        name->text);
    if (expect_punct(p, ',', "after the service name") < 0)
        return -1;
    const lg_token *ns = peek(p);
    if (ns->kind != LG_TOK_STRING)
        return lg_error(p->d, ns->loc, "expected the namespace URI as a string, found '%s'", describe(ns));
    next(p);
    if (ns->text[0] == '\0')
        return lg_error(p->d, ns->loc, "the namespace URI is empty");
    for (const char *c = ns->text; *c; c++)
        if (*c == '\\' || *c == '"' || *c == ' ' || *c == '\t' || *c == '<' || *c == '>' || *c == '&')
            return lg_error(p->d, ns->loc, "the namespace URI must not contain spaces, quotes, '\\', '<', '>' or '&'");
    if (expect_punct(p, ')', "after the namespace") < 0 || expect_punct(p, ';', "after LADON_SERVICE(...)") < 0)
        return -1;
    p->have_service = true;
    p->svc->name = name->text;
    p->svc->ns = ns->text;
    p->svc->loc = kw->loc;
    p->svc->doc = doc;
    p->svc->prefix = lg_name_prefix(p->a, name->text);
    return 0;
}

static int parse_param(parser *p, lg_member *mb, tspec *ts, int *ann)
{
    *ann = read_annotations(p, ANN_OPTIONAL, "a parameter (arrays are struct fields: wrap the array in a struct)", NULL);
    if (*ann < 0)
        return -1;
    if (parse_tspec(p, ts) < 0)
        return -1;
    const lg_token *name = parse_declarator(p, "a parameter name");
    if (name == NULL)
        return -1;
    mb->name = name->text;
    mb->loc = name->loc;
    mb->doc = "";
    return 0;
}

/* The parameters of LADON_CHECK op after its ladon_call: all inputs (the
 * parser pairs it with its task and compares them with the task's inputs at
 * the end of the header, pair_checks). */
static int check_params(parser *p, lg_op *op, lg_member *all, tspec *specs, int *anns, size_t n)
{
    size_t len = strlen(op->name);
    if (len <= 6 || strcmp(op->name + len - 6, "_check") != 0)
        return lg_error(p->d, op->loc, "a LADON_CHECK is named after its task: TASK_check (not '%s')", op->name);
    if (n > 1) {
        const tspec *ls = &specs[n - 1];
        if ((ls->kind == TS_CHAR ? ls->stars >= 2 : ls->stars >= 1) && !ls->is_const)
            return lg_error(p->d, ls->loc,
                            "LADON_CHECK %s has a result parameter '%s': a check takes only its task's inputs and "
                            "returns LADON_OK or ladon_fault(...)",
                            op->name, all[n - 1].name);
    }
    for (size_t i = 1; i < n; i++) {
        lg_member *mb = LG_PUSH(p->a, op->params, op->n_params, op->cap_params);
        *mb = all[i];
        if (single_member(p, &specs[i], anns[i], true, mb) < 0)
            return -1;
    }
    return 0;
}

/* "const char *label", "int n", "const Point *at": a parameter as C. */
static const char *param_c(lg_arena *a, const lg_member *mb)
{
    const char *ty = mb->type != NULL ? mb->type->name : lg_base_name(mb->base);
    if (mb->base == LG_STRING)
        return lg_printf(a, "%sconst char *%s", mb->occ == LG_OPTIONAL ? "LADON_OPTIONAL " : "", mb->name);
    if (mb->occ == LG_OPTIONAL)
        return lg_printf(a, "const %s *%s", ty, mb->name);
    return lg_printf(a, "%s %s", ty, mb->name);
}

static bool same_param(const lg_member *x, const lg_member *y)
{
    return strcmp(x->name, y->name) == 0 && x->base == y->base && x->type == y->type && x->occ == y->occ;
}

/* Pairs each LADON_CHECK m_check of the header with its LADON_TASK m
 * (wherever in the header either stands) and checks that it takes exactly
 * m's inputs. */
static int pair_checks(parser *p)
{
    lg_service *s = p->svc;
    for (size_t i = 0; i < s->n_checks; i++) {
        const lg_op *c = &s->checks[i];
        const char *task = lg_strndup(p->a, c->name, strlen(c->name) - 6);
        lg_op *op = NULL;
        for (size_t j = 0; j < s->n_ops && op == NULL; j++)
            if (strcmp(s->ops[j].name, task) == 0)
                op = &s->ops[j];
        if (op == NULL)
            return lg_error(p->d, c->loc, "LADON_CHECK %s has no task: this header declares no LADON_TASK %s", c->name,
                            task);
        if (op->kind != LG_OP_TASK)
            return lg_error(p->d, c->loc, "LADON_CHECK %s: %s is a LADON_METHOD (only a LADON_TASK has an early check)",
                            c->name, task);
        if (op->check != NULL)
            return lg_error(p->d, c->loc, "second LADON_CHECK of task %s (the first is at line %d)", task,
                            op->check->loc.line);
        lg_sb want = {0};
        lg_sb_printf(&want, "ladon_call *%s", c->call_name);
        for (size_t k = 0; k < op->n_params; k++)
            lg_sb_printf(&want, ", %s", param_c(p->a, &op->params[k]));
        const char *list = lg_strndup(p->a, lg_sb_str(&want), want.len);
        lg_sb_free(&want);
        for (size_t k = 0; k < c->n_params || k < op->n_params; k++) {
            if (k < c->n_params && k < op->n_params && same_param(&c->params[k], &op->params[k]))
                continue;
            lg_loc at = k < c->n_params ? c->params[k].loc : c->loc;
            return lg_error(p->d, at, "LADON_CHECK %s must take exactly the inputs of task %s: %s(%s)", c->name, task,
                            c->name, list);
        }
        op->check = c;
    }
    return 0;
}

static int parse_method(parser *p, const char *doc, lg_op_kind kind)
{
    tspec rt;
    if (parse_tspec(p, &rt) < 0)
        return -1;
    if (rt.kind != TS_INT || rt.stars != 0 || rt.is_const)
        return lg_error(p->d, rt.loc, "an operation returns int (LADON_OK or ladon_fault(...))");
    const lg_token *name = expect_ident(p, "the operation name");
    if (name == NULL)
        return -1;
    const lg_token *open = peek(p);
    if (expect_punct(p, '(', "after the operation name") < 0)
        return -1;
    lg_op *op = kind == LG_OP_CHECK ? LG_PUSH(p->a, p->svc->checks, p->svc->n_checks, p->svc->cap_checks)
                                    : LG_PUSH(p->a, p->svc->ops, p->svc->n_ops, p->svc->cap_ops);
    op->name = name->text;
    op->loc = name->loc;
    op->doc = doc;
    op->kind = kind;
    p->after_doc = NULL;

    lg_member *all = NULL;
    tspec *specs = NULL;
    int *anns = NULL;
    size_t n = 0, cap = 0, n2 = 0, cap2 = 0, n3 = 0, cap3 = 0;
    if (is_ident(peek(p), "void") && is_punct(peek2(p), ')'))
        next(p);
    while (!is_punct(peek(p), ')')) {
        if (n > 0 && expect_punct(p, ',', "between parameters") < 0)
            return -1;
        const char *pdoc = take_doc(p);
        /* a trailing doc before the ',' or ')' is this parameter's */
        const char *inner = "";
        p->after_doc = &inner;
        lg_member *mb = LG_PUSH(p->a, all, n, cap);
        tspec *ts = LG_PUSH(p->a, specs, n2, cap2);
        int *ann = LG_PUSH(p->a, anns, n3, cap3);
        if (parse_param(p, mb, ts, ann) < 0)
            return -1;
        mb->doc = join_docs(p, pdoc, inner);
        p->after_doc = &mb->doc;
    }
    const lg_token *close = peek(p);
    next(p);
    if (is_punct(peek(p), '{'))
        return lg_error(p->d, peek(p)->loc, "function bodies do not belong in the service header");
    if (expect_punct(p, ';', "after the operation's declaration") < 0)
        return -1;

    if (n == 0 || specs[0].kind != TS_CALL || specs[0].stars != 1 || anns[0] != 0)
        return lg_error(p->d, n == 0 ? open->loc : specs[0].loc,
                        "the first parameter of operation %s must be 'ladon_call *call'", op->name);
    op->call_name = all[0].name;
    if (kind == LG_OP_CHECK)
        return check_params(p, op, all, specs, anns, n);
    if (n < 2)
        return lg_error(p->d, close->loc,
                        "operation %s has no result parameter: the last parameter must point to the result (e.g. int *result)",
                        op->name);
    /* result */
    lg_member *r = &all[n - 1];
    tspec *rs = &specs[n - 1];
    if (rs->kind == TS_CALL)
        return lg_error(p->d, rs->loc, "ladon_call is only allowed as the first parameter (ladon_call *call)");
    if (rs->is_const && rs->stars == 1)
        return lg_error(p->d, rs->loc,
                        "operation %s has no result parameter: the last parameter '%s' is const, so it is an input; "
                        "the result is a non-const pointer (e.g. int *result)",
                        op->name, r->name);
    if (rs->stars == 0)
        return lg_error(p->d, rs->loc,
                        "operation %s has no result parameter: the last parameter must point to the result (e.g. int *result)",
                        op->name);
    if (rs->is_const)
        return lg_error(p->d, rs->loc, "the result parameter must not be const");
    if (anns[n - 1] != 0)
        return lg_error(p->d, rs->loc, "LADON_OPTIONAL is not allowed on the result parameter");
    if (rs->kind == TS_CHAR && rs->stars == 1)
        return lg_error(p->d, rs->loc, "'char *%s' as the result is a single char: use char **%s for a string", r->name,
                        r->name);
    if (rs->stars > (rs->kind == TS_CHAR ? 2 : 1))
        return lg_error(p->d, rs->loc, "%s", multi_ptr_msg);
    op->result = *r;
    op->result.base = base_of(rs);
    op->result.type = rs->user;
    op->result.occ = LG_REQUIRED;
    p->after_doc = &op->result.doc; /* a trailing doc after the ");" */
    for (size_t i = 1; i + 1 < n; i++) {
        lg_member *mb = LG_PUSH(p->a, op->params, op->n_params, op->cap_params);
        *mb = all[i];
        if (single_member(p, &specs[i], anns[i], true, mb) < 0)
            return -1;
    }
    return 0;
}

/* After the type of a top-level declaration that is not annotated. */
static int unannotated(parser *p)
{
    const lg_token *start = peek(p);
    tspec ts;
    if (parse_tspec(p, &ts) < 0)
        return -1;
    const lg_token *name = peek(p);
    if (name->kind == LG_TOK_IDENT && is_punct(peek2(p), '('))
        return lg_error(p->d, start->loc,
                        "function '%s' is not annotated: add LADON_METHOD (helper functions belong in another header)",
                        name->text);
    return lg_error(p->d, start->loc, "variables are not supported in a service header");
}

static int parse_top(parser *p)
{
    const char *doc = take_doc(p);
    p->after_doc = NULL;
    const lg_token *tk = peek(p);
    if (is_punct(tk, ';')) {
        next(p);
        return 0;
    }
    if (is_ladon_word(tk)) {
        lg_loc first = tk->loc;
        int ann = read_annotations(p, ANN_METHOD | ANN_TASK | ANN_CHECK, "a file-level declaration (LADON_COUNT and LADON_OPTIONAL mark struct fields and parameters)", &first);
        if (ann < 0)
            return -1;
        if (ann == ANN_SERVICE)
            return parse_service(p, doc);
        return parse_method(p, doc, ann & ANN_TASK ? LG_OP_TASK : ann & ANN_CHECK ? LG_OP_CHECK : LG_OP_METHOD);
    }
    if (tk->kind != LG_TOK_IDENT)
        return lg_error(p->d, tk->loc, "unexpected '%s'", describe(tk));
    if (is_ident(tk, "typedef"))
        return parse_typedef(p, doc);
    if (is_ident(tk, "union"))
        return lg_error(p->d, tk->loc, "unions are not supported");
    if (is_ident(tk, "struct") || is_ident(tk, "enum")) {
        const lg_token *t2 = peek2(p);
        if (t2->kind == LG_TOK_IDENT || is_punct(t2, '{')) {
            /* struct X {...}; or struct X; -- but "struct X *f(...)" is a function */
            size_t save = p->i;
            next(p);
            if (t2->kind == LG_TOK_IDENT)
                next(p);
            bool decl = is_punct(peek(p), '{') || is_punct(peek(p), ';');
            p->i = save;
            if (decl)
                return lg_error(p->d, tk->loc, "declare types as 'typedef %s Name {...} Name;'", tk->text);
        }
        return unannotated(p);
    }
    if (is_ident(tk, "extern") || is_ident(tk, "static") || is_ident(tk, "inline"))
        return lg_error(p->d, tk->loc, "'%s' declarations are not supported in a service header", tk->text);
    return unannotated(p);
}

int lg_parse(lg_model *m, const char *file, const lg_tokens *toks, lg_diag *d)
{
    parser p = {0};
    p.m = m;
    p.a = &m->arena;
    p.d = d;
    p.t = toks->items;
    p.n = toks->n;
    p.svc = lg_alloc(p.a, sizeof *p.svc);
    p.svc->file = lg_strdup(p.a, file);
    p.svc->doc = "";
    while (peek(&p)->kind != LG_TOK_EOF)
        if (parse_top(&p) < 0)
            return -1;
    if (!p.have_service) {
        lg_loc l = {file, 1, 1};
        return lg_error(d, l, "no LADON_SERVICE(Name, \"namespace-uri\"); in this header");
    }
    if (p.svc->n_ops == 0)
        return lg_error(d, p.svc->loc, "service %s has no operations (LADON_METHOD or LADON_TASK)", p.svc->name);
    if (pair_checks(&p) < 0)
        return -1;
    *(lg_service **)LG_PUSH(p.a, m->services, m->n_services, m->cap_services) = p.svc;
    return 0;
}

int lg_parse_source(lg_model *m, const char *file, const char *src, size_t len, lg_diag *d)
{
    lg_tokens toks = {0};
    const char *f = lg_strdup(&m->arena, file);
    if (lg_lex(&m->arena, f, src, len, &toks, d) < 0)
        return -1;
    return lg_parse(m, f, &toks, d);
}
