#include "strings.h"
#include <ladon/call.h>
#include <stdio.h>
int echo(ladon_call *call, const char *text, char **result)
{
    *result = ladon_strdup(call, text);
    return LADON_OK;
}
int greet_person(ladon_call *call, const char *first_name, const char *title, char **result)
{
    char buf[256];
    snprintf(buf, sizeof buf, "Hello %s%s%s", title ? title : "", title ? " " : "", first_name);
    *result = ladon_strdup(call, buf);
    return LADON_OK;
}
int describe(ladon_call *call, Team team, const Person *extra, Person *result)
{
    (void)call;
    (void)extra;
    *result = team.lead;
    return LADON_OK;
}
