/* dispatch.c - serving one request: the gSOAP context and its hooks, the
 * operation of a SOAP request, and the fault policy.
 *
 * DESIGN
 * The request thread that took a connection (loop.c) calls
 * ladon__dispatch() for each complete request buffered on it.  GETs and
 * HTTP errors are answered from the router (router.c: which service, which
 * page) through http_out.c; a SOAP POST is decoded and checked (body.c,
 * xmlnorm.c), its operation found in the service's table, and served by
 * the generated glue on the thread's gSOAP context (a soap_copy of the
 * server's master context, so every setting, hook and the httppipe plugin
 * are the same).
 *
 * gSOAP never owns the socket: frecv hands gSOAP exactly the bytes of the
 * current request - the decoded body, behind a head written for gSOAP to
 * parse unless recv.c sets what gSOAP would read from it - and then
 * reports EOF, so gSOAP cannot read into (and lose) a pipelined next request
 * (docs/design.md section 4); the next request simply starts where this one
 * ended.  fsend writes with poll() and MSG_NOSIGNAL (no select(), so
 * descriptors above FD_SETSIZE work), fpoll skips gSOAP's select() probe,
 * and fclose only records that gSOAP wanted the connection closed: loop.c
 * is the one place that closes sockets.  gSOAP's httppipe plugin is
 * registered as a safety net: it would report bytes gSOAP left unparsed
 * (logged at debug level).  Experiment: after a chunked body gSOAP 2.8.124
 * has reset its buffer before the plugin's hook runs, so the plugin alone
 * would not save a pipelined request behind a chunked one; exact-length
 * hand-over does.  After every request: soap_destroy and end_request (a
 * soap_end without soap_free_temp), and taskcall.c releases what it set on
 * the call (ladon__taskcall_end).
 *
 * Faults: an error gSOAP reports while reading is a Client fault with the
 * stable texts of docs/faults.md (call.c's fseterror hook); a response
 * that would exceed --max-response-size or hold what XML does not allow is
 * stopped by ffiltersend and answered with a Server fault; a fault keeps
 * the connection open when the request asked for keep-alive; when memory
 * is too short for gSOAP to write a fault, a constant one is sent and the
 * connection closes.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdsoap2.h>
#include "httppipe.h"

#include "body.h"
#include "clock.h"
#include "config.h"
#include "dispatch.h"
#include "http_out.h"
#include "ladon/error.h"
#include "log.h"
#include "park.h"
#include "recv.h"
#include "server_internal.h"
#include "taskcall.h"
#include "xmlnorm.h"

/* A thread's decoding buffers are kept between requests up to this size. */
#define KEEP_BUF (256u * 1024u)
/* Why ffiltersend stopped a response (ladon__worker.out_refused). */
#define OUT_TOO_LARGE 1
#define OUT_INVALID 2

extern const char http_pipe_id[];

static ladon__worker *worker_of(struct soap *soap)
{
    ladon_call *call = (ladon_call *)soap->user;
    return call != NULL ? call->worker : NULL;
}

/* gSOAP frecv hook: the head serve_soap wrote, then the decoded body; then
 * EOF.  gSOAP never reads the client's bytes itself. */
static size_t w_frecv(struct soap *soap, char *s, size_t n)
{
    ladon__worker *w = worker_of(soap);
    size_t i = 0;

    if (w == NULL || w->conn == NULL)
        return 0;
    while (i < 2 && w->in[i].n == 0)
        i++;
    if (i == 2)
        return 0;
    if (n > w->in[i].n)
        n = w->in[i].n;
    memcpy(s, w->in[i].p, n);
    w->in[i].p += n;
    w->in[i].n -= n;
    return n;
}

static int w_fsend(struct soap *soap, const char *s, size_t n)
{
    ladon__worker *w = worker_of(soap);
    if (w == NULL || w->conn == NULL || w->io_failed)
        return SOAP_EOF;
    w->sent_any = true;
    if (ladon__send_all(w->conn->fd, s, n,
                        ladon__now_ms() + (int64_t)w->srv->cfg.send_timeout_ms) != 0) {
        w->io_failed = true;
        return SOAP_EOF;
    }
    /* the body's bytes: those after the head's blank line (response_complete) */
    {
        static const char end[] = "\r\n\r\n";
        size_t i = 0;
        while (w->head_match < 4 && i < n) {
            w->head_match = s[i] == end[w->head_match] ? w->head_match + 1 : s[i] == '\r' ? 1 : 0;
            i++;
        }
        if (w->head_match == 4)
            w->body_sent += n - i;
    }
    return SOAP_OK;
}

/* The request's decoded input is read: what gSOAP reads from goes, the
 * decoding buffers shrink back to KEEP_BUF (at the end of every request,
 * and as soon as gSOAP has read a large one). */
