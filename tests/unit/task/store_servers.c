/* store_servers.c - see store_servers.h.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "store_servers.h"
#include "../mono_clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SERVERS 16

static pid_t started[MAX_SERVERS];
static int atexit_done;

static void kill_all(void)
{
    for (int i = 0; i < MAX_SERVERS; i++)
        if (started[i] > 0) {
            kill(started[i], SIGKILL);
            waitpid(started[i], NULL, 0);
            started[i] = 0;
        }
}

static void remember(pid_t pid)
{
    if (!atexit_done) {
        atexit(kill_all);
        atexit_done = 1;
    }
    for (int i = 0; i < MAX_SERVERS; i++)
        if (started[i] == 0) {
            started[i] = pid;
            return;
        }
}

static void forget(pid_t pid)
{
    for (int i = 0; i < MAX_SERVERS; i++)
        if (started[i] == pid)
            started[i] = 0;
}

double lt_now(void)
{
    return lg_mono_s();
}

static void nap(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    unsigned port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static int connect_port(unsigned port, double timeout_s)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct timeval tv = {(time_t)timeout_s,
                         (suseconds_t)((timeout_s - (double)(time_t)timeout_s) *
                                       1e6)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

long lt_raw(unsigned port, const char *cmd, size_t cmdlen, char *reply,
            size_t replysz, const char *until)
{
    int fd = connect_port(port, 2.0);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < cmdlen) {
        ssize_t n = send(fd, cmd + off, cmdlen - off, MSG_NOSIGNAL);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)n;
    }
    size_t got = 0, ulen = strlen(until);
    double end = lt_now() + 2.0;
    while (got + 1 < replysz && lt_now() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = recv(fd, reply + got, replysz - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        reply[got] = '\0';
        if (got >= ulen && memcmp(reply + got - ulen, until, ulen) == 0)
            break;
        if (strncmp(reply, "BUSY ", 5) == 0 && strstr(reply, "\r\n") != NULL)
            break;
    }
    reply[got] = '\0';
    close(fd);
    return (long)got;
}

/* Answers: memcached to "version", redis to PING (+PONG, or -NOAUTH when
 * a password is required: it is up either way). */
static int answers(const lt_store_server *s)
{
    char buf[256];
    if (s->kind == LT_MEMCACHED) {
        long n = lt_raw(s->port, "version\r\n", 9, buf, sizeof buf, "\r\n");
        return n > 0 && strncmp(buf, "VERSION", 7) == 0;
    }
    long n = lt_raw(s->port, "PING\r\n", 6, buf, sizeof buf, "\r\n");
    return n > 0 && (strncmp(buf, "+PONG", 5) == 0 ||
                     strncmp(buf, "-NOAUTH", 7) == 0);
}

static int spawn(lt_store_server *s)
{
    char port[16];
    snprintf(port, sizeof port, "%u", s->port);
    const char *argv[40];
    int n = 0;
    if (s->kind == LT_MEMCACHED) {
        argv[n++] = "memcached";
        argv[n++] = "-l";
        argv[n++] = "127.0.0.1";
        argv[n++] = "-p";
        argv[n++] = port;
        argv[n++] = "-U";
        argv[n++] = "0";
        if (geteuid() == 0) { /* memcached refuses to run as root */
            argv[n++] = "-u";
            argv[n++] = "root";
        }
    } else {
        argv[n++] = "redis-server";
        argv[n++] = "--port";
        argv[n++] = port;
        argv[n++] = "--bind";
        argv[n++] = "127.0.0.1";
        argv[n++] = "--save";
        argv[n++] = "";
        argv[n++] = "--appendonly";
        argv[n++] = "no";
        argv[n++] = "--dir";
        argv[n++] = "/tmp";
    }
    for (int i = 0; i < 8 && s->extra[i][0] != '\0'; i++)
        argv[n++] = s->extra[i];
    argv[n] = NULL;

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0) {
        /* the child dies with the test; no output on the test's terminal */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    s->pid = pid;
    remember(pid);
    double end = lt_now() + 5.0;
    while (lt_now() < end) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) { /* exited: port taken? */
            forget(pid);
            s->pid = 0;
            return -1;
        }
        if (answers(s))
            return 0;
        nap(0.02);
    }
    lt_store_server_stop(s, SIGKILL);
    return -1;
}

int lt_store_server_start(lt_store_server *s, lt_store_kind kind, unsigned port,
                          const char *const *extra)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    for (int i = 0; extra != NULL && extra[i] != NULL && i < 7; i++)
        snprintf(s->extra[i], sizeof s->extra[i], "%s", extra[i]);
    for (int attempt = 0; attempt < 5; attempt++) {
        s->port = port != 0 ? port : free_port();
        if (s->port != 0 && spawn(s) == 0)
            return 0;
        if (port != 0)
            nap(0.2); /* the old server's socket may linger a moment */
    }
    fprintf(stderr, "cannot start %s on 127.0.0.1 (is it installed?)\n",
            kind == LT_MEMCACHED ? "memcached" : "redis-server");
    return -1;
}

int lt_store_server_restart(lt_store_server *s)
{
    for (int attempt = 0; attempt < 10; attempt++) {
        if (spawn(s) == 0)
            return 0;
        nap(0.2);
    }
    fprintf(stderr, "cannot restart the server on port %u\n", s->port);
    return -1;
}

int lt_wait_stopped(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    double end = lt_now() + 2.0;
    while (lt_now() < end) {
        FILE *f = fopen(path, "r");
        char buf[512] = "";
        if (f != NULL) {
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = '\0';
            fclose(f);
        }
        const char *paren = strrchr(buf, ')'); /* "pid (comm) S ..." */
        if (paren != NULL && paren[1] == ' ' && paren[2] == 'T')
            return 1;
        nap(0.005);
    }
    return 0;
}

void lt_store_server_stop(lt_store_server *s, int sig)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, sig);
    double end = lt_now() + 5.0;
    int status;
    while (waitpid(s->pid, &status, WNOHANG) == 0) {
        if (lt_now() > end) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            break;
        }
        nap(0.01);
    }
    forget(s->pid);
    s->pid = 0;
}
