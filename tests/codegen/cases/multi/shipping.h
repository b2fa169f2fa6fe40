/* Golden case "multi", header 2. */
#ifndef SHIPPING_H
#define SHIPPING_H
#include <ladon/annotate.h>

/** Parcels. */
LADON_SERVICE(Shipping, "urn:ladon:test:shipping");

typedef struct Parcel {
    char *tracking_id;
    int invoice_id;
} Parcel;

LADON_METHOD int get_parcel(ladon_call *call, const char *tracking_id, Parcel *result);

#endif
