/* ladon/annotate.h - the annotations of a Ladon-C service header.
 *
 * A service header is an ordinary C header: the implementation #includes it,
 * so the C compiler checks the implementation against the declarations, and
 * ladon-gen reads the same header to produce the WSDL and the SOAP glue.
 * For the C compiler every annotation below expands to nothing (or to a
 * harmless declaration); only ladon-gen gives them meaning.
 * docs/annotations.md is the reference for every annotation and type.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_ANNOTATE_H
#define LADON_ANNOTATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Names the service and its XML namespace; exactly one per header:
 *     LADON_SERVICE(Calculator, "urn:ladon:examples:calculator");
 * The service is served at /Calculator.  Expands to a forward struct
 * declaration so the trailing semicolon is valid C. */
#define LADON_SERVICE(name, namespace_uri) struct ladon__service_marker_##name

/* Marks a function as a plain (synchronous) SOAP operation. */
#define LADON_METHOD
/* Marks a function as a long-running task: exposed as m, m_progress,
 * m_result, m_cancel, m_wait and m_list (docs/tasks.md). */
#define LADON_TASK
/* Marks the early check of task m: a function named m_check taking the
 * ladon_call and exactly m's inputs (no result), declared in the same
 * header:
 *     LADON_TASK int clone(ladon_call *call, const char *id, int *result);
 *     LADON_CHECK int clone_check(ladon_call *call, const char *id);
 * It runs on the request worker before the task is queued; its ladon_fault
 * answers the start request and no task is created (LADON_OK: the task
 * starts).  It is not an operation of its own (docs/annotations.md). */
#define LADON_CHECK
/* Marks an int struct field as the item count of the array (pointer) field
 * that immediately follows it. */
#define LADON_COUNT
/* Marks a string (char *) field or parameter as optional: it may be NULL /
 * absent.  Pointers to any other type are optional without it. */
#define LADON_OPTIONAL

/* Return value of a successful operation. */
#define LADON_OK 0

/* The context of one call: passed as the first parameter of every operation.
 * Allocate everything the operation returns with ladon_alloc/ladon_strdup. */
typedef struct ladon_call ladon_call;

/* base64Binary: a byte string.  The anonymous unions give gSOAP the member
 * names it requires (__ptr, __size) and the user readable ones. */
typedef struct ladon_binary {
    union { unsigned char *data; unsigned char *__ptr; };
    union { int size; int __size; };
} ladon_binary;

/* xsd:dateTime is time_t (seconds since the epoch, UTC).  xsd:long is
 * int64_t. */

#endif /* LADON_ANNOTATE_H */
