/* describe.h - what ladon-call prints about a WSDL: the listing of services and operations
 * (`ladon-call URL`) and one operation's inputs and result as a tree with XML types,
 * required/optional/array markers, enumeration values and the schema's documentation
 * (`ladon-call URL describe OP`).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_DESCRIBE_H
#define LC_DESCRIBE_H

#include <stdio.h>

#include "model.h"

/* The service's name, address, doc and one line per operation with its input summary
 * (`add(a: xsd:int, b: xsd:int)`; `?` optional, `[]` array), tasks marked `[task]`. */
void lc_print_listing(FILE *f, const lc_service *svc);
/* The operation's doc, endpoint and SOAPAction, its input and its result as trees. */
void lc_print_describe(FILE *f, const lc_service *svc, const lc_op *op);

#endif
