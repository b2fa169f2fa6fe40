/* fuzz_lc_wsdl.c - libFuzzer harness: ladon-call's WSDL and XML Schema reader
 * (tools/ladon-call/wsdl.c, schema.c, xmlsafe.c) and what is printed from its model
 * (describe.c), on any bytes.
 *
 * Invariants: no crash, leak, sanitizer report or endless recursion (recursive types and
 * elements end as cycles in the model, and every walk bounds its depth); a WSDL that reads
 * gives services whose every operation is either usable, with struct input and output
 * types, or has a reason; the listing and each description print.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "describe.h"
#include "schema.h"
#include "wsdl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
        abort();
    lc_arena *a = lc_arena_new();
    if (a == NULL)
        return 0;
    lc_err err = {0};
    lc_wsdl *w = lc_wsdl_read(a, (const char *)data, size, "fuzz", &err);
    if (w == NULL && err.code == 0)
        abort(); /* a failure always says why */
    for (size_t s = 0; w != NULL && s < w->n_services; s++) {
        const lc_service *svc = &w->services[s];
        lc_print_listing(null, svc);
        for (size_t i = 0; i < svc->n_ops; i++) {
            const lc_op *op = &svc->ops[i];
            if (op->unsupported != NULL)
                continue;
            if (op->input.type->kind != LC_STRUCT || op->output.type->kind != LC_STRUCT ||
                lc_type_unsupported(op->input.type) != NULL)
                abort();
            lc_print_describe(null, svc, op);
        }
    }
    lc_arena_free(a);
    return 0;
}
