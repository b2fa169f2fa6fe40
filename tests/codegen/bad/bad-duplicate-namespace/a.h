#include <ladon/annotate.h>
LADON_SERVICE(Orders, "urn:shop");
LADON_METHOD int a(ladon_call *call, int *result);
