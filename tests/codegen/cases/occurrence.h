/* Golden case: every value type in each place a single value can stand - a
 * required and an optional struct field, a required and an optional
 * parameter - so that `run.sh contract` compares the occurrence ladon-gen's
 * WSDL gives each with what soapcpp2 writes (arrays: arrays.h; results:
 * scalars.h, strings.h, binary_time.h, enums.h, structs.h). */
#ifndef OCCURRENCE_H
#define OCCURRENCE_H
#include <ladon/annotate.h>

LADON_SERVICE(Occurrence, "urn:ladon:test:occurrence");

typedef enum Mode { MODE_OFF, MODE_ON } Mode;

typedef struct Inner {
    int v;
} Inner;

typedef struct Required {
    int i;
    int64_t l;
    double d;
    bool b;
    char *s;
    time_t t;
    ladon_binary bin;
    Mode m;
    Inner inner;
} Required;

typedef struct Optional {
    int *i;
    int64_t *l;
    double *d;
    bool *b;
    LADON_OPTIONAL char *s;
    time_t *t;
    ladon_binary *bin;
    Mode *m;
    Inner *inner;
} Optional;

/* The number of values present in o. */
LADON_METHOD int fields(ladon_call *call, Required r, Optional o, int *result);
LADON_METHOD int required_params(ladon_call *call, int i, int64_t l, double d, bool b, const char *s, time_t t,
                                 ladon_binary bin, Mode m, Inner inner, Required *result);
/* The number of parameters present. */
LADON_METHOD int optional_params(ladon_call *call, const int *i, const int64_t *l, const double *d, const bool *b,
                                 LADON_OPTIONAL const char *s, const time_t *t, const ladon_binary *bin,
                                 const Mode *m, const Inner *inner, int *result);

#endif
