/* recv.c - begins reading a request's message on a request thread's gSOAP
 * context without gSOAP's per-message reset of its id and pointer tables.
 *
 * DESIGN
 * soap_begin_recv() of gSOAP 2.8.124 first calls soap_free_temp(), which
 * frees what the previous message left (namespace stack, open blocks,
 * attribute values, the look-aside buffer, the local namespace table) and
 * then walks all 1,999 buckets of the id table and clears all 4,096
 * entries of the pointer table; then it walks the id table once more,
 * resets the reading state, and reads the HTTP head with gSOAP's parser
 * (fparse/fparsehdr).  For an `add` the two tables alone are half the
 * request's instructions (bench/README.md, "Instructions per add").
 *
 * Both tables are empty here in the common case, and it is known without
 * looking: the pointer table has entries only while soap->pblk holds a
 * block of them, and the id table gets entries only from an attribute
 * gSOAP takes for an id or a reference (the request thread reads with
 * SOAP_XML_TREE, which ignores a plain id, but not SOAP 1.2's enc:id; an
 * unprefixed ref matched against a default namespace; xmlns:id once the
 * prefix xmlns is bound), so xmlnorm.c reports every attribute whose
 * local name is id, ref or href, whatever its prefix (and refuses binding
 * xmlns).  Only the request thread's dispatch reads XML on its context.  So ladon__recv_begin() does
 * what soap_begin_recv() does, in its order, for what dispatch.c gives
 * gSOAP: soap_free_temp() without the two tables, the same fields reset,
 * the prepare-init hook (the httppipe plugin's), and, instead of gSOAP
 * parsing the head dispatch.c would write (POST, Host, Content-Type,
 * Content-Length, Connection, Accept-Encoding), the fields gSOAP's parser
 * sets from exactly those lines.  What gSOAP would do for other input
 * (MIME, DIME, gzip, chunked: dispatch.c decodes bodies itself, so gSOAP
 * never sees them) is not repeated here: ladon__recv_light() sends every
 * context that is not in the common state to soap_begin_recv() instead.
 * At the end of the message, soap_end_recv() calls soap_resolve(), which
 * walks the id table twice to resolve forward references; with the table
 * empty there are none, and ladon__recv_end() is soap_end_recv() without
 * it (the generated operations call it through ladon_end_recv(), which
 * ladon-gen puts in soapServer.c for soap_end_recv(); dispatch.c says
 * when the table is empty).
 * tests/unit/runtime/test_recv.c holds both paths side by side, field by
 * field, so that a gSOAP whose soap_begin_recv() or soap_end_recv()
 * differs fails there.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recv.h"

int ladon__recv_head_write(const ladon__recv_head *h, char *buf, size_t size)
{
    int n = snprintf(buf, size,
                     "POST %s HTTP/1.%d\r\nHost: %s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\n%s%s\r\n",
                     h->path, h->minor, h->host, h->content_type, h->length,
                     !h->keep_alive ? "Connection: close\r\n"
                     : h->minor == 0 ? "Connection: keep-alive\r\n" : "",
                     h->accept_gzip ? "Accept-Encoding: gzip\r\n" : "");
    return n < 0 || (size_t)n >= size ? -1 : n;
}

bool ladon__recv_light(const struct soap *soap, const struct soap *master,
                       const ladon__recv_head *h, bool ids_clean)
{
    /* "http://" Host path, as gSOAP's parser builds soap->endpoint (one
     * that does not fit is an error there: let gSOAP say it) */
    size_t hl = strlen(h->host), pl = strlen(h->path);
    return ids_clean && soap->pblk == NULL && soap->d_stream != NULL && soap->ssl == NULL &&
           soap->fparse == master->fparse && soap->fparsehdr == master->fparsehdr &&
           (soap->imode & SOAP_IO) != SOAP_IO_CHUNK && !(soap->imode & SOAP_ENC_PLAIN) &&
           (soap->imode & SOAP_IO_KEEPALIVE) && hl < sizeof soap->endpoint - 9 &&
           pl < sizeof soap->path && 7 + hl + pl < sizeof soap->endpoint;
}

/* gSOAP's soap_free_ns(): the namespace stack. */
static void free_ns(struct soap *soap)
{
    for (struct soap_nlist *np = soap->nlist, *nq; np != NULL; np = nq) {
        nq = np->next;
        free(np);
    }
    soap->nlist = NULL;
}

/* soap_free_temp() but for the id and pointer tables (empty: see above). */
static void free_temp(struct soap *soap)
{
    free_ns(soap);
    while (soap->blist != NULL)
        soap_end_block(soap, NULL);
    for (struct soap_attribute *tp = soap->attributes, *tq; tp != NULL; tp = tq) {
        tq = tp->next;
        free(tp->value);
        free(tp);
    }
    soap->attributes = NULL;
    free(soap->labbuf);
    soap->labbuf = NULL;
    soap->lablen = 0;
    soap->labidx = 0;
    if (soap->local_namespaces != NULL) {
        for (struct Namespace *ns = soap->local_namespaces; ns->id != NULL; ns++) {
            free(ns->out);
            ns->out = NULL;
        }
        free(soap->local_namespaces);
        soap->local_namespaces = NULL;
    }
    while (soap->xlist != NULL) {
        struct soap_xlist *xp = soap->xlist->next;
        free(soap->xlist);
        soap->xlist = xp;
    }
}

