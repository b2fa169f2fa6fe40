/* config.h - helpers of config.c shared with other files (internal).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_CONFIG_H
#define LADON_SRC_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Strict unsigned number: digits only (no sign, no blanks), no overflow, in
 * [min, max].  With `suffixes`, a trailing K, M or G (x1024^n, any case) is
 * accepted.  Returns 0 or -1. */
int ladon__parse_u64(const char *s, uint64_t min, uint64_t max, int suffixes,
                     uint64_t *out);

/* Converts milliseconds to gSOAP's timeout convention (> 0 seconds, < 0
 * microseconds), exact when it fits in an int. */
int ladon__gsoap_timeout(unsigned ms);

#endif
