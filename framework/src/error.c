/* error.c - names and texts of the ladon_errno codes.
 *
 * Both tables come from the one LADON_ERRNO_MAP list in ladon/error.h, so a
 * new code cannot be added without a name and a text.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "ladon/error.h"

const char *ladon_err_name(int err)
{
    switch (err) {
#define LADON__XX(code, _) case LADON_##code: return "LADON_" #code;
        LADON_ERRNO_MAP(LADON__XX)
#undef LADON__XX
    case 0:
        return "LADON_OK";
    default:
        return "LADON_UNKNOWN";
    }
}

const char *ladon_strerror(int err)
{
    switch (err) {
#define LADON__XX(code, text) case LADON_##code: return text;
        LADON_ERRNO_MAP(LADON__XX)
#undef LADON__XX
    case 0:
        return "success";
    default:
        return "unknown error";
    }
}
