/* ladon-examples: one server binary serving every example service in
 * services/ (DESIGN.md section 8).  All of its work is in libladon. */
#include <ladon/ladon.h>

#include "examples_ladon.h"

int main(int argc, char **argv)
{
    return ladon_main(argc, argv, &ladon_binding_examples);
}
