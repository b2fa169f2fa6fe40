/* Golden case: names whose description tables could meet (emit_desc.c): an operation
 * get_params beside get, an info beside get_info, a struct Mode_values beside the enum Mode,
 * a struct Item_fields beside the struct Item. */
#ifndef CLASH_H
#define CLASH_H
#include <ladon/annotate.h>

LADON_SERVICE(Clash, "urn:ladon:test:clash");

typedef enum Mode { MODE_A, MODE_B } Mode;
typedef struct Mode_values { int n; } Mode_values;
typedef struct Item { int x; } Item;
typedef struct Item_fields { Item item; } Item_fields;

LADON_METHOD int get(ladon_call *call, int a, int *result);
LADON_METHOD int get_params(ladon_call *call, Mode m, Mode_values v, int *result);
LADON_METHOD int get_info(ladon_call *call, Item_fields f, Item *result);

#endif
