/* ladon-examples: one server binary serving every example service in
 * services/ (docs/design.md section 8.1).  The serving is in libladon; the
 * services only need their start-up (environment, data directory). */
#include <ladon/ladon.h>

#include "examples_ladon.h"
#include "instances_init.h"
#include "tasks_init.h"

static int examples_init(const ladon_config *cfg, char *err, size_t errlen)
{
    if (tasks_init(cfg, err, errlen) != 0)
        return -1;
    return instances_init(cfg, err, errlen);
}

int main(int argc, char **argv)
{
    return ladon_main_init(argc, argv, &ladon_binding_examples, examples_init);
}
