#include "enums.h"
int next_color(ladon_call *call, Color c, Color *result) { (void)call; *result = (Color)((c + 1) % 3); return LADON_OK; }
int disk_state(ladon_call *call, Disk_State s, const Color *c, Disk_State *result)
{
    (void)call;
    (void)c;
    *result = s == DISK_STATE_ON ? DISK_STATE_OFF : DISK_STATE_ON;
    return LADON_OK;
}
int mix(ladon_call *call, Palette p, Palette *result) { (void)call; *result = p; return LADON_OK; }
