/* model.h - what ladon-call knows about a WSDL once it has read it: services, their
 * document/literal wrapped operations, and the XML Schema types of the operations' input and
 * output elements.  Built by wsdl.c (with schema.c for the types) in an arena; read by
 * args.c, soapmsg.c, describe.c, output.c and task.c.  Types may be recursive (a field's type
 * may be a type being defined), so every walk over them bounds its depth (LC_MAX_DEPTH).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_MODEL_H
#define LC_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define LC_XSD_NS "http://www.w3.org/2001/XMLSchema"
#define LC_MAX_DEPTH 32 /* nesting of values (arguments, responses) and of describe's tree */

typedef enum lc_kind {
    LC_STRING,   /* xsd:string and every built-in type without a check of its own */
    LC_INT,      /* xsd:int, short, byte, unsigned...: an integer within [min, max] */
    LC_LONG,     /* xsd:long, integer and friends: a 64-bit integer within [min, max] */
    LC_DOUBLE,   /* xsd:double, float */
    LC_DECIMAL,  /* xsd:decimal (kept as text: any number of digits) */
    LC_BOOL,     /* xsd:boolean */
    LC_DATETIME, /* xsd:dateTime */
    LC_BASE64,   /* xsd:base64Binary */
    LC_ENUM,     /* a simpleType restriction with enumerations */
    LC_STRUCT,   /* a complexType with a sequence of elements */
} lc_kind;

typedef struct lc_type lc_type;

typedef struct lc_field {
    const char *name;    /* the element's local name */
    const char *ns;      /* its namespace when qualified, NULL when unqualified */
    const lc_type *type;
    long min_occurs;     /* 0: optional */
    long max_occurs;     /* -1: unbounded; > 1 (or -1): an array */
    const char *doc;     /* the element's annotation/documentation, or NULL */
} lc_field;

typedef struct lc_enum_value {
    const char *value;
    const char *doc;     /* or NULL */
} lc_enum_value;

struct lc_type {
    lc_kind kind;
    const char *name;    /* for display: "xsd:int", "Record", "(anonymous)" */
    const char *ns;      /* QName of a named type (NULL for an anonymous one) */
    const char *local;
    const char *doc;     /* the type's annotation/documentation, or NULL */
    long long min, max;  /* LC_INT, LC_LONG */
    lc_field *fields;    /* LC_STRUCT, in schema order */
    size_t n_fields;
    lc_enum_value *values; /* LC_ENUM */
    size_t n_values;
    const char *unsupported; /* non-NULL: the construct that makes the type unusable */
    const char *context;     /* for messages: "type Record", "element add's type" */
};

typedef struct lc_op {
    const char *name;
    const char *doc;         /* the portType operation's documentation, or NULL */
    const char *action;      /* soap:operation soapAction ("" when none) */
    lc_field input, output;  /* the wrapper elements (global elements: always qualified) */
    const char *unsupported; /* non-NULL: why the operation cannot be called */
} lc_op;

typedef struct lc_service {
    const char *name;
    const char *doc;
    const char *address;     /* soap:address location ("" when none) */
    const char *source;      /* where the WSDL was read from */
    lc_op *ops;
    size_t n_ops;
    const char *unsupported; /* non-NULL: the binding cannot be used (rpc style, encoded...) */
} lc_service;

typedef struct lc_wsdl {
    lc_service *services;
    size_t n_services;
} lc_wsdl;

/* Is the field an array (maxOccurs > 1 or unbounded)? */
static inline bool lc_field_is_array(const lc_field *f)
{
    return f->max_occurs != 1;
}

/* The operation of the service named name, or NULL. */
const lc_op *lc_service_op(const lc_service *svc, const char *name);
/* The field of struct type t named name, or NULL; its index in *index when not NULL. */
const lc_field *lc_type_field(const lc_type *t, const char *name, size_t *index);

#endif
