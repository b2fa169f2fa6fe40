/* expect: 3:15: error: service name 'My_Service' must be a letter followed by letters and digits */
#include <ladon/annotate.h>
LADON_SERVICE(My_Service, "urn:x");
LADON_METHOD int ok(ladon_call *call, int *result);
