/* expect: 2:1: error: service ORDERS has the same gSOAP prefix 'orders' as the service at bad-duplicate-prefix/a.h:2:1 */
LADON_SERVICE(ORDERS, "urn:orders2");
LADON_METHOD int b(ladon_call *call, int *result);
