/* The Calculator example service: two plain operations and one that
 * exercises every supported type end to end. */
#ifndef CALCULATOR_H
#define CALCULATOR_H

#include <ladon/annotate.h>

/** A calculator: adds numbers, echoes text and inspects typed records. */
LADON_SERVICE(Calculator, "urn:ladon:examples:calculator");

/** How loud a record is. */
typedef enum Level {
    LEVEL_LOW,     /**< quiet */
    LEVEL_MEDIUM,
    LEVEL_HIGH
} Level;

/** A point in the plane. */
typedef struct Point {
    int x; /**< horizontal position */
    int y; /**< vertical position */
} Point;

/** A record with one of each supported type. */
typedef struct Record {
    char *title;                 /**< any UTF-8 text */
    LADON_OPTIONAL char *note;   /**< may be absent */
    int count;
    int64_t big;                 /**< a 64-bit integer */
    double ratio;
    bool enabled;
    Level level;
    time_t when;                 /**< a dateTime (UTC, seconds) */
    ladon_binary payload;        /**< base64-encoded bytes */
    int *limit;                  /**< optional integer */
    Point origin;                /**< a nested struct */
    Point *target;               /**< an optional nested struct */
    LADON_COUNT int n_values;
    int *values;                 /**< an array of integers */
    LADON_COUNT int n_tags;
    char **tags;                 /**< an array of strings */
    LADON_COUNT int n_points;
    Point *points;               /**< an array of structs */
    LADON_COUNT int n_levels;
    Level *levels;               /**< an array of enums */
} Record;

/** What inspect computed from a Record. */
typedef struct Inspection {
    char *title;                 /**< the record's title, unchanged */
    char *note;                  /**< the note, or "(none)" when absent */
    int64_t big_plus_one;        /**< big + 1 */
    double half_ratio;           /**< ratio / 2 */
    bool not_enabled;            /**< !enabled */
    Level next_level;            /**< the level after level, wrapping to LEVEL_LOW */
    time_t next_day;             /**< when + 86400 */
    ladon_binary reversed;       /**< payload with its bytes reversed */
    int *limit_doubled;          /**< limit * 2, absent when limit is absent */
    Point moved;                 /**< origin + (1, 1) */
    Point *target;               /**< target, unchanged (absent when absent) */
    int values_sum;              /**< sum of values */
    LADON_COUNT int n_tags;
    char **tags;                 /**< tags in reverse order */
    LADON_COUNT int n_points;
    Point *points;               /**< points with x and y swapped */
    LADON_COUNT int n_levels;
    Level *levels;               /**< levels, unchanged */
} Inspection;

/** Adds two integers. */
LADON_METHOD int add(ladon_call *call, int a, int b, int *result);

/** Returns the text unchanged. */
LADON_METHOD int echo(ladon_call *call, const char *text, char **result);

/** Computes an Inspection from a record: every field type round-trips. */
LADON_METHOD int inspect(ladon_call *call, Record record, Inspection *result);

#endif
