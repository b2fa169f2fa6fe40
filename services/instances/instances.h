/* The InstanceService example service: virtual machine instances kept as
 * folders of disk images in a data directory (docs/examples.md).  Cloning
 * really copies the images, so it is a task. */
#ifndef INSTANCES_H
#define INSTANCES_H

#include <ladon/annotate.h>

/** Manages virtual machine instances: lists them, describes one, clones one (a long-running task). */
LADON_SERVICE(InstanceService, "urn:ladon:examples:instances");

/** Information about one instance. */
typedef struct InstanceInformation {
    char *instance_id;      /**< unique instance identifier, e.g. i-00000001 */
    char *name;             /**< unique instance name, e.g. web-01 */
    int vcpus;              /**< number of virtual CPUs */
    LADON_COUNT int n_disks;
    char **disks;           /**< the disk image file names */
    int64_t size_bytes;     /**< total size of the disk images, in bytes */
} InstanceInformation;

/** All instances. */
typedef struct InstanceList {
    LADON_COUNT int n_instances;
    InstanceInformation *instances; /**< the instances, sorted by instance_id */
} InstanceList;

/** Clones an instance: copies its disk images into a new instance with a new id and the given name.
 * Progress is the fraction of the bytes copied. */
LADON_TASK int cloneInstance(ladon_call *call,
                             const char *instance_id,       /**< the instance to clone */
                             const char *new_instance_name, /**< the new instance's name: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit */
                             InstanceInformation *result);  /**< the new instance */

/* cloneInstance's early check, before a task is queued: an unknown instance_id, an invalid
 * new_instance_name or one already taken is a Client fault of cloneInstance itself. */
LADON_CHECK int cloneInstance_check(ladon_call *call, const char *instance_id, const char *new_instance_name);

/** Describes one instance. */
LADON_METHOD int getInstance(ladon_call *call, const char *instance_id, InstanceInformation *result);

/** Lists all instances, sorted by instance_id. */
LADON_METHOD int listInstances(ladon_call *call, InstanceList *result);

#endif