/* What gSOAP's HTTP parser sets from the head dispatch.c writes: the
 * request line, Host, Content-Type, Content-Length, Connection and
 * Accept-Encoding. */
static void parsed_head(struct soap *soap, const ladon__recv_head *h)
{
    soap->fform = NULL;
    soap->bearer = NULL;
    soap->userid = NULL;
    soap->passwd = NULL;
    soap->authrealm = NULL;
    soap->proxy_from = NULL;
    soap->cors_origin = NULL;
    soap->cors_method = NULL;
    soap->cors_header = NULL;
    soap->action = NULL;
    soap->status = SOAP_POST;
    /* Host: "http://" and the host; the request line adds the path */
    size_t hl = strlen(h->host), pl = strlen(h->path);
    memcpy(soap->endpoint, "http://", 7);
    memcpy(soap->endpoint + 7, h->host, hl);
    memcpy(soap->endpoint + 7 + hl, h->path, pl + 1);
    memcpy(soap->path, h->path, pl + 1);
    soap->http_content = h->content_type;
    soap->length = h->length;
    soap->body = h->length != 0;
    if (!h->keep_alive)
        soap->keep_alive = 0; /* Connection: close */
    if (h->accept_gzip)
        soap->zlib_out = SOAP_ZLIB_GZIP;
    if (h->minor == 0) {
        soap->keep_alive = 0; /* gSOAP: "HTTP 1.0 does not support keep-alive" */
        if ((soap->omode & SOAP_IO) == SOAP_IO_CHUNK)
            soap->omode = (soap->omode & ~(soap_mode)SOAP_IO) | SOAP_IO_STORE;
    }
}

int ladon__recv_begin(struct soap *soap, const ladon__recv_head *h)
{
    soap->error = SOAP_OK;
    soap->recverror = SOAP_OK;
    free_temp(soap);
    soap_set_local_namespaces(soap);
    soap->version = 0;
    soap->imode &= ~(soap_mode)(SOAP_ENC_DIME | SOAP_ENC_MIME | SOAP_ENC_ZLIB);
    soap->mode = soap->imode;
    if (!soap->keep_alive)
        soap->buflen = soap->bufidx = 0;
    soap->null = 0;
    soap->position = 0;
    soap->mustUnderstand = 0;
    soap->shaky = 0;
    soap->ahead = 0;
    soap->peeked = 0;
    soap->level = 0;
    soap->part = SOAP_BEGIN_RECV;
    soap->count = 0;
    soap->length = 0;
    soap->cdata = 0;
    soap->endpoint[0] = '\0';
    soap->action = NULL;
    soap->fform = NULL;
    soap->header = NULL;
    soap->fault = NULL;
    soap->status = 0;
    soap->body = 1;
    soap->dom = NULL;
    soap->dime.count = 0;
    soap->dime.chunksize = 0;
    soap->dime.buflen = 0;
    soap->dime.list = NULL;
    soap->dime.first = NULL;
    soap->dime.last = NULL;
    soap->mime.list = NULL;
    soap->mime.first = NULL;
    soap->mime.last = NULL;
    soap->mime.boundary = NULL;
    soap->mime.start = NULL;
    soap->zlib_in = SOAP_ZLIB_NONE;
    soap->zlib_out = SOAP_ZLIB_NONE;
    soap->d_stream->avail_in = 0;
    soap->d_stream->next_out = (Byte *)soap->buf;
    soap->d_stream->avail_out = sizeof soap->buf;
    soap->z_ratio_in = 1.0;
    soap->start = (ULONG64)time(NULL);
    if (soap->fprepareinitrecv != NULL &&
        (soap->error = soap->fprepareinitrecv(soap)) != SOAP_OK)
        return soap->error;
    parsed_head(soap, h);
    /* (gSOAP re-reads imode after its parser, which changes it only for
     * headers this head does not have) */
    soap->mode &= ~(soap_mode)SOAP_ENC_ZLIB;
    if (!soap->body)
        return soap->error = SOAP_NO_DATA;
    return SOAP_OK;
}

int ladon__recv_end(struct soap *soap)
{
    if ((soap->mode & (SOAP_ENC_DIME | SOAP_ENC_MIME | SOAP_ENC_ZLIB | SOAP_ENC_MTOM)) ||
        (soap->mode & SOAP_IO) == SOAP_IO_CHUNK || soap->xlist != NULL)
        return soap_end_recv(soap);
    soap->part = SOAP_END;
    soap->wsuid = NULL;
    soap->c14nexclude = NULL;
    soap->c14ninclude = NULL;
    soap->ffilterrecv = NULL;
    soap->dime.list = soap->dime.first;
    soap->dime.first = NULL;
    soap->dime.last = NULL;
    soap->mime.list = soap->mime.first;
    soap->mime.first = NULL;
    soap->mime.last = NULL;
    soap->mime.boundary = NULL;
    /* (soap_resolve: the id table is empty; nothing to resolve) */
    free_ns(soap);
    if (soap->fpreparefinalrecv != NULL)
        return soap->error = soap->fpreparefinalrecv(soap);
    return SOAP_OK;
}
