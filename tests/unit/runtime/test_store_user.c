/* test_store_user.c - a task store of your own, end to end: the audit store
 * of docs/internals.md ("A task store of your own"), compiled from that
 * page (meson extracts audit_store.c and main.c from it), registered with
 * ladon_store_register() before the configuration is read.
 *
 * In this process: --store audit:URL is accepted and checked in the words
 * of the store behind it, the password hidden; --help and the message of an
 * unknown store list its form; it is shared exactly when the inner store
 * is; tasks go through it.  With the page's main.c (argv[1], audit-server,
 * serving the example services): a bad audit URL is exit status 2 before
 * anything starts; --processes 2 is refused over audit:memory: and accepted
 * over audit:memcached:// (then the unreachable memcached is status 1);
 * and a server on audit:memory: keeps its tasks there, each change logged.
 * Everything on 127.0.0.1; the server is stopped by its PID.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <ladon/ladon.h>
#include <ladon/store.h>

#include "../mono_clock.h"
#include "rt_cunit.h"

extern const ladon_store_ops audit_store_ops; /* docs/internals.md */

static const char *audit_server; /* argv[1] */
static char err[512];

/* ladon_config_parse of the NULL-terminated flags (after the defaults). */
static int parse(ladon_config *cfg, const char *flag, const char *value)
{
    char *argv[] = {"prog", (char *)flag, (char *)value, NULL};
    ladon_config_init(cfg);
    return ladon_config_parse(cfg, flag == NULL ? 1 : value == NULL ? 2 : 3, argv, err,
                              sizeof err);
}

/* ---- in this process ------------------------------------------------------ */

static void test_config_takes_it(void)
{
    ladon_config cfg;
    static const char *const good[] = {"audit:memory:", "AUDIT:memory://",
                                       "audit:memcached://h1:11211,h2",
                                       "audit:redis://:pw@h:6379/2", "audit:audit:memory:"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CU_ASSERT_EQUAL(parse(&cfg, "--store", good[i]), 0);
        CU_ASSERT_STRING_EQUAL(cfg.store_url, good[i]);
    }
    /* a bad inner URL: the inner back end's reason */
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "audit:memcached://h1,,h2"), LADON_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "--store: bad store URL 'audit:memcached://h1,,h2': bad store "
                                "URL 'memcached://h1,,h2': server '': empty host");
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "audit:"), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--store: bad store URL 'audit:': bad store URL '': "
                                       "expected memory:, "));
    /* ... with the password hidden, from the environment too */
    setenv("LADON_STORE", "audit:redis://:hunter2@h:6379/x", 1);
    CU_ASSERT_EQUAL(parse(&cfg, NULL, NULL), LADON_EINVAL);
    unsetenv("LADON_STORE");
    CU_ASSERT_PTR_NULL(strstr(err, "hunter2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_STORE: bad store URL 'audit:redis://:***@h:6379/x'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "the database after '/' must be a number"));
    /* an unknown store: the message lists the registered form too */
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "audits:memory:"), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--store: unknown store 'audits:'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, " or audit:STORE-URL)"));
}

static void test_help_lists_it(void)
{
    ladon_config cfg;
    char text[8192];
    FILE *saved = stdout, *tmp = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
    stdout = tmp;
    int rc = parse(&cfg, "--help", NULL);
    stdout = saved;
    CU_ASSERT_EQUAL(rc, 1);
    rewind(tmp);
    size_t n = fread(text, 1, sizeof text - 1, tmp);
    fclose(tmp);
    text[n] = '\0';
    const char *line = strstr(text, "  --store URL");
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    char first[512];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(line, "\n"), line);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "memory:, memcached://HOST[:PORT][,HOST[:PORT]...], "
                                         "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or "
                                         "audit:STORE-URL [LADON_STORE]"));
}

static void test_shared_as_its_inner_store(void)
{
    unsigned props = 0xff;
    CU_ASSERT_EQUAL(ladon_store_check("audit:memory:", &props, NULL, 0), 0);
    CU_ASSERT_EQUAL(props, 0);
    CU_ASSERT_EQUAL(ladon_store_check("audit:redis://h", &props, NULL, 0), 0);
    CU_ASSERT_EQUAL(props, LADON_STORE_SHARED);
    CU_ASSERT_EQUAL(ladon_store_check("audit:audit:memcached://h", &props, NULL, 0), 0);
    CU_ASSERT_EQUAL(props, LADON_STORE_SHARED);
}

/* Reads what fd holds (a file at its start) into buf. */
static void read_all(int fd, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t n;
    lseek(fd, 0, SEEK_SET);
    while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
}

