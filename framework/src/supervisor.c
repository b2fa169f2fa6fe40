/* supervisor.c - ladon_main with several processes (--processes N): forks
 * the worker processes, restarts the ones that die, forwards the stop
 * signals.
 *
 * DESIGN
 * The parent binds the listening socket, checks that the task store
 * answers, then forks N worker processes one at a time; each builds a whole
 * server around the inherited socket (ladon__serve() in server.c: a
 * ladon_server over an existing fd, with its own epoll set, request workers,
 * task engine and store connections, nothing shared but the socket and the
 * store) and reports "ready" over a pipe.  When all are ready the parent
 * prints the WSDL lines.  The parent is single-threaded and never serves: it
 * blocks SIGTERM, SIGINT, SIGCHLD and SIGHUP and takes them with
 * sigtimedwait().  SIGHUP is passed on to every worker (each reloads
 * --auth-file).
 * SIGTERM/SIGINT: it closes its copy of the socket and forwards the signal
 * to every worker, which shuts down as a lone server would; it returns 0
 * when all exited 0.  A worker that dies otherwise is logged and restarted:
 * at once when it had run for RESTART_QUICK_MS, else after a delay doubling
 * from RESTART_FIRST_MS to RESTART_MAX_MS (no tight crash loop).  Workers get
 * PR_SET_PDEATHSIG(SIGTERM), so they stop when the parent is killed.  The
 * tasks of a worker that died are reported "task lost" by the shared store
 * once their lease passed.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ladon/error.h"
#include "log.h"
#include "supervisor.h"

#define RESTART_QUICK_MS 10000 /* a worker that ran this long is restarted at once */
#define RESTART_FIRST_MS 500   /* else after this, doubling ... */
#define RESTART_MAX_MS 30000   /* ... up to this */
#define READY_TIMEOUT_MS 120000

typedef struct worker_proc {
    pid_t pid;          /* 0: not running */
    int64_t started_ms;
    int64_t restart_at; /* ms; when pid is 0 */
    unsigned quick;     /* deaths in a row, each within RESTART_QUICK_MS */
} worker_proc;

typedef struct supervisor {
    const ladon_config *cfg;
    const ladon_binding *binding;
    int listen_fd;
    pid_t parent;
    sigset_t signals; /* SIGTERM, SIGINT, SIGCHLD: blocked, taken by sigtimedwait */
    sigset_t old_mask;
    worker_proc *w;
    unsigned n;
} supervisor;

static void describe_status(int st, char *buf, size_t len)
{
    if (WIFEXITED(st))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        snprintf(buf, len, "ended (wait status 0x%x)", (unsigned)st);
}

static pid_t wait_pid(pid_t pid, int *st, int flags)
{
    pid_t r;
    do
        r = waitpid(pid, st, flags);
    while (r < 0 && errno == EINTR);
    return r;
}

/* Starts worker i and waits until it is ready.  Returns 1 when it is, 0 when
 * it failed to start (reaped, logged), -1 when it could not be forked, and 2
 * in the worker process once its server has stopped: *child_rc is then its
 * exit status. */
