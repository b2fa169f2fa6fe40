/* fuzz_mcrecord.c - libFuzzer harness: the memcached task record codec
 * (framework/src/task/mc_record.c), on items as any process sharing the
 * store could have written them.
 *
 * Invariants: no crash or sanitizer report; a record that decodes encodes
 * back to exactly the same bytes, except a version 3 one without an owner,
 * which is written as version 2 (what servers of the release before owners
 * read): the same bytes without the 8 bytes of owner length and padding;
 * a version 2 one decodes as owned by no one; the encoding is version 2
 * exactly when there is no owner, and decodes to the same fields.
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
    if (data[0] != REC_VERSION && r.owner[0] != '\0')
        abort();
    if (enc[0] != (r.owner[0] != '\0' ? REC_VERSION : 2))
        abort();
    if (data[0] == enc[0]) {
        if (len != size || memcmp(enc, data, size) != 0)
            abort();
    } else if (len != size - (REC_HEAD - REC_HEAD_V2) || memcmp(enc + 1, data + 1, REC_HEAD_V2 - 1) != 0 ||
               memcmp(enc + REC_HEAD_V2, data + REC_HEAD, len - REC_HEAD_V2) != 0) {
        abort(); /* version 3, no owner: written as version 2 */
    }
    if (ladon__mcrec_decode(&again, enc, len) != 0 || again.state != r.state ||
        again.flags != r.flags || again.tflags != r.tflags || again.result_len != r.result_len ||
        strcmp(again.method, r.method) != 0 || strcmp(again.owner, r.owner) != 0 ||
        strcmp(again.message, r.message) != 0)
        abort();
    free(enc);
    return 0;
}
