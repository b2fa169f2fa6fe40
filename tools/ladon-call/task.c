/* task.c - recognising and following Ladon tasks (see task.h for the design).
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "bar.h"

#define CANCEL_WAIT 10.0 /* seconds to wait for a cancelled task to end */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static const lc_op *sibling(const lc_service *svc, const lc_op *op, const char *suffix)
{
    char name[512];
    if ((size_t)snprintf(name, sizeof name, "%s%s", op->name, suffix) >= sizeof name)
        return NULL;
    const lc_op *s = lc_service_op(svc, name);
    return s != NULL && s->unsupported == NULL ? s : NULL;
}

static bool has_task_id(const lc_type *t, int depth)
{
    if (t->kind != LC_STRUCT || depth > 3)
        return false;
    for (size_t i = 0; i < t->n_fields; i++) {
        const lc_field *f = &t->fields[i];
        if (strcmp(f->name, "task_id") == 0 && (f->type->kind == LC_INT || f->type->kind == LC_LONG))
            return true;
        if (has_task_id(f->type, depth + 1))
            return true;
    }
    return false;
}

bool lc_task_find(const lc_service *svc, const lc_op *op, lc_task_ops *t)
{
    if (op->unsupported != NULL)
        return false;
    lc_task_ops r = {sibling(svc, op, "_progress"), sibling(svc, op, "_result"),
                     sibling(svc, op, "_wait"), sibling(svc, op, "_cancel")};
    if (r.progress == NULL || r.result == NULL || !has_task_id(op->output.type, 0))
        return false;
    if (r.wait != NULL && (lc_type_field(r.wait->input.type, "task_id", NULL) == NULL ||
                           lc_type_field(r.wait->input.type, "timeout", NULL) == NULL))
        r.wait = NULL;
    *t = r;
    return true;
}

static const lc_value *find_field(const lc_value *v, const char *name, int depth)
{
    if (v == NULL || v->type->kind != LC_STRUCT || depth > 3)
        return NULL;
    const lc_value *x = lc_value_get(v, name);
    if (x != NULL)
        return x;
    for (size_t i = 0; i < v->type->n_fields; i++)
        for (size_t k = 0; k < v->slots[i].n; k++)
            if ((x = find_field(v->slots[i].items[k], name, depth + 1)) != NULL)
                return x;
    return NULL;
}

int lc_task_id(const lc_value *v, long long *id)
{
    const lc_value *x = find_field(v, "task_id", 0);
    if (x == NULL || x->text == NULL)
        return -1;
    char *end;
    errno = 0;
    long long n = strtoll(x->text, &end, 10);
    if (errno != 0 || end == x->text || *end != '\0')
        return -1;
    *id = n;
    return 0;
}

/* --- following ------------------------------------------------------------------------------ */

typedef struct progress {
    double progress, duration;
    const char *state, *message;
} progress;

static double num(const lc_value *v, const char *name)
{
    const lc_value *x = find_field(v, name, 0);
    return x != NULL && x->text != NULL ? strtod(x->text, NULL) : -1;
}

static int read_progress(const lc_value *v, progress *p, lc_err *err)
{
    const lc_value *st = find_field(v, "state", 0);
    const lc_value *msg = find_field(v, "message", 0);
    if (st == NULL || st->text == NULL)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "the task's progress response has no state");
    p->state = st->text;
    p->message = msg != NULL ? msg->text : NULL;
    p->progress = num(v, "progress");
    p->duration = num(v, "duration");
    return 0;
}

static bool ended(const progress *p)
{
    return strcmp(p->state, "done") == 0 || strcmp(p->state, "failed") == 0 ||
           strcmp(p->state, "cancelled") == 0;
}

