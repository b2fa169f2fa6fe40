/* test_processes.c - ladon_main --processes N, end to end with the rt-server
 * binary (argv[1]): one listening socket served by N worker processes, the
 * ready lines printed once, requests answered by all of them, a worker that
 * is killed restarted, SIGTERM/SIGINT forwarded and a clean exit 0, workers
 * gone when the parent is killed, bad values refused with status 2.
 * Everything on 127.0.0.1, port 0; processes are stopped by their PID.
 * (The refusal of the memory store with task methods, and tasks shared
 * through memcached, are tested with ladon-examples in
 * tests/integration/test_processes.py.) */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "../mono_clock.h"
#include "rt_cunit.h"

static const char *rt_server;

/* A started rt-server: its PID and the files its stdout and stderr go to. */
typedef struct proc {
    pid_t pid;
    char out[64], err[64];
    int status; /* once waited for */
    int exited;
} proc;

/* Starts rt-server --listen 127.0.0.1:0 ARGS... (NULL-terminated). */
static int start(proc *p, ...)
{
    char *argv[32];
    int argc = 0, ofd, efd;
    va_list ap;

    memset(p, 0, sizeof *p);
    snprintf(p->out, sizeof p->out, "/tmp/ladon-procs-out-XXXXXX");
    snprintf(p->err, sizeof p->err, "/tmp/ladon-procs-err-XXXXXX");
    ofd = mkstemp(p->out);
    efd = mkstemp(p->err);
    if (ofd < 0 || efd < 0)
        return -1;
    argv[argc++] = (char *)rt_server;
    argv[argc++] = "--listen";
    argv[argc++] = "127.0.0.1:0";
    argv[argc++] = "--shutdown-grace";
    argv[argc++] = "2000";
    va_start(ap, p);
    for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 31;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    p->pid = fork();
    if (p->pid < 0)
        return -1;
    if (p->pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        execv(rt_server, argv);
        _exit(127);
    }
    close(ofd);
    close(efd);
    return 0;
}

/* The whole content of a file (malloc()ed, NUL-terminated; "" on error). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (f != NULL) {
        int c;
        while ((c = fgetc(f)) != EOF) {
            if (len + 2 > cap) {
                cap = cap ? cap * 2 : 4096;
                char *nb = realloc(buf, cap);
                if (nb == NULL)
                    break;
                buf = nb;
            }
            buf[len++] = (char)c;
        }
        fclose(f);
    }
    if (buf == NULL)
        return strdup("");
    buf[len] = '\0';
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Waits up to timeout_s for `needle` to appear `times` times in the file. */
static int wait_text(const char *path, const char *needle, int times, double timeout_s)
{
    double end = lg_mono_s() + timeout_s;
    for (;;) {
        char *s = slurp(path);
        int n = count(s, needle);
        free(s);
        if (n >= times)
            return 1;
        if (lg_mono_s() > end)
            return 0;
        lg_sleep_ms(10);
    }
}

/* The port of the ready lines ("Test: http://127.0.0.1:PORT/Test?wsdl"). */
static int port_of(const proc *p)
{
    char *s = slurp(p->out);
    const char *at = strstr(s, "127.0.0.1:");
    int port = at != NULL ? atoi(at + 10) : 0;
    free(s);
    return port;
}

/* Waits up to timeout_s for p to exit; 1 when it did (p->status set). */
static int wait_exit(proc *p, double timeout_s)
{
    double end = lg_mono_s() + timeout_s;
    while (!p->exited) {
        pid_t r = waitpid(p->pid, &p->status, WNOHANG);
        if (r == p->pid) {
            p->exited = 1;
            break;
        }
        if (lg_mono_s() > end)
            return 0;
        lg_sleep_ms(10);
    }
    return 1;
}

/* Stops p by its PID (SIGKILL when it does not exit) and removes its files. */
static void finish(proc *p)
{
    if (p->pid > 0 && !p->exited) {
        kill(p->pid, SIGTERM);
        if (!wait_exit(p, 20)) {
            kill(p->pid, SIGKILL);
            wait_exit(p, 20);
        }
    }
    unlink(p->out);
    unlink(p->err);
}

