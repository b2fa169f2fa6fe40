#include "billing.h"
#include "shipping.h"
int get_invoice(ladon_call *call, int id, Invoice *result)
{
    (void)call;
    result->id = id;
    result->amount = 12.5;
    return LADON_OK;
}
int get_parcel(ladon_call *call, const char *tracking_id, Parcel *result)
{
    (void)call;
    result->tracking_id = (char *)tracking_id;
    result->invoice_id = 7;
    return LADON_OK;
}
