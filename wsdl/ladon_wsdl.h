/* Ladon-C WSDL checker: libxml2-based checks of a generated WSDL 1.1 document.
 *
 * What is checked (rule names as reported):
 *   well-formed  the document is well-formed XML
 *   wsdl         the root is wsdl:definitions; component names are unique
 *   schema       every <types>/<schema> compiles with xmlSchemaParse, with the sibling
 *                schemas of the same WSDL resolved in memory (see wsdl_schema.c for how)
 *   reference    QName references (binding type, port binding, operation messages,
 *                part types) resolve inside the WSDL
 *   R2401        every binding is a SOAP 1.1 binding (has soap:binding)
 *   R2702        soap:binding transport is http://schemas.xmlsoap.org/soap/http
 *   R2705        every binding and operation uses style="document"
 *   R2706        every soap:body/header/fault uses use="literal" (absent means literal, R2707)
 *   R2201        a document-literal soap:body lists at most one part in parts=
 *   R2210        a document-literal body message has at most one part (no parts=)
 *   R2204        a document-literal body part uses element=, not type=
 *   R2206        a part's element= refers to a global element declaration in <types>
 *   R2716        a document-literal soap:body has no namespace= attribute
 *   R2718        a binding has the same set of operations as its portType
 *   R2304        operation names within a portType are distinct
 *   port-address every port has exactly one soap:address with a non-empty location
 *   task-group   the operations of a task method m (docs/design.md section 6): an operation whose
 *                response's `result` is a TaskInfoResponse (of the targetNamespace) is a task start,
 *                and its portType also has m_progress, m_result and m_cancel, each taking exactly one
 *                element task_id (xsd:int), and m_wait taking task_id (xsd:int) then timeout
 *                (xsd:double); m_progress, m_cancel and m_wait return a `result` of type
 *                TaskProgressResponse. TaskInfoResponse, when declared, is a sequence of exactly
 *                task_id (xsd:int); TaskProgressResponse of task_id (xsd:int), progress, duration,
 *                starttime (xsd:double), state (TaskState), each once, then message (xsd:string,
 *                optional), in that order; TaskState a simpleType restricting xsd:string to queued,
 *                running, done, failed, cancelled. A WSDL with Ladon's three operations and four
 *                elements only (from before the task lifecycle) is one error per task and one for
 *                the type. X_progress, ... are only checked when X is a task start: other
 *                operations ending in _progress are plain methods
 *
 * Not thread-safe with other users of libxml2's external entity loader in the same process:
 * during a check the loader is replaced (under a mutex; other threads are delegated to the
 * previous loader) to serve the WSDL's schemas from memory. Nothing is fetched from the network.
 */
#ifndef LADON_WSDL_H
#define LADON_WSDL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called once per error. line is the 1-based line in the WSDL, or 0 when unknown.
 * rule and detail are only valid during the call. */
typedef void (*ladon_wsdl_report_fn)(void *user, const char *rule, long line, const char *detail);

/* Check the WSDL in file PATH. Returns the number of errors reported (0: the WSDL passes; an
 * unreadable or malformed file is one "well-formed" error), or -1 when the check itself could not
 * complete (out of memory, reported with rule "internal"). */
int ladon_wsdl_check_file(const char *path, ladon_wsdl_report_fn report, void *user);

/* Same for a WSDL held in memory; NAME is used as the document's URL in messages (may be NULL). */
int ladon_wsdl_check_memory(const char *data, size_t size, const char *name,
                            ladon_wsdl_report_fn report, void *user);

#ifdef __cplusplus
}
#endif

#endif