static void input_done(ladon__worker *w)
{
    w->in[0].n = w->in[1].n = 0;
    ladon__buf_reset(&w->dec_a, KEEP_BUF);
    ladon__buf_reset(&w->dec_b, KEEP_BUF);
    ladon__buf_reset(&w->norm, KEEP_BUF);
}

/* gSOAP fpreparefinalrecv hook (called through the httppipe plugin's), at
 * the end of soap_end_recv: the request is read, its values are in gSOAP's
 * memory.  A request larger than KEEP_BUF releases what only reading
 * needed before the operation runs: gSOAP's label buffer, which held each
 * string whole while it was read and grew by doubling (32 MiB after a
 * 16 MB string), the decoding buffers, and its own bytes in the
 * connection's buffer.  A 16 MB echo then peaks while it is read, not
 * also while the service copies the text and gSOAP writes the answer
 * (bench/README.md, "cost").  Not for m_wait: a parked request is served
 * again from its bytes (park.c). */
static int w_fpreparefinalrecv(struct soap *soap)
{
    ladon__worker *w = worker_of(soap);
    ladon__conn *c = w != NULL ? w->conn : NULL;

    if (soap->lablen > KEEP_BUF && soap->labbuf != NULL) {
        free(soap->labbuf); /* gSOAP's SOAP_MALLOC / SOAP_FREE: malloc and free */
        soap->labbuf = NULL;
        soap->lablen = 0;
        soap->labidx = 0;
    }
    if (c == NULL || w->input_dropped || c->req_len <= KEEP_BUF ||
        (w->call.op != NULL && w->call.op->kind == LADON_OP_TASK_WAIT))
        return SOAP_OK;
    input_done(w);
    if (ladon__conn_drop_request(c) == 0)
        w->input_dropped = true; /* (else: kept until the response is out) */
    return SOAP_OK;
}

/* Did the response go out whole: a head, then exactly the Content-Length
 * that gSOAP announced (fresponse)?  gSOAP can fail part way through a
 * body it already announced (out of memory while serializing the sending
 * pass, test_allocfail) and still report success for a fault; such a
 * connection must close, or the client waits for the missing bytes. */
static bool response_complete(const ladon__worker *w)
{
    return w->head_match == 4 && w->resp_announced && w->body_sent == w->resp_len &&
           !w->io_failed;
}

/* gSOAP wants the connection closed: record it; loop.c closes. */
static int w_fclose(struct soap *soap)
{
    ladon__worker *w = worker_of(soap);
    if (w != NULL && w->conn != NULL)
        w->conn->close = true;
    return SOAP_OK;
}

/* gSOAP's fresponse hook (the HTTP status line and headers).  soap_send_fault()
 * sets keep_alive to 0 before it calls this, so that every fault would
 * close the connection; the runtime framed the request exactly (w_frecv), so
 * the next request on the connection is not at risk, and the fault gets the
 * keep-alive the request asked for (serve_soap). */
static int w_fresponse(struct soap *soap, int status, ULONG64 count)
{
    ladon__worker *w = worker_of(soap);
    if (w == NULL)
        return SOAP_EOF;
    int rc;
    if (w->fault_keep_alive != 0)
        soap->keep_alive = w->fault_keep_alive;
    w->out_header = true; /* not part of the XML that ffiltersend checks */
    rc = w->srv->gsoap_fresponse(soap, status, count);
    w->out_header = false;
    if (rc == SOAP_OK) {
        w->resp_announced = true;
        w->resp_len = count;
        if (w->fault_keep_alive != 0)
            w->fault_answered = true;
    }
    return rc;
}

/* gSOAP's ffiltersend hook sees every byte of a response before it is
 * buffered, compressed or sent, in the counting pass (which computes the
 * Content-Length before anything is sent) and again in the sending pass.
 * The first pass that sees the response checks it: at most
 * --max-response-size bytes (stopping the serialization there, so an
 * oversized response costs no more than the limit) and nothing that is not
 * well-formed XML in UTF-8 (ladon__xmlout_feed).  On refusal, gSOAP stops
 * with SOAP_LENGTH and serve_soap answers a Server fault instead. */
static int w_ffiltersend(struct soap *soap, const char **s, size_t *n)
{
    ladon__worker *w = worker_of(soap);
    bool counting = (soap->mode & SOAP_IO_LENGTH) != 0;

    if (w == NULL || w->out_header)
        return SOAP_OK;
    if (counting != w->out_counting) {
        if (!counting)
            w->out_checked = true; /* the counting pass saw it all */
        w->out_counting = counting;
        w->out_bytes = 0;
    }
    if (w->out_checked && !counting)
        return SOAP_OK;
    w->out_bytes += *n;
    if (w->out_bytes > w->srv->cfg.max_response_bytes) {
        w->out_refused = OUT_TOO_LARGE;
        return SOAP_LENGTH;
    }
    if (ladon__xmlout_feed(&w->out_check, *s, *n) != 0) {
        w->out_refused = OUT_INVALID;
        return SOAP_LENGTH;
    }
    return SOAP_OK;
}

