/* fuzz_request.c - libFuzzer harness: the whole request path of
 * ladon-examples, bytes in, bytes out.
 *
 * A real server (libladon with the example binding, two workers) runs in
 * this process on a free port of 127.0.0.1; each input is sent on a new
 * connection, which is then half-closed, and everything the server answers
 * until it closes is read.  Invariants: no crash, leak or sanitizer report
 * in the server; the server answers (or closes) within 5 s; every response
 * is well-formed HTTP/1.1 (status line, headers, a Content-Length body),
 * and every text/xml body (inflated when gzipped) is well-formed XML in
 * valid UTF-8 (libxml2).  Inputs with "HEAD" are skipped (a HEAD answer
 * has a Content-Length but no body, which this checker cannot tell).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <zlib.h>

#include <ladon/ladon.h>

#include "examples_ladon.h"
#include "instances_init.h"
#include "tasks_init.h"

static ladon_server *srv;
static uint16_t port;

static void *run(void *arg)
{
    (void)arg;
    ladon_server_run(srv);
    return NULL;
}

static void start(void)
{
    static ladon_config cfg;
    static char dir[] = "/tmp/ladon-fuzz-XXXXXX";
    char err[256], readme[64];
    pthread_t t;
    FILE *f;

    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(readme, sizeof readme, "%s/README", dir); /* no demo instances */
    if ((f = fopen(readme, "w")) == NULL)
        abort();
    fputs("fuzz\n", f);
    fclose(f);
    {
        char *argv[] = {"fuzz_request", "--listen", "127.0.0.1:0", "--workers", "2",
                        "--log-level", "error", "--recv-timeout", "2000",
                        "--max-request-size", "256K", "--data-dir", dir, NULL};
        ladon_config_init(&cfg);
        if (ladon_config_parse(&cfg, (int)(sizeof argv / sizeof argv[0]) - 1, argv, err,
                               sizeof err) != 0) {
            fprintf(stderr, "fuzz_request: %s\n", err);
            abort();
        }
    }
    setenv("LADON_EXAMPLE_STEP_MS", "1", 1);
    if (tasks_init(&cfg, err, sizeof err) != 0 || instances_init(&cfg, err, sizeof err) != 0 ||
        ladon_server_new(&srv, &cfg, &ladon_binding_examples) != 0) {
        fprintf(stderr, "fuzz_request: cannot start the server: %s\n", err);
        abort();
    }
    port = ladon_server_port(srv);
    if (pthread_create(&t, NULL, run, NULL) != 0)
        abort();
    pthread_detach(t);
}

/* Reads until the server closes (or 5 s pass: a hang, which aborts). */
static size_t read_all(int fd, char **out)
{
    size_t len = 0, cap = 65536;
    char *buf = malloc(cap);
    if (buf == NULL)
        abort();
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t r;
        int pr = poll(&p, 1, 5000);
        if (pr == 0) {
            fprintf(stderr, "fuzz_request: no answer and no close within 5 s\n");
            abort();
        }
        if (len == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (nb == NULL)
                abort();
            buf = nb;
        }
        r = recv(fd, buf + len, cap - len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* closed (or reset) */
        len += (size_t)r;
    }
    *out = buf;
    return len;
}

static const char *header(const char *head, size_t hlen, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = head; p + nl < head + hlen; p++)
        if ((p == head || p[-1] == '\n') && strncasecmp(p, name, nl) == 0 && p[nl] == ':')
            return p + nl + 1;
    return NULL;
}

static void check_xml(const char *body, size_t n, int gzipped)
{
    char *plain = NULL;
    const char *doc = body;
    size_t dlen = n;
    xmlDocPtr d;
    if (gzipped) {
        z_stream z;
        size_t cap = n * 8 + 4096;
        memset(&z, 0, sizeof z);
        if ((plain = malloc(cap)) == NULL || inflateInit2(&z, MAX_WBITS + 32) != Z_OK)
            abort();
        z.next_in = (Bytef *)(uintptr_t)body;
        z.avail_in = (uInt)n;
        z.next_out = (Bytef *)plain;
        z.avail_out = (uInt)cap;
        if (inflate(&z, Z_FINISH) != Z_STREAM_END) {
            fprintf(stderr, "fuzz_request: a gzip response does not inflate\n");
            abort();
        }
        dlen = cap - z.avail_out;
        inflateEnd(&z);
        doc = plain;
    }
    d = xmlReadMemory(doc, (int)dlen, "response.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                             XML_PARSE_NOWARNING);
    if (d == NULL) {
        fprintf(stderr, "fuzz_request: a response is not well-formed XML:\n%.*s\n", (int)dlen, doc);
        abort();
    }
    xmlFreeDoc(d);
    free(plain);
}

/* Every response in buf[0..n): status line, head, Content-Length body. */
static void check_responses(const char *buf, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *end = memmem(buf + i, n - i, "\r\n\r\n", 4), *cl, *ct, *ce;
        size_t hlen, blen;
        if (n - i < 12 || memcmp(buf + i, "HTTP/1.", 7) != 0 || buf[i + 8] != ' ') {
            fprintf(stderr, "fuzz_request: not an HTTP response: %.*s\n", (int)(n - i), buf + i);
            abort();
        }
        if (end == NULL)
            abort(); /* a head that does not end */
        hlen = (size_t)(end - (buf + i)) + 4;
        if (memcmp(buf + i + 9, "100 ", 4) == 0) {
            i += hlen;
            continue;
        }
        cl = header(buf + i, hlen, "Content-Length");
        if (cl == NULL)
            abort(); /* the runtime frames every response */
        blen = strtoul(cl, NULL, 10);
        if (blen > n - i - hlen)
            abort(); /* cut short */
        ct = header(buf + i, hlen, "Content-Type");
        ce = header(buf + i, hlen, "Content-Encoding");
        if (ct != NULL && strncmp(ct, " text/xml", 9) == 0 && blen > 0)
            check_xml(buf + i + hlen, blen, ce != NULL && strncmp(ce, " gzip", 5) == 0);
        i += hlen + blen;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sockaddr_in a;
    int fd;
    char *resp;
    size_t n;

    /* a HEAD response has a Content-Length but no body: this checker,
     * which does not track requests, would misread what follows it */
    if (memmem(data, size, "HEAD", 4) != NULL)
        return 0;
    if (srv == NULL)
        start();
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        abort();
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        abort();
    for (size_t off = 0; off < size;) {
        ssize_t w = send(fd, data + off, size - off, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server closed early (an error answered): fine */
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    n = read_all(fd, &resp);
    close(fd);
    check_responses(resp, n);
    free(resp);
    return 0;
}
