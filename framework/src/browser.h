/* browser.h - the service browser's pages (internal; docs/browser.md).
 *
 * GET / is the home page (every service with its documentation, its page
 * and its WSDL); GET /Service is that service's page: its documentation,
 * each operation with its parameters and result, each task with its five
 * operations, each type with its fields or values, and a try-it form per
 * operation.  Everything comes from the description tables ladon-gen
 * writes next to the WSDL (ladon_op_info, ladon_type_info): no WSDL is
 * parsed at run time.  The pages are self-contained (the stylesheet and the
 * script are inline; nothing is loaded from elsewhere) and readable without
 * JavaScript; every text from a doc comment or a name is escaped, and the
 * model the script reads is JSON with '<', '>' and '&' escaped, so no doc
 * comment can end the script element.
 *
 * Pure functions of their inputs: no I/O, unit-tested alone.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_BROWSER_H
#define LADON_SRC_BROWSER_H

#include <stddef.h>

#include "buf.h"
#include "ladon/service.h"

/* The home page of binding b; addrs[i] is the address of b->services[i]
 * ("http://host/Calculator") as the client sees it.  Appends to out;
 * returns 0, or -1 when out of memory. */
int ladon__browser_home(const ladon_binding *b, const char *const *addrs, ladon__buf *out);

/* Service s's page; addr is its address as the client sees it.  Appends to
 * out; returns 0, or -1 when out of memory. */
int ladon__browser_service(const ladon_service *s, const char *addr, ladon__buf *out);

/* The script and stylesheet of the pages (browser_assets.c, generated at
 * build time from browser.js and browser.css). */
extern const char ladon__browser_js[];
extern const char ladon__browser_css[];

#endif /* LADON_SRC_BROWSER_H */
