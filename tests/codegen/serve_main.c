/* serve_main.c - serves one SOAP request from stdin with generated code and
 * the stub runtime; with --wsdl SERVICE prints the descriptor's WSDL
 * (head + "http://localhost/SERVICE" + tail) instead.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <stdio.h>
#include <string.h>

#include "soapH.h"
#include BINDING_HEADER

int main(int argc, char **argv)
{
    const ladon_binding *b = &BINDING;
    if (b->abi != LADON_SERVICE_ABI || b->namespaces == NULL)
        return 3;
    if (argc == 3 && strcmp(argv[1], "--wsdl") == 0) {
        for (size_t i = 0; i < b->n_services; i++) {
            const ladon_service *s = b->services[i];
            if (strcmp(s->name, argv[2]) == 0) {
                printf("%shttp://localhost/%s%s", s->wsdl_head, s->name, s->wsdl_tail);
                return 0;
            }
        }
        return 4;
    }
    struct soap *soap = soap_new();
    if (soap == NULL)
        return 5;
    soap_set_namespaces(soap, b->namespaces);
    int rc = soap_serve(soap);
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    return rc == SOAP_OK ? 0 : 1;
}
