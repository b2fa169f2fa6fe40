/* Start-up of the InstanceService example (called from services/main.c;
 * kept out of instances.h, which holds only the annotated interface). */
#ifndef INSTANCES_INIT_H
#define INSTANCES_INIT_H

#include <stddef.h>
#include <ladon/server.h>

/* Reads LADON_EXAMPLE_COPY_RATE and opens the data directory: cfg->data_dir
 * (which must exist and be a directory), or when it is "" the per-user demo
 * folder, created if missing.  A data directory with no entries at all
 * receives the two demo instances.  Returns 0, or -1 with a one-line
 * message in err.  Call once, before the server starts.  The data directory
 * stays open until the process exits: a task body the server gave up
 * waiting for at shutdown may still be using it. */
int instances_init(const ladon_config *cfg, char *err, size_t errlen);

#endif
