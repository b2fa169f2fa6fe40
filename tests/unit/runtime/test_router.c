/* test_router.c - request head parsing, routing, WSDL addresses (public URL,
 * Host, trusted X-Forwarded-*), escaping, trusted proxies, the client address
 * behind them (X-Forwarded-For), and the XML depth pre-check.  No sockets. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <ladon/ladon.h>
#include "http.h"
#include "router.h"
#include "rt_cunit.h"
#include "rt_ladon.h"

static int parse(const char *s, ladon__http_req *req)
{
    return ladon__http_parse_head(s, strlen(s), req);
}

static void test_http_parse(void)
{
    ladon__http_req r;
    const char *h = "POST /Test?x=1 HTTP/1.1\r\nHost: a.b:80\r\nContent-Length: 12\r\n"
                    "Accept-Encoding: deflate, gzip;q=0.5\r\nX-Forwarded-Host: pub\r\n"
                    "X-Forwarded-Proto: https\r\nX-Forwarded-Prefix: /soap\r\n\r\nBODY";
    CU_ASSERT_EQUAL(parse(h, &r), (int)(strlen(h) - 4));
    CU_ASSERT_STRING_EQUAL(r.method, "POST");
    CU_ASSERT_STRING_EQUAL(r.path, "/Test");
    CU_ASSERT_STRING_EQUAL(r.query, "x=1");
    CU_ASSERT_STRING_EQUAL(r.host, "a.b:80");
    CU_ASSERT_STRING_EQUAL(r.xf_host, "pub");
    CU_ASSERT_STRING_EQUAL(r.xf_proto, "https");
    CU_ASSERT_STRING_EQUAL(r.xf_prefix, "/soap");
    CU_ASSERT_EQUAL(r.content_length, 12);
    CU_ASSERT(r.accept_gzip);
    CU_ASSERT(r.keep_alive);
    CU_ASSERT(!r.chunked);
    CU_ASSERT_STRING_EQUAL(r.xf_for, "");
    CU_ASSERT(!r.xf_too_long);
    CU_ASSERT(!r.xf_for_too_long);

    /* X-Forwarded-*: repeated lines continue one list, in order */
    CU_ASSERT(parse("GET / HTTP/1.1\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Host: a\r\n"
                    "x-forwarded-for:  5.6.7.8 , 9.9.9.9 \r\nX-Forwarded-Host: b\r\n"
                    "X-Forwarded-Proto: https\r\nX-Forwarded-Proto: http\r\n\r\n", &r) > 0);
    CU_ASSERT_STRING_EQUAL(r.xf_for, "1.2.3.4, 5.6.7.8 , 9.9.9.9");
    CU_ASSERT_STRING_EQUAL(r.xf_host, "a, b");
    CU_ASSERT_STRING_EQUAL(r.xf_proto, "https, http");
    {
        /* too long: flagged (the Host itself is fine) */
        char h[2048];
        char big[700];
        memset(big, 'a', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        snprintf(h, sizeof h, "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: %s\r\n\r\n", big);
        CU_ASSERT(parse(h, &r) > 0);
        CU_ASSERT(r.xf_for_too_long);
        CU_ASSERT(!r.xf_too_long);
        CU_ASSERT(!r.host_too_long);
        snprintf(h, sizeof h, "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Host: %s\r\n\r\n", big);
        CU_ASSERT(parse(h, &r) > 0);
        CU_ASSERT(r.xf_too_long);
        CU_ASSERT(!r.host_too_long);
        CU_ASSERT(!r.xf_for_too_long);
        snprintf(h, sizeof h, "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Proto: %.60s\r\n"
                 "X-Forwarded-Proto: https\r\n\r\n", big);
        CU_ASSERT(parse(h, &r) > 0);
        CU_ASSERT(r.xf_too_long);
    }

    /* incomplete heads need more bytes */
    CU_ASSERT_EQUAL(parse("", &r), 0);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: x\r\n", &r), 0);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: x\r\n\r", &r), 0);
    CU_ASSERT_EQUAL(parse("\r\n\r\n", &r), 0);
    /* bare LF and leading blank lines are accepted */
    CU_ASSERT(parse("\r\nGET / HTTP/1.0\nConnection: keep-alive\n\n", &r) > 0);
    CU_ASSERT_EQUAL(r.minor, 0);
    CU_ASSERT(r.keep_alive);
    CU_ASSERT(parse("GET / HTTP/1.0\r\n\r\n", &r) > 0);
    CU_ASSERT(!r.keep_alive);
    CU_ASSERT(parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", &r) > 0);
    CU_ASSERT(!r.keep_alive);
    CU_ASSERT(parse("GET / HTTP/1.1\r\nAccept-Encoding: gzip;q=0\r\n\r\n", &r) > 0);
    CU_ASSERT(!r.accept_gzip);
    CU_ASSERT(parse("GET / HTTP/1.1\r\nAccept-Encoding: br\r\n\r\n", &r) > 0);
    CU_ASSERT(!r.accept_gzip);
    CU_ASSERT(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r) > 0);
    CU_ASSERT(r.chunked);
    CU_ASSERT_EQUAL(r.content_length, -1);
    CU_ASSERT(parse("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", &r) > 0);
    CU_ASSERT(r.expect_continue);
    CU_ASSERT_EQUAL(r.expect_offset, 17);
    CU_ASSERT(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &r) > 0);

    /* errors */
    CU_ASSERT_EQUAL(parse("GET\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("GET /\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("GET x HTTP/1.1\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("GET / HTTP/2.0\r\n\r\n", &r), -505);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.2\r\n\r\n", &r), -505);
    CU_ASSERT_EQUAL(parse("GET / FTP/1.1\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("G@T / HTTP/1.1\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("VERYLONGMETHODNAME / HTTP/1.1\r\n\r\n", &r), -501);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nNoColon\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", &r),
                    -400);
    CU_ASSERT_EQUAL(parse("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                          &r), -400);
    CU_ASSERT_EQUAL(parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", &r), -501);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &r), -400);
    CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n", &r), -400);
    {
        /* a head that never ends */
        size_t n = LADON_HTTP_MAX_HEAD + 100;
        char *big = malloc(n + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(big);
        memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
        memset(big + 19, 'a', n - 19);
        big[n] = '\0';
        CU_ASSERT_EQUAL(ladon__http_parse_head(big, n, &r), -431);
        free(big);
    }
    for (size_t extra = 0; extra <= 1; extra++) {
        /* a complete head of exactly LADON_HTTP_MAX_HEAD bytes, and one byte more */
        size_t n = LADON_HTTP_MAX_HEAD + extra;
        char *big = malloc(n + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(big);
        memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
        memset(big + 19, 'a', n - 19 - 4);
        memcpy(big + n - 4, "\r\n\r\n", 4);
        big[n] = '\0';
        CU_ASSERT_EQUAL(ladon__http_parse_head(big, n, &r), extra == 0 ? (int)n : -431);
        free(big);
    }
    {
        char path[2100] = "GET /";
        memset(path + 5, 'p', 2000);
        strcpy(path + 2005, " HTTP/1.1\r\n\r\n");
        CU_ASSERT_EQUAL(parse(path, &r), -414);
    }
    CU_ASSERT_STRING_EQUAL(ladon__http_reason(404), "Not Found");
    CU_ASSERT_STRING_EQUAL(ladon__http_reason(999), "Unknown");
}

static int chunked(const char *s, uint64_t max, size_t *end)
{
    return ladon__http_chunked_end(s, strlen(s), max, end);
}

/* Idempotency-Key (docs/tasks.md): kept as sent; repeated, empty or too long -> bad */
static void test_idempotency_key(void)
{
    ladon__http_req r;
    char big[600];
    CU_ASSERT(parse("POST /T HTTP/1.1\r\nHost: h\r\nIdempotency-Key: \"abc-1\"\r\n"
                    "Content-Length: 0\r\n\r\n", &r) > 0);
    CU_ASSERT_STRING_EQUAL(r.idempotency_key, "\"abc-1\"");
    CU_ASSERT(!r.idempotency_key_bad);
    CU_ASSERT(parse("POST /T HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", &r) > 0);
    CU_ASSERT_STRING_EQUAL(r.idempotency_key, "");
    CU_ASSERT(!r.idempotency_key_bad);
    CU_ASSERT(parse("POST /T HTTP/1.1\r\nHost: h\r\nidempotency-key: a\r\nIdempotency-Key: b\r\n"
                    "Content-Length: 0\r\n\r\n", &r) > 0);
    CU_ASSERT(r.idempotency_key_bad);
    CU_ASSERT(parse("POST /T HTTP/1.1\r\nHost: h\r\nIdempotency-Key:\r\n"
                    "Content-Length: 0\r\n\r\n", &r) > 0);
    CU_ASSERT(r.idempotency_key_bad);
    int n = snprintf(big, sizeof big, "POST /T HTTP/1.1\r\nHost: h\r\nIdempotency-Key: %0300d\r\n"
                     "Content-Length: 0\r\n\r\n", 7);
    CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof big);
    CU_ASSERT(parse(big, &r) > 0);
    CU_ASSERT(r.idempotency_key_bad);
}

static void test_chunked(void)
{
    size_t end = 0;
    CU_ASSERT_EQUAL(chunked("5\r\nhello\r\n0\r\n\r\n", 100, &end), 1);
    CU_ASSERT_EQUAL(end, 15);
    CU_ASSERT_EQUAL(chunked("5\r\nhello\r\n0\r\n\r\nPOST / HTTP/1.1", 100, &end), 1);
    CU_ASSERT_EQUAL(end, 15);
    CU_ASSERT_EQUAL(chunked("A;ext=1\r\n0123456789\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n", 100,
                            &end), 1);
    CU_ASSERT_EQUAL(end, 42);
    CU_ASSERT_EQUAL(chunked("5\nhello\n0\n\n", 100, &end), 1);
    CU_ASSERT_EQUAL(end, 11);
    /* incomplete */
    CU_ASSERT_EQUAL(chunked("", 100, &end), 0);
    CU_ASSERT_EQUAL(chunked("5", 100, &end), 0);
    CU_ASSERT_EQUAL(chunked("5\r\nhel", 100, &end), 0);
    CU_ASSERT_EQUAL(chunked("5\r\nhello\r", 100, &end), 0);
    CU_ASSERT_EQUAL(chunked("5\r\nhello\r\n0\r\n", 100, &end), 0);
    CU_ASSERT_EQUAL(chunked("5\r\nhello\r\n0\r\nX-T: 1\r\n", 100, &end), 0);
    /* malformed */
    CU_ASSERT_EQUAL(chunked("x\r\n", 100, &end), -400);
    CU_ASSERT_EQUAL(chunked("5x\r\nhello\r\n", 100, &end), -400);
    CU_ASSERT_EQUAL(chunked("5\r\nhelloXX0\r\n\r\n", 100, &end), -400);
    CU_ASSERT_EQUAL(chunked("5\r\nhello\rX", 100, &end), -400);
    /* too large: one chunk, the sum, or an absurd size */
    CU_ASSERT_EQUAL(chunked("65\r\n", 100, &end), -413);
    CU_ASSERT_EQUAL(chunked("32\r\n", 100, &end), 0);
    CU_ASSERT_EQUAL(chunked("FFFFFFFFFFFFFFFFFFFFFFFF\r\n", 100, &end), -413);
    {
        char two[256];
        char fifty[51];
        memset(fifty, 'a', 50);
        fifty[50] = '\0';
        snprintf(two, sizeof two, "32\r\n%s\r\n33\r\n", fifty);
        CU_ASSERT_EQUAL(chunked(two, 100, &end), -413);
    }
}

static void sin4(struct sockaddr_storage *ss, const char *ip)
{
    struct sockaddr_in *s = (struct sockaddr_in *)ss;
    memset(ss, 0, sizeof *ss);
    s->sin_family = AF_INET;
    CU_ASSERT_EQUAL(inet_pton(AF_INET, ip, &s->sin_addr), 1);
}

static void sin6(struct sockaddr_storage *ss, const char *ip)
{
    struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
    memset(ss, 0, sizeof *ss);
    s->sin6_family = AF_INET6;
    CU_ASSERT_EQUAL(inet_pton(AF_INET6, ip, &s->sin6_addr), 1);
}

static void test_proxies(void)
{
    ladon__proxies p;
    struct sockaddr_storage ss;
    char err[256];

    CU_ASSERT_EQUAL(ladon__proxies_parse(&p, "", err, sizeof err), 0);
    CU_ASSERT_EQUAL(p.n, 0);
    sin4(&ss, "127.0.0.1");
    CU_ASSERT(!ladon__proxies_match(&p, (struct sockaddr *)&ss));

    CU_ASSERT_EQUAL(ladon__proxies_parse(&p, "10.0.0.1, 192.168.0.0/16 ,fd00::/8,::1", err,
                                         sizeof err), 0);
    CU_ASSERT_EQUAL(p.n, 4);
    sin4(&ss, "10.0.0.1");
    CU_ASSERT(ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin4(&ss, "10.0.0.2");
    CU_ASSERT(!ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin4(&ss, "192.168.77.3");
    CU_ASSERT(ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin4(&ss, "192.169.0.1");
    CU_ASSERT(!ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin6(&ss, "::1");
    CU_ASSERT(ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin6(&ss, "fd12::5");
    CU_ASSERT(ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin6(&ss, "fe80::1");
    CU_ASSERT(!ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin6(&ss, "::ffff:10.0.0.1"); /* v4-mapped matches the IPv4 entry */
    CU_ASSERT(ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin6(&ss, "::ffff:10.0.0.9");
    CU_ASSERT(!ladon__proxies_match(&p, (struct sockaddr *)&ss));
    CU_ASSERT(!ladon__proxies_match(&p, NULL));

    CU_ASSERT_EQUAL(ladon__proxies_parse(&p, "10.1.2.3/0", err, sizeof err), 0);
    sin4(&ss, "8.8.8.8");
    CU_ASSERT(ladon__proxies_match(&p, (struct sockaddr *)&ss));
    CU_ASSERT_EQUAL(ladon__proxies_parse(&p, "10.1.2.3/31", err, sizeof err), 0);
    sin4(&ss, "10.1.2.2");
    CU_ASSERT(ladon__proxies_match(&p, (struct sockaddr *)&ss));
    sin4(&ss, "10.1.2.4");
    CU_ASSERT(!ladon__proxies_match(&p, (struct sockaddr *)&ss));

    CU_ASSERT_EQUAL(ladon__proxies_parse(&p, "x", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'x'"));
    CU_ASSERT_EQUAL(ladon__proxies_parse(&p, "1.2.3.4/33", err, sizeof err), -1);
    CU_ASSERT_EQUAL(ladon__proxies_parse(&p, ",", err, sizeof err), -1);
    {
        char many[40 * 12] = "";
        for (int i = 0; i < 33; i++)
            strcat(many, i ? ",1.1.1.1" : "1.1.1.1");
        CU_ASSERT_EQUAL(ladon__proxies_parse(&p, many, err, sizeof err), -1);
    }
}

/* ladon__client on a request with the given X-Forwarded-For ("" = none). */
static unsigned client(const ladon__proxies *p, const char *peer_ip, const char *xff,
                       char *out, size_t outlen)
{
    struct sockaddr_storage ss;
    ladon__http_req q;
    char h[1024];
    if (strchr(peer_ip, ':') != NULL)
        sin6(&ss, peer_ip);
    else
        sin4(&ss, peer_ip);
    if (xff[0] != '\0')
        snprintf(h, sizeof h, "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: %s\r\n\r\n", xff);
    else
        snprintf(h, sizeof h, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    CU_ASSERT(parse(h, &q) > 0);
    return ladon__client(p, &q, (const struct sockaddr *)&ss, peer_ip, out, outlen);
}

static void test_client(void)
{
    ladon__proxies p;
    char err[128], out[64];

    CU_ASSERT_EQUAL_FATAL(ladon__proxies_parse(&p, "10.0.0.1, 10.0.0.2, 127.0.0.1, fd00::/8",
                                               err, sizeof err), 0);
    /* untrusted peer: X-Forwarded-For is ignored */
    CU_ASSERT_EQUAL(client(&p, "192.0.2.10", "203.0.113.7", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "192.0.2.10");
    /* trusted peer without X-Forwarded-For: the peer */
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    /* one proxy */
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "203.0.113.7", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "203.0.113.7");
    /* the client's own X-Forwarded-For (left) is not believed: the right-most
     * address that is not a trusted proxy */
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "198.51.100.1, 203.0.113.7", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "203.0.113.7");
    /* two proxies: 10.0.0.2 forwarded to 10.0.0.1 */
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "198.51.100.1,203.0.113.7,10.0.0.2", out, sizeof out),
                    2);
    CU_ASSERT_STRING_EQUAL(out, "203.0.113.7");
    /* every entry trusted: the left-most is the client (e.g. a local client) */
    CU_ASSERT_EQUAL(client(&p, "127.0.0.1", "127.0.0.1", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "127.0.0.1");
    CU_ASSERT_EQUAL(client(&p, "127.0.0.1", "10.0.0.2, 127.0.0.1", out, sizeof out), 2);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.2");
    /* ports, brackets, IPv6, IPv4-mapped IPv6 */
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "192.0.2.1:5555", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "192.0.2.1");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "[2001:db8::1]:443", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "2001:db8::1");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "[2001:DB8::2]", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "2001:db8::2");
    CU_ASSERT_EQUAL(client(&p, "fd00::5", "2001:db8::3 , fd00::7", out, sizeof out), 2);
    CU_ASSERT_STRING_EQUAL(out, "2001:db8::3");
    CU_ASSERT_EQUAL(client(&p, "::ffff:10.0.0.1", "::ffff:192.0.2.9", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "192.0.2.9");
    /* not an address: the last address vouched for (never the text itself) */
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "203.0.113.7, unknown", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "evil\" x=\"1, 10.0.0.2", out, sizeof out), 2);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.2");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "1.2.3.4 5.6.7.8", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "203.0.113.7,", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "1.2.3.4:", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "[::1]x", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "[::1", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "1.2.3.4:8a", out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    /* an X-Forwarded-For too long to keep is not used */
    {
        char xff[800] = "";
        for (int i = 0; i < 40; i++) /* > 512 bytes */
            strcat(xff, "203.0.113.77, ");
        strcat(xff, "192.0.2.1");
        CU_ASSERT_EQUAL(client(&p, "10.0.0.1", xff, out, sizeof out), 1);
        CU_ASSERT_STRING_EQUAL(out, "10.0.0.1");
    }
    /* only the count */
    CU_ASSERT_EQUAL(client(&p, "10.0.0.1", "203.0.113.7, 10.0.0.2", NULL, 0), 2);
    /* no trusted proxies at all */
    CU_ASSERT_EQUAL_FATAL(ladon__proxies_parse(&p, "", err, sizeof err), 0);
    CU_ASSERT_EQUAL(client(&p, "127.0.0.1", "203.0.113.7", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "127.0.0.1");
}

static void test_host_valid(void)
{
    CU_ASSERT(ladon__host_valid("example.com"));
    CU_ASSERT(ladon__host_valid("example.com:8080"));
    CU_ASSERT(ladon__host_valid("127.0.0.1:1"));
    CU_ASSERT(ladon__host_valid("[::1]:8080"));
    CU_ASSERT(ladon__host_valid("[::1]"));
    CU_ASSERT(ladon__host_valid("my_host-1"));
    CU_ASSERT(!ladon__host_valid(""));
    CU_ASSERT(!ladon__host_valid("a b"));
    CU_ASSERT(!ladon__host_valid("evil\"><x"));
    CU_ASSERT(!ladon__host_valid("a/b"));
    CU_ASSERT(!ladon__host_valid("user@host"));
    CU_ASSERT(!ladon__host_valid("host:"));
    CU_ASSERT(!ladon__host_valid("host:80:90"));
    CU_ASSERT(!ladon__host_valid("host:8a"));
    CU_ASSERT(!ladon__host_valid(":80"));
    CU_ASSERT(!ladon__host_valid("[::1"));
    CU_ASSERT(!ladon__host_valid("[::1]x"));
    CU_ASSERT(!ladon__host_valid("[::g]"));
    CU_ASSERT(!ladon__host_valid("a&b"));
}

static ladon__router router(const char *public_url, const char *proxies)
{
    ladon__router r;
    char err[128];
    memset(&r, 0, sizeof r);
    r.binding = &ladon_binding_rt;
    r.public_url = public_url;
    CU_ASSERT_EQUAL(ladon__proxies_parse(&r.proxies, proxies, err, sizeof err), 0);
    return r;
}

static void test_address(void)
{
    ladon__router r = router("", "10.0.0.1");
    ladon__http_req q;
    char out[512];

    parse("GET /Test?wsdl HTTP/1.1\r\nHost: h:81\r\nX-Forwarded-Host: pub.example\r\n"
          "X-Forwarded-Proto: https\r\nX-Forwarded-Prefix: /soap/\r\n\r\n", &q);
    /* untrusted peer: Host only */
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 0, "127.0.0.1:1", "Test", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "http://h:81/Test");
    /* trusted: forwarded host, proto, prefix */
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "127.0.0.1:1", "Test", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "https://pub.example/soap/Test");
    /* lists: the value of the outermost trusted proxy, the hops-th from the
     * right; what a client sent along (on the left) is not believed */
    parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Host: a.example, b.example\r\n"
          "X-Forwarded-Proto: http, https\r\nX-Forwarded-Prefix: /a,/b\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "https://b.example/b/Test");
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 2, "x", "Test", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "http://a.example/a/Test");
    /* fewer values than proxies: the left-most (set once by the outermost) */
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 3, "x", "Test", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "http://a.example/a/Test");
    /* Apache's mod_proxy appends the Host it was asked for to a forged value */
    parse("GET / HTTP/1.1\r\nHost: 127.0.0.1:8081\r\nX-Forwarded-Host: evil.example, "
          "soap.example.com\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Prefix: /soap\r\n"
          "X-Forwarded-For: 203.0.113.7\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "https://soap.example.com/soap/Test");
    /* an empty item is invalid, not skipped */
    parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Host: a.example,\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), -1);
    /* forwarded values too long: invalid when believed, ignored otherwise */
    {
        char h[1024], big[300];
        memset(big, 'a', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        snprintf(h, sizeof h, "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Host: %s\r\n\r\n", big);
        parse(h, &q);
        CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), -1);
        CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 0, "x", "Test", out, sizeof out), 0);
        CU_ASSERT_STRING_EQUAL(out, "http://h/Test");
    }
    /* trusted, only a prefix: Host with prefix */
    parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Prefix: /p\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "http://h/p/Test");
    /* bad forwarded values are rejected, not passed on */
    parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Host: evil\"><x\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), -1);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 0, "x", "Test", out, sizeof out), 0);
    parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Proto: gopher\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), -1);
    parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Prefix: nope\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), -1);
    parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Prefix: /a\"b\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Test", out, sizeof out), -1);
    /* bad Host */
    parse("GET / HTTP/1.1\r\nHost: a<b\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 0, "x", "Test", out, sizeof out), -1);
    /* no Host (HTTP/1.0): the local address */
    parse("GET / HTTP/1.0\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 0, "[::1]:8080", "Test", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "http://[::1]:8080/Test");
    /* too small an output buffer */
    parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 0, "x", "Test", out, 8), -1);

    /* --public-url wins over everything */
    r = router("https://soap.example.com/base", "10.0.0.1");
    parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Host: pub\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__service_address(&r, &q, 1, "x", "Other", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "https://soap.example.com/base/Other");
}