static int spawn(supervisor *sv, unsigned i, int *child_rc)
{
    int fds[2], pr;
    pid_t pid;
    char b, why[128];
    ssize_t r = -1;

    if (pipe2(fds, O_CLOEXEC) != 0) {
        ladon__log_errno(errno, "pipe2");
        return -1;
    }
    (void)fflush(stdout);
    (void)fflush(stderr);
    pid = fork();
    if (pid < 0) {
        ladon__log_errno(errno, "fork (worker process %u)", i + 1);
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        /* stop when the supervisor is gone, also if it died before this */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
            ladon__log_errno(errno, "prctl(PR_SET_PDEATHSIG)");
        if (getppid() != sv->parent) {
            close(fds[1]);
            close(sv->listen_fd);
            *child_rc = 1;
            return 2;
        }
        *child_rc = ladon__serve(sv->cfg, sv->binding, sv->listen_fd, fds[1], &sv->old_mask);
        return 2;
    }
    close(fds[1]);
    sv->w[i].pid = pid;
    sv->w[i].started_ms = ladon__now_ms();
    struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
    do
        pr = poll(&pfd, 1, READY_TIMEOUT_MS);
    while (pr < 0 && errno == EINTR);
    if (pr > 0) {
        do
            r = read(fds[0], &b, 1);
        while (r < 0 && errno == EINTR);
    }
    close(fds[0]);
    if (r == 1) {
        LADON_LOGI("worker process %u/%u ready (pid %ld)", i + 1, sv->n, (long)pid);
        return 1;
    }
    if (pr == 0) {
        LADON_LOGE("worker process %u (pid %ld) not ready after %d s: killing it", i + 1,
                   (long)pid, READY_TIMEOUT_MS / 1000);
        kill(pid, SIGKILL);
    }
    int st = 0;
    if (wait_pid(pid, &st, 0) == pid)
        describe_status(st, why, sizeof why);
    else
        snprintf(why, sizeof why, "could not be waited for");
    sv->w[i].pid = 0;
    LADON_LOGE("worker process %u (pid %ld) failed to start: it %s", i + 1, (long)pid, why);
    return 0;
}

/* Sends sig to every running worker. */
static void signal_all(supervisor *sv, int sig)
{
    for (unsigned i = 0; i < sv->n; i++)
        if (sv->w[i].pid > 0 && kill(sv->w[i].pid, sig) != 0 && errno != ESRCH)
            ladon__log_errno(errno, "kill(worker process %u, pid %ld)", i + 1,
                             (long)sv->w[i].pid);
}

/* When worker i, which just died, is restarted. */
static void plan_restart(supervisor *sv, unsigned i, int st, int64_t now)
{
    worker_proc *w = &sv->w[i];
    int64_t delay = 0;
    if (now - w->started_ms < RESTART_QUICK_MS) {
        unsigned k = w->quick < 16 ? w->quick : 16;
        delay = (int64_t)RESTART_FIRST_MS << k;
        if (delay > RESTART_MAX_MS)
            delay = RESTART_MAX_MS;
        w->quick++;
    } else {
        w->quick = 0;
    }
    /* a clean exit means someone stopped it directly: perhaps the whole
     * service is being stopped (systemd's KillMode=control-group), so give
     * our own SIGTERM time to arrive */
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && delay < RESTART_FIRST_MS)
        delay = RESTART_FIRST_MS;
    w->restart_at = now + delay;
}

