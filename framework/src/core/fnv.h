/* fnv.h - FNV-1a, 64 bits: the one hash the runtime and its stores use for
 * names, keys, arguments and checksums (never for secrets: anyone can make
 * two inputs collide).  Header-only, so that libladon and the task library
 * (which share the core) inline it.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_CORE_FNV_H
#define LADON_SRC_CORE_FNV_H

#include <stddef.h>
#include <stdint.h>

/* FNV's 64-bit offset basis (memcached chunk checksums). */
#define LADON__FNV1A_BASIS 0xcbf29ce484222325ull
/* The basis the other users started from: FNV's with its last digit lost
 * (1469598103934665603, not 14695981039346656037).  It hashes as well; it
 * is kept because some of its hashes are stored (the argument hash of an
 * Idempotency-Key claim, shared by servers through memcached or redis) or
 * handed out (m_list page tokens), and a new basis would not match them. */
#define LADON__FNV1A_BASIS_SHORT 1469598103934665603ull
#define LADON__FNV1A_PRIME 0x100000001b3ull

/* h with data[0..len) hashed in. */
static inline uint64_t ladon__fnv1a_add(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= LADON__FNV1A_PRIME;
    }
    return h;
}

/* h with the string s (without its NUL) hashed in. */
static inline uint64_t ladon__fnv1a_str(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        h ^= *p;
        h *= LADON__FNV1A_PRIME;
    }
    return h;
}

#endif /* LADON_SRC_CORE_FNV_H */
