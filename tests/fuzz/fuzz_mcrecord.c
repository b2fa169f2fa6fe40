/* fuzz_mcrecord.c - libFuzzer harness: the memcached task record codec
 * (framework/src/task/mc_record.c), on items as any process sharing the
 * store could have written them.
 *
 * Invariants: no crash or sanitizer report; a record that decodes encodes
 * back to exactly the same bytes, and that encoding decodes to the same
 * fields.
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
    /* the reserved field (bytes 6-7) is written as 0 */
    if (len != size || memcmp(enc, data, 6) != 0 || memcmp(enc + 8, data + 8, size - 8) != 0)
        abort();
    if (ladon__mcrec_decode(&again, enc, len) != 0 || again.state != r.state ||
        again.flags != r.flags || again.result_len != r.result_len ||
        strcmp(again.method, r.method) != 0 || strcmp(again.message, r.message) != 0)
        abort();
    free(enc);
    return 0;
}
