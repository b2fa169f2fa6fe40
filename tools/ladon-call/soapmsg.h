/* soapmsg.h - the SOAP 1.1 messages of a document/literal wrapped call: the request envelope
 * built from an input value (elements in schema order, qualified or not as the schema says),
 * and the response read back into a value of the output type, or into a fault.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_SOAPMSG_H
#define LC_SOAPMSG_H

#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "model.h"
#include "value.h"

#define LC_SOAP11_ENV "http://schemas.xmlsoap.org/soap/envelope/"
#define LC_SOAP12_ENV "http://www.w3.org/2003/05/soap-envelope"

/* The request envelope of op with input value in (UTF-8 XML in *out, *len bytes; free with
 * xmlFree).  0, or -1 with err set. */
int lc_soap_request(const lc_op *op, const lc_value *in, char **out, size_t *len, lc_err *err);

/* Reads the response (len bytes of data, HTTP status) of op into *out (in a).  A SOAP Fault
 * is an error with exit status 1 whose message holds its faultcode and faultstring; a
 * response that is no SOAP envelope, or an HTTP error without a fault, has exit status 3. */
int lc_soap_response(lc_arena *a, const lc_op *op, const char *data, size_t len, long status,
                     lc_value **out, lc_err *err);

#endif
