/* le.h - little-endian integers and doubles in bytes: the layout of every
 * item the memcached store writes (a task record, mc_record.c; an owner's
 * index, store_memcached.c), whichever host writes or reads it.
 * Header-only.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_TASK_LE_H
#define LADON_SRC_TASK_LE_H

#include <stdint.h>
#include <string.h>

static inline void ladon__put_u16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static inline void ladon__put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void ladon__put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void ladon__put_f64(unsigned char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    ladon__put_u64(p, u);
}

static inline uint16_t ladon__get_u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t ladon__get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline uint64_t ladon__get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline double ladon__get_f64(const unsigned char *p)
{
    uint64_t u = ladon__get_u64(p);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

#endif /* LADON_SRC_TASK_LE_H */
