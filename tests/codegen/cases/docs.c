#include "docs.h"
int store_note(ladon_call *call, Note note, int priority, int *result)
{
    (void)call;
    *result = priority + note.n_tags;
    return LADON_OK;
}
int undocumented(ladon_call *call, int x, int *result) { (void)call; *result = x; return LADON_OK; }