/* The worker PIDs of p (children in /proc); returns how many. */
static int workers(const proc *p, pid_t *pids, int max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)p->pid, (long)p->pid);
    char *s = slurp(path);
    int n = 0;
    for (char *q = s; *q != '\0' && n < max;) {
        char *end;
        long v = strtol(q, &end, 10);
        if (end == q)
            break;
        pids[n++] = (pid_t)v;
        q = end;
    }
    free(s);
    return n;
}

/* Whether pid is gone (or a zombie nobody waited for yet). */
static int gone(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    char *s = slurp(path);
    const char *rp = strrchr(s, ')');
    int dead = s[0] == '\0' || (rp != NULL && rp[1] == ' ' && rp[2] == 'Z');
    free(s);
    return dead;
}

/* GET /Test?wsdl on a new connection; returns the HTTP status or -1. */
static int get_wsdl(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), status = -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    static const char req[] = "GET /Test?wsdl HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    char buf[64];
    size_t got = 0;
    struct timeval tv = {10, 0};

    if (fd < 0)
        return -1;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        send(fd, req, sizeof req - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof req - 1)) {
        while (got < sizeof buf - 1) {
            ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        buf[got] = '\0';
        if (strncmp(buf, "HTTP/1.1 ", 9) == 0)
            status = atoi(buf + 9);
    }
    close(fd);
    return status;
}

/* ---- tests --------------------------------------------------------------------- */

static void test_serve_restart_stop(void)
{
    proc p;
    pid_t pids[16], after[16];
    CU_ASSERT_EQUAL_FATAL(start(&p, "--processes", "3", (char *)NULL), 0);
    CU_ASSERT_FATAL(wait_text(p.out, "Other: http://", 1, 30));
    int port = port_of(&p);
    CU_ASSERT(port > 0);
    CU_ASSERT(wait_text(p.err, "ready (pid ", 3, 5));
    CU_ASSERT_EQUAL(workers(&p, pids, 16), 3);

    /* the ready lines once, whatever the number of processes */
    char *out = slurp(p.out);
    CU_ASSERT_EQUAL(count(out, "Test: http://127.0.0.1:"), 1);
    CU_ASSERT_EQUAL(count(out, "Other: http://127.0.0.1:"), 1);
    CU_ASSERT_EQUAL(count(out, "\n"), 2);
    free(out);

    int ok = 0;
    for (int i = 0; i < 60; i++)
        ok += get_wsdl(port) == 200;
    CU_ASSERT_EQUAL(ok, 60);

    /* a worker that dies is logged and replaced */
    CU_ASSERT_EQUAL(kill(pids[1], SIGKILL), 0);
    CU_ASSERT(wait_text(p.err, "was killed by signal 9", 1, 10));
    CU_ASSERT(wait_text(p.err, "restarted (pid ", 1, 10));
    int n = 0;
    for (int i = 0; i < 500 && (n = workers(&p, after, 16)) != 3; i++)
        lg_sleep_ms(10);
    CU_ASSERT_EQUAL(n, 3);
    int replaced = 0;
    for (int i = 0; i < n; i++)
        replaced += after[i] != pids[0] && after[i] != pids[2] && after[i] != pids[1];
    CU_ASSERT_EQUAL(replaced, 1);
    ok = 0;
    for (int i = 0; i < 30; i++)
        ok += get_wsdl(port) == 200;
    CU_ASSERT_EQUAL(ok, 30);
    CU_ASSERT(!gone(p.pid));

    /* SIGTERM: forwarded, every worker stops, exit 0 */
    CU_ASSERT_EQUAL(kill(p.pid, SIGTERM), 0);
    CU_ASSERT(wait_exit(&p, 20));
    CU_ASSERT(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0);
    for (int i = 0; i < n; i++)
        CU_ASSERT(gone(after[i]));
    CU_ASSERT(wait_text(p.err, "all worker processes stopped", 1, 1));
    CU_ASSERT_EQUAL(get_wsdl(port), -1); /* the port is closed */
    finish(&p);
}

