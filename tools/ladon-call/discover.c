/* discover.c - the WSDL documents behind a URL or file (see discover.h).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "discover.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/uri.h>

#include "wsdl.h"
#include "xmlsafe.h"

#define MAX_LINKS 1000

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcasecmp(s + n - t, tail) == 0;
}

bool lc_is_wsdl_url(const char *url)
{
    return ends_with(url, "?wsdl") || ends_with(url, ".wsdl");
}

bool lc_is_http_url(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

typedef struct links {
    lc_arena *a;
    char **v;
    size_t n, cap;
    const char *base;
    bool nomem;
} links;

static void add_link(links *l, const char *href)
{
    if (l->n >= MAX_LINKS || !ends_with(href, "?wsdl"))
        return;
    xmlChar *abs = xmlBuildURI((const xmlChar *)href, (const xmlChar *)l->base);
    if (abs == NULL)
        return; /* not a URI: ignored */
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], (const char *)abs) == 0) {
            xmlFree(abs);
            return;
        }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = lc_arena_array(l->a, cap, sizeof *v);
        if (v == NULL) {
            l->nomem = true;
            xmlFree(abs);
            return;
        }
        if (l->n > 0)
            memcpy(v, l->v, l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    if ((l->v[l->n] = lc_arena_strdup(l->a, (const char *)abs)) == NULL)
        l->nomem = true;
    else
        l->n++;
    xmlFree(abs);
}

static void walk(links *l, xmlNode *node)
{
    for (xmlNode *c = node; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcasecmp((const char *)c->name, "a") == 0) {
            xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
            if (href != NULL) {
                add_link(l, (const char *)href);
                xmlFree(href);
            }
        }
        walk(l, c->children); /* the HTML parser bounds the depth */
    }
}

int lc_index_links(lc_arena *a, const char *html, size_t len, const char *base, char ***out,
                   size_t *n, lc_err *err)
{
    links l = {.a = a, .base = base};
    *out = NULL;
    *n = 0;
    if (len > LC_MAX_DOCUMENT)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "%s: larger than %zu MiB", base,
                          LC_MAX_DOCUMENT >> 20);
    htmlDocPtr doc = htmlReadMemory(html, (int)len, base, NULL,
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    if (doc == NULL)
        return 0; /* nothing readable: no links */
    walk(&l, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    if (l.nomem)
        return lc_err_nomem(err);
    *out = l.v;
    *n = l.n;
    return 0;
}

static int fetch(lc_http *h, const char *url, lc_buf *b, lc_err *err)
{
    long status;
    if (lc_http_get(h, url, b, &status, err) != 0)
        return -1;
    if (status < 200 || status >= 300)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "%s: HTTP %ld", url, status);
    return 0;
}

static int read_file(const char *path, lc_buf *b, lc_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return lc_err_set(err, LC_EXIT_USAGE, "cannot read the WSDL file %s: %s", path,
                          strerror(errno));
    int rc = 0;
    for (;;) {
        if (b->cap - b->len < 65537) {
            size_t cap = b->cap ? b->cap * 2 : 131072;
            char *d = realloc(b->data, cap);
            if (d == NULL) {
                rc = lc_err_nomem(err);
                break;
            }
            b->data = d;
            b->cap = cap;
        }
        size_t got = fread(b->data + b->len, 1, 65536, f);
        b->len += got;
        b->data[b->len] = '\0';
        if (b->len > LC_MAX_DOCUMENT) {
            rc = lc_err_set(err, LC_EXIT_USAGE, "%s: larger than %zu MiB", path,
                            LC_MAX_DOCUMENT >> 20);
            break;
        }
        if (got < 65536) {
            if (ferror(f))
                rc = lc_err_set(err, LC_EXIT_USAGE, "cannot read the WSDL file %s: %s", path,
                                strerror(errno));
            break;
        }
    }
    fclose(f);
    return rc;
}

/* Does the document look like XML rather than HTML (an index that is a WSDL itself)? */
static bool looks_like_wsdl(const char *d, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t'))
        i++;
    return len - i >= 5 && memcmp(d + i, "<?xml", 5) == 0 && memmem(d, len, "definitions", 11);
}

static int push(lc_arena *a, lc_wsdl ***v, size_t *n, lc_wsdl *w, lc_err *err)
{
    lc_wsdl **nv = lc_arena_array(a, *n + 1, sizeof *nv);
    if (nv == NULL)
        return lc_err_nomem(err);
    if (*n > 0)
        memcpy(nv, *v, *n * sizeof *nv);
    nv[(*n)++] = w;
    *v = nv;
    return 0;
}

static int one(lc_http *h, lc_arena *a, const char *url, lc_wsdl ***v, size_t *n, lc_err *err)
{
    lc_buf b = {0};
    int rc = fetch(h, url, &b, err);
    lc_wsdl *w = NULL;
    if (rc == 0 && (w = lc_wsdl_read(a, b.data, b.len, url, err)) == NULL)
        rc = -1;
    lc_buf_free(&b);
    return rc == 0 ? push(a, v, n, w, err) : -1;
}

int lc_discover(lc_http *h, lc_arena *a, const char *url, lc_wsdl ***out, size_t *n,
                lc_err *err)
{
    *out = NULL;
    *n = 0;
    if (!lc_is_http_url(url)) {
        lc_buf b = {0};
        int rc = read_file(url, &b, err);
        lc_wsdl *w = NULL;
        if (rc == 0 && (w = lc_wsdl_read(a, b.data, b.len, url, err)) == NULL)
            rc = -1;
        lc_buf_free(&b);
        return rc == 0 ? push(a, out, n, w, err) : -1;
    }
    if (lc_is_wsdl_url(url))
        return one(h, a, url, out, n, err);
    const char *path = strchr(strstr(url, "://") + 3, '/');
    size_t plen = path != NULL ? strcspn(path, "?#") : 0;
    if (path != NULL && plen > 0 && path[plen - 1] != '/') {
        char *wurl = lc_arena_printf(a, "%.*s?wsdl", (int)(path - url + (long)plen), url);
        if (wurl == NULL)
            return lc_err_nomem(err);
        return one(h, a, wurl, out, n, err);
    }
    /* an index page */
    lc_buf b = {0};
    if (fetch(h, url, &b, err) != 0) {
        lc_buf_free(&b);
        return -1;
    }
    int rc = 0;
    if (looks_like_wsdl(b.data, b.len)) {
        lc_wsdl *w = lc_wsdl_read(a, b.data, b.len, url, err);
        rc = w != NULL ? push(a, out, n, w, err) : -1;
        lc_buf_free(&b);
        return rc;
    }
    char **links;
    size_t nl;
    rc = lc_index_links(a, b.data, b.len, url, &links, &nl, err);
    lc_buf_free(&b);
    if (rc != 0)
        return -1;
    if (nl == 0)
        return lc_err_set(err, LC_EXIT_USAGE, "%s: the page links no WSDL (no <a href> ending "
                                              "in ?wsdl); give a service URL or a WSDL", url);
    for (size_t i = 0; i < nl; i++)
        if (one(h, a, links[i], out, n, err) != 0)
            return -1;
    return 0;
}
