/* Golden case: arrays (LADON_COUNT int n; T *items;) of every item type. */
#ifndef ARRAYS_H
#define ARRAYS_H
#include <ladon/annotate.h>

LADON_SERVICE(Arrays, "urn:ladon:test:arrays");

typedef enum Kind { KIND_A, KIND_B } Kind;

typedef struct Item {
    char *label;
    int weight;
} Item;

typedef struct Lists {
    LADON_COUNT int n_ints;
    int *ints;
    LADON_COUNT int n_longs;
    int64_t *longs;
    LADON_COUNT int n_doubles;
    double *doubles;
    LADON_COUNT int n_flags;
    bool *flags;
    LADON_COUNT int n_strings;
    char **strings;
    LADON_COUNT int n_items;
    Item *items;
    LADON_COUNT int n_kinds;
    Kind *kinds;
    LADON_COUNT int n_blobs;
    ladon_binary *blobs;
    LADON_COUNT int n_times;
    time_t *times;
} Lists;

LADON_METHOD int reverse(ladon_call *call, Lists in, Lists *result);
LADON_METHOD int count_all(ladon_call *call, Lists in, int *result);

#endif
