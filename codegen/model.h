/* model.h - what ladon-gen knows about the services after parsing: services,
 * their types (structs, enums), operations and members, each with its doc
 * comment and source location.  The parser builds it (one service per
 * header); lg_model_validate() checks the rules that span declarations and
 * headers; the emitters only read it.
 *
 * All memory belongs to the model's arena.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LG_MODEL_H
#define LG_MODEL_H

#include "util.h"

/* The value type of a member (field, parameter, result or array item). */
typedef enum lg_base {
    LG_INT,    /* int        -> xsd:int */
    LG_INT64,  /* int64_t    -> xsd:long */
    LG_DOUBLE, /* double     -> xsd:double */
    LG_BOOL,   /* bool       -> xsd:boolean */
    LG_STRING, /* char *     -> xsd:string */
    LG_TIME,   /* time_t     -> xsd:dateTime */
    LG_BINARY, /* ladon_binary -> xsd:base64Binary */
    LG_ENUM,   /* a user enum */
    LG_STRUCT  /* a user struct */
} lg_base;

typedef enum lg_occ {
    LG_REQUIRED, /* exactly one */
    LG_OPTIONAL, /* zero or one: a pointer (or LADON_OPTIONAL char *) */
    LG_ARRAY     /* zero or more: LADON_COUNT int n; T *items; */
} lg_occ;

typedef struct lg_type lg_type;

/* A struct field, an operation parameter or an operation's result. */
typedef struct lg_member {
    const char *name;
    lg_loc loc;
    const char *doc;  /* "" when none */
    lg_base base;
    lg_type *type;    /* for LG_ENUM / LG_STRUCT */
    lg_occ occ;
    const char *count_name; /* LG_ARRAY: the LADON_COUNT field */
    lg_loc count_loc;
    const char *count_doc;  /* LG_ARRAY: the count's doc, used when doc is "" */
} lg_member;

typedef struct lg_enumerator {
    const char *name;
    const char *value; /* the literal after '=' ("-3"), or NULL */
    lg_loc loc;
    const char *doc;
} lg_enumerator;

typedef enum lg_type_kind { LG_TYPE_STRUCT, LG_TYPE_ENUM } lg_type_kind;

typedef struct lg_service lg_service;

struct lg_type {
    lg_type_kind kind;
    const char *name; /* the typedef name: the XML type name */
    const char *tag;  /* the struct/enum tag */
    lg_loc loc;       /* of the typedef name */
    const char *doc;
    lg_member *fields;
    size_t n_fields, cap_fields;
    lg_enumerator *enumerators;
    size_t n_enumerators, cap_enumerators;
    lg_service *service;
};

/* LG_OP_CHECK: a LADON_CHECK m_check(call, m's inputs), the early check of
 * task m; not an operation (the service's checks, not its ops). */
typedef enum lg_op_kind { LG_OP_METHOD, LG_OP_TASK, LG_OP_CHECK } lg_op_kind;

typedef struct lg_op lg_op;

struct lg_op {
    const char *name;
    lg_loc loc;
    const char *doc;
    lg_op_kind kind;
    const char *call_name; /* name of the ladon_call * parameter */
    lg_member *params;     /* the inputs, without call and result */
    size_t n_params, cap_params;
    lg_member result;      /* base/type of *result; occ is LG_REQUIRED (none for a check) */
    const lg_op *check;    /* LG_OP_TASK: its LADON_CHECK (in the service's checks), or NULL */
};

struct lg_service {
    const char *name;   /* "Calculator" */
    const char *ns;     /* XML namespace URI */
    const char *prefix; /* gSOAP prefix, from names.c */
    lg_loc loc;
    const char *doc;
    const char *file;   /* the header as given */
    lg_type **types;
    size_t n_types, cap_types;
    lg_op *ops;
    size_t n_ops, cap_ops;
    lg_op *checks; /* the LADON_CHECKs, each paired with its task by the parser */
    size_t n_checks, cap_checks;
};

typedef struct lg_model {
    lg_arena arena;
    lg_service **services;
    size_t n_services, cap_services;
} lg_model;

void lg_model_init(lg_model *m);
void lg_model_free(lg_model *m);

/* Reads and parses one header into m (adds one service).  Returns 0 or -1
 * with the error in d. */
int lg_model_add_file(lg_model *m, const char *path, lg_diag *d);

/* Checks the rules across declarations and headers: duplicate services,
 * namespaces, prefixes, types, operations, fields, parameters, enumerators,
 * and names that clash with what gSOAP generates.  0 or -1. */
int lg_model_validate(lg_model *m, lg_diag *d);

/* Whether service s has a task (LADON_TASK) method. */
bool lg_service_has_tasks(const lg_service *s);

/* Whether any member of the model (any service) uses base b. */
bool lg_model_uses(const lg_model *m, lg_base b);

/* "int", "int64_t", ...: the C spelling of a base, for messages. */
const char *lg_base_name(lg_base b);

#endif /* LG_MODEL_H */