static void test_sigint(void)
{
    proc p;
    pid_t pids[4];
    CU_ASSERT_EQUAL_FATAL(start(&p, "--processes", "2", (char *)NULL), 0);
    CU_ASSERT_FATAL(wait_text(p.out, "Other: http://", 1, 30));
    CU_ASSERT_EQUAL(workers(&p, pids, 4), 2);
    CU_ASSERT_EQUAL(get_wsdl(port_of(&p)), 200);
    CU_ASSERT_EQUAL(kill(p.pid, SIGINT), 0);
    CU_ASSERT(wait_exit(&p, 20));
    CU_ASSERT(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0);
    finish(&p);
}

/* A worker stopped directly with SIGTERM is restarted too (after a short
 * delay), and the server still exits 0 at its own SIGTERM. */
static void test_worker_stopped(void)
{
    proc p;
    pid_t pids[4];
    CU_ASSERT_EQUAL_FATAL(start(&p, "--processes", "2", (char *)NULL), 0);
    CU_ASSERT_FATAL(wait_text(p.out, "Other: http://", 1, 30));
    CU_ASSERT_EQUAL_FATAL(workers(&p, pids, 4), 2);
    CU_ASSERT_EQUAL(kill(pids[0], SIGTERM), 0);
    CU_ASSERT(wait_text(p.err, "exited with status 0; restarting it in 500 ms", 1, 10));
    CU_ASSERT(wait_text(p.err, "restarted (pid ", 1, 10));
    CU_ASSERT_EQUAL(get_wsdl(port_of(&p)), 200);
    CU_ASSERT_EQUAL(kill(p.pid, SIGTERM), 0);
    CU_ASSERT(wait_exit(&p, 20));
    CU_ASSERT(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0);
    finish(&p);
}

/* The parent killed outright: the workers stop too (PR_SET_PDEATHSIG). */
static void test_parent_killed(void)
{
    proc p;
    pid_t pids[4];
    CU_ASSERT_EQUAL_FATAL(start(&p, "--processes", "2", (char *)NULL), 0);
    CU_ASSERT_FATAL(wait_text(p.out, "Other: http://", 1, 30));
    int n = workers(&p, pids, 4);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(kill(p.pid, SIGKILL), 0);
    CU_ASSERT(wait_exit(&p, 20));
    /* this test process is a subreaper: the orphans come to it */
    for (int i = 0; i < n; i++) {
        int st = 0;
        double end = lg_mono_s() + 20;
        pid_t r = 0;
        while (r == 0 && lg_mono_s() < end) {
            r = waitpid(pids[i], &st, WNOHANG);
            if (r == 0)
                lg_sleep_ms(10);
        }
        CU_ASSERT_EQUAL(r, pids[i]);
        CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* a clean stop */
    }
    finish(&p);
}

static void test_bad_values(void)
{
    proc p;
    static const char *const bad[] = {"0", "65", "x", "-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL_FATAL(start(&p, "--processes", (char *)bad[i], (char *)NULL), 0);
        CU_ASSERT(wait_exit(&p, 20));
        CU_ASSERT(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 2);
        CU_ASSERT(wait_text(p.err, "--processes: invalid value", 1, 1));
        finish(&p);
    }
    /* the port is taken: a start-up failure (1), nothing forked */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof sa;
    char listen_at[32];
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CU_ASSERT_FATAL(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
                    listen(fd, 1) == 0 &&
                    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
    snprintf(listen_at, sizeof listen_at, "127.0.0.1:%u", ntohs(sa.sin_port));
    CU_ASSERT_EQUAL_FATAL(start(&p, "--processes", "2", "--listen", listen_at, (char *)NULL),
                          0);
    CU_ASSERT(wait_exit(&p, 20));
    CU_ASSERT(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 1);
    CU_ASSERT(wait_text(p.err, "cannot listen on", 1, 1));
    close(fd);
    finish(&p);
}

int main(int argc, char **argv)
{
    static const rt_test tests[] = {
        {"serve, restart a killed worker, SIGTERM", test_serve_restart_stop},
        {"SIGINT", test_sigint},
        {"a worker stopped directly", test_worker_stopped},
        {"parent killed: workers stop", test_parent_killed},
        {"bad values, port taken", test_bad_values},
        {NULL, NULL},
    };
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH/TO/rt-server\n", argv[0]);
        return 2;
    }
    rt_server = argv[1];
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        perror("prctl(PR_SET_CHILD_SUBREAPER)");
        return 2;
    }
    return rt_run("runtime-processes", tests, NULL, NULL);
}
