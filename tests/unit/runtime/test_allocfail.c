/* test_allocfail.c - allocation-failure injection, SQLite's way: for each
 * kind of request, the Nth allocation after the request was sent fails,
 * for N = 1, 2, ... until one request runs without reaching N.  Each time
 * the request must get an answer (a fault, an HTTP error) or a closed
 * connection within 3 s, never a hang or a crash; the next request must
 * be answered correctly; and the number of live allocations must come
 * back to what it was (nothing leaked).
 *
 * The kinds: calls (plain, fault, rewritten, gzip, UTF-16, chunked), the
 * WSDL and the service browser's pages.
 *
 * This executable replaces malloc, calloc, realloc, free and the aligned
 * allocators for the whole process (glibc supports that; the replacements
 * count and delegate to __libc_*), so gSOAP's allocations fail too.  It is
 * built without sanitizers only: ASan brings its own allocator.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include <ladon/ladon.h>
#include "rt_client.h"
#include "rt_cunit.h"

/* ---- the counting allocator ------------------------------------------------ */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static atomic_long seq;     /* allocations so far (all threads) */
static atomic_long fail_at; /* the allocation (seq number) to fail; 0: none */
static atomic_long live;    /* blocks allocated and not freed */
static atomic_int injected; /* a failure was injected since reset */

