/* hello.h */
#include <ladon/annotate.h>

/** Greets people. */
LADON_SERVICE(Hello, "urn:example:hello");

/** Returns "Hello, NAME!". */
LADON_METHOD int greet(ladon_call *call, const char *name, char **result);
