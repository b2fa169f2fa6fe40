/* fuzz_mcrecord.c - libFuzzer harness: the memcached task record codec
 * (framework/src/task/mc_record.c), on items as any process sharing the
 * store could have written them.
 *
 * Invariants: no crash or sanitizer report; a record of the current
 * version that decodes encodes back to exactly the same bytes; an older
 * one (version 2, no owner) decodes as owned by no one; either encoding
 * decodes to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mcrec r, again;
    unsigned char *enc = NULL;
    size_t len = 0;

    if (ladon__mcrec_decode(&r, data, size) != 0)
        return 0;
    if (ladon__mcrec_encode(&r, &enc, &len) != 0)
        abort();
    /* a version 3 record re-encodes to its own bytes; a version 2 one (read as owned by no one)
     * is written as version 3, so only its decoded fields must survive */
    if (data[0] == REC_VERSION && (len != size || memcmp(enc, data, size) != 0))
        abort();
    if (data[0] != REC_VERSION && r.owner[0] != '\0')
        abort();
    if (ladon__mcrec_decode(&again, enc, len) != 0 || again.state != r.state ||
        again.flags != r.flags || again.tflags != r.tflags || again.result_len != r.result_len ||
        strcmp(again.method, r.method) != 0 || strcmp(again.owner, r.owner) != 0 ||
        strcmp(again.message, r.message) != 0)
        abort();
    free(enc);
    return 0;
}
