/* hello.c */
#include <stdio.h>
#include <string.h>
#include <ladon/call.h>
#include "hello.h"

int greet(ladon_call *call, const char *name, char **result)
{
    size_t n = strlen(name) + sizeof "Hello, !";
    if ((*result = ladon_alloc(call, n)) == NULL)
        return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
    snprintf(*result, n, "Hello, %s!", name);
    return LADON_OK;
}
