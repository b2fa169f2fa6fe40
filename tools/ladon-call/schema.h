/* schema.h - the XML Schema part of a WSDL (its <types>) turned into ladon-call's types
 * (model.h).  Only what a document/literal wrapped operation needs is read, and only when
 * asked for: a global element by QName, with the types it reaches.  Every construct that
 * ladon-call cannot send or read (attributes, choice, any, simpleContent, encoded arrays, a
 * type that is not defined...) gives a type whose `unsupported` names it, not an error:
 * only the operations that reach such a type are unusable.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_SCHEMA_H
#define LC_SCHEMA_H

#include <libxml/tree.h>

#include "arena.h"
#include "model.h"

typedef struct lc_schemas lc_schemas;

/* A new empty set of schemas allocated in a, or NULL when out of memory. */
lc_schemas *lc_schemas_new(lc_arena *a);
/* Adds an <xsd:schema> element (its document must outlive every lookup); 0, or -1 when out
 * of memory. */
int lc_schemas_add(lc_schemas *s, xmlNode *schema);
/* The global element {ns}local as a field (min and max occurs 1, always qualified), or NULL
 * with *why set (the element is not defined, or out of memory: *why says which). */
const lc_field *lc_schemas_element(lc_schemas *s, const char *ns, const char *local,
                                   const char **why);
/* Splits the QName qname, read on node, into its namespace URI (NULL: none) and local part;
 * 0, or -1 when its prefix is not declared. */
int lc_qname(const xmlNode *node, const char *qname, const char **ns, const char **local);
/* The first construct that makes type t unusable (it or any type it reaches), or NULL; the
 * walk stops at LC_MAX_DEPTH levels and at types already on its path. */
const char *lc_type_unsupported(const lc_type *t);
/* The annotation/documentation text of node (trimmed, in a), or NULL when it has none. */
const char *lc_schema_doc(lc_arena *a, const xmlNode *node);

#endif
