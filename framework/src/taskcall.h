/* taskcall.h - what the request path needs from taskcall.c (internal).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_TASKCALL_H
#define LADON_SRC_TASKCALL_H

#include <stdsoap2.h>

#include "call_internal.h"
#include "ladon/service.h"

/* A gSOAP context for task arguments and results, with the binding's
 * namespaces and the request contexts' XML modes. */
struct soap *ladon__data_soap_new(const ladon_binding *binding);
void ladon__data_soap_free(struct soap *s);

/* After each request: empties what the call's task operations set
 * (call->data's arena, call->result_xml). */
void ladon__taskcall_end(ladon_call *call);
/* When the request thread exits: also frees call->data. */
void ladon__taskcall_free(ladon_call *call);

#endif
