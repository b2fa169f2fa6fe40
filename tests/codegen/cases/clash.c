#include "clash.h"
int get(ladon_call *call, int a, int *result) { (void)call; *result = a; return LADON_OK; }
int get_params(ladon_call *call, Mode m, Mode_values v, int *result)
{
    (void)call;
    *result = (int)m + v.n;
    return LADON_OK;
}
int get_info(ladon_call *call, Item_fields f, Item *result) { (void)call; *result = f.item; return LADON_OK; }
