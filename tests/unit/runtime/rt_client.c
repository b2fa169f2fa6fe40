/* rt_client.c - see rt_client.h. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../mono_clock.h"
#include "rt_client.h"
#include "rt_ladon.h"

void *run_thread(void *arg)
{
    srv *x = arg;
    x->rc = ladon_server_run(x->s);
    return NULL;
}

void base_config(ladon_config *cfg)
{
    ladon_config_init(cfg);
    strcpy(cfg->listen_host, "127.0.0.1");
    cfg->listen_port = 0;
    cfg->workers = 4;
    cfg->recv_timeout_ms = 1000;
    cfg->max_request_bytes = 8192;
    cfg->max_depth = 16;
    cfg->shutdown_grace_ms = 3000;
    cfg->log_level = 0; /* errors only: keep the test output readable */
}

int srv_start(srv *x, const ladon_config *cfg)
{
    memset(x, 0, sizeof *x);
    if (ladon_server_new(&x->s, cfg, &ladon_binding_rt) != 0)
        return -1;
    x->port = ladon_server_port(x->s);
    if (pthread_create(&x->th, NULL, run_thread, x) != 0)
        return -1;
    return 0;
}

int srv_stop(srv *x)
{
    ladon_server_stop(x->s);
    pthread_join(x->th, NULL);
    ladon_server_free(x->s);
    return x->rc;
}

/* ---- a raw HTTP client ----------------------------------------------------- */

client *cl_open(uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (c->fd >= 0)
            close(c->fd);
        free(c);
        return NULL;
    }
    return c;
}

void cl_close(client *c)
{
    if (c != NULL) {
        close(c->fd);
        free(c);
    }
}

int cl_send(client *c, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int cl_sends(client *c, const char *s)
{
    return cl_send(c, s, strlen(s));
}

/* Reads more bytes within timeout_ms; 1 read, 0 EOF, -1 timeout/error. */
int cl_fill(client *c, int timeout_ms)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    ssize_t r;
    if (c->len == sizeof c->buf)
        return -1;
    if (poll(&p, 1, timeout_ms) != 1)
        return -1;
    r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (r < 0)
        return -1;
    c->len += (size_t)r;
    return r > 0 ? 1 : 0;
}

void cl_consume(client *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

/* Reads one response (skipping 1xx); 0 or -1 on EOF/timeout/garbage. */
int cl_read(client *c, response *r, int timeout_ms)
{
    double deadline = lg_mono_s() + timeout_ms / 1000.0;
    memset(r, 0, sizeof *r);
    for (;;) {
        char *end = c->len ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
        if (end != NULL) {
            size_t hlen = (size_t)(end - c->buf) + 4;
            const char *cl;
            if (hlen >= sizeof r->head || sscanf(c->buf, "HTTP/1.%*d %d", &r->status) != 1)
                return -1;
            memcpy(r->head, c->buf, hlen);
            r->head[hlen] = '\0';
            if (r->status >= 100 && r->status < 200) {
                cl_consume(c, hlen);
                continue;
            }
            if (strcasestr(r->head, "Transfer-Encoding: chunked") != NULL) {
                /* decode in place, waiting for the terminating chunk */
                size_t pos = hlen, out = 0;
                for (;;) {
                    char *nl = memmem(c->buf + pos, c->len - pos, "\r\n", 2);
                    unsigned long sz;
                    if (nl == NULL || sscanf(c->buf + pos, "%lx", &sz) != 1 ||
                        (size_t)(nl - c->buf) + 2 + sz + 2 > c->len) {
                        int f = cl_fill(c, (int)((deadline - lg_mono_s()) * 1000));
                        if (f <= 0)
                            return -1;
                        pos = hlen;
                        out = 0;
                        continue;
                    }
                    pos = (size_t)(nl - c->buf) + 2;
                    if (sz == 0) {
                        cl_consume(c, pos + 2);
                        r->body_len = out;
                        return 0;
                    }
                    if (out + sz >= sizeof r->body)
                        return -1;
                    memcpy(r->body + out, c->buf + pos, sz);
                    out += sz;
                    pos += sz + 2;
                }
            }
            cl = strcasestr(r->head, "Content-Length:");
            if (cl == NULL)
                return -1;
            r->body_len = strtoul(cl + 15, NULL, 10);
            if (r->body_len >= sizeof r->body)
                return -1;
            while (c->len < hlen + r->body_len)
                if (cl_fill(c, (int)((deadline - lg_mono_s()) * 1000)) <= 0)
                    return -1;
            memcpy(r->body, c->buf + hlen, r->body_len);
            r->body[r->body_len] = '\0';
            cl_consume(c, hlen + r->body_len);
            return 0;
        }
        if (cl_fill(c, (int)((deadline - lg_mono_s()) * 1000)) <= 0)
            return -1;
    }
}

/* Is the connection closed by the server (EOF) within timeout_ms? */
int cl_eof(client *c, int timeout_ms)
{
    double deadline = lg_mono_s() + timeout_ms / 1000.0;
    for (;;) {
        int f = cl_fill(c, (int)((deadline - lg_mono_s()) * 1000));
        if (f == 0)
            return 1;
        if (f < 0)
            return 0;
        c->len = 0; /* discard */
    }
}

const char ENV1[] = "<?xml version=\"1.0\"?><s:Envelope "
                           "xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>";
const char ENV2[] = "</s:Body></s:Envelope>";

/* A POST of body (wrapped in an envelope when wrap) to path. */
char *post(const char *path, const char *body, int wrap, const char *extra)
{
    static char req[8][65536];
    static int slot;
    char *r = req[slot++ % 8];
    char b[60000];
    snprintf(b, sizeof b, "%s%s%s", wrap ? ENV1 : "", body, wrap ? ENV2 : "");
    snprintf(r, sizeof req[0],
             "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=utf-8\r\n"
             "%sContent-Length: %zu\r\n\r\n%s",
             path, extra ? extra : "", strlen(b), b);
    return r;
}

char *add_req(int a, int b)
{
    char body[256];
    snprintf(body, sizeof body, "<t:add xmlns:t=\"urn:ladon:test\"><a>%d</a><b>%d</b></t:add>", a,
             b);
    return post("/Test", body, 1, NULL);
}

int result_of(const response *r)
{
    const char *p = strstr(r->body, "<result>");
    return p ? atoi(p + 8) : -999999;
}
