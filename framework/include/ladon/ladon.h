/* ladon/ladon.h - umbrella header of the Ladon-C runtime.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LADON_LADON_H
#define LADON_LADON_H

#define LADON_VERSION_MAJOR 0
#define LADON_VERSION_MINOR 1
#define LADON_VERSION_STRING "0.1"

#include "ladon/annotate.h"
#include "ladon/error.h"
#include "ladon/call.h"
#include "ladon/service.h"
#include "ladon/server.h"

#endif
