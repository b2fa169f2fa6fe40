/* rt_client.h - a server of the test binding in a thread, and a raw HTTP
 * client, shared by the runtime suites that talk to a real server over
 * sockets (test_server.c, test_allocfail.c). */
#ifndef RT_CLIENT_H
#define RT_CLIENT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <ladon/ladon.h>

/* ---- a server in a thread -------------------------------------------------- */

typedef struct srv {
    ladon_server *s;
    pthread_t th;
    int rc;
    uint16_t port;
} srv;

/* ---- a raw HTTP client ----------------------------------------------------- */

typedef struct client {
    int fd;
    char buf[262144];
    size_t len;
} client;

typedef struct response {
    int status;
    char head[4096];
    char body[65536];
    size_t body_len;
} response;

/* The server's thread (ladon_server_run), for srv_start. */
void *run_thread(void *arg);
/* The suites' configuration: port 0, 4 workers, small limits, errors only. */
void base_config(ladon_config *cfg);
/* Starts a server on the test binding in a thread; 0 or -1. */
int srv_start(srv *x, const ladon_config *cfg);
/* Stops, joins and frees it; its ladon_server_run status. */
int srv_stop(srv *x);
client *cl_open(uint16_t port);
void cl_close(client *c);
int cl_send(client *c, const char *s, size_t n);
int cl_sends(client *c, const char *s);
/* Reads more bytes within timeout_ms; 1 read, 0 EOF, -1 timeout/error. */
int cl_fill(client *c, int timeout_ms);
void cl_consume(client *c, size_t n);
/* Reads one response (skipping 1xx); 0 or -1 on EOF/timeout/garbage. */
int cl_read(client *c, response *r, int timeout_ms);
/* Is the connection closed by the server (EOF) within timeout_ms? */
int cl_eof(client *c, int timeout_ms);
extern const char ENV1[], ENV2[];
/* A POST of body (wrapped in an envelope when wrap) to path (one of 8 rotating buffers). */
char *post(const char *path, const char *body, int wrap, const char *extra);
char *add_req(int a, int b);
/* The <result> of a response, or -999999. */
int result_of(const response *r);

#endif
