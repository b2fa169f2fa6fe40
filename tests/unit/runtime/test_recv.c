/* test_recv.c - recv.c against gSOAP's own soap_begin_recv(): the same
 * request, read by one context behind the head recv.c writes and by
 * another through ladon__recv_begin() without it, leaves the same state,
 * field by field, and reads the same; so does ending it with
 * ladon__recv_end() instead of soap_end_recv().  A gSOAP whose soap_begin_recv() or
 * HTTP parser sets something recv.c does not fails here (recv.c's
 * DESIGN). */
#include <stdlib.h>
#include <string.h>

#include <stdsoap2.h>

#include "recv.h"
#include "rt_cunit.h"

static struct Namespace ns[] = {
    {"SOAP-ENV", "http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/*/soap-envelope",
     NULL},
    {"SOAP-ENC", "http://schemas.xmlsoap.org/soap/encoding/", "http://www.w3.org/*/soap-encoding",
     NULL},
    {"xsi", "http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/*/XMLSchema-instance",
     NULL},
    {"xsd", "http://www.w3.org/2001/XMLSchema", "http://www.w3.org/*/XMLSchema", NULL},
    {"t", "urn:ladon:test", NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

/* What a context reads: a head (or none), then a body; then EOF. */
typedef struct {
    const char *p[2];
    size_t n[2];
} feed;

static size_t t_frecv(struct soap *soap, char *s, size_t n)
{
    feed *f = soap->user;
    int i = 0;
    while (i < 2 && f->n[i] == 0)
        i++;
    if (i == 2)
        return 0;
    if (n > f->n[i])
        n = f->n[i];
    memcpy(s, f->p[i], n);
    f->p[i] += n;
    f->n[i] -= n;
    return n;
}

/* The prepare-final hook (the runtime's, through httppipe's): calls. */
static int finals;
static int t_final(struct soap *soap)
{
    (void)soap;
    finals++;
    return SOAP_OK;
}

/* A context set up as dispatch.c sets up a request thread's. */
static struct soap *context(feed *f)
{
    struct soap *s = soap_new1(SOAP_IO_KEEPALIVE | SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    soap_set_namespaces(s, ns);
    soap_set_imode(s, SOAP_XML_TREE);
    s->frecv = t_frecv;
    s->fpreparefinalrecv = t_final;
    s->user = f;
    return s;
}

static const char ENV11[] = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/"
                            "soap/envelope/\" xmlns:q=\"urn:q\"><s:Body>";
static const char ENV12[] = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/"
                            "soap-envelope\" xmlns:q=\"urn:q\"><s:Body>";
static const char ECHO[] = "<t:echo xmlns:t=\"urn:ladon:test\" q:x=\"1\"><text>hi &amp; "
                           "\xc3\xa9</text></t:echo></s:Body></s:Envelope>";

typedef struct {
    int begin, rest;
    char tag[64];
    char text[64];
    int keep_alive;
} outcome;

/* Reads the echo request behind begin's start (rc in o->begin), then its
 * element and text, then ends the message as the generated code does,
 * with endf (soap_end_recv or ladon__recv_end). */
static void read_rest(struct soap *s, outcome *o, int (*endf)(struct soap *))
{
    o->rest = soap_envelope_begin_in(s) || soap_recv_header(s) || soap_body_begin_in(s) ||
              soap_peek_element(s);
    if (o->rest == 0) {
        snprintf(o->tag, sizeof o->tag, "%.63s", s->tag);
        char *text = NULL;
        o->rest = soap_element_begin_in(s, "t:echo", 0, NULL) ||
                  soap_element_begin_in(s, "text", 0, NULL) ||
                  (text = soap_string_in(s, 1, -1, -1, NULL)) == NULL ||
                  soap_element_end_in(s, "text") || soap_element_end_in(s, "t:echo") ||
                  soap_body_end_in(s) || soap_envelope_end_in(s) || endf(s);
        snprintf(o->text, sizeof o->text, "%s", text != NULL ? text : "");
    }
    if (o->rest != 0)
        o->rest = s->error;
    o->keep_alive = s->keep_alive;
}

/* dispatch.c's end of a request (end_request: no soap_free_temp). */
static void end(struct soap *s)
{
    soap_destroy(s);
    soap_dealloc(s, NULL);
}

static int same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int table_empty(const struct soap *s)
{
    for (int i = 0; i < SOAP_IDHASH; i++)
        if (s->iht[i] != NULL)
            return 0;
    for (int i = 0; i < SOAP_PTRHASH; i++)
        if (s->pht[i] != NULL)
            return 0;
    return 1;
}

#define SAME(f)                                                                    \
    do {                                                                           \
        CU_ASSERT_EQUAL(a->f, b->f);                                               \
        if (a->f != b->f)                                                          \
            fprintf(stderr, "\n  %s: %s differs\n", what, #f);                     \
    } while (0)
#define SAME_STR(f)                                                                \
    do {                                                                           \
        CU_ASSERT(same_str(a->f, b->f));                                           \
        if (!same_str(a->f, b->f))                                                 \
            fprintf(stderr, "\n  %s: %s differs: %s / %s\n", what, #f,             \
                    a->f ? a->f : "(null)", b->f ? b->f : "(null)");               \
    } while (0)

/* Every field soap_begin_recv and gSOAP's HTTP parser set, but for what
 * counts the head's own bytes (count, buflen, bufidx: gSOAP has read the
 * head, recv.c's context has not) and the clock (start). */
static void compare(const char *what, const struct soap *a, const struct soap *b)
{
    SAME(error);
    SAME(recverror);
    SAME(status);
    SAME(length);
    SAME(body);
    SAME(keep_alive);
    SAME(zlib_in);
    SAME(zlib_out);
    SAME(zlib_state);
    SAME(z_ratio_in);
    SAME(mode);
    SAME(imode);
    SAME(omode);
    SAME(version);
    SAME(part);
    SAME(level);
    SAME(null);
    SAME(position);
    SAME(mustUnderstand);
    SAME(shaky);
    SAME(peeked);
    SAME(ahead);
    SAME(cdata);
    SAME_STR(endpoint);
    SAME_STR(path);
    SAME_STR(http_content);
    SAME_STR(action);
    SAME_STR(bearer);
    SAME_STR(userid);
    SAME_STR(passwd);
    SAME_STR(authrealm);
    SAME_STR(proxy_from);
    SAME_STR(cors_origin);
    SAME_STR(cors_method);
    SAME_STR(cors_header);
    SAME(fform);
    SAME(header);
    SAME(fault);
    SAME(dom);
    SAME(dime.count);
    SAME(dime.chunksize);
    SAME(dime.buflen);
    SAME(dime.list);
    SAME(dime.first);
    SAME(dime.last);
    SAME(mime.list);
    SAME(mime.first);
    SAME(mime.last);
    SAME(mime.boundary);
    SAME(mime.start);
    SAME(xlist);
    SAME(nlist);
    SAME(blist);
    SAME(attributes);
    SAME(labbuf);
    SAME(lablen);
    SAME(labidx);
    SAME(pblk);
    SAME(pidx);
    CU_ASSERT(a->start + 1 >= b->start && b->start + 1 >= a->start);
    CU_ASSERT(table_empty(a) && table_empty(b));
    CU_ASSERT_PTR_NOT_NULL(a->local_namespaces);
    CU_ASSERT_PTR_NOT_NULL(b->local_namespaces);
    if (a->local_namespaces != NULL && b->local_namespaces != NULL) {
        size_t i = 0;
        for (; a->local_namespaces[i].id != NULL && b->local_namespaces[i].id != NULL; i++) {
            CU_ASSERT_STRING_EQUAL(a->local_namespaces[i].id, b->local_namespaces[i].id);
            CU_ASSERT(same_str(a->local_namespaces[i].out, b->local_namespaces[i].out));
        }
        CU_ASSERT(a->local_namespaces[i].id == NULL && b->local_namespaces[i].id == NULL);
    }
}

/* What soap_end_recv sets. */
static void compare_end(const char *what, const struct soap *a, const struct soap *b)
{
    SAME(error);
    SAME(part);
    SAME(keep_alive);
    SAME(mode);
    SAME(wsuid);
    SAME(c14nexclude);
    SAME(c14ninclude);
    SAME(ffilterrecv);
    SAME(dime.list);
    SAME(dime.first);
    SAME(dime.last);
    SAME(mime.list);
    SAME(mime.first);
    SAME(mime.last);
    SAME(mime.boundary);
    SAME(nlist);
    SAME(xlist);
    SAME(level);
    CU_ASSERT(table_empty(a) && table_empty(b));
}

/* One request both ways, twice on the same two contexts (the second time
 * recv.c frees what its own first message left), after a first message
 * both read with gSOAP (so that soap_free_temp has namespaces, attributes
 * and a label buffer to free). */
static void both_ways(const char *what, ladon__recv_head h, const char *env)
{
    char body[1024], head[2048];
    feed fa = {{NULL, NULL}, {0, 0}}, fb = fa;
    /* set up alike, so a stands for b's master (the same HTTP parser) */
    struct soap *a = context(&fa), *b = context(&fb);
    snprintf(body, sizeof body, "%s%s", env, ECHO);
    if (h.length != 0)
        h.length = strlen(body);
    int hl = ladon__recv_head_write(&h, head, sizeof head);
    CU_ASSERT_FATAL(hl > 0);

    for (int round = 0; round < 3; round++) {
        outcome oa = {0}, ob = {0};
        fa = (feed){{head, body}, {(size_t)hl, h.length}};
        fb = (feed){{NULL, body}, {0, h.length}};
        a->keep_alive = b->keep_alive = -1; /* as dispatch.c sets it */
        a->bufidx = a->buflen = b->bufidx = b->buflen = 0;
        oa.begin = soap_begin_recv(a);
        if (round == 0) {
            /* the first message: gSOAP's own way for both (no d_stream yet) */
            CU_ASSERT_FALSE(ladon__recv_light(b, a, &h, true));
            fb = fa;
            fb.p[0] = head;
            fb.n[0] = (size_t)hl;
            ob.begin = soap_begin_recv(b);
        } else {
            CU_ASSERT_TRUE_FATAL(ladon__recv_light(b, a, &h, true));
            CU_ASSERT_FALSE(ladon__recv_light(b, a, &h, false));
            ob.begin = ladon__recv_begin(b, &h);
            compare(what, a, b);
        }
        CU_ASSERT_EQUAL(oa.begin, ob.begin);
        if (oa.begin == SOAP_OK) {
            int fa0 = finals;
            read_rest(a, &oa, soap_end_recv);
            int fb0 = finals;
            read_rest(b, &ob, round == 0 ? soap_end_recv : ladon__recv_end);
            if (round > 0) {
                compare_end(what, a, b);
                CU_ASSERT_EQUAL(fb0 - fa0, 1);
                CU_ASSERT_EQUAL(finals - fb0, 1);
            }
            CU_ASSERT_EQUAL(oa.rest, SOAP_OK);
            CU_ASSERT_EQUAL(ob.rest, oa.rest);
            CU_ASSERT_STRING_EQUAL(ob.tag, oa.tag);
            CU_ASSERT_STRING_EQUAL(oa.text, "hi & \xc3\xa9");
            CU_ASSERT_STRING_EQUAL(ob.text, oa.text);
            CU_ASSERT_EQUAL(ob.keep_alive, oa.keep_alive);
        }
        end(a);
        end(b);
    }
    soap_free(a);
    soap_free(b);
}

static void test_same_state(void)
{
    const ladon__recv_head base = {.path = "/Test",
                                   .host = "127.0.0.1:8080",
                                   .content_type = "text/xml; charset=utf-8",
                                   .length = 1,
                                   .minor = 1,
                                   .keep_alive = true,
                                   .accept_gzip = false};
    ladon__recv_head h = base;
    both_ways("HTTP/1.1 keep-alive", h, ENV11);
    h.keep_alive = false;
    both_ways("HTTP/1.1 close", h, ENV11);
    h = base;
    h.minor = 0;
    both_ways("HTTP/1.0 keep-alive", h, ENV11);
    h.keep_alive = false;
    both_ways("HTTP/1.0 close", h, ENV11);
    h = base;
    h.accept_gzip = true;
    both_ways("Accept-Encoding: gzip", h, ENV11);
    h = base;
    h.content_type = "application/soap+xml; charset=utf-8";
    both_ways("SOAP 1.2", h, ENV12);
    h = base;
    h.host = "[::1]:8080";
    h.path = "/a/b%20c/Test";
    both_ways("IPv6 host, longer path", h, ENV11);
    h = base;
    h.length = 0;
    both_ways("empty body", h, ENV11);
}

/* recv.c stands in for gSOAP only where it knows the state. */
static void test_when_not(void)
{
    feed f = {{NULL, NULL}, {0, 0}};
    struct soap *s = context(&f);
    struct soap *master = context(&f);
    ladon__recv_head h = {.path = "/Test", .host = "h", .content_type = "text/xml",
                          .length = 10, .minor = 1, .keep_alive = true};
    /* no decompression stream yet: gSOAP allocates it in its first
     * soap_begin_recv */
    CU_ASSERT_FALSE(ladon__recv_light(s, master, &h, true));
    static const char body[] = "<x/>";
    f = (feed){{NULL, body}, {0, sizeof body - 1}};
    CU_ASSERT_EQUAL(soap_begin_recv(s), SOAP_OK);
    end(s);
    CU_ASSERT_TRUE(ladon__recv_light(s, master, &h, true));
    /* an id attribute may have left entries in the id table */
    CU_ASSERT_FALSE(ladon__recv_light(s, master, &h, false));
    /* an endpoint that does not fit: gSOAP's own error */
    static char path[SOAP_TAGLEN];
    memset(path, 'p', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    h.path = path;
    CU_ASSERT_FALSE(ladon__recv_light(s, master, &h, true));
    path[sizeof path - 4] = '\0'; /* fits soap->path, not "http://h" and it */
    CU_ASSERT_FALSE(ladon__recv_light(s, master, &h, true));
    path[sizeof path - 9] = '\0'; /* both */
    CU_ASSERT_TRUE(ladon__recv_light(s, master, &h, true));
    h.path = "/Test";
    /* another HTTP parser (a plugin's) */
    s->fparsehdr = NULL;
    CU_ASSERT_FALSE(ladon__recv_light(s, master, &h, true));
    s->fparsehdr = master->fparsehdr;
    CU_ASSERT_TRUE(ladon__recv_light(s, master, &h, true));
    soap_free(s);
    soap_free(master);
}

int main(void)
{
    static const rt_test tests[] = {
        {"the same state and reading as soap_begin_recv", test_same_state},
        {"gSOAP's own way where recv.c does not know the state", test_when_not},
        {NULL, NULL},
    };
    return rt_run("recv", tests, NULL, NULL);
}
