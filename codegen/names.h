/* names.h - every naming rule of ladon-gen in one place (docs/internals.md,
 * "Naming"):
 *
 *   service Calculator         -> gSOAP prefix "calculator"
 *   type T (prefix p)          -> gSOAP  `struct p__T` / `enum p__T`, XML p:T,
 *                                 and `#define p__T T` in NAME_types.h
 *   operation m                -> p__m, response wrapper p__mResponse
 *   an underscore in a type, operation or enumerator name -> _USCORE
 *                                 (gSOAP writes _USCORE as '_' in XML, and
 *                                 a plain '_' as '-')
 *   field / parameter a_b      -> a_b `a_b` (backtick XML name)
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LG_NAMES_H
#define LG_NAMES_H

#include "model.h"
#include "util.h"

/* The gSOAP prefix of a service: its name lowercased. */
char *lg_name_prefix(lg_arena *a, const char *service);
/* name with every '_' written "_USCORE". */
char *lg_name_uscore(lg_arena *a, const char *name);
/* "p__T" for a user type. */
char *lg_name_type(lg_arena *a, const lg_type *t);
/* "p__m" for an operation of service s. */
char *lg_name_op(lg_arena *a, const lg_service *s, const char *op);
/* "p__mResponse": the response wrapper struct. */
char *lg_name_response(lg_arena *a, const lg_service *s, const char *op);
/* "p:m": the qualified request tag (for soap_match_tag). */
char *lg_name_op_tag(lg_arena *a, const lg_service *s, const char *op);
/* A member declarator for the gSOAP header: "x", or "a_b `a_b`". */
char *lg_name_member(lg_arena *a, const char *name);
/* The gSOAP type of a value of base b (user type t): "int", "xsd__long",
 * "char *", "enum p__Level", "struct p__Point", "struct xsd__base64Binary". */
char *lg_name_gsoap_type(lg_arena *a, lg_base b, const lg_type *t);
/* The XML schema type: "xsd:int", "p:Point", ... */
char *lg_name_xml_type(lg_arena *a, lg_base b, const lg_type *t);
/* "Calculator.wsdl" */
char *lg_name_wsdl_file(lg_arena *a, const lg_service *s);
/* The macro guarding a generated header: "LADON_GEN_EXAMPLES_TYPES_H". */
char *lg_name_guard(lg_arena *a, const char *name, const char *suffix);

/* Keys of //gsoap ... documentation directives (verified against soapcpp2
 * 2.8.124): a type by its gSOAP local name ("My_USCOREType"), a field as
 * "XmlType::field", an enumerator as "XmlType::ENUM_USCOREX", an operation
 * as "m_USCOREx", a parameter as "m_x::param". */
char *lg_name_doc_type(lg_arena *a, const lg_type *t);
char *lg_name_doc_field(lg_arena *a, const lg_type *t, const char *field);
char *lg_name_doc_enumerator(lg_arena *a, const lg_type *t, const char *e);
char *lg_name_doc_op(lg_arena *a, const char *op);
char *lg_name_doc_param(lg_arena *a, const char *op, const char *param);

/* Whether s is a C identifier. */
bool lg_name_is_ident(const char *s);
/* Whether soapcpp2 cannot take s as a name: a C or C++ keyword or a name
 * gSOAP reserves (leading underscore, "__").  why receives a short reason. */
bool lg_name_is_reserved(const char *s, const char **why);
/* Whether a service name is usable: a letter, then letters and digits. */
bool lg_name_service_ok(const char *s);
/* Whether a prefix is taken by gSOAP itself (xsd, xsi, SOAP-ENV, ...). */
bool lg_name_prefix_reserved(const char *prefix);

#endif /* LG_NAMES_H */