/* gSOAP 2.8.124's soap_append_lab sets lablen before it allocates labbuf
 * and leaves it set when the allocation fails: the next label (the next
 * QName of a fault, in this request or any later one on this context) is
 * then copied to NULL.  Found by test_allocfail; called before every fault
 * and after every request. */
static void lab_repair(struct soap *soap)
{
    if (soap->labbuf == NULL) {
        soap->lablen = 0;
        soap->labidx = 0;
    }
}

/* The binding's generated fault accessors (soapC.c), found at start-up
 * (libladon links no binding; every program that links one exports them,
 * since libgsoap needs them too). */
typedef const char **(*fault_field_fn)(struct soap *);
static fault_field_fn fault_code_fn, fault_string_fn;

static void find_fault_accessors(void)
{
    /* dlsym returns a data pointer; POSIX allows this conversion */
    void *code = dlsym(RTLD_DEFAULT, "soap_faultcode");
    void *string = dlsym(RTLD_DEFAULT, "soap_faultstring");
    memcpy(&fault_code_fn, &code, sizeof code);
    memcpy(&fault_string_fn, &string, sizeof string);
}

/* Can gSOAP build a fault?  soap_set_fault (inside soap_send_fault)
 * dereferences the fault struct it failed to allocate (found by
 * test_allocfail), so the runtime allocates it first. */
static bool fault_possible(struct soap *soap)
{
    return fault_code_fn != NULL && fault_string_fn != NULL && fault_code_fn(soap) != NULL &&
           fault_string_fn(soap) != NULL;
}

/* The answer when memory is too short for gSOAP to write a fault: a
 * constant, sent without allocating; the connection then closes. */
static void send_oom_fault(ladon__worker *w, ladon__conn *c)
{
#define OOM_BODY                                                                               \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\""          \
    "http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>"   \
    "SOAP-ENV:Server</faultcode><faultstring>out of memory</faultstring></SOAP-ENV:Fault>"      \
    "</SOAP-ENV:Body></SOAP-ENV:Envelope>\r\n"
    static const char resp[] = "HTTP/1.1 500 Internal Server Error\r\nServer: " LADON_SERVER_NAME
                               "\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: ";
    char len[24];
    int n = snprintf(len, sizeof len, "%zu\r\n", sizeof OOM_BODY - 1);
    static const char tail[] = "Connection: close\r\n\r\n" OOM_BODY;
    if (ladon__send_all(c->fd, resp, sizeof resp - 1,
                        ladon__now_ms() + (int64_t)w->srv->cfg.send_timeout_ms) != 0 ||
        n < 0 ||
        ladon__send_all(c->fd, len, (size_t)n,
                        ladon__now_ms() + (int64_t)w->srv->cfg.send_timeout_ms) != 0 ||
        ladon__send_all(c->fd, tail, sizeof tail - 1,
                        ladon__now_ms() + (int64_t)w->srv->cfg.send_timeout_ms) != 0)
        w->io_failed = true;
    w->sent_any = true;
    c->close = true;
#undef OOM_BODY
}

/* Starts the check of a new response (ffiltersend). */
static void out_reset(ladon__worker *w)
{
    memset(&w->out_check, 0, sizeof w->out_check);
    w->out_bytes = 0;
    w->out_counting = w->out_checked = w->out_header = false;
    w->out_refused = 0;
    w->head_match = 0;
    w->body_sent = 0;
    w->resp_announced = false;
    w->resp_len = 0;
}

/* gSOAP's fposthdr hook: one product name, no version, in every Server
 * header (gSOAP writes "gSOAP/2.8"). */
static int w_fposthdr(struct soap *soap, const char *key, const char *val)
{
    ladon__worker *w = worker_of(soap);
    if (key != NULL && strcmp(key, "Server") == 0)
        val = LADON_SERVER_NAME;
    return w != NULL ? w->srv->gsoap_fposthdr(soap, key, val) : SOAP_EOF;
}

/* gSOAP asks whether the peer is still there before sending a fault. */
static int w_fpoll(struct soap *soap)
{
    (void)soap;
    return SOAP_OK;
}

