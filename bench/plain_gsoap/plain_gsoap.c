/* plain_gsoap.c - the baseline of bench/run.sh: Calculator.add served by
 * gSOAP alone, written the way gSOAP's user guide shows a multi-threaded
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
 * Usage: plain_gsoap [PORT [THREADS]]    (default 0 = any free port, 32)
 * Prints "listening on 127.0.0.1:PORT" once it accepts.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <errno.h>
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
