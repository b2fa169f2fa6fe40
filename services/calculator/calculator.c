/* Implementation of the Calculator example service (calculator.h). */
#include "calculator.h"

#include <limits.h>
#include <ladon/call.h>

int add(ladon_call *call, int a, int b, int *result)
{
    if ((b > 0 && a > INT_MAX - b) || (b < 0 && a < INT_MIN - b))
        return ladon_fault(call, LADON_FAULT_CLIENT, "integer overflow: %d + %d", a, b);
    *result = a + b;
    return LADON_OK;
}

int echo(ladon_call *call, const char *text, char **result)
{
    *result = ladon_strdup(call, text);
    if (*result == NULL)
        return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
    return LADON_OK;
}

int inspect(ladon_call *call, Record record, Inspection *result)
{
    Inspection *r = result;
    r->title = record.title;
    r->note = record.note ? record.note : "(none)";
    r->big_plus_one = record.big == INT64_MAX ? INT64_MIN : record.big + 1;
    r->half_ratio = record.ratio / 2;
    r->not_enabled = !record.enabled;
    r->next_level = record.level == LEVEL_HIGH ? LEVEL_LOW : (Level)(record.level + 1);
    r->next_day = record.when + 86400;

    r->reversed.size = record.payload.size;
    r->reversed.data = NULL;
    if (record.payload.size > 0) {
        r->reversed.data = ladon_alloc(call, (size_t)record.payload.size);
        if (r->reversed.data == NULL)
            return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
        for (int i = 0; i < record.payload.size; i++)
            r->reversed.data[i] = record.payload.data[record.payload.size - 1 - i];
    }

    r->limit_doubled = NULL;
    if (record.limit != NULL) {
        if (*record.limit > INT_MAX / 2 || *record.limit < INT_MIN / 2)
            return ladon_fault(call, LADON_FAULT_CLIENT, "limit out of range: %d", *record.limit);
        r->limit_doubled = ladon_alloc(call, sizeof *r->limit_doubled);
        if (r->limit_doubled == NULL)
            return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
        *r->limit_doubled = *record.limit * 2;
    }

    r->moved.x = record.origin.x + 1;
    r->moved.y = record.origin.y + 1;
    r->target = record.target;

    long long sum = 0;
    for (int i = 0; i < record.n_values; i++)
        sum += record.values[i];
    if (sum > INT_MAX || sum < INT_MIN)
        return ladon_fault(call, LADON_FAULT_CLIENT, "sum of values out of range");
    r->values_sum = (int)sum;

    r->n_tags = record.n_tags;
    r->tags = NULL;
    if (record.n_tags > 0) {
        r->tags = ladon_alloc(call, sizeof *r->tags * (size_t)record.n_tags);
        if (r->tags == NULL)
            return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
        for (int i = 0; i < record.n_tags; i++)
            r->tags[i] = record.tags[record.n_tags - 1 - i];
    }

    r->n_points = record.n_points;
    r->points = NULL;
    if (record.n_points > 0) {
        r->points = ladon_alloc(call, sizeof *r->points * (size_t)record.n_points);
        if (r->points == NULL)
            return ladon_fault(call, LADON_FAULT_SERVER, "out of memory");
        for (int i = 0; i < record.n_points; i++) {
            r->points[i].x = record.points[i].y;
            r->points[i].y = record.points[i].x;
        }
    }

    r->n_levels = record.n_levels;
    r->levels = record.levels;
    return LADON_OK;
}
