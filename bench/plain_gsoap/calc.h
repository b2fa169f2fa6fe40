/* calc.h - soapcpp2 input of the plain gSOAP baseline server (bench/README.md):
 * Calculator.add, echo and inspect with the same namespace, style, element
 * names and types as the example service of ladon-examples
 * (services/calculator/calculator.h, as ladon-gen writes it for soapcpp2 in
 * build/services/examples.gsoap.h), so the same request gets the same answer
 * from both servers (bench/run.sh measures add, bench/cost.sh echo and
 * inspect).  Only the prefix differs: calc here, calculator there. */
//gsoap calc service name: Calculator
//gsoap calc service namespace: urn:ladon:examples:calculator
//gsoap calc service style: document
//gsoap calc service encoding: literal
//gsoap calc schema form: unqualified

#include <stdbool.h> /* (passed on to soapStub.h: C has no bool of its own) */

typedef long long xsd__long;
typedef time_t xsd__dateTime;
struct xsd__base64Binary { unsigned char *__ptr; int __size; };

/* serialized as LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH (_USCORE is '_') */
enum calc__Level { LEVEL_USCORELOW, LEVEL_USCOREMEDIUM, LEVEL_USCOREHIGH };

struct calc__Point {
    int x;
    int y;
};

/* Arrays are gSOAP's $size/pointer pairs: <values> repeated n_values times. */
struct calc__Record {
    char *title 1;
    char *note;
    int count;
    xsd__long big;
    double ratio;
    bool enabled;
    enum calc__Level level;
    xsd__dateTime when;
    struct xsd__base64Binary payload;
    int *limit;
    struct calc__Point origin;
    struct calc__Point *target;
    $int n_values;
    int *values;
    $int n_tags;
    char **tags;
    $int n_points;
    struct calc__Point *points;
    $int n_levels;
    enum calc__Level *levels;
};

/* Backquoted names: gSOAP would write a single '_' of an identifier as '-'. */
struct calc__Inspection {
    char *title 1;
    char *note 1;
    xsd__long big_plus_one `big_plus_one`;
    double half_ratio `half_ratio`;
    bool not_enabled `not_enabled`;
    enum calc__Level next_level `next_level`;
    xsd__dateTime next_day `next_day`;
    struct xsd__base64Binary reversed;
    int *limit_doubled `limit_doubled`;
    struct calc__Point moved;
    struct calc__Point *target;
    int values_sum `values_sum`;
    $int n_tags;
    char **tags;
    $int n_points;
    struct calc__Point *points;
    $int n_levels;
    enum calc__Level *levels;
};

int calc__add(int a, int b, int *result);
struct calc__echoResponse { char *result; };
int calc__echo(char *text 1, struct calc__echoResponse *response);
struct calc__inspectResponse { struct calc__Inspection result; };
int calc__inspect(struct calc__Record record, struct calc__inspectResponse *response);
