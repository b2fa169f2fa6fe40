#include <ladon/annotate.h>
LADON_SERVICE(Orders, "urn:orders");
typedef struct Money { int cents; } Money;
LADON_METHOD int a(ladon_call *call, Money *result);
