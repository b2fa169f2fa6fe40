/* rt_glue.h - the test binding of the runtime's unit tests. */
#ifndef RT_GLUE_H
#define RT_GLUE_H
#include <ladon/service.h>
extern const ladon_binding ladon_binding_rt;
#endif