/* Reaps the workers that ended. */
static void reap(supervisor *sv, bool stopping, int *status)
{
    for (unsigned i = 0; i < sv->n; i++) {
        worker_proc *w = &sv->w[i];
        char why[128];
        int st = 0;
        pid_t r;
        if (w->pid <= 0)
            continue;
        r = wait_pid(w->pid, &st, WNOHANG);
        if (r == 0)
            continue;
        if (r < 0) {
            ladon__log_errno(errno, "waitpid(worker process %u, pid %ld)", i + 1, (long)w->pid);
            st = 0x7f00; /* treat as "exited 127" */
        }
        describe_status(st, why, sizeof why);
        if (stopping) {
            if (!(r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
                LADON_LOGE("worker process %u (pid %ld) %s", i + 1, (long)w->pid, why);
                *status = 1;
            }
            w->pid = 0;
            continue;
        }
        int64_t now = ladon__now_ms();
        plan_restart(sv, i, st, now);
        LADON_LOGE("worker process %u (pid %ld) %s; restarting it in %lld ms", i + 1,
                   (long)w->pid, why, (long long)(w->restart_at - now));
        w->pid = 0;
    }
}

/* ladon_main with cfg->processes > 1: see the DESIGN block. */
int ladon__run_processes(const ladon_config *cfg, const ladon_binding *binding)
{
    supervisor sv;
    uint16_t port = 0;
    int status = 0, child_rc = 0, r;
    bool stopping = false;

    memset(&sv, 0, sizeof sv);
    sv.cfg = cfg;
    sv.binding = binding;
    sv.n = cfg->processes;
    sv.parent = getpid();
    /* fail early, in one place: each worker opens its own connections */
    r = ladon__store_opens(cfg, binding);
    if (r != 0)
        return r == LADON_EINVAL ? 2 : 1;
    sv.listen_fd = ladon__listen_socket(cfg);
    if (sv.listen_fd < 0)
        return sv.listen_fd == LADON_EINVAL ? 2 : 1;
    if (ladon__bound_port(sv.listen_fd, &port) != 0) {
        close(sv.listen_fd);
        return 1;
    }
    sv.w = calloc(sv.n, sizeof *sv.w);
    if (sv.w == NULL) {
        LADON_LOGE("out of memory (worker processes)");
        close(sv.listen_fd);
        return 1;
    }
    sigemptyset(&sv.signals);
    sigaddset(&sv.signals, SIGTERM);
    sigaddset(&sv.signals, SIGINT);
    sigaddset(&sv.signals, SIGCHLD);
    sigaddset(&sv.signals, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &sv.signals, &sv.old_mask) != 0) {
        ladon__log_errno(errno, "sigprocmask");
        free(sv.w);
        close(sv.listen_fd);
        return 1;
    }

    for (unsigned i = 0; i < sv.n; i++) {
        r = spawn(&sv, i, &child_rc);
        if (r == 2)
            goto child;
        if (r != 1) { /* logged; the others stop */
            status = 1;
            stopping = true;
            signal_all(&sv, SIGTERM);
            break;
        }
    }
    if (!stopping) {
        LADON_LOGI("%u worker processes serving on port %u", sv.n, port);
        ladon__print_ready(cfg, binding, port);
    }

    for (;;) {
        int64_t now = ladon__now_ms(), wait_ms = 1000;
        unsigned live = 0;
        for (unsigned i = 0; i < sv.n; i++) {
            if (sv.w[i].pid > 0)
                live++;
            else if (!stopping && sv.w[i].restart_at - now < wait_ms)
                wait_ms = sv.w[i].restart_at > now ? sv.w[i].restart_at - now : 0;
        }
        if (stopping && live == 0)
            break;
        struct timespec ts = {(time_t)(wait_ms / 1000), (long)(wait_ms % 1000) * 1000000L};
        siginfo_t si;
        /* take every pending signal before acting on deaths */
        for (int sig = sigtimedwait(&sv.signals, &si, &ts); sig > 0;
             sig = sigtimedwait(&sv.signals, &si, &(struct timespec){0, 0})) {
            if (sig == SIGHUP && !stopping) {
                /* every worker reads --auth-file again (server.c) */
                signal_all(&sv, SIGHUP);
                continue;
            }
            if (sig != SIGTERM && sig != SIGINT)
                continue;
            if (!stopping) {
                stopping = true;
                LADON_LOGI("shutting down %u worker process(es)", live);
                close(sv.listen_fd); /* the port closes with the workers' copies */
                sv.listen_fd = -1;
            }
            signal_all(&sv, sig);
        }
        reap(&sv, stopping, &status);
        if (stopping)
            continue;
        now = ladon__now_ms();
        for (unsigned i = 0; i < sv.n; i++) {
            if (sv.w[i].pid > 0 || sv.w[i].restart_at > now)
                continue;
            r = spawn(&sv, i, &child_rc);
            if (r == 2)
                goto child;
            if (r == 1) {
                LADON_LOGI("worker process %u restarted (pid %ld)", i + 1, (long)sv.w[i].pid);
            } else {
                int64_t t = ladon__now_ms();
                sv.w[i].started_ms = t;
                plan_restart(&sv, i, 0x100 /* "exited 1" */, t);
                LADON_LOGE("worker process %u: next try in %lld ms", i + 1,
                           (long long)(sv.w[i].restart_at - t));
            }
        }
    }

    if (sv.listen_fd >= 0)
        close(sv.listen_fd);
    free(sv.w);
    if (sigprocmask(SIG_SETMASK, &sv.old_mask, NULL) != 0)
        ladon__log_errno(errno, "sigprocmask");
    if (status == 0)
        LADON_LOGI("all worker processes stopped");
    return status;

child:
    free(sv.w);
    return child_rc;
}
