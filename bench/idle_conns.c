/* idle_conns.c - holds N idle keep-alive connections open to a server, for
 * the "idle connections" row of bench/run.sh.
 *
 * Each connection first makes one real request (POST PATH with the body of
 * BODYFILE, HTTP/1.1 keep-alive) and reads the whole response, which must
 * be a 200: so the server has accepted it and served it, and now holds it
 * as an idle keep-alive connection, exactly like a client between two
 * calls.  Then the program prints "ready N" and sends nothing more until
 * SIGTERM or SIGINT, when it counts how many connections the server closed
 * meanwhile (readable, hung up), prints "still open K of N", closes them
 * all and exits 0 (1 on any failure before "ready").
 *
 * Usage: idle_conns PORT N PATH BODYFILE          (host: 127.0.0.1)
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define N_MAX 100000

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(1);
    }
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one whole response (head + Content-Length body); its status, or -1. */
static int read_response(int fd)
{
    char buf[65536];
    size_t have = 0;
    for (;;) {
        char *end;
        ssize_t r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end != NULL) {
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            size_t head = (size_t)(end - buf) + 4, body;
            int status;
            if (cl == NULL || sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
                return -1;
            body = strtoul(cl + 17, NULL, 10);
            while (have < head + body) { /* the rest of the body */
                if (head + body > sizeof buf - 1)
                    return -1;
                r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0)
                    return -1;
                have += (size_t)r;
            }
            return have == head + body ? status : -1;
        }
        if (have >= sizeof buf - 1)
            return -1;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    struct rlimit rl;
    struct pollfd *fds;
    char *body, *req;
    size_t blen, rlen;
    long n, port, open_now = 0;
    struct sigaction act = {.sa_handler = on_signal};

    if (argc != 5) {
        fprintf(stderr, "usage: idle_conns PORT N PATH BODYFILE\n");
        return 2;
    }
    port = strtol(argv[1], NULL, 10);
    n = strtol(argv[2], NULL, 10);
    if (port <= 0 || port > 65535 || n <= 0 || n > N_MAX) {
        fprintf(stderr, "idle_conns: bad port or count\n");
        return 2;
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max : (rlim_t)n + 64;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            perror("setrlimit");
    }
    body = read_file(argv[4], &blen);
    req = malloc(blen + 512);
    if (req == NULL)
        return 1;
    rlen = (size_t)sprintf(req,
                           "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%ld\r\n"
                           "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\n"
                           "Content-Length: %zu\r\n\r\n",
                           argv[3], port, blen);
    memcpy(req + rlen, body, blen);
    rlen += blen;

    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fds = calloc((size_t)n, sizeof *fds);
    if (fds == NULL)
        return 1;
    for (long i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, status;
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            fprintf(stderr, "idle_conns: connection %ld: %s\n", i, strerror(errno));
            return 1;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (send_all(fd, req, rlen) != 0 || (status = read_response(fd)) != 200) {
            fprintf(stderr, "idle_conns: connection %ld: no 200 response\n", i);
            return 1;
        }
        fds[i].fd = fd;
        fds[i].events = POLLIN | POLLRDHUP;
    }
    printf("ready %ld\n", n);
    fflush(stdout);
    while (!stop)
        pause();
    if (poll(fds, (nfds_t)n, 0) < 0) {
        perror("poll");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        if (fds[i].revents == 0)
            open_now++;
        close(fds[i].fd);
    }
    printf("still open %ld of %ld\n", open_now, n);
    free(fds);
    free(req);
    free(body);
    return 0;
}