static void test_escape(void)
{
    char *b = NULL;
    size_t len = 0, cap = 0;
    CU_ASSERT_EQUAL(ladon__xml_escape_append(&b, &len, &cap, "a&b<c>d\"e'f"), 0);
    CU_ASSERT_STRING_EQUAL(b, "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    CU_ASSERT_EQUAL(len, strlen(b));
    CU_ASSERT_EQUAL(ladon__xml_escape_append(&b, &len, &cap, ""), 0);
    CU_ASSERT_STRING_EQUAL(b, "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    free(b);
}

static const struct sockaddr *peer(const char *ip, struct sockaddr_storage *ss)
{
    sin4(ss, ip);
    return (const struct sockaddr *)ss;
}

static void test_route(void)
{
    ladon__router r = router("", "10.0.0.1");
    ladon__route_result res;
    ladon__http_req q;
    struct sockaddr_storage ss;

    parse("GET /Test?wsdl HTTP/1.1\r\nHost: h:1\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 200);
    CU_ASSERT_STRING_EQUAL(res.content_type, "text/xml; charset=utf-8");
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "location=\"http://h:1/Test\"/>"));
    CU_ASSERT_EQUAL(res.body_len, strlen(res.body));
    free(res.body);

    parse("GET /Other?WSDL HTTP/1.1\r\nHost: h:1\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 200);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "<definitions name=\"Other\""));
    free(res.body);

    /* trusted proxy's headers are used; an untrusted peer's are not */
    parse("GET /Test?wsdl HTTP/1.1\r\nHost: h:1\r\nX-Forwarded-Host: pub\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("10.0.0.1", &ss), "l:2", &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "location=\"http://pub/Test\""));
    free(res.body);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("10.0.0.2", &ss), "l:2", &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "location=\"http://h:1/Test\""));
    free(res.body);
    /* through the proxy, a client's forged X-Forwarded-Host (left of the
     * proxy's own) is not believed */
    parse("GET /Test?wsdl HTTP/1.1\r\nHost: h:1\r\nX-Forwarded-Host: evil, pub:8080\r\n"
          "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Prefix: /soap\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("10.0.0.1", &ss), "l:2", &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "location=\"http://pub:8080/soap/Test\""));
    free(res.body);
    /* nor by claiming to be a proxy in X-Forwarded-For (1.2.3.4 is not one) */
    parse("GET /Test?wsdl HTTP/1.1\r\nHost: h:1\r\nX-Forwarded-Host: evil, pub\r\n"
          "X-Forwarded-For: 1.2.3.4, 203.0.113.7\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("10.0.0.1", &ss), "l:2", &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "location=\"http://pub/Test\""));
    free(res.body);
    /* an untrusted peer's forwarded headers are ignored, even invalid ones */
    parse("GET /Test?wsdl HTTP/1.1\r\nHost: h:1\r\nX-Forwarded-Host: a<b\r\n"
          "X-Forwarded-Proto: gopher\r\nX-Forwarded-Prefix: nope\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("10.0.0.2", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 200);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "location=\"http://h:1/Test\""));
    free(res.body);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("10.0.0.1", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 400);
    free(res.body);

    /* the public URL is XML-escaped in the WSDL */
    r = router("http://h/a&b", "");
    parse("GET /Test?wsdl HTTP/1.1\r\nHost: h:1\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "location=\"http://h/a&amp;b/Test\""));
    free(res.body);
    r = router("", "");

    /* bad Host on a WSDL request: 400 */
    parse("GET /Test?wsdl HTTP/1.1\r\nHost: a'b\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 400);
    free(res.body);

    /* index page lists every service with its WSDL URL, escaped */
    parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 200);
    CU_ASSERT_STRING_EQUAL(res.content_type, "text/html; charset=utf-8");
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "http://h/Test?wsdl"));
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "http://h/Other?wsdl"));
    CU_ASSERT_PTR_NOT_NULL(strstr(res.body, "A &lt;test&gt; service &amp; more"));
    free(res.body);
    /* a service's own page */
    parse("GET /Test HTTP/1.1\r\nHost: h\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 200);
    CU_ASSERT_PTR_NULL(strstr(res.body, "Other"));
    free(res.body);

    /* HEAD is GET without a body */
    parse("HEAD /Test?wsdl HTTP/1.1\r\nHost: h\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 200);
    CU_ASSERT(res.head_only);
    free(res.body);

    /* unknown paths: 404 for GET and POST */
    parse("GET /Nope?wsdl HTTP/1.1\r\nHost: h\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 404);
    free(res.body);
    parse("POST /Nope HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 404);
    free(res.body);
    parse("POST /Test/ HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 404);
    free(res.body);
    parse("POST /test HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 404);
    free(res.body);

    /* POST /Service (query ignored): a SOAP call for that service */
    parse("POST /Other?x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res.service);
    CU_ASSERT_STRING_EQUAL(res.service->name, "Other");
    CU_ASSERT_PTR_NULL(res.body);

    /* other methods */
    parse("PUT /Test HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", &q);
    CU_ASSERT_EQUAL(ladon__route(&r, &q, peer("1.2.3.4", &ss), "l:2", &res), 0);
    CU_ASSERT_EQUAL(res.status, 405);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.extra_headers, "Allow: GET, HEAD, POST"));
    free(res.body);

    CU_ASSERT_PTR_NULL(ladon__route_service(&ladon_binding_rt, "Test"));
    CU_ASSERT_PTR_NULL(ladon__route_service(&ladon_binding_rt, "/"));
    CU_ASSERT_PTR_NOT_NULL(ladon__route_service(&ladon_binding_rt, "/Test"));
}

int main(void)
{
    static const rt_test tests[] = {
        {"HTTP head parser", test_http_parse},
        {"chunked body framing", test_chunked},
        {"Idempotency-Key header", test_idempotency_key},
        {"trusted proxies", test_proxies},
        {"client address behind proxies", test_client},
        {"Host validation", test_host_valid},
        {"service address", test_address},
        {"XML escaping", test_escape},
        {"routing", test_route},
        {NULL, NULL},
    };
    return rt_run("runtime-router", tests, NULL, NULL);
}
