/* rt-server: ladon_main over the unit tests' binding (manual experiments). */
#include <ladon/ladon.h>
#include "rt_glue.h"
int main(int argc, char **argv) { return ladon_main(argc, argv, &ladon_binding_rt); }
