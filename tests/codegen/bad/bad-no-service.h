/* expect: 1:1: error: no LADON_SERVICE(Name, "namespace-uri"); in this header */
LADON_METHOD int m(ladon_call *call, int *result);
