/* plain_gsoap.c - the baseline of bench/run.sh and bench/cost.sh:
 * Calculator.add, echo and inspect served by gSOAP alone, written the way gSOAP's user guide shows a multi-threaded
 * stand-alone server ("How to create a multi-threaded stand-alone service",
 * the queue variant), which is what a C developer writes by hand.
 *
 * DESIGN
 * The main thread binds 127.0.0.1:PORT, accepts connections with
 * soap_accept() and appends each socket to a bounded ring (QUEUE_MAX).  N
 * threads, each with its own soap_copy() of the master context, take a
 * socket and call soap_serve() on it, which serves request after request
 * for as long as the client keeps the connection alive (so a connection
 * pins its thread: with N threads at most N clients are served at once),
 * then soap_destroy() + soap_end().  Settings that make the baseline as fast
 * as gSOAP allows: keep-alive without a request limit (max_keep_alive 0),
 * no XML strictness, no logging.  SIGPIPE is ignored; SIGTERM ends the
 * process (nothing to clean up).
 *
 * echo and inspect compute exactly what services/calculator/calculator.c
 * computes (the same copies too: echo duplicates its text, inspect
 * allocates its reversed payload, tags and points), so that bench/cost.sh
 * compares the frameworks, not the services.  gSOAP's own limits are
 * raised for cost.sh's largest requests (16 MB strings, arrays of 100,000
 * items): recv_maxlength 1 GiB, maxoccurs 100,000,000 (the largest
 * ladon-examples --max-request-size and --max-items), strings unbounded
 * (maxlength 0, gSOAP's default).
 *
 * Usage: plain_gsoap [PORT [THREADS]]    (default 0 = any free port, 32)
 * Prints "listening on 127.0.0.1:PORT" once it accepts.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "soapH.h"
#include "Calculator.nsmap"

#define QUEUE_MAX 1000
#define THREADS_MAX 1024

static SOAP_SOCKET queue[QUEUE_MAX];
static int q_head, q_len;
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_nonfull = PTHREAD_COND_INITIALIZER;

static void enqueue(SOAP_SOCKET s)
{
    pthread_mutex_lock(&q_lock);
    while (q_len == QUEUE_MAX)
        pthread_cond_wait(&q_nonfull, &q_lock);
    queue[(q_head + q_len) % QUEUE_MAX] = s;
    q_len++;
    pthread_cond_signal(&q_nonempty);
    pthread_mutex_unlock(&q_lock);
}

static SOAP_SOCKET dequeue(void)
{
    SOAP_SOCKET s;
    pthread_mutex_lock(&q_lock);
    while (q_len == 0)
        pthread_cond_wait(&q_nonempty, &q_lock);
    s = queue[q_head];
    q_head = (q_head + 1) % QUEUE_MAX;
    q_len--;
    pthread_cond_signal(&q_nonfull);
    pthread_mutex_unlock(&q_lock);
    return s;
}

static void *worker(void *arg)
{
    struct soap *tsoap = arg;
    for (;;) {
        tsoap->socket = dequeue();
        soap_serve(tsoap); /* every request of this keep-alive connection */
        soap_destroy(tsoap);
        soap_end(tsoap);
    }
    return NULL;
}

int calc__add(struct soap *soap, int a, int b, int *result)
{
    (void)soap;
    *result = a + b;
    return SOAP_OK;
}

/* A Client fault with a formatted text (ladon_fault(call, LADON_FAULT_CLIENT, ...)). */
static int client_fault(struct soap *soap, const char *fmt, int v)
{
    char msg[128];
    snprintf(msg, sizeof msg, fmt, v);
    return soap_sender_fault(soap, msg, NULL);
}

int calc__echo(struct soap *soap, char *text, struct calc__echoResponse *response)
{
    response->result = soap_strdup(soap, text);
    if (response->result == NULL)
        return soap_receiver_fault(soap, "out of memory", NULL);
    return SOAP_OK;
}

/* services/calculator/calculator.c's inspect, line for line. */
int calc__inspect(struct soap *soap, struct calc__Record record,
                  struct calc__inspectResponse *response)
{
    struct calc__Inspection *r = &response->result;
    r->title = record.title;
    r->note = record.note ? record.note : "(none)";
    r->big_plus_one = record.big == LLONG_MAX ? LLONG_MIN : record.big + 1;
    r->half_ratio = record.ratio / 2;
    r->not_enabled = !record.enabled;
    r->next_level = record.level == LEVEL_USCOREHIGH ? LEVEL_USCORELOW
                                                      : (enum calc__Level)(record.level + 1);
    r->next_day = record.when + 86400;

