/* wsdl.h - reading a WSDL 1.1 document into ladon-call's model (model.h): its services
 * (the first SOAP 1.1 port of each), their operations as document/literal wrapped calls,
 * and the types of their input and output elements (schema.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_WSDL_H
#define LC_WSDL_H

#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "model.h"

#define LC_WSDL_NS "http://schemas.xmlsoap.org/wsdl/"
#define LC_WSDL_SOAP_NS "http://schemas.xmlsoap.org/wsdl/soap/"

/* Reads the len bytes of data, a WSDL read from source (a URL or a file name, kept in each
 * service's `source`), into a model allocated in a.  An operation or service that cannot be
 * used (rpc style, encoded use, attributes...) is kept with its `unsupported` reason; a
 * document that is no WSDL at all, or one without any service, is an error (exit status 2)
 * and gives NULL. */
lc_wsdl *lc_wsdl_read(lc_arena *a, const char *data, size_t len, const char *source,
                      lc_err *err);

#endif
