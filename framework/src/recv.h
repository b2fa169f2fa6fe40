/* recv.h - begins reading a request's message on a request thread's gSOAP
 * context without gSOAP's reset of its id and pointer tables (internal).
 *
 * gSOAP's soap_begin_recv() starts every message with soap_free_temp()
 * and a second walk of its id table: a 32 KiB pointer table cleared and
 * 1,999 id buckets walked twice, 52% of the instructions of an `add`
 * request (bench/README.md), whether or not the previous message put
 * anything in them.  ladon__recv_begin() does what soap_begin_recv() does
 * for the input dispatch.c hands gSOAP - a checked, decoded body whose
 * HTTP head ladon has parsed - and skips the two tables when they are
 * known to be empty, and ladon__recv_end() does the same for
 * soap_end_recv()'s walk of the id table.  Anything else goes through
 * gSOAP's own functions.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_RECV_H
#define LADON_SRC_RECV_H

#include <stdbool.h>
#include <stddef.h>

#include <stdsoap2.h>

/* What gSOAP would have read from the head dispatch.c writes for it. */
typedef struct {
    const char *path;         /* the request's path */
    const char *host;         /* its Host (or the local address) */
    const char *content_type; /* the Content-Type gSOAP is told */
    size_t length;            /* the body's length */
    int minor;                /* HTTP/1.<minor> */
    bool keep_alive;          /* the client keeps the connection */
    bool accept_gzip;         /* Accept-Encoding allows gzip */
} ladon__recv_head;

/* Writes h as the HTTP head gSOAP parses (what soap_begin_recv reads in
 * front of the body) into buf; returns its length, or -1 when it does not
 * fit in size bytes. */
int ladon__recv_head_write(const ladon__recv_head *h, char *buf, size_t size);

/* Whether ladon__recv_begin may stand in for soap_begin_recv on soap for
 * a request with head h.  master is the context soap was copied from:
 * soap still has its HTTP parser (fparse, fparsehdr: gSOAP's own, which
 * ladon__recv_begin stands in for, unless a plugin replaced them).  ids_clean says that no message read on soap
 * since its id table was last emptied had an attribute named id, ref or
 * href with any prefix (xmlnorm.c's has_idref: the only attributes that
 * put entries in it).  Otherwise the caller hands gSOAP the head
 * and calls soap_begin_recv. */
bool ladon__recv_light(const struct soap *soap, const struct soap *master,
                       const ladon__recv_head *h, bool ids_clean);

/* soap_begin_recv() for a body that follows a head like h (which gSOAP
 * is not given: the next byte gSOAP reads is the body's first), when
 * ladon__recv_light() said so.  Returns SOAP_OK or gSOAP's error code
 * (also in soap->error), as soap_begin_recv would. */
int ladon__recv_begin(struct soap *soap, const ladon__recv_head *h);

/* soap_end_recv() without soap_resolve(), for a message whose id table
 * is empty (soap_resolve walks all its buckets twice to find nothing):
 * the same fields set, the namespace stack freed, the prepare-final hook
 * called.  A message read with attachments, compression, chunks or MTOM
 * goes through soap_end_recv().  Returns what soap_end_recv would. */
int ladon__recv_end(struct soap *soap);

#endif
