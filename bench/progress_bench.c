/* progress_bench.c - what ladon_update_progress costs a task's tight loop.
 *
 * Runs the same CPU loop as task bodies on a real task engine with the
 * memory store, side by side in one run:
 *   plain     the loop alone
 *   update    the loop calling ladon_task_update_progress() every iteration
 *   polled    the same, while POLLERS threads call ladon_task_progress() on
 *             the running task as fast as they can (clients polling)
 * and prints the time of each and the ratio to `plain`, best of ROUNDS runs
 * to damp the noise of a shared machine.  Usage:
 *   progress_bench [ITERATIONS [ROUNDS]]      (default 20000000 5)
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <ladon/error.h>
#include <ladon/store.h>
#include <ladon/task.h>

#define POLLERS 1 /* one core for the task, one for the poller */

typedef struct job {
    long iterations;
    int report;      /* call ladon_task_update_progress each iteration */
    double seconds;  /* measured inside the body */
    volatile double sink;
} job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int body(ladon_task_ctx *ctx, void *arg)
{
    job *j = arg;
    double acc = 0.0, t0 = now();
    for (long i = 0; i < j->iterations; i++) {
        /* a little work per step, and the fraction either way, so the
         * loops differ only in the call */
        double fraction = (double)i / (double)j->iterations;
        acc += (double)(i % 7) * 0.5;
        if (j->report)
            ladon_task_update_progress(ctx, fraction);
        else
            acc += fraction;
    }
    j->seconds = now() - t0;
    j->sink = acc;
    return 0;
}

typedef struct poller {
    ladon_task_engine *eng;
    int32_t id;
    atomic_bool *stop;
    long polls;
} poller;

static void *poll_main(void *arg)
{
    poller *p = arg;
    ladon_task_info info;
    while (!atomic_load(p->stop)) {
        if (ladon_task_progress(p->eng, "bench.m", p->id, &info) == 0)
            p->polls++;
    }
    return NULL;
}

/* Runs one task; with pollers > 0 polls it while it runs.  Seconds. */
static double run(ladon_task_engine *eng, long iterations, int report, int pollers, long *polls)
{
    job j = {.iterations = iterations, .report = report};
    int32_t id;
    atomic_bool stop;
    pthread_t th[POLLERS];
    poller ps[POLLERS];
    ladon_task_info info;

    atomic_init(&stop, false);
    if (ladon_task_submit(eng, "bench.m", body, &j, NULL, &id) != 0) {
        fprintf(stderr, "submit failed\n");
        exit(1);
    }
    for (int i = 0; i < pollers; i++) {
        ps[i] = (poller){eng, id, &stop, 0};
        if (pthread_create(&th[i], NULL, poll_main, &ps[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            exit(1);
        }
    }
    for (;;) { /* wait for the end */
        if (ladon_task_progress(eng, "bench.m", id, &info) != 0) {
            fprintf(stderr, "progress failed\n");
            exit(1);
        }
        if (info.state == LADON_TASK_DONE || info.state == LADON_TASK_FAILED)
            break;
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    atomic_store(&stop, true);
    for (int i = 0; i < pollers; i++) {
        pthread_join(th[i], NULL);
        *polls += ps[i].polls;
    }
    return j.seconds;
}

int main(int argc, char **argv)
{
    long iterations = argc > 1 ? atol(argv[1]) : 20000000L;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    ladon_store *st;
    ladon_task_engine *eng;
    ladon_task_engine_config cfg;
    char err[256];
    double best[3] = {1e9, 1e9, 1e9};
    long polls = 0;

    if (iterations <= 0 || rounds <= 0) {
        fprintf(stderr, "usage: %s [ITERATIONS [ROUNDS]]\n", argv[0]);
        return 2;
    }
    if (ladon_store_open(&st, "memory:", err, sizeof err) != 0) {
        fprintf(stderr, "store: %s\n", err);
        return 1;
    }
    ladon_task_engine_config_init(&cfg);
    cfg.workers = 1;
    if (ladon_task_engine_new(&eng, &cfg, st) != 0) {
        fprintf(stderr, "engine failed\n");
        return 1;
    }
    for (int r = 0; r < rounds; r++) { /* interleaved, so drift hits all */
        double t;
        if ((t = run(eng, iterations, 0, 0, &polls)) < best[0])
            best[0] = t;
        if ((t = run(eng, iterations, 1, 0, &polls)) < best[1])
            best[1] = t;
        long p = 0;
        if ((t = run(eng, iterations, 1, POLLERS, &p)) < best[2])
            best[2] = t;
        polls = p;
    }
    printf("progress_bench: %ld iterations, best of %d rounds\n", iterations, rounds);
    printf("%-8s %10s %8s %12s\n", "loop", "seconds", "ratio", "ns/iter");
    const char *names[3] = {"plain", "update", "polled"};
    for (int i = 0; i < 3; i++)
        printf("%-8s %10.4f %8.3f %12.2f\n", names[i], best[i], best[i] / best[0],
               best[i] * 1e9 / (double)iterations);
    printf("polled: %d thread(s) made %ld ladon_task_progress calls in the last round\n", POLLERS,
           polls);
    printf("cost per ladon_task_update_progress call: %.2f ns alone, %.2f ns while polled\n",
           (best[1] - best[0]) * 1e9 / (double)iterations,
           (best[2] - best[0]) * 1e9 / (double)iterations);
    ladon_task_engine_free(eng);
    ladon_store_close(st);
    return 0;
}
