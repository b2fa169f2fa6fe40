/* rt_service_other.h - the service Other of the runtime's unit tests: a
 * second service in the binding "rt" (see rt_service_test.h), with its own
 * namespace and path, and no documentation.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef RT_SERVICE_OTHER_H
#define RT_SERVICE_OTHER_H

#include <ladon/annotate.h>

LADON_SERVICE(Other, "urn:ladon:other");

/** Returns x. */
LADON_METHOD int ping(ladon_call *call, int x, int *result);

#endif /* RT_SERVICE_OTHER_H */
