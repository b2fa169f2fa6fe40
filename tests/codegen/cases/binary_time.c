#include "binary_time.h"
#include <ladon/call.h>
int checksum(ladon_call *call, ladon_binary data, int *result)
{
    (void)call;
    int s = 0;
    for (int i = 0; i < data.size; i++)
        s += data.data[i];
    *result = s;
    return LADON_OK;
}
int reversed(ladon_call *call, ladon_binary data, ladon_binary *result)
{
    result->size = data.size;
    result->data = data.size > 0 ? ladon_alloc(call, (size_t)data.size) : NULL;
    for (int i = 0; i < data.size; i++)
        result->data[i] = data.data[data.size - 1 - i];
    return LADON_OK;
}
int touch(ladon_call *call, Blob blob, time_t now, const ladon_binary *extra, Blob *result)
{
    (void)call;
    (void)extra;
    *result = blob;
    result->created = now;
    return LADON_OK;
}
int epoch(ladon_call *call, const time_t *when, time_t *result)
{
    (void)call;
    *result = when ? *when : 0;
    return LADON_OK;
}