static void test_tasks_go_through_it(void)
{
    char log[4096], line[64];
    ladon_store *st = NULL;
    ladon_task_record rec;
    int32_t id = 0;
    /* the store logs to stderr: into a file for the time of the test */
    FILE *tmp = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
    int saved = dup(2);
    CU_ASSERT_FATAL(saved >= 0);
    fflush(stderr);
    CU_ASSERT_FATAL(dup2(fileno(tmp), 2) == 2);

    CU_ASSERT_EQUAL(ladon_store_open(&st, "audit:memory:", err, sizeof err), 0);
    if (st != NULL) {
        CU_ASSERT_PTR_EQUAL(st->ops, &audit_store_ops);
        CU_ASSERT(ladon_store_has_live_progress(st)); /* the memory store's */
        CU_ASSERT_EQUAL(ladon_store_create(st, "Svc.m", &id), 0);
        CU_ASSERT_EQUAL(ladon_store_start(st, id, NULL), 0);
        CU_ASSERT_EQUAL(ladon_store_progress(st, id, 0.5), 0);
        CU_ASSERT_EQUAL(ladon_store_finish(st, id, "<r>42</r>", 9, 60), 0);
        CU_ASSERT_EQUAL(ladon_store_get(st, "Svc.m", id, &rec, 1), 0);
        CU_ASSERT_EQUAL(rec.info.state, LADON_TASK_DONE);
        CU_ASSERT_STRING_EQUAL(rec.result, "<r>42</r>");
        free(rec.result);
        CU_ASSERT_EQUAL(ladon_store_fail(st, id, "late", 60), LADON_ESTATE); /* not logged */
        CU_ASSERT_EQUAL(ladon_store_remove(st, id), 0);
        ladon_store_close(st);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    read_all(fileno(tmp), log, sizeof log);
    fclose(tmp);
    static const char *const changes[] = {"created", "started", "done", "removed"};
    const char *at = log;
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        snprintf(line, sizeof line, "audit: task %ld %s\n", (long)id, changes[i]);
        at = at != NULL ? strstr(at, line) : NULL;
        CU_ASSERT_PTR_NOT_NULL(at);
    }
    CU_ASSERT_PTR_NULL(strstr(log, "failed"));
}

/* ---- the page's main.c: audit-server --------------------------------------- */

typedef struct server {
    pid_t pid;
    int out, err; /* read ends of its stdout and stderr */
    char text[16384], log[16384];
    size_t text_len, log_len;
} server;

/* Starts audit-server with the NULL-terminated args; -1 on failure. */
static int start(server *s, const char *const *args)
{
    char *argv[32];
    int out[2], errp[2], argc = 0;
    memset(s, 0, sizeof *s);
    argv[argc++] = (char *)audit_server;
    for (; *args != NULL && argc < 31; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    if (pipe(out) != 0 || pipe(errp) != 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        dup2(out[1], 1);
        dup2(errp[1], 2);
        close(out[0]);
        close(errp[0]);
        execv(audit_server, argv);
        _exit(127);
    }
    close(out[1]);
    close(errp[1]);
    s->out = out[0];
    s->err = errp[0];
    return 0;
}

/* Reads fd into buf until it holds needle (NULL: until EOF) or timeout_s
 * passed; 1 when it got there. */
static int read_until(int fd, char *buf, size_t size, size_t *len, const char *needle,
                      double timeout_s)
{
    double end = lg_mono_s() + timeout_s;
    for (;;) {
        buf[*len] = '\0';
        if (needle != NULL && strstr(buf, needle) != NULL)
            return 1;
        double left = end - lg_mono_s();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            return 0;
        ssize_t n = read(fd, buf + *len, size - 1 - *len);
        if (n <= 0 || *len + (size_t)n + 1 >= size) {
            if (n > 0)
                *len += (size_t)n;
            buf[*len] = '\0';
            return needle == NULL || strstr(buf, needle) != NULL;
        }
        *len += (size_t)n;
    }
}

/* Waits for the server to exit (SIGKILL after timeout_s); its status. */
static int finish(server *s, double timeout_s)
{
    int status = -1;
    double end = lg_mono_s() + timeout_s;
    read_until(s->err, s->log, sizeof s->log, &s->log_len, NULL, timeout_s);
    while (waitpid(s->pid, &status, WNOHANG) == 0) {
        if (lg_mono_s() > end) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            status = -1;
            break;
        }
        lg_sleep_ms(10);
    }
    close(s->out);
    close(s->err);
    return status;
}

/* Runs audit-server to its end; its exit status (-1 when it did not exit). */
static int run(server *s, const char *const *args)
{
    if (start(s, args) != 0)
        return -1;
    int status = finish(s, 20);
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_server_refuses_bad_urls(void)
{
    server s;
    const char *const bad[] = {"--store", "audit:memory://x", "--listen", "127.0.0.1:0", NULL};
    CU_ASSERT_EQUAL(run(&s, bad), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.log, ": --store: bad store URL 'audit:memory://x': bad store "
                                         "URL 'memory://x': the memory store takes no host"));
    CU_ASSERT_EQUAL(s.text_len, 0);

    /* several processes need a shared store: the memory store behind audit: is not */
    const char *const local[] = {"--processes", "2", "--store", "audit:memory:",
                                 "--listen", "127.0.0.1:0", NULL};
    CU_ASSERT_EQUAL(run(&s, local), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.log, "--processes 2 needs a shared task store"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.log, "the 'audit:' store is not shared across processes"));
}

