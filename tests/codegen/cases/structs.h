/* Golden case: nested structs by value and optional, struct parameters
 * (by value and const pointer), struct results, a tag that differs from the
 * typedef name, and a type name with an underscore. */
#ifndef STRUCTS_H
#define STRUCTS_H
#include <ladon/annotate.h>

LADON_SERVICE(Structs, "urn:ladon:test:structs");

typedef struct point_s {
    int x;
    int y;
} Point;

typedef struct Bounding_Box {
    Point top_left;
    struct point_s bottom_right;
    Point *center;
} Bounding_Box;

typedef struct Shape {
    Bounding_Box box;
    Bounding_Box *clip;
    int *z_order;
    double *opacity;
    bool *visible;
} Shape;

LADON_METHOD int move(ladon_call *call, Point p, int dx, int dy, Point *result);
LADON_METHOD int bounds(ladon_call *call, Shape shape, const Point *origin, Bounding_Box *result);

#endif