    r->reversed.__size = record.payload.__size;
    r->reversed.__ptr = NULL;
    if (record.payload.__size > 0) {
        r->reversed.__ptr = soap_malloc(soap, (size_t)record.payload.__size);
        if (r->reversed.__ptr == NULL)
            return soap_receiver_fault(soap, "out of memory", NULL);
        for (int i = 0; i < record.payload.__size; i++)
            r->reversed.__ptr[i] = record.payload.__ptr[record.payload.__size - 1 - i];
    }

    r->limit_doubled = NULL;
    if (record.limit != NULL) {
        if (*record.limit > INT_MAX / 2 || *record.limit < INT_MIN / 2)
            return client_fault(soap, "limit out of range: %d", *record.limit);
        r->limit_doubled = soap_malloc(soap, sizeof *r->limit_doubled);
        if (r->limit_doubled == NULL)
            return soap_receiver_fault(soap, "out of memory", NULL);
        *r->limit_doubled = *record.limit * 2;
    }

    r->moved.x = record.origin.x + 1;
    r->moved.y = record.origin.y + 1;
    r->target = record.target;

    long long sum = 0;
    for (int i = 0; i < record.n_values; i++)
        sum += record.values[i];
    if (sum > INT_MAX || sum < INT_MIN)
        return soap_sender_fault(soap, "sum of values out of range", NULL);
    r->values_sum = (int)sum;

    r->n_tags = record.n_tags;
    r->tags = NULL;
    if (record.n_tags > 0) {
        r->tags = soap_malloc(soap, sizeof *r->tags * (size_t)record.n_tags);
        if (r->tags == NULL)
            return soap_receiver_fault(soap, "out of memory", NULL);
        for (int i = 0; i < record.n_tags; i++)
            r->tags[i] = record.tags[record.n_tags - 1 - i];
    }

    r->n_points = record.n_points;
    r->points = NULL;
    if (record.n_points > 0) {
        r->points = soap_malloc(soap, sizeof *r->points * (size_t)record.n_points);
        if (r->points == NULL)
            return soap_receiver_fault(soap, "out of memory", NULL);
        for (int i = 0; i < record.n_points; i++) {
            r->points[i].x = record.points[i].y;
            r->points[i].y = record.points[i].x;
        }
    }

    r->n_levels = record.n_levels;
    r->levels = record.levels;
    return SOAP_OK;
}

static long arg_long(const char *s, long min, long max, const char *what)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "plain_gsoap: bad %s '%s' (%ld..%ld)\n", what, s, min, max);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    long port = argc > 1 ? arg_long(argv[1], 0, 65535, "port") : 0;
    long n = argc > 2 ? arg_long(argv[2], 1, THREADS_MAX, "thread count") : 32;
    struct soap *soap;
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;

    signal(SIGPIPE, SIG_IGN);
    soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
    if (soap == NULL)
        return 1;
    soap->bind_flags = SO_REUSEADDR;
    soap->max_keep_alive = 0; /* no limit of requests per connection */
    soap->send_timeout = 10;  /* seconds */
    soap->recv_timeout = 60;
    soap->recv_maxlength = (ULONG64)1 << 30; /* bench/cost.sh's 16 MB requests */
    soap->maxoccurs = 100000000;             /* and its 100,000-item arrays */
    soap->maxlength = 0;                     /* strings: no limit */
    if (!soap_valid_socket(soap_bind(soap, "127.0.0.1", (int)port, 128))) {
        soap_print_fault(soap, stderr);
        return 1;
    }
    if (getsockname(soap->master, (struct sockaddr *)&sa, &sl) != 0) {
        perror("getsockname");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        pthread_t tid;
        struct soap *tsoap = soap_copy(soap);
        int rc;
        if (tsoap == NULL)
            return 1;
        rc = pthread_create(&tid, NULL, worker, tsoap);
        if (rc != 0) {
            fprintf(stderr, "plain_gsoap: pthread_create: %s\n", strerror(rc));
            return 1;
        }
        pthread_detach(tid);
    }
    printf("listening on 127.0.0.1:%u (%ld threads)\n", (unsigned)ntohs(sa.sin_port), n);
    fflush(stdout);
    for (;;) {
        SOAP_SOCKET s = soap_accept(soap);
        if (!soap_valid_socket(s)) {
            struct timespec pause = {0, 10 * 1000000L};
            soap_print_fault(soap, stderr); /* e.g. EMFILE: wait, try again */
            nanosleep(&pause, NULL);
            continue;
        }
        enqueue(s);
    }
}
