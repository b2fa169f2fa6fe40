/* invoke.c - one SOAP call (see invoke.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "invoke.h"

#include <libxml/tree.h>

#include "args.h"
#include "soapmsg.h"

int lc_invoke(lc_client *c, lc_arena *a, const lc_service *svc, const lc_op *op,
              const lc_value *in, lc_value **out, lc_err *err)
{
    const char *url = c->endpoint != NULL ? c->endpoint : svc->address;
    if (url == NULL || url[0] == '\0')
        return lc_err_set(err, LC_EXIT_USAGE, "service %s: the WSDL gives no soap:address; "
                                              "give one with --endpoint URL", svc->name);
    char *req = NULL;
    size_t len = 0;
    if (lc_soap_request(op, in, &req, &len, err) != 0)
        return -1;
    lc_buf resp = {0};
    long status = 0;
    int rc = lc_http_post(c->http, url, op->action, req, len, &resp, &status, err);
    xmlFree(req);
    if (rc == 0)
        rc = lc_soap_response(a, op, resp.data, resp.len, status, out, err);
    lc_buf_free(&resp);
    return rc;
}

int lc_invoke_words(lc_client *c, lc_arena *a, const lc_service *svc, const lc_op *op,
                    char *const *kv, size_t n, lc_value **out, lc_err *err)
{
    lc_value *in;
    if (lc_args_build(a, op->input.type, NULL, kv, n, &in, err) != 0)
        return -1;
    return lc_invoke(c, a, svc, op, in, out, err);
}
