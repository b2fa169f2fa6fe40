/* expect: 3:41: error: duplicate type 'Money' (first declared at bad-duplicate-type-across/a.h:3:37) */
LADON_SERVICE(Payments, "urn:payments");
typedef struct Money { double amount; } Money;
LADON_METHOD int b(ladon_call *call, Money *result);
