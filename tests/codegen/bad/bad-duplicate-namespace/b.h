/* expect: 2:1: error: duplicate namespace 'urn:shop' (first declared at bad-duplicate-namespace/a.h:2:1) */
LADON_SERVICE(Payments, "urn:shop");
LADON_METHOD int b(ladon_call *call, int *result);
