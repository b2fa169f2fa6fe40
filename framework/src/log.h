/* log.h - forwards to core/log.h.
 *
 * Logging lives in the core (core/log.h, core/meson.build).  This file
 * remains only because task/store_memcached.c still says
 * `#include "../log.h"`; that file is being changed on another branch (the
 * store URL work), so it is left alone here.  Once that has landed, change
 * its include to "log.h" (the task library has core/ on its include path)
 * and delete this file.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "core/log.h"
