/* invoke.h - one SOAP call: an input value (or NAME=VALUE words) to the request, the POST
 * to the endpoint (--endpoint, else the WSDL's soap:address), the response to a value.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_INVOKE_H
#define LC_INVOKE_H

#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "http.h"
#include "model.h"
#include "value.h"

typedef struct lc_client {
    lc_http *http;
    const char *endpoint; /* --endpoint, or NULL: each service's soap:address */
} lc_client;

/* Calls op of svc with in; the response's value in *out (in a).  0, or -1 with err set: exit
 * status 1 for a SOAP fault, 2 for no endpoint, 3 for a transport error, 130 when
 * interrupted. */
int lc_invoke(lc_client *c, lc_arena *a, const lc_service *svc, const lc_op *op,
              const lc_value *in, lc_value **out, lc_err *err);
/* The same with the input built from n NAME=VALUE words (args.h). */
int lc_invoke_words(lc_client *c, lc_arena *a, const lc_service *svc, const lc_op *op,
                    char *const *kv, size_t n, lc_value **out, lc_err *err);

#endif
