/* model.c - the lookups on ladon-call's WSDL model (see model.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "model.h"

#include <string.h>

const lc_op *lc_service_op(const lc_service *svc, const char *name)
{
    for (size_t i = 0; i < svc->n_ops; i++)
        if (strcmp(svc->ops[i].name, name) == 0)
            return &svc->ops[i];
    return NULL;
}

const lc_field *lc_type_field(const lc_type *t, const char *name, size_t *index)
{
    if (t->kind != LC_STRUCT)
        return NULL;
    for (size_t i = 0; i < t->n_fields; i++)
        if (strcmp(t->fields[i].name, name) == 0) {
            if (index != NULL)
                *index = i;
            return &t->fields[i];
        }
    return NULL;
}