static int should_fail(void)
{
    long s = atomic_fetch_add(&seq, 1) + 1;
    if (s == atomic_load(&fail_at)) {
        atomic_store(&injected, 1);
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

static void *counted(void *p)
{
    if (p != NULL)
        atomic_fetch_add(&live, 1);
    return p;
}

void *malloc(size_t n)
{
    return should_fail() ? NULL : counted(__libc_malloc(n));
}

void *calloc(size_t a, size_t b)
{
    return should_fail() ? NULL : counted(__libc_calloc(a, b));
}

void free(void *p)
{
    if (p != NULL) {
        atomic_fetch_sub(&live, 1);
        __libc_free(p);
    }
}

void *realloc(void *p, size_t n)
{
    if (p == NULL)
        return malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    return should_fail() ? NULL : __libc_realloc(p, n);
}

void *memalign(size_t align, size_t n)
{
    return should_fail() ? NULL : counted(__libc_memalign(align, n));
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p = memalign(align, n);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

/* ---- the requests ---------------------------------------------------------- */

static srv S;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The live count once the server is idle: unchanged over 50 ms (the
 * listener frees a closed connection after the client saw the response);
 * returns early when it reaches want (when want >= 0). */
static long settle(long want)
{
    long now = atomic_load(&live), same = 0;
    for (int i = 0; i < 300 && same < 5 && now != want; i++) {
        long prev = now;
        sleep_ms(10);
        now = atomic_load(&live);
        same = now == prev ? same + 1 : 0;
    }
    return now;
}

/* Is an add on a new connection answered 42? */
static int alive_add(void)
{
    client *c = cl_open(S.port);
    response r;
    int ok;
    if (c == NULL)
        return 0;
    ok = cl_sends(c, add_req(20, 22)) == 0 && cl_read(c, &r, 3000) == 0 && result_of(&r) == 42;
    cl_close(c);
    return ok;
}

/* Does the response hold a SOAP Fault (inflated when gzipped)? */
static int has_fault(const response *r)
{
    static char plain[65536];
    z_stream z;
    int ok;
    if (strcasestr(r->head, "Content-Encoding: gzip") == NULL)
        return strstr(r->body, "<SOAP-ENV:Fault>") != NULL;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, MAX_WBITS + 32) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(uintptr_t)r->body;
    z.avail_in = (uInt)r->body_len;
    z.next_out = (Bytef *)plain;
    z.avail_out = sizeof plain - 1;
    ok = inflate(&z, Z_FINISH) == Z_STREAM_END;
    plain[sizeof plain - 1 - z.avail_out] = '\0';
    inflateEnd(&z);
    return ok && strstr(plain, "<SOAP-ENV:Fault>") != NULL;
}

/* Sends raw[0..n) with every allocation after the Nth failing in turn. */
static void run_kind(const char *what, const char *req, size_t n)
{
    static char raw[16384]; /* post() and add_req() reuse their buffers */
    unsigned steps = 0, answered = 0, closed = 0;

    CU_ASSERT_FATAL(n <= sizeof raw);
    memcpy(raw, req, n);

    {
        /* request threads keep freed connection buffers for reuse: let them
         * hold as many as the test ever has connections open at once (a
         * closing one and the next), so that the cache never grows inside
         * a measured step */
        client *c[4];
        response r;
        for (int i = 0; i < 4; i++) {
            c[i] = cl_open(S.port);
            CU_ASSERT_PTR_NOT_NULL_FATAL(c[i]);
            CU_ASSERT_EQUAL(cl_sends(c[i], add_req(1, 1)), 0);
        }
        for (int i = 0; i < 4; i++) {
            CU_ASSERT_EQUAL(cl_read(c[i], &r, 3000), 0);
            cl_close(c[i]);
        }
    }
    for (int warm = 0; warm < 3; warm++) { /* caches and buffers settle */
        client *c = cl_open(S.port);
        response r;
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_EQUAL(cl_send(c, raw, n), 0);
        CU_ASSERT_EQUAL(cl_read(c, &r, 3000), 0);
        cl_close(c);
        CU_ASSERT(alive_add());
    }
    for (long nth = 1; nth < 100000; nth++) {
        long before = settle(-1), after;
        client *c = cl_open(S.port);
        response r;
        int rr, was, hung = 0, alive;
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        atomic_store(&injected, 0);
        atomic_store(&fail_at, atomic_load(&seq) + nth);
        /* (a send may fail: the server closes when it cannot take the connection) */
        rr = cl_send(c, raw, n) == 0 ? cl_read(c, &r, 3000) : -1;
        if (rr != 0 && !cl_eof(c, 3000))
            hung = 1;
        atomic_store(&fail_at, 0);
        was = atomic_load(&injected);
        cl_close(c);
        alive = alive_add();
        after = settle(before);
        /* CUnit allocates for a failed assertion: assert after counting */
        CU_ASSERT_EQUAL(after, before);
        CU_ASSERT(!hung);
        CU_ASSERT(alive);
        if (rr == 0) {
            answered++;
            CU_ASSERT(r.status == 200 || r.status == 500 || r.status == 503 || r.status == 413);
            if (r.status == 500 && strstr(r.head, "text/xml") != NULL)
                CU_ASSERT(has_fault(&r));
        } else {
            closed++;
        }
        if (after != before || hung || !alive || (rr == 0 && r.status != 200 && r.status != 500))
            fprintf(stderr, "\n  %s, allocation %ld failing: %ld blocks leaked, %s, next add %s,"
                            " status %d\n", what, nth, after - before,
                    hung ? "no answer" : "answered or closed", alive ? "served" : "NOT served",
                    rr == 0 ? r.status : -1);
        steps++;
        if (!was)
            break; /* the request needed fewer than nth allocations: every one failed once */
    }
    fprintf(stderr, " [%s: %u allocations failed in turn: %u answered, %u closed] ", what,
            steps - 1, answered, closed);
    CU_ASSERT(steps > 1);
}

static char *request(const char *path, const char *extra, const char *body, size_t blen,
                     size_t *n)
{
    static char buf[4][16384];
    static int slot;
    char *r = buf[slot++ % 4];
    int h = snprintf(r, sizeof buf[0],
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n%s"
                     "Content-Length: %zu\r\n\r\n", path, extra, blen);
    memcpy(r + h, body, blen);
    *n = (size_t)h + blen;
    return r;
}

static void test_plain(void)
{
    const char *r = add_req(1, 2);
    run_kind("add", r, strlen(r));
}

static void test_fault(void)
{
    const char *r = post("/Test", "<t:add xmlns:t=\"urn:ladon:test\"><a>x</a><b>2</b></t:add>", 1,
                         NULL);
    run_kind("fault", r, strlen(r));
}

static void test_rewritten(void)
{
    /* character references: the body is rewritten (xmlnorm.c) */
    const char *r = post("/Test", "<t:echo xmlns:t=\"urn:ladon:test\"><text>A&#x1F600;B&#60;"
                                  "</text></t:echo>", 1, "Accept-Encoding: gzip\r\n");
    run_kind("echo with references, gzip response", r, strlen(r));
}

static void test_gzip_request(void)
{
    char xml[2048], z[2048];
    uLongf zl = sizeof z;
    size_t n;
    z_stream s;
    const char *r;
    snprintf(xml, sizeof xml, "%s<t:echo xmlns:t=\"urn:ladon:test\"><text>%s</text></t:echo>%s",
             ENV1, "gzip me gzip me gzip me", ENV2);
    memset(&s, 0, sizeof s);
    CU_ASSERT_EQUAL_FATAL(deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    s.next_in = (Bytef *)xml;
    s.avail_in = (uInt)strlen(xml);
    s.next_out = (Bytef *)z;
    s.avail_out = (uInt)zl;
    CU_ASSERT_EQUAL(deflate(&s, Z_FINISH), Z_STREAM_END);
    zl = sizeof z - s.avail_out;
    deflateEnd(&s);
    r = request("/Test", "Content-Encoding: gzip\r\nAccept-Encoding: gzip\r\n", z, zl, &n);
    run_kind("gzip request", r, n);
}

static void test_utf16(void)
{
    char xml[2048], u[4096];
    size_t n, k = 0;
    const char *r;
    snprintf(xml, sizeof xml, "%s<t:echo xmlns:t=\"urn:ladon:test\"><text>utf-16</text></t:echo>%s",
             ENV1, ENV2);
    u[k++] = (char)0xFF;
    u[k++] = (char)0xFE;
    for (const char *p = xml; *p; p++) {
        u[k++] = *p;
        u[k++] = 0;
    }
    r = request("/Test", "", u, k, &n);
    run_kind("UTF-16 request", r, n);
}

static void test_chunked(void)
{
    static char r[4096];
    const char *body = add_req(3, 4);
    const char *xml = strstr(body, "\r\n\r\n") + 4;
    snprintf(r, sizeof r, "POST /Test HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%s\r\n0\r\n\r\n",
             strlen(xml), xml);
    run_kind("chunked request", r, strlen(r));
}

static void test_wsdl(void)
{
    static const char r[] = "GET /Test?wsdl HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    run_kind("WSDL", r, sizeof r - 1);
}

static void test_browser_home(void)
{
    static const char r[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    run_kind("browser home page", r, sizeof r - 1);
}

static void test_browser_service(void)
{
    static const char r[] = "GET /Test HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    run_kind("browser service page", r, sizeof r - 1);
}

static int suite_init(void)
{
    ladon_config cfg;
    tzset(); /* the log's timestamps: glibc keeps the zone it reads for good */
    base_config(&cfg);
    cfg.workers = 1;
    cfg.wait_threads = 0;
    cfg.log_level = -1; /* every failure would log "out of memory" */
    return srv_start(&S, &cfg);
}

static int suite_cleanup(void)
{
    return srv_stop(&S);
}

int main(void)
{
    static const rt_test tests[] = {
        {"a plain call", test_plain},
        {"a fault", test_fault},
        {"a rewritten body, gzipped response", test_rewritten},
        {"a gzip request", test_gzip_request},
        {"a UTF-16 request", test_utf16},
        {"a chunked request", test_chunked},
        {"a WSDL", test_wsdl},
        {"the service browser's home page", test_browser_home},
        {"a service browser page", test_browser_service},
        {NULL, NULL},
    };
    return rt_run("allocation failures", tests, suite_init, suite_cleanup);
}
