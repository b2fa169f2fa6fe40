/* ladon/visibility.h - export marker: libladon is built with
 * -fvisibility=hidden and exports only what carries LADON_EXTERN. */
#ifndef LADON_VISIBILITY_H
#define LADON_VISIBILITY_H
#if defined(__GNUC__)
#define LADON_EXTERN __attribute__((visibility("default"))) extern
#else
#define LADON_EXTERN extern
#endif
#endif
