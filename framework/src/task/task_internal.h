/* task_internal.h - what the task engine and the stores share inside
 * libladon, beyond the public ladon/store.h.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LADON_TASK_INTERNAL_H
#define LADON_TASK_INTERNAL_H

#include <stdint.h>
#include "ladon/store.h"

/* A new live-progress cell at 0.0 with one reference; NULL when out of
 * memory. */
ladon_task_live *ladon__task_live_new(void);
/* Raises the cell to fraction (already clamped, not NaN); never lowers it.
 * A relaxed load and, only when the value rises, one compare-and-swap: no
 * lock, and safe when several threads of a task body report progress. */
void ladon__task_live_raise(ladon_task_live *live, double fraction);

/* Clamps to [0,1]; returns -1 for NaN (meaning: ignore). */
double ladon__progress_clamp(double fraction);

/* A random id in 1..INT32_MAX from getrandom(); LADON_ESYS on failure. */
int ladon__random_id(int32_t *out);

/* Reads the store's clock. */
double ladon__store_realtime(const ladon_store *st);
double ladon__store_monotonic(const ladon_store *st);

/* The built-in back ends. */
extern const ladon_store_ops ladon__store_memory_ops;

#endif /* LADON_TASK_INTERNAL_H */
