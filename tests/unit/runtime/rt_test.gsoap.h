// Hand-written soapcpp2 input for the runtime's unit tests: two services in
// one binding, as ladon-gen generates them (docs/internals.md).
//gsoap t service name: Test
//gsoap t service namespace: urn:ladon:test
//gsoap t service location: http://localhost/Test
//gsoap t service style: document
//gsoap t service encoding: literal
//gsoap t schema namespace: urn:ladon:test
//gsoap t schema form: unqualified
//gsoap u service name: Other
//gsoap u service namespace: urn:ladon:other
//gsoap u service location: http://localhost/Other
//gsoap u service style: document
//gsoap u service encoding: literal
//gsoap u schema namespace: urn:ladon:other
//gsoap u schema form: unqualified

int t__add(int a, int b, int *result);
int t__echo(char *text 1, char **result);
// Sleeps ms milliseconds (shutdown tests), returns ms.
int t__sleep_USCOREms(int ms, int *result);
// Sleeps ms milliseconds inside ladon_call_wait_begin/_end, returns ms.
int t__wait_USCOREms(int ms, int *result);
// kind 1: client fault, 2: server fault, 3: bad return code, else ok.
int t__fail(int kind, int *result);
int u__ping(int x, int *result);
