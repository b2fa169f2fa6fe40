#include "structs.h"
int move(ladon_call *call, Point p, int dx, int dy, Point *result)
{
    (void)call;
    result->x = p.x + dx;
    result->y = p.y + dy;
    return LADON_OK;
}
int bounds(ladon_call *call, Shape shape, const Point *origin, Bounding_Box *result)
{
    (void)call;
    *result = shape.box;
    if (origin != NULL) {
        result->top_left.x += origin->x;
        result->top_left.y += origin->y;
    }
    return LADON_OK;
}
