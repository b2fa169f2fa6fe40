/* delay_hop.c - a slow network hop in front of a TCP server (a test tool:
 * tests/integration/test_store_waits.py, and bench/run.sh):
 * what a client sends reaches the server DELAY_US microseconds later;
 * answers come back at once.  So every request/answer round trip through
 * the hop takes at least DELAY_US, as across a network, while the CPU cost
 * stays that of loopback.
 *
 * One thread, one epoll set.  Every accepted connection gets its own
 * connection to 127.0.0.1:TARGET_PORT.  Bytes from a client are queued with
 * their due time; since the delay is the same for all, the due times are
 * in arrival order and one FIFO holds all of them.  epoll_pwait2 waits
 * (with nanosecond timeouts) for the next event or the head's due time.
 * Forwarding uses blocking send(): the servers behind it (memcached) read
 * what they are sent.  A connection whose peer closes is closed both ways.
 *
 * Usage: delay_hop TARGET_PORT DELAY_US
 * Listens on a free port of 127.0.0.1, prints "PORT N" and runs until
 * SIGTERM or SIGINT.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536

/* Pairs and their epoll data are never freed: an event of the current
 * batch or a queued chunk may still point to a pair another event closed,
 * and a benchmark opens a few dozen connections. */
typedef struct pair {
    int client, server;
    int closed;
} pair;

typedef struct side { /* epoll data: one end of a pair */
    pair *p;
    int from_client;
} side;

typedef struct chunk {
    struct chunk *next;
    pair *p;
    int64_t due_ns;
    size_t len;
    char data[];
} chunk;

static chunk *head, *tail;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void close_pair(pair *p)
{
    if (p->closed)
        return;
    p->closed = 1;
    close(p->client); /* also leaves the epoll set */
    close(p->server);
}

static int send_all(int fd, const char *b, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int add_side(int ep, int fd, pair *p, int from_client)
{
    side *s = malloc(sizeof *s);
    struct epoll_event ev = {.events = EPOLLIN};
    if (s == NULL)
        return -1;
    s->p = p;
    s->from_client = from_client;
    ev.data.ptr = s;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        free(s);
        return -1;
    }
    return 0;
}

static void on_accept(int ep, int lfd, const struct sockaddr_in *target)
{
    int one = 1, c = accept(lfd, NULL, NULL), s;
    pair *p;
    if (c < 0)
        return;
    s = socket(AF_INET, SOCK_STREAM, 0);
    p = calloc(1, sizeof *p);
    if (s < 0 || p == NULL || connect(s, (const struct sockaddr *)target, sizeof *target) != 0) {
        perror("delay_hop: connect to the target");
        close(c);
        if (s >= 0)
            close(s);
        free(p);
        return;
    }
    if (setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        perror("delay_hop: TCP_NODELAY"); /* slower, still correct */
    p->client = c;
    p->server = s;
    if (add_side(ep, c, p, 1) != 0 || add_side(ep, s, p, 0) != 0) {
        perror("delay_hop: epoll_ctl");
        close_pair(p);
    }
}

static void on_readable(side *sd, int64_t delay_ns)
{
    pair *p = sd->p;
    char buf[CHUNK];
    ssize_t n;
    if (p->closed)
        return;
    n = recv(sd->from_client ? p->client : p->server, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) { /* closed, or an error: both ends go */
        close_pair(p);
        return;
    }
    if (!sd->from_client) { /* answers: at once */
        if (send_all(p->client, buf, (size_t)n) != 0)
            close_pair(p);
        return;
    }
    chunk *ch = malloc(sizeof *ch + (size_t)n);
    if (ch == NULL) {
        close_pair(p);
        return;
    }
    ch->next = NULL;
    ch->p = p;
    ch->due_ns = now_ns() + delay_ns;
    ch->len = (size_t)n;
    memcpy(ch->data, buf, (size_t)n);
    if (tail)
        tail->next = ch;
    else
        head = ch;
    tail = ch;
}

static void forward_due(void)
{
    int64_t now = now_ns();
    while (head != NULL && head->due_ns <= now) {
        chunk *ch = head;
        head = ch->next;
        if (head == NULL)
            tail = NULL;
        if (!ch->p->closed && send_all(ch->p->server, ch->data, ch->len) != 0)
            close_pair(ch->p);
        free(ch);
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_in target = {.sin_family = AF_INET}, me = {.sin_family = AF_INET};
    socklen_t ml = sizeof me;
    struct sigaction sa = {.sa_handler = on_signal};
    long port, delay_us;
    int lfd, ep;

    if (argc != 3 || (port = strtol(argv[1], NULL, 10)) <= 0 || port > 65535 ||
        (delay_us = strtol(argv[2], NULL, 10)) < 0 || delay_us > 10000000) {
        fprintf(stderr, "usage: delay_hop TARGET_PORT DELAY_US\n");
        return 2;
    }
    target.sin_port = htons((uint16_t)port);
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0 ||
        signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        perror("delay_hop: signals");
        return 1;
    }
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    ep = epoll_create1(0);
    if (lfd < 0 || ep < 0 || bind(lfd, (struct sockaddr *)&me, sizeof me) != 0 ||
        listen(lfd, 256) != 0 || getsockname(lfd, (struct sockaddr *)&me, &ml) != 0) {
        perror("delay_hop: listen");
        return 1;
    }
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) != 0) {
        perror("delay_hop: epoll_ctl");
        return 1;
    }
    if (printf("PORT %u\n", (unsigned)ntohs(me.sin_port)) < 0 || fflush(stdout) != 0) {
        perror("delay_hop: stdout");
        return 1;
    }

    while (!stop) {
        struct epoll_event evs[64];
        struct timespec to = {1, 0}, *top = &to;
        if (head != NULL) {
            int64_t left = head->due_ns - now_ns();
            if (left < 0)
                left = 0;
            to.tv_sec = left / 1000000000;
            to.tv_nsec = left % 1000000000;
        }
        int n = epoll_pwait2(ep, evs, 64, top, NULL);
        if (n < 0 && errno != EINTR) {
            perror("delay_hop: epoll_pwait2");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL)
                on_accept(ep, lfd, &target);
            else
                on_readable(evs[i].data.ptr, delay_us * 1000);
        }
        forward_due();
    }
    return 0;
}