/* A port nobody listens on (bound, then closed); 0 on failure. */
static unsigned dead_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    unsigned port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void test_server_shared_inner_store(void)
{
    server s;
    char url[64], want[128];
    unsigned port = dead_port();
    CU_ASSERT_FATAL(port != 0);
    snprintf(url, sizeof url, "audit:memcached://127.0.0.1:%u", port);
    /* accepted for --processes 2 (memcached is shared), then opened at
     * start-up, before any worker starts: nobody answers, status 1 */
    const char *const args[] = {"--processes", "2", "--store", url, "--store-timeout", "300",
                                "--listen", "127.0.0.1:0", NULL};
    CU_ASSERT_EQUAL(run(&s, args), 1);
    snprintf(want, sizeof want, "cannot open the task store %s: no memcached server answers",
             url);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.log, want));
    CU_ASSERT_PTR_NULL(strstr(s.log, "needs a shared task store"));
    CU_ASSERT_EQUAL(s.text_len, 0);
}

/* POSTs a SOAP body to /TaskService; the response (or "" on failure). */
static void soap(unsigned port, const char *body, char *resp, size_t size)
{
    char req[2048];
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    size_t len = 0;
    int n = snprintf(req, sizeof req,
                     "POST /TaskService HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     strlen(body), body);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    resp[0] = '\0';
    if (fd < 0)
        return;
    if (n > 0 && (size_t)n < sizeof req && connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        write(fd, req, (size_t)n) == n)
        read_until(fd, resp, size, &len, NULL, 10);
    close(fd);
}

#define ENVELOPE(body)                                                                     \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><e:Envelope "                               \
    "xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body>" body "</e:Body>"       \
    "</e:Envelope>"

static void test_server_keeps_tasks_there(void)
{
    server s;
    char resp[8192], req[1024], want[64];
    const char *const args[] = {"--store", "audit:memory:", "--listen", "127.0.0.1:0",
                                "--shutdown-grace", "0", "--log-level", "error", NULL};
    CU_ASSERT_FATAL(start(&s, args) == 0);
    int ready = read_until(s.out, s.text, sizeof s.text, &s.text_len, "TaskService?wsdl\n", 20);
    CU_ASSERT(ready);
    const char *at = strstr(s.text, "TaskService: http://127.0.0.1:");
    unsigned port = at != NULL ? (unsigned)atoi(at + 30) : 0;
    long id = 0;
    if (ready && port != 0) {
        soap(port, ENVELOPE("<t:taskExample xmlns:t=\"urn:ladon:examples:tasks\">"
                            "<session_id>s</session_id><counter>7</counter></t:taskExample>"),
             resp, sizeof resp);
        at = strstr(resp, "<task_id>");
        id = at != NULL ? atol(at + 9) : 0;
        CU_ASSERT(id > 0);
        snprintf(req, sizeof req,
                 ENVELOPE("<t:taskExample_progress xmlns:t=\"urn:ladon:examples:tasks\">"
                          "<task_id>%ld</task_id></t:taskExample_progress>"), id);
        soap(port, req, resp, sizeof resp);
        CU_ASSERT_PTR_NOT_NULL(strstr(resp, " 200 OK"));
        CU_ASSERT_PTR_NOT_NULL(strstr(resp, "<task_id>"));
        /* a task thread has taken it (then it runs for 30 s) */
        snprintf(want, sizeof want, "audit: task %ld started\n", id);
        CU_ASSERT(read_until(s.err, s.log, sizeof s.log, &s.log_len, want, 10));
    }
    kill(s.pid, SIGTERM);
    int status = finish(&s, 20);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* created and started through the audit store; at shutdown the running
     * task is recorded failed ("server shut down"), through it too */
    static const char *const changes[] = {"created", "started", "failed"};
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        snprintf(want, sizeof want, "audit: task %ld %s\n", id, changes[i]);
        CU_ASSERT_PTR_NOT_NULL(strstr(s.log, want));
        if (strstr(s.log, want) == NULL)
            fprintf(stderr, "\n  no '%s' in:\n%s\n", want, s.log);
    }
}

int main(int argc, char **argv)
{
    static const rt_test tests[] = {
        {"--store takes it, checked in its words", test_config_takes_it},
        {"--help lists it", test_help_lists_it},
        {"shared as its inner store", test_shared_as_its_inner_store},
        {"tasks go through it", test_tasks_go_through_it},
        {"the server refuses bad audit URLs", test_server_refuses_bad_urls},
        {"the server opens it at start-up", test_server_shared_inner_store},
        {"the server keeps its tasks there", test_server_keeps_tasks_there},
        {NULL, NULL},
    };
    if (argc < 2) {
        fprintf(stderr, "usage: %s AUDIT-SERVER\n", argv[0]);
        return 2;
    }
    audit_server = argv[1];
    signal(SIGPIPE, SIG_IGN);
    /* as docs/internals.md says: before the configuration is read */
    if (ladon_store_register(&audit_store_ops) != 0) {
        fprintf(stderr, "cannot register the audit store\n");
        return 2;
    }
    return rt_run("runtime-store-user", tests, NULL, NULL);
}