/* Installs the runtime's hooks and limits on the master context. */
int ladon__dispatch_init(struct ladon_server *srv)
{
    struct soap *m = soap_new1(SOAP_IO_KEEPALIVE | SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (m == NULL) {
        LADON_LOGE("out of memory (gSOAP context)");
        return LADON_ENOMEM;
    }
    soap_set_namespaces(m, srv->binding->namespaces);
    soap_set_imode(m, SOAP_XML_TREE); /* no id/href resolution (xmlnorm.c refuses href and ref) */
    m->recv_maxlength = (ULONG64)srv->cfg.max_request_bytes + LADON_HTTP_MAX_HEAD;
    m->maxlength = srv->cfg.max_string_bytes > LONG_MAX ? LONG_MAX
                                                        : (long)srv->cfg.max_string_bytes;
    m->maxlevel = srv->cfg.max_depth;
    m->maxoccurs = srv->cfg.max_items;
    m->recv_timeout = ladon__gsoap_timeout(srv->cfg.recv_timeout_ms);
    m->send_timeout = ladon__gsoap_timeout(srv->cfg.send_timeout_ms);
    m->transfer_timeout = m->recv_timeout;
    m->max_keep_alive = 0; /* the runtime decides how long connections live */
    m->bind_flags = 0;
    m->frecv = w_frecv;
    m->fsend = w_fsend;
    m->fclose = w_fclose;
    m->fpoll = w_fpoll;
    srv->gsoap_fresponse = m->fresponse;
    m->fresponse = w_fresponse;
    srv->gsoap_fposthdr = m->fposthdr;
    m->fposthdr = w_fposthdr;
    m->ffiltersend = w_ffiltersend;
    m->fpreparefinalrecv = w_fpreparefinalrecv; /* (before httppipe, which calls it) */
    m->fseterror = ladon__call_seterror;
    m->socket = SOAP_INVALID_SOCKET;
    m->master = SOAP_INVALID_SOCKET;
    find_fault_accessors();
    if (fault_code_fn == NULL)
        LADON_LOGW("the binding's soap_faultcode is not visible: a request that runs out of "
                   "memory gets a constant fault");
    if (soap_register_plugin(m, http_pipe) != SOAP_OK) {
        LADON_LOGE("cannot register gSOAP's httppipe plugin (error %d)", m->error);
        soap_free(m);
        return LADON_ENOMEM;
    }
    srv->master = m;
    return 0;
}

/* A response gSOAP does not produce (http_out.c), within --send-timeout. */
static int send_http(ladon__worker *w, ladon__conn *c, int status, const char *ctype,
                     const char *extra, const char *body, size_t blen, bool head_only,
                     bool keep)
{
    return ladon__http_respond(c->fd, ladon__now_ms() + (int64_t)w->srv->cfg.send_timeout_ms,
                               status, ctype, extra, body, blen, head_only, keep);
}

/* " user=NAME" for the request log when the caller has an identity, else
 * "": a name is UTF-8 without control characters (credentials.h), and its
 * spaces, '"', '\\' and '%' are written as %XX so that the line stays one
 * field per word. */
static void user_field(const char *user, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    out[0] = '\0';
    if (user == NULL || user[0] == '\0' || outlen < sizeof " user=")
        return;
    memcpy(out, " user=", sizeof " user=" - 1);
    n = sizeof " user=" - 1;
    for (const unsigned char *p = (const unsigned char *)user; *p != '\0' && n + 4 < outlen; p++) {
        if (*p == ' ' || *p == '"' || *p == '\\' || *p == '%') {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        } else {
            out[n++] = (char)*p;
        }
    }
    out[n] = '\0';
}

/* The info line of one request: client, method, path, operation, status
 * ("-": no response could be sent), duration, and the user when there is
 * one (never a credential).  The client is the peer, or behind trusted
 * proxies the address X-Forwarded-For names (ladon__client); a request
 * whose head could not be parsed is logged with the peer. */
static void log_request(const ladon__worker *w, const ladon__conn *c, const char *op, int status,
                        int64_t t0, const char *user)
{
    if (!ladon__log_enabled(LADON_LOG_INFO))
        return;
    {
        char st[16], client[sizeof c->peer_str], who[3 * LADON_USER_MAX + 8];
        int64_t dt = ladon__now_ms() - t0;
        if (status > 0)
            snprintf(st, sizeof st, "%d", status);
        else
            snprintf(st, sizeof st, "-");
        if (c->early_status != 0)
            snprintf(client, sizeof client, "%s", c->peer_str);
        else
            ladon__client(&w->srv->router.proxies, &c->req, (const struct sockaddr *)&c->peer,
                          c->peer_str, client, sizeof client);
        user_field(user, who, sizeof who);
        LADON_LOGI("%s %s %s %s %s %lldms%s", client, c->req.method[0] ? c->req.method : "-",
                   c->req.path[0] ? c->req.path : "-", op && op[0] ? op : "-", st,
                   (long long)dt, who);
    }
}

/* Sends a complete HTTP response that gSOAP does not produce. */

/* Local name of a qualified tag. */
static const char *local_name(const char *tag)
{
    const char *colon = strrchr(tag, ':');
    return colon ? colon + 1 : tag;
}

/* Prepares what gSOAP reads: the request's body decoded and checked
 * (body.c, xmlnorm.c) in w->in[1], and in *head what gSOAP is to know of
 * the request (so gSOAP never parses the client's head, never inflates
 * and never sees an attachment); *has_idref: an attribute is named id, ref
 * or href
 * (recv.c).  Returns 0; an HTTP status to answer instead (413, 415: the
 * text in w->call.error_msg); -1 for a Client fault whose text is in
 * w->call.error_msg; -2 when out of memory. */
static int prepare_input(ladon__worker *w, const ladon__conn *c, size_t start, int *soap12,
                         ladon__recv_head *head, bool *has_idref)
{
    const ladon__http_req *req = &c->req;
    char *msg = w->call.error_msg;
    size_t msglen = sizeof w->call.error_msg, blen;
    const char *body;
    int rc;

    rc = ladon__body_decode(req, c->buf + start + req->head_len, c->req_len - req->head_len,
                            w->srv->cfg.max_request_bytes, &w->dec_a, &w->dec_b, &body, &blen,
                            soap12, msg, msglen);
    switch (rc) {
    case LADON__BODY_OK:
        break;
    case LADON__BODY_BAD:
        return -1;
    case LADON__BODY_TOO_LARGE:
        return 413;
    case LADON__BODY_UNSUPPORTED:
        return 415;
    default:
        return -2;
    }
    rc = ladon__xml_normalize(body, blen, w->srv->cfg.max_depth, &w->norm, has_idref, msg,
                              msglen);
    if (rc == LADON__XML_REFUSED)
        return -1;
    if (rc == LADON__XML_NOMEM)
        return -2;
    if (rc == LADON__XML_REWRITTEN) {
        body = w->norm.p;
        blen = w->norm.len;
    }
    head->path = req->path;
    head->host = req->host[0] ? req->host : c->local_host;
    head->content_type = *soap12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8";
    head->length = blen;
    head->minor = req->minor;
    head->keep_alive = req->keep_alive;
    head->accept_gzip = req->accept_gzip;
    w->in[1].p = body;
    w->in[1].n = blen;
    return 0;
}

/* soap_begin() without soap_free_temp(): the fields gSOAP 2.8.124's
 * soap_begin() resets. */
static void begin_fields(struct soap *soap)
{
    soap->null = 0;
    soap->position = 0;
    soap->encoding = 0;
    soap->mustUnderstand = 0;
    soap->mode = 0;
    soap->ns = 0;
    soap->part = SOAP_END;
    soap->event = 0;
    soap->evlev = 0;
    soap->alloced = 0;
    soap->count = 0;
    soap->length = 0;
    soap->cdata = 0;
    soap->error = SOAP_OK;
    soap->peeked = 0;
    soap->ahead = 0;
    soap->idnum = 0;
    soap->level = 0;
    soap->endpoint[0] = '\0';
    soap->encodingStyle = "";
}

/* soap_end() without its soap_free_temp(): the arena (soap_dealloc) and the
 * socket's close hook, as gSOAP 2.8.124's soap_end does them.  What
 * soap_free_temp() frees - the namespace stack, open blocks, attribute
 * values, the id and pointer hash tables - points into nothing the arena
 * holds, and the next request's soap_begin_recv() calls soap_free_temp()
 * first thing (recv.c's ladon__recv_begin() all of it but the two tables,
 * when they are empty; soap_done at the end of the thread's life).  A call clears
 * both tables (a 32 KiB memset and a 1,999-bucket loop): 47,000 of the
 * 217,000 instructions of an `add` (bench/README.md).  gSOAP's own list of
 * C++ objects (clist) is always empty after soap_destroy() in C; if it
 * were not, the whole soap_end() runs. */
static void end_request(struct soap *soap)
{
    if (soap->clist != NULL) {
        soap_end(soap);
        return;
    }
    soap_dealloc(soap, NULL);
    soap_closesock(soap);
}

/* Begins reading the request's message: recv.c's ladon__recv_begin when
 * it may stand in for gSOAP, else gSOAP's soap_begin_recv behind the head
 * written for it.  Either way the id table is empty then; has_idref says
 * whether this message can put entries in it (w->ids_clean, which
 * ladon_end_recv and the next message rely on: nothing else reads XML on
 * the thread's context). */
static int begin_recv(ladon__worker *w, const ladon__recv_head *h, bool has_idref)
{
    struct soap *soap = w->soap;
    bool light = ladon__recv_light(soap, w->srv->master, h, w->ids_clean);

    if (!light) {
        int n = ladon__recv_head_write(h, w->head, sizeof w->head);
        if (n < 0)
            return soap->error = SOAP_EOM; /* cannot happen: path and Host are bounded by http.h */
        w->in[0].p = w->head;
        w->in[0].n = (size_t)n;
    }
    w->ids_clean = !has_idref; /* both begin with the table empty */
    return light ? ladon__recv_begin(soap, h) : soap_begin_recv(soap);
}

int ladon_end_recv(struct soap *soap)
{
    ladon__worker *w = worker_of(soap);
    /* a request thread's message: begin_recv knows whether it can have
     * put entries in the id table */
    if (w != NULL && w->soap == soap && w->ids_clean)
        return ladon__recv_end(soap);
    return soap_end_recv(soap);
}

/* Serves a SOAP POST with gSOAP; returns whether the connection stays open. */
static bool serve_soap(ladon__worker *w, ladon__conn *c, const ladon_service *svc,
                       const char *user, int64_t t0)
{
    struct soap *soap = w->soap;
    struct http_pipe_data *pipe = soap_lookup_plugin(soap, http_pipe_id);
    size_t start = c->rpos, total = c->req_len;
    int err, status = 0, prep, soap12 = 0;
    bool keep, fault_kept = false, has_idref = false;
    ladon__recv_head head;

    if (pipe != NULL)
        pipe->len = 0;
    w->conn = c;
    w->in[0].n = w->in[1].n = 0;
    w->io_failed = false;
    w->input_dropped = false;
    w->sent_any = false;
    out_reset(w);
    ladon__call_reset(&w->call, soap, svc, w);
    snprintf(w->call.user, sizeof w->call.user, "%s", user);
    soap->socket = c->fd;
    soap->bufidx = 0;
    soap->buflen = 0;
    soap->keep_alive = -1; /* keep-alive unless the request says otherwise */
    if (w->srv->cfg.gzip && c->req.accept_gzip)
        soap->omode |= SOAP_ENC_ZLIB;
    else
        soap->omode &= ~(soap_mode)SOAP_ENC_ZLIB;

    /* soap_begin_serve() without its soap_send_fault(), so that every
     * failure below gets the same treatment; and without soap_begin()'s
     * soap_free_temp(): begin_recv frees the same first thing, all of it
     * or, with recv.c, all but the two tables when they are empty (see
     * end_request). */
    begin_fields(soap);
    /* the service's own namespace table: its response declares only the
     * namespaces it uses.  gSOAP copies a table when it is set, so this is
     * done only when the worker's previous request was for another service
     * (soap->namespaces is the table last set; gSOAP 2.8.124 rebuilds a
     * copy that failed when it next begins to read or count). */
    struct Namespace *ns = svc->namespaces != NULL ? svc->namespaces : w->srv->binding->namespaces;
    if (soap->namespaces != ns && soap_set_namespaces(soap, ns) != SOAP_OK)
        prep = -2; /* out of memory: the constant fault below */
    else
        prep = prepare_input(w, c, start, &soap12, &head, &has_idref);
    if (prep > 0) {
        /* an HTTP error, not a SOAP fault: the body never was SOAP */
        char text[sizeof w->call.error_msg + 1];
        int len = snprintf(text, sizeof text, "%s\n", w->call.error_msg);
        keep = c->req.keep_alive && !atomic_load(&w->srv->stop_requested);
        if (send_http(w, c, prep, "text/plain; charset=utf-8", "", text,
                      len > 0 ? (size_t)len : 0, false, keep) != 0)
            keep = false;
        status = prep;
        err = SOAP_OK;
        log_request(w, c, NULL, status, t0, w->call.user);
        goto done;
    }
    if (prep < 0) {
        /* answered without parsing: plain SOAP, no compression */
        soap->omode &= ~(soap_mode)SOAP_ENC_ZLIB;
        soap->version = soap12 ? 2 : 1;
        /* gSOAP has not begun reading, which frees what the previous
         * request left (end_request): free it here, so that this fault is
         * built from the clean state every other one is (rare: a refused
         * body; test_server.c "the same fault after answers ...") */
        soap_free_temp(soap);
        w->ids_clean = true;
        if (prep == -1) {
            err = soap_sender_fault(soap, w->call.error_msg, NULL);
        } else {
            snprintf(w->call.error_msg, sizeof w->call.error_msg, "out of memory");
            err = soap_receiver_fault(soap, w->call.error_msg, NULL);
        }
    } else if ((err = begin_recv(w, &head, has_idref)) != SOAP_OK ||
               (err = soap_envelope_begin_in(soap)) != SOAP_OK ||
               (err = soap_recv_header(soap)) != SOAP_OK ||
               (err = soap_body_begin_in(soap)) != SOAP_OK) {
        /* the code returned, not soap->error: after a failed allocation
         * inside soap_peek_element gSOAP 2.8.124 returns SOAP_EOM with
         * soap->error still 0 (found by test_allocfail) */
        if (soap->error == SOAP_OK)
            soap->error = err;
        err = soap->error;
    } else {
        const ladon_operation *op = NULL;
        if (atomic_load(&w->srv->stop_requested))
            soap->keep_alive = 0; /* shutting down: answer "Connection: close" */
        err = soap_peek_element(soap);
        if (err == SOAP_OK) {
            for (size_t i = 0; i < svc->n_operations && op == NULL; i++)
                if (soap_match_tag(soap, soap->tag, svc->operations[i].tag) == SOAP_OK)
                    op = &svc->operations[i];
            if (op != NULL) {
                w->call.op = op;
                err = op->serve(soap);
            } else {
                snprintf(w->call.error_msg, sizeof w->call.error_msg,
                         "unknown operation '%.200s'", local_name(soap->tag));
                err = soap_sender_fault(soap, w->call.error_msg, NULL);
            }
        } else if (err == SOAP_NO_TAG) {
            snprintf(w->call.error_msg, sizeof w->call.error_msg, "empty SOAP Body");
            err = soap_sender_fault(soap, w->call.error_msg, NULL);
        }
    }
    if (w->call.parked && !w->sent_any && !w->io_failed) {
        /* m_wait parked the request (park.c): no answer now; the same
         * request is served again when its task ends or its time is up */
        c->parked = true;
        keep = true;
        total = 0; /* rpos stays at the request */
        goto done;
    }
    if (w->call.parked) /* (cannot be: nothing is sent before parking) */
        ladon__park_leave(w->srv, c);
    if (err == SOAP_OK && !w->sent_any && !w->io_failed) {
        /* success without a response: never leave a request unanswered */
        LADON_LOGE("%s: operation '%s' sent no response", c->peer_str,
                   w->call.op != NULL ? w->call.op->name : "?");
        snprintf(w->call.error_msg, sizeof w->call.error_msg, "internal error");
        err = soap_receiver_fault(soap, w->call.error_msg, NULL);
    }
    if (err != SOAP_OK)
        LADON_LOGD("%s: gSOAP error %d at <%s> level %u%s", c->peer_str, err, soap->tag,
                   soap->level, w->io_failed ? " (I/O failed)" : "");
    if (err != SOAP_OK && w->out_refused != 0) {
        /* ffiltersend stopped the response */
        if (w->sent_any) {
            c->close = true; /* part of it is out: the client sees it cut */
            w->io_failed = true;
        } else {
            LADON_LOGW("%s: operation '%s': %s", c->peer_str,
                       w->call.op != NULL ? w->call.op->name : "?",
                       w->out_refused == OUT_TOO_LARGE ? "response beyond --max-response-size"
                                                       : "response is not valid XML");
            snprintf(w->call.error_msg, sizeof w->call.error_msg, "%s",
                     w->out_refused == OUT_TOO_LARGE
                         ? "response too large (--max-response-size)"
                         : "the response would hold characters XML does not allow");
            err = soap_receiver_fault(soap, w->call.error_msg, NULL);
        }
    }
    if (err != SOAP_OK && soap->version == 0)
        soap->version = 1; /* no envelope was read: answer in SOAP 1.1 */
    if (err == SOAP_POST && !w->io_failed) {
        /* gSOAP's code for "the POST body is not a SOAP envelope": another
         * root element, or none before the body ended (frecv never fails:
         * the whole request is in the buffer) */
        snprintf(w->call.error_msg, sizeof w->call.error_msg, "%s",
                 soap->tag[0] ? "not a SOAP 1.1 envelope" : "malformed XML");
        err = soap_sender_fault(soap, w->call.error_msg, NULL);
    }
    if (err != SOAP_OK && err < SOAP_STOP && !w->io_failed && w->sent_any) {
        /* a response failed part way: no fault can follow it */
        LADON_LOGE("%s: operation '%s' failed while its response was sent (gSOAP error %d)",
                   c->peer_str, w->call.op != NULL ? w->call.op->name : "?", err);
        c->close = true;
    } else if (err != SOAP_OK && err < SOAP_STOP && !w->io_failed) {
        if (err == SOAP_EOF) {
            /* the whole body was read: it ended inside the XML */
            snprintf(w->call.error_msg, sizeof w->call.error_msg, "malformed XML");
            err = soap_sender_fault(soap, w->call.error_msg, NULL);
        }
        bool was_close = c->close;
        /* (a fault answered before gSOAP read the head: the request's own) */
        w->fault_keep_alive =
            c->req.keep_alive ? (prep < 0 ? (short)-1 : (short)soap->keep_alive) : 0;
        w->fault_answered = false;
        out_reset(w);
        lab_repair(soap);
        if (!fault_possible(soap)) {
            send_oom_fault(w, c);
        } else {
            /* soap_send_fault returns the fault's own code when it sent the
             * whole fault, another code when it failed part way (out of
             * memory: test_allocfail); then the connection must close */
            int code = soap->error, sent = soap_send_fault(soap);
            fault_kept = w->fault_answered && sent == code && response_complete(w);
        }
        /* gSOAP closes after a fault; the response said keep-alive */
        if (fault_kept)
            c->close = was_close;
        w->fault_keep_alive = 0;
    }
    if (err == SOAP_OK)
        status = 200;
    else if (!w->io_failed && err < SOAP_STOP && err != SOAP_EOF)
        status = 500;
    log_request(w, c, w->call.op ? w->call.op->name : NULL, status, t0, w->call.user);

    keep = (err == SOAP_OK ? soap->keep_alive != 0 && response_complete(w) : fault_kept) &&
           !c->close && !w->io_failed;
    if (pipe != NULL && pipe->len > 0)
        LADON_LOGD("%s: %zu request bytes left unparsed", c->peer_str, pipe->len);
done:
    c->rpos = w->input_dropped ? 0 : start + total; /* exactly the next request */
    lab_repair(soap);
    if (pipe != NULL)
        pipe->len = 0;
    soap_destroy(soap);
    end_request(soap);
    ladon__taskcall_end(&w->call);
    input_done(w);
    soap->socket = SOAP_INVALID_SOCKET;
    soap->user = NULL;
    w->conn = NULL;
    return keep;
}

/* Answers the request with a response of ours (a page, a WSDL, an HTTP
 * error), logs it, and steps past the request when the connection stays
 * open; returns whether it does. */
static bool answer(ladon__worker *w, ladon__conn *c, int status, const char *ctype,
                   const char *extra, const char *body, size_t blen, bool head_only, int64_t t0,
                   const char *user)
{
    bool keep = c->req.keep_alive && !atomic_load(&w->srv->stop_requested);
    if (send_http(w, c, status, ctype, extra, body, blen, head_only, keep) != 0)
        keep = false;
    log_request(w, c, NULL, status, t0, user);
    if (keep)
        c->rpos += c->req_len;
    return keep;
}

bool ladon__dispatch(ladon__worker *w, ladon__conn *c)
{
    struct ladon_server *srv = w->srv;
    int64_t t0 = ladon__now_ms();
    ladon__route_result res;
    ladon__auth_answer ans;
    bool keep;

    if (c->early_status != 0) {
        const char *text = ladon__http_error_text(c->early_status);
        send_http(w, c, c->early_status, "text/plain; charset=utf-8", "", text, strlen(text),
                  false, false);
        log_request(w, c, NULL, c->early_status, t0, NULL);
        return false;
    }
    if (ladon__route(&srv->router, &c->req, (const struct sockaddr *)&c->peer, c->local_host,
                     &res) != 0) {
        static const char text[] = "internal error\n";
        send_http(w, c, 500, "text/plain; charset=utf-8", "", text, sizeof text - 1, false,
                  false);
        log_request(w, c, NULL, 500, t0, NULL);
        return false;
    }
    {
        /* failed logins are counted by the client address of the log line */
        char client[sizeof c->peer_str] = "";
        if (srv->auth.file[0] != '\0')
            ladon__client(&srv->router.proxies, &c->req, (const struct sockaddr *)&c->peer,
                          c->peer_str, client, sizeof client);
        ladon__auth_identify(&srv->auth, c->buf + c->rpos, c->req.head_len,
                             ladon__proxies_match(&srv->router.proxies,
                                                  (const struct sockaddr *)&c->peer),
                             res.status == 0, client, t0, &ans);
    }
    if (ans.status != 0) {
        /* no identity where one is needed, or a wrong one: nothing is served */
        free(res.body);
        return answer(w, c, ans.status, "text/plain; charset=utf-8", ans.headers, ans.text,
                      strlen(ans.text), strcmp(c->req.method, "HEAD") == 0, t0, NULL);
    }
    if (res.status == 0)
        return serve_soap(w, c, res.service, ans.user, t0);
    keep = answer(w, c, res.status, res.content_type, res.extra_headers, res.body, res.body_len,
                  res.head_only, t0, ans.user);
    free(res.body);
    return keep;
}

int ladon__dispatch_worker_init(ladon__worker *w)
{
    w->soap = soap_copy(w->srv->master);
    if (w->soap == NULL) {
        LADON_LOGE("out of memory (gSOAP context of request thread %u)", w->index);
        return LADON_ENOMEM;
    }
    w->soap->socket = SOAP_INVALID_SOCKET;
    w->soap->master = SOAP_INVALID_SOCKET;
    w->soap->user = NULL;
    ladon__call_reset(&w->call, NULL, NULL, w);
    return 0;
}

void ladon__dispatch_worker_free(ladon__worker *w)
{
    if (w->soap != NULL) {
        w->soap->socket = SOAP_INVALID_SOCKET;
        w->soap->user = NULL;
        soap_destroy(w->soap);
        soap_end(w->soap);
        soap_free(w->soap);
        w->soap = NULL;
    }
    ladon__taskcall_free(&w->call);
    ladon__buf_free(&w->dec_a);
    ladon__buf_free(&w->dec_b);
    ladon__buf_free(&w->norm);
}

void ladon__dispatch_free(struct ladon_server *srv)
{
    if (srv->master != NULL) {
        soap_destroy(srv->master);
        soap_end(srv->master);
        soap_free(srv->master);
        srv->master = NULL;
    }
}
