/* router.h - what a request path means, and the answers that need no gSOAP
 * (internal).
 *
 * The router maps `/Service` to a service of the binding, builds the WSDL
 * with the address the client should use, the index page, and the plain
 * HTTP errors (404, 405, 400).  It does no I/O, so it is unit-tested alone.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_ROUTER_H
#define LADON_SRC_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "http.h"
#include "ladon/service.h"

#define LADON_MAX_PROXIES 32

typedef struct ladon__cidr {
    int family;              /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    unsigned bits;           /* prefix length */
} ladon__cidr;

typedef struct ladon__proxies {
    size_t n;
    ladon__cidr items[LADON_MAX_PROXIES];
} ladon__proxies;

/* Parses "ADDR[/BITS][,ADDR[/BITS]...]" (IPv4 or IPv6; "" = none).
 * Returns 0, or -1 with a message in err. */
int ladon__proxies_parse(ladon__proxies *p, const char *s, char *err, size_t errlen);
/* Is the peer address one of the trusted proxies?  IPv4-mapped IPv6
 * addresses match IPv4 entries. */
bool ladon__proxies_match(const ladon__proxies *p, const struct sockaddr *sa);

/* Who sent a request, and through how many trusted proxies.  When the TCP
 * peer is not a trusted proxy, the client is the peer and 0 is returned:
 * X-Forwarded-For is ignored.  Otherwise X-Forwarded-For is read from the
 * right (the entry the nearest proxy appended): entries that are trusted
 * proxies are skipped, and the first that is not is the client (the
 * left-most entry when all are trusted; the entries on its left were
 * written by the client itself and are not believed).  An entry that is not
 * an IP address ends the walk: the last address vouched for is the client.
 * Returns the number of trusted proxies passed, >= 1 (the peer plus the
 * skipped entries).  The client's address (IPv4-mapped IPv6 written as
 * IPv4) goes into out, unless out is NULL; peer_str is the peer's. */
unsigned ladon__client(const ladon__proxies *p, const ladon__http_req *req,
                       const struct sockaddr *peer, const char *peer_str, char *out,
                       size_t outlen);

typedef struct ladon__router {
    const ladon_binding *binding;
    const char *public_url;   /* "" or a validated URL without trailing '/' */
    ladon__proxies proxies;
} ladon__router;

typedef struct ladon__route_result {
    int status;                  /* 0: a SOAP call for `service`; else HTTP status */
    const ladon_service *service;
    const char *content_type;    /* of body */
    const char *extra_headers;   /* "" or header lines each ending in \r\n */
    char *body;                  /* malloc'd; the caller frees it */
    size_t body_len;
    bool head_only;              /* HEAD: send the headers only */
} ladon__route_result;

/* The service served at path ("/Calculator"), or NULL. */
const ladon_service *ladon__route_service(const ladon_binding *b, const char *path);

/* Is a Host / X-Forwarded-Host value acceptable in a URL? */
bool ladon__host_valid(const char *host);

/* Writes the address of service `name` as the client sees it into out:
 * --public-url if set; else X-Forwarded-Host/-Proto/-Prefix when the
 * request passed `hops` >= 1 trusted proxies (ladon__client); else
 * http://Host; `fallback_host` (the local socket address) when the request
 * has no Host.  Of a forwarded list of n values the one written by the
 * outermost trusted proxy is used: the hops-th from the right (the
 * left-most when n < hops), so values a client sent along are not believed.
 * Returns 0, or -1 when a host or prefix is invalid or the result does not
 * fit. */
int ladon__service_address(const ladon__router *r, const ladon__http_req *req, unsigned hops,
                           const char *fallback_host, const char *name, char *out,
                           size_t outlen);

/* XML-escapes s (& < > " ') onto the end of a malloc'd buffer. */
int ladon__xml_escape_append(char **buf, size_t *len, size_t *cap, const char *s);

/* Decides the answer to a request head.  Returns 0 (res filled; free
 * res->body) or LADON_ENOMEM. */
int ladon__route(const ladon__router *r, const ladon__http_req *req, const struct sockaddr *peer,
                 const char *fallback_host, ladon__route_result *res);

#endif
