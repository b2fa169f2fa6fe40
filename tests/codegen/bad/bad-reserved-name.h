/* expect: 5:9: error: field name 'class' cannot be used: it is a C/C++ keyword or a name soapcpp2 reserves */
#include <ladon/annotate.h>
LADON_SERVICE(Bad, "urn:ladon:test:bad");
typedef struct P {
    int class;
} P;
LADON_METHOD int ok(ladon_call *call, int *result);
