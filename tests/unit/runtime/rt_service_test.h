/* rt_service_test.h - the service Test of the runtime's unit tests.
 *
 * ladon-gen generates the test binding "rt" (rt_ladon.c, rt_ladon.h, the
 * soapcpp2 input and output, Test.wsdl) from this header and
 * rt_service_other.h at build time (meson.build); rt_service.c implements
 * them.  test_server.c, test_loop.c, test_allocfail.c, test_call.c, test_router.c and
 * test_processes.c rely on the names, the namespace, the documentation and
 * the behaviours described here.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef RT_SERVICE_TEST_H
#define RT_SERVICE_TEST_H

#include <ladon/annotate.h>

/** A <test> service & more */
LADON_SERVICE(Test, "urn:ladon:test");

/** Returns a + b. */
LADON_METHOD int add(ladon_call *call, int a, int b, int *result);

/** Returns text unchanged, except two inputs that make a result XML cannot carry (for the
 * response check): "emit-invalid-utf8" returns a byte 0xFF, "emit-control" a U+0007. */
LADON_METHOD int echo(ladon_call *call, const char *text, char **result);

/* sleep_ms and wait_ms, not sleep and wait: an operation is a C function
 * named as its XML element, and both names are libc's.  sleep() is declared
 * by <unistd.h>, which gSOAP's headers include, so the generated glue would
 * not compile; a global wait() would replace libc's wait(2) for the whole
 * process (and conflict with <sys/wait.h>). */

/** Sleeps ms milliseconds holding its worker, returns ms. */
LADON_METHOD int sleep_ms(ladon_call *call, int ms, int *result);

/** Sleeps ms milliseconds between ladon_call_wait_begin and ladon_call_wait_end, returns ms. */
LADON_METHOD int wait_ms(ladon_call *call, int ms, int *result);

/** Sleeps ms milliseconds holding its worker; returns ms, or -ms when another overlap_ms ran
 * meanwhile (test_loop.c: the requests of one connection never run side by side). */
LADON_METHOD int overlap_ms(ladon_call *call, int ms, int *result);

/** Fails by kind: 1 a Client fault "bad kind 1", 2 a Server fault "server trouble", 3 returns
 * -42 without a fault (the runtime answers "internal error"), 4 a Client fault whose text is
 * not UTF-8 of XML characters (a byte 0xFF, a U+0001); any other kind succeeds. The result is
 * kind. */
LADON_METHOD int fail(ladon_call *call, int kind, int *result);

/** The caller's identity as the service sees it (ladon_call_user): the user name, or "" for an
 * anonymous caller (tests/integration/test_auth_*.py). */
LADON_METHOD int whoami(ladon_call *call, char **result);

#endif /* RT_SERVICE_TEST_H */
