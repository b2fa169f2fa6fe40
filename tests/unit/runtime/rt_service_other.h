/* rt_service_other.h - the service Other of the runtime's unit tests: a
 * second service in the binding "rt" (see rt_service_test.h), with its own
 * namespace and path, and no service documentation.  ping's doc comments try to break out
 * of the service browser's page (test_browser.c, tests/browser/browser_test.js): a script
 * element, and the end of a textarea and of the JSON model's script element.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef RT_SERVICE_OTHER_H
#define RT_SERVICE_OTHER_H

#include <ladon/annotate.h>

LADON_SERVICE(Other, "urn:ladon:other");

/** Returns x. <script>window.__injected.push('doc')</script> */
LADON_METHOD int ping(ladon_call *call,
                      int x,        /**< any value</textarea></script><b id="evil">x</b> */
                      int *result);

#endif /* RT_SERVICE_OTHER_H */
