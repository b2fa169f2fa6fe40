/* Golden case: enums with underscores and explicit values. */
#ifndef ENUMS_H
#define ENUMS_H
#include <ladon/annotate.h>

LADON_SERVICE(Enums, "urn:ladon:test:enums");

typedef enum Color { RED, GREEN, BLUE } Color;

typedef enum Disk_State {
    DISK_STATE_OFF = -1,
    DISK_STATE_ON = 1,
    DISK_STATE_BROKEN = 7
} Disk_State;

typedef struct Palette {
    Color main;
    Color *accent;
    LADON_COUNT int n_colors;
    Color *colors;
} Palette;

LADON_METHOD int next_color(ladon_call *call, Color c, Color *result);
LADON_METHOD int disk_state(ladon_call *call, Disk_State s, const Color *c, Disk_State *result);
LADON_METHOD int mix(ladon_call *call, Palette p, Palette *result);

#endif
