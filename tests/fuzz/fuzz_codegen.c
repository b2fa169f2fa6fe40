/* fuzz_codegen.c - libFuzzer harness: ladon-gen's lexer, parser, model
 * checks and emitters (codegen/) on an arbitrary header.
 *
 * Invariants: no crash, leak or sanitizer report; a header that is
 * refused has an error text ("file:line:col: error: ..."); one that is
 * accepted is emitted in full (gSOAP interface, types, each service's
 * WSDL, glue), and the glue finds each WSDL's address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "model.h"
#include "parser.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lg_model m;
    lg_diag d;
    char *src = malloc(size + 1);

    if (src == NULL)
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    memset(&d, 0, sizeof d);
    lg_model_init(&m);
    if (lg_parse_source(&m, "fuzz.h", src, size, &d) < 0 || lg_model_validate(&m, &d) < 0) {
        if (d.text[0] == '\0')
            abort();
    } else {
        lg_sb gsoap = {0}, types = {0}, glue_h = {0}, glue_c = {0};
        lg_sb *wsdl = calloc(m.n_services + 1, sizeof *wsdl);
        const char **wsdls = calloc(m.n_services + 1, sizeof *wsdls);
        if (wsdl != NULL && wsdls != NULL) {
            for (size_t i = 0; i < m.n_services; i++) {
                lg_emit_wsdl(&wsdl[i], m.services[i]);
                wsdls[i] = lg_sb_str(&wsdl[i]);
            }
            lg_emit_gsoap(&gsoap, &m, "fuzz");
            lg_emit_types_h(&types, &m, "fuzz");
            lg_emit_glue_h(&glue_h, &m, "fuzz");
            /* every WSDL ladon-gen writes has its one address to split at */
            if (lg_emit_glue_c(&glue_c, &m, "fuzz", wsdls, &d) != 0)
                abort();
            for (size_t i = 0; i < m.n_services; i++)
                lg_sb_free(&wsdl[i]);
        }
        free(wsdl);
        free(wsdls);
        lg_sb_free(&gsoap);
        lg_sb_free(&types);
        lg_sb_free(&glue_h);
        lg_sb_free(&glue_c);
    }
    lg_model_free(&m);
    free(src);
    return 0;
}
