/* expect: 2:1: error: duplicate service 'Orders' (first declared at bad-duplicate-service/a.h:2:1) */
LADON_SERVICE(Orders, "urn:orders2");
LADON_METHOD int b(ladon_call *call, int *result);
