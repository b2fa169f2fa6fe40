/* discover.h - from the URL given on the command line to the WSDL documents behind it:
 *   http://h:p/ (a path ending in /)  the index page: every <a href> ending in ?wsdl
 *                                     (case-insensitive), resolved against the URL (the
 *                                     Ladon-C server's page at / links each service's WSDL so)
 *   http://h:p/Service                its WSDL at URL?wsdl
 *   ...?wsdl, ....wsdl                the WSDL itself
 *   anything else                     a local WSDL file
 * An index page that is itself a WSDL is read as one.  Fetch failures are transport errors
 * (exit status 3); an unreadable file, a WSDL that cannot be read or an index without links
 * are usage/WSDL errors (2).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_DISCOVER_H
#define LC_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "http.h"
#include "model.h"

/* Reads every WSDL behind url into *out (an array of *n pointers in a). 0, or -1. */
int lc_discover(lc_http *h, lc_arena *a, const char *url, lc_wsdl ***out, size_t *n,
                lc_err *err);
/* The links of an HTML page (len bytes) that end in ?wsdl, resolved against base, without
 * duplicates, in page order: *out (in a), *n of them.  0, or -1 when out of memory. */
int lc_index_links(lc_arena *a, const char *html, size_t len, const char *base, char ***out,
                   size_t *n, lc_err *err);
/* Does the URL or file name end in ?wsdl or .wsdl (any case)? */
bool lc_is_wsdl_url(const char *url);
/* Is it an http:// or https:// URL (any case)? */
bool lc_is_http_url(const char *url);

#endif