static int columns(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

static void draw(const progress *p, double local_elapsed)
{
    char line[1024];
    int cols = columns();
    lc_bar_format(line, sizeof line, cols, p->progress, p->state, p->message,
                  p->duration >= 0 ? p->duration : local_elapsed);
    /* pad to the width used before, so a shorter line leaves nothing behind */
    fprintf(stderr, "\r%-*s", cols - 1 < (int)sizeof line ? cols - 1 : 0, line);
    fflush(stderr);
}

static double now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0; /* (cannot fail for CLOCK_MONOTONIC on Linux; the bar would show 0:00) */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps s seconds, or less when SIGINT comes. */
static void pause_for(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (!interrupted && nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Asks on the terminal; true for y or yes.  No terminal, end of input, another Ctrl-C: no. */
static bool ask_cancel(long long id)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char q[128];
    int n = snprintf(q, sizeof q, "Cancel task %lld on the server? [y/N] ", id);
    bool yes = false;
    if (n > 0 && write(fd, q, (size_t)n) == n) {
        char ans[64];
        ssize_t r = read(fd, ans, sizeof ans - 1);
        if (r > 0) {
            ans[r] = '\0';
            ans[strcspn(ans, "\r\n")] = '\0';
            yes = strcmp(ans, "y") == 0 || strcmp(ans, "Y") == 0 || strcmp(ans, "yes") == 0;
        }
    }
    close(fd);
    return yes;
}

static int call_id(lc_client *c, lc_arena *a, const lc_service *svc, const lc_op *op,
                   long long id, double timeout, lc_value **out, lc_err *err)
{
    char w1[64], w2[64];
    char *kv[2] = {w1, w2};
    snprintf(w1, sizeof w1, "task_id=%lld", id);
    snprintf(w2, sizeof w2, "timeout=%g", timeout);
    return lc_invoke_words(c, a, svc, op, kv, timeout > 0 ? 2 : 1, out, err);
}

static int on_interrupt(lc_client *c, lc_arena *a, const lc_service *svc, const lc_task_ops *t,
                        long long id, const lc_follow_opts *o, lc_err *err)
{
    interrupted = 0;
    if (ask_cancel(id)) {
        interrupted = 0;
        if (t->cancel == NULL) {
            fprintf(stderr, "ladon-call: the service has no %s_cancel: task %lld goes on\n",
                    o->op, id);
        } else {
            lc_value *v;
            lc_err e = {0};
            progress p;
            int rc = call_id(c, a, svc, t->cancel, id, 0, &v, &e);
            if (rc == 0)
                rc = read_progress(v, &p, &e);
            /* a running task is asked to stop and ends cancelled at its next step: wait for
             * its end (at most CANCEL_WAIT s) to report the state it ends in */
            for (double until = now() + CANCEL_WAIT; rc == 0 && !interrupted && !ended(&p) &&
                                                     now() < until;) {
                if (t->wait != NULL) {
                    rc = call_id(c, a, svc, t->wait, id, 1.0, &v, &e);
                } else {
                    pause_for(0.2);
                    rc = call_id(c, a, svc, t->progress, id, 0, &v, &e);
                }
                if (rc == 0)
                    rc = read_progress(v, &p, &e);
            }
            if (rc != 0)
                fprintf(stderr, "ladon-call: cancelling task %lld failed: %s\n", id, e.msg);
            else
                fprintf(stderr, "ladon-call: task %lld: %s%s%s\n", id, p.state,
                        p.message != NULL ? ": " : "", p.message != NULL ? p.message : "");
        }
    } else {
        fprintf(stderr,
                "ladon-call: task %lld is still running on the server; follow it again with\n"
                "  ladon-call %s %s --follow %lld\n",
                id, o->url, o->op, id);
    }
    return lc_err_set(err, LC_EXIT_INTERRUPTED, "interrupted");
}

int lc_task_follow(lc_client *c, lc_arena *a, const lc_service *svc, const lc_task_ops *t,
                   long long id, const lc_follow_opts *o, lc_value **out, lc_err *err)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking call returns EINTR */
    interrupted = 0;
    if (sigaction(SIGINT, &sa, &old) != 0)
        return lc_err_set(err, LC_EXIT_TRANSPORT, "sigaction: %s", strerror(errno));
    lc_http_set_interrupt(c->http, &interrupted);
    double wait_s = 0.5;
    if (!o->bar) {
        wait_s = (double)lc_http_timeout(c->http) / 2000.0;
        if (wait_s > 30)
            wait_s = 30;
        if (wait_s < 0.5)
            wait_s = 0.5;
    }
    double start = now();
    int rc = 0;
    bool drawn = false;
    for (;;) {
        lc_value *v;
        progress p;
        if (interrupted)
            rc = lc_err_set(err, LC_EXIT_INTERRUPTED, "interrupted");
        else if (t->wait != NULL)
            rc = call_id(c, a, svc, t->wait, id, wait_s, &v, err);
        else
            rc = call_id(c, a, svc, t->progress, id, 0, &v, err);
        if (rc == 0)
            rc = read_progress(v, &p, err);
        if (rc != 0)
            break;
        if (o->bar) {
            draw(&p, now() - start);
            drawn = true;
        }
        if (strcmp(p.state, "done") == 0)
            break;
        if (strcmp(p.state, "failed") == 0 || strcmp(p.state, "cancelled") == 0) {
            rc = lc_err_set(err, LC_EXIT_FAULT, "task %lld %s%s%s", id,
                            p.state[0] == 'f' ? "failed" : "was cancelled",
                            p.message != NULL ? ": " : "", p.message != NULL ? p.message : "");
            break;
        }
        if (t->wait == NULL)
            pause_for(o->bar ? 0.5 : 1.0);
    }
    if (drawn)
        fputc('\n', stderr);
    if (rc != 0 && err->code == LC_EXIT_INTERRUPTED)
        rc = on_interrupt(c, a, svc, t, id, o, err);
    lc_http_set_interrupt(c->http, NULL);
    sigaction(SIGINT, &old, NULL);
    if (rc != 0)
        return rc;
    return call_id(c, a, svc, t->result, id, 0, out, err);
}
