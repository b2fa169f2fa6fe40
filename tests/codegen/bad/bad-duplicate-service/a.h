#include <ladon/annotate.h>
LADON_SERVICE(Orders, "urn:orders");
LADON_METHOD int a(ladon_call *call, int *result);
