/* mc_get.c - the raw get rate of a memcached server: the physical limit of
 * a task progress poll against the memcached store (bench/run.sh).
 *
 * THREADS threads, each with CONNS/THREADS connections in an epoll set,
 * keep exactly one ASCII "get KEY" outstanding per connection (a closed
 * loop, like wrk's connections: send, wait for the whole answer, send the
 * next), for SECONDS seconds.  Every answer must be a hit (VALUE ... END);
 * a miss or a protocol error counts as an error.  Prints one line in the
 * format of bench/wrk/soap.lua:
 *   BENCH requests=N duration_us=N rps=R p50_us=N p99_us=N bad=N
 *
 * Usage: mc_get PORT KEY SECONDS [THREADS [CONNS]]   (127.0.0.1; 2 32)
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HIST_US 1000000 /* latencies up to 1 s, 1 us buckets */
#define BUF_MAX 65536

typedef struct conn {
    int fd;
    size_t have;
    int64_t sent_ns;
    char buf[BUF_MAX];
} conn;

typedef struct worker {
    pthread_t thread;
    int nconns;
    long requests, bad;
    uint32_t *hist; /* HIST_US + 1 buckets; the last one: >= 1 s */
} worker;

static struct sockaddr_in addr;
static char request[300];
static size_t request_len;
static int64_t deadline_ns;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int send_get(conn *c)
{
    size_t off = 0;
    c->have = 0;
    c->sent_ns = now_ns();
    while (off < request_len) {
        ssize_t w = send(c->fd, request + off, request_len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1; /* 300 bytes always fit an empty socket buffer */
        off += (size_t)w;
    }
    return 0;
}

/* 1: a whole hit is buffered; 0: need more; -1: a miss or garbage. */
static int answer_complete(const conn *c)
{
    const char *eol;
    unsigned long bytes;
    size_t need;
    if (c->have >= 5 && memcmp(c->buf, "END\r\n", 5) == 0)
        return -1; /* miss */
    eol = memchr(c->buf, '\n', c->have);
    if (eol == NULL)
        return c->have < 300 ? 0 : -1;
    if (c->have < 6 || memcmp(c->buf, "VALUE ", 6) != 0)
        return -1;
    /* VALUE <key> <flags> <bytes> [<cas>]\r\n */
    if (sscanf(c->buf, "VALUE %*s %*u %lu", &bytes) != 1)
        return -1;
    need = (size_t)(eol - c->buf) + 1 + bytes + 2 + 5;
    if (need > BUF_MAX)
        return -1;
    if (c->have < need)
        return 0;
    return memcmp(c->buf + need - 5, "END\r\n", 5) == 0 ? 1 : -1;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    conn *conns = calloc((size_t)w->nconns, sizeof *conns);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event evs[64];

    if (conns == NULL || ep < 0) {
        perror("mc_get");
        exit(1);
    }
    for (int i = 0; i < w->nconns; i++) {
        conn *c = &conns[i];
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        int one = 1;
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
            perror("mc_get: connect");
            exit(1);
        }
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0 || send_get(c) != 0) {
            perror("mc_get");
            exit(1);
        }
    }
    while (now_ns() < deadline_ns) {
        int n = epoll_wait(ep, evs, 64, 100);
        if (n < 0 && errno != EINTR) {
            perror("epoll_wait");
            exit(1);
        }
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            ssize_t r = recv(c->fd, c->buf + c->have, BUF_MAX - c->have, 0);
            int done;
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                fprintf(stderr, "mc_get: connection lost\n");
                exit(1);
            }
            c->have += (size_t)r;
            done = answer_complete(c);
            if (done == 0)
                continue;
            if (done > 0) {
                int64_t us = (now_ns() - c->sent_ns) / 1000;
                w->hist[us < HIST_US ? us : HIST_US]++;
                w->requests++;
            } else {
                w->bad++;
            }
            if (send_get(c) != 0) {
                fprintf(stderr, "mc_get: send failed\n");
                exit(1);
            }
        }
    }
    for (int i = 0; i < w->nconns; i++)
        close(conns[i].fd);
    close(ep);
    free(conns);
    return NULL;
}

static long percentile(const uint32_t *hist, long total, double pct)
{
    long want = (long)((double)total * pct / 100.0 + 0.5), seen = 0;
    for (long us = 0; us <= HIST_US; us++) {
        seen += hist[us];
        if (seen >= want && seen > 0)
            return us;
    }
    return HIST_US;
}

int main(int argc, char **argv)
{
    long port, seconds, threads, conns, requests = 0, bad = 0;
    int64_t t0, t1;
    worker *ws;
    uint32_t *hist;

    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: mc_get PORT KEY SECONDS [THREADS [CONNS]]\n");
        return 2;
    }
    port = strtol(argv[1], NULL, 10);
    seconds = strtol(argv[3], NULL, 10);
    threads = argc > 4 ? strtol(argv[4], NULL, 10) : 2;
    conns = argc > 5 ? strtol(argv[5], NULL, 10) : 32;
    if (port <= 0 || port > 65535 || seconds <= 0 || threads <= 0 || threads > 64 ||
        conns < threads || conns > 10000 || strlen(argv[2]) > 250 ||
        strpbrk(argv[2], " \r\n") != NULL) {
        fprintf(stderr, "mc_get: bad arguments\n");
        return 2;
    }
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    request_len = (size_t)snprintf(request, sizeof request, "get %s\r\n", argv[2]);
    ws = calloc((size_t)threads, sizeof *ws);
    hist = calloc(HIST_US + 1, sizeof *hist);
    if (ws == NULL || hist == NULL)
        return 1;
    t0 = now_ns();
    deadline_ns = t0 + (int64_t)seconds * 1000000000;
    for (long i = 0; i < threads; i++) {
        ws[i].nconns = (int)(conns / threads + (i < conns % threads ? 1 : 0));
        ws[i].hist = calloc(HIST_US + 1, sizeof *ws[i].hist);
        if (ws[i].hist == NULL || pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) != 0)
            return 1;
    }
    for (long i = 0; i < threads; i++) {
        pthread_join(ws[i].thread, NULL);
        requests += ws[i].requests;
        bad += ws[i].bad;
        for (long us = 0; us <= HIST_US; us++)
            hist[us] += ws[i].hist[us];
        free(ws[i].hist);
    }
    t1 = now_ns();
    printf("BENCH requests=%ld duration_us=%lld rps=%.1f p50_us=%ld p99_us=%ld bad=%ld\n",
           requests, (long long)((t1 - t0) / 1000),
           (double)requests / ((double)(t1 - t0) / 1e9), percentile(hist, requests, 50.0),
           percentile(hist, requests, 99.0), bad);
    free(hist);
    free(ws);
    return bad == 0 && requests > 0 ? 0 : 1;
}
