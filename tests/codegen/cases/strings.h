/* Golden case: required and optional strings, names with underscores. */
#ifndef STRINGS_H
#define STRINGS_H
#include <ladon/annotate.h>

LADON_SERVICE(Strings, "urn:ladon:test:strings");

typedef struct Person {
    char *full_name;              /* required */
    LADON_OPTIONAL char *nickname;
} Person;

typedef struct Team {
    char *team_name;
    Person lead;                  /* nested required strings are checked too */
    Person *deputy;
    LADON_COUNT int n_members;
    Person *members;
} Team;

LADON_METHOD int echo(ladon_call *call, const char *text, char **result);
LADON_METHOD int greet_person(ladon_call *call, const char *first_name,
                              LADON_OPTIONAL const char *title, char **result);
LADON_METHOD int describe(ladon_call *call, Team team, const Person *extra, Person *result);

#endif
