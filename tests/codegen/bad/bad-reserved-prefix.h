/* expect: 2:1: error: service Xsd: its gSOAP prefix 'xsd' is reserved; choose another service name */
LADON_SERVICE(Xsd, "urn:x");
LADON_METHOD int ok(ladon_call *call, int *result);
