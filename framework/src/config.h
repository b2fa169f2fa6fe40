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

/* Copies url to out with the password of "scheme://[USER]:PASSWORD@..."
 * replaced by "***" (for log lines and messages). */
void ladon__url_redact(const char *url, char *out, size_t outlen);

/* Bytes a message needs beyond a URL it quotes: the words around it and a
 * back end's reason (at most 255 bytes, store_registry.c REASON_MAX). */
#define LADON__REASON_ROOM 512u

/* Replaces every occurrence of url's password in text (a NUL-terminated
 * string in a buffer of size bytes) by "***", and, when text fills the
 * buffer (it may have been cut inside the password), the start of the
 * password it ends with.  Buffers for a message quoting a store URL hold
 * sizeof store_url + LADON__REASON_ROOM bytes, so the password is not cut. */
void ladon__text_redact(char *text, size_t size, const char *url);

#endif
