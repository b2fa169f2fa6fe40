#include <ladon/annotate.h>
LADON_SERVICE(Docs, "urn:docs");
typedef struct P {
  int x /**< X */;
  int y /**< Y */; /**< more Y */
  LADON_COUNT int n /**< count */;
  int *v;
} P;
LADON_METHOD int op(ladon_call *call, int a /**< A */, /** leading */ int b /**< B */,
                    int c, /**< C */ P p /**< the P */, int *result /**< R */);
