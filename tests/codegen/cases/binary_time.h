/* Golden case: base64Binary (ladon_binary) and dateTime (time_t) as fields,
 * parameters, optional values and results. */
#ifndef BINARY_TIME_H
#define BINARY_TIME_H
#include <ladon/annotate.h>

LADON_SERVICE(BinaryTime, "urn:ladon:test:binarytime");

typedef struct Blob {
    ladon_binary data;
    ladon_binary *thumbnail;
    time_t created;
    time_t *modified;
} Blob;

LADON_METHOD int checksum(ladon_call *call, ladon_binary data, int *result);
LADON_METHOD int reversed(ladon_call *call, ladon_binary data, ladon_binary *result);
LADON_METHOD int touch(ladon_call *call, Blob blob, time_t now, const ladon_binary *extra, Blob *result);
LADON_METHOD int epoch(ladon_call *call, const time_t *when, time_t *result);

#endif
