/* Golden case "multi", header 1: two services in one binding. */
#ifndef BILLING_H
#define BILLING_H
#include <ladon/annotate.h>

/** Invoices. */
LADON_SERVICE(Billing, "urn:ladon:test:billing");

typedef struct Invoice {
    int id;
    double amount;
} Invoice;

LADON_METHOD int get_invoice(ladon_call *call, int id, Invoice *result);

#endif
