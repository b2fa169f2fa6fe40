/* test_taskcall_owner.c - the task operations of framework/src/taskcall.c for callers with
 * and without an identity (issue 16), through a real server of the examples binding (its
 * TaskService.taskExample) on the memory store, over raw HTTP from 127.0.0.1 as a
 * --trusted-proxy that names the user in X-Remote-User:
 *   - progress, result, cancel and wait of alice's task asked by bob, by an anonymous caller
 *     and by a near name answer byte for byte what a never-issued id answers (HTTP status and
 *     body, the id aside);
 *   - a cancel by another of alice's task while it runs answers the same, and the task runs on
 *     and ends done for alice;
 *   - each such answer counts for the probe limiter exactly as an unknown id does: with
 *     --task-probe-limit 3, the fourth refuses further lookups in both cases;
 *   - an anonymously started task stays everyone's;
 *   - m_list: anonymous Client fault, limit/token faults, pages and tokens;
 *   - Idempotency-Key: an anonymous "~alice~k1" is not alice's "k1", an anonymous "~carol~k9"
 *     claimed first does not capture carol's "k9".
 * The examples binding, not the test binding "rt": only it has a task method. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ladon/ladon.h>

#include "examples_ladon.h"
#include "rt_cunit.h"
#include "tasks_init.h"

#define TNS "urn:ladon:examples:tasks"

typedef struct srv {
    ladon_server *s;
    pthread_t th;
    int rc;
    uint16_t port;
} srv;

static void *run_thread(void *arg)
{
    srv *x = arg;
    x->rc = ladon_server_run(x->s);
    return NULL;
}

static int srv_start(srv *x, unsigned probe_limit)
{
    ladon_config cfg;
    char err[256];
    memset(x, 0, sizeof *x);
    ladon_config_init(&cfg);
    strcpy(cfg.listen_host, "127.0.0.1");
    cfg.listen_port = 0;
    cfg.workers = 4;
    cfg.log_level = 0;
    cfg.task_probe_limit = probe_limit;
    cfg.task_probe_window_s = 600;
    snprintf(cfg.trusted_proxies, sizeof cfg.trusted_proxies, "127.0.0.1");
    if (tasks_init(&cfg, err, sizeof err) != 0)
        return -1;
    if (ladon_server_new(&x->s, &cfg, &ladon_binding_examples) != 0)
        return -1;
    x->port = ladon_server_port(x->s);
    return pthread_create(&x->th, NULL, run_thread, x) == 0 ? 0 : -1;
}

static void srv_stop(srv *x)
{
    ladon_server_stop(x->s);
    pthread_join(x->th, NULL);
    ladon_server_free(x->s);
}

/* One POST to /TaskService with body (in an envelope), as user (NULL: no header), with an
 * Idempotency-Key header when key is not NULL; the whole response (head and body) into out.
 * Returns the HTTP status, or -1. */
static int post_key(const srv *x, const char *user, const char *key, const char *body, char *out,
                    size_t size)
{
    char req[8192], env[4096];
    int n = snprintf(env, sizeof env,
                     "<?xml version=\"1.0\"?><e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/"
                     "envelope/\" xmlns:t=\"" TNS "\"><e:Body>%s</e:Body></e:Envelope>", body);
    if (n <= 0 || (size_t)n >= sizeof env)
        return -1;
    char uh[512] = "";
    if (user != NULL)
        snprintf(uh, sizeof uh, "X-Remote-User: %s\r\n", user);
    char kh[512] = "";
    if (key != NULL)
        snprintf(kh, sizeof kh, "Idempotency-Key: %s\r\n", key);
    int m = snprintf(req, sizeof req,
                     "POST /TaskService HTTP/1.1\r\nHost: t\r\nContent-Type: text/xml\r\n%s%s"
                     "Content-Length: %d\r\nConnection: close\r\n\r\n%s", uh, kh, n, env);
    if (m <= 0 || (size_t)m >= sizeof req)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(x->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {10, 0};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || write(fd, req, (size_t)m) != m) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    ssize_t r;
    while (got + 1 < size && (r = read(fd, out + got, size - 1 - got)) > 0)
        got += (size_t)r;
    out[got] = '\0';
    close(fd);
    int status = -1;
    if (sscanf(out, "HTTP/1.1 %d", &status) != 1)
        return -1;
    return status;
}

static int post(const srv *x, const char *user, const char *body, char *out, size_t size)
{
    return post_key(x, user, NULL, body, out, size);
}

/* The body of a response (after the head): what two answers must share byte for byte. */
static const char *body_of(const char *resp)
{
    const char *b = strstr(resp, "\r\n\r\n");
    return b != NULL ? b + 4 : "";
}

/* The integer in <tag>N</tag> of resp, or -1. */
static long long int_in(const char *resp, const char *tag)
{
    char open[64];
    snprintf(open, sizeof open, "<%s>", tag);
    const char *p = strstr(resp, open);
    return p != NULL ? atoll(p + strlen(open)) : -1;
}

static int32_t start(const srv *x, const char *user, const char *session, int counter)
{
    char body[512], out[16384];
    snprintf(body, sizeof body,
             "<t:taskExample><session_id>%s</session_id><counter>%d</counter></t:taskExample>",
             session, counter);
    CU_ASSERT_EQUAL_FATAL(post(x, user, body, out, sizeof out), 200);
    long long id = int_in(out, "task_id");
    CU_ASSERT_FATAL(id > 0);
    return (int32_t)id;
}

/* A start of taskExample as user with Idempotency-Key key: its task id, or -1 (out holds the
 * answer). */
static int32_t start_key(const srv *x, const char *user, const char *key, int counter, char *out,
                         size_t size)
{
    char body[512];
    snprintf(body, sizeof body,
             "<t:taskExample><session_id>s</session_id><counter>%d</counter></t:taskExample>",
             counter);
    if (post_key(x, user, key, body, out, size) != 200)
        return -1;
    long long id = int_in(out, "task_id");
    return id > 0 ? (int32_t)id : -1;
}

static const char *const ops[] = {"progress", "result", "cancel", "wait"};

/* op of task id as user: status and body into out. */
static int ask(const srv *x, const char *user, const char *op, int32_t id, char *out, size_t size)
{
    char body[512];
    snprintf(body, sizeof body, "<t:taskExample_%s><task_id>%ld</task_id>%s</t:taskExample_%s>",
             op, (long)id, strcmp(op, "wait") == 0 ? "<timeout>1</timeout>" : "", op);
    return post(x, user, body, out, size);
}

/* The answer to op of id, with the id written as "N": so answers of two ids compare. */
static int ask_norm(const srv *x, const char *user, const char *op, int32_t id, char *body,
                    size_t size)
{
    char out[16384], num[16];
    int st = ask(x, user, op, id, out, sizeof out);
    snprintf(num, sizeof num, "%ld", (long)id);
    const char *b = body_of(out), *hit;
    size_t n = 0;
    while ((hit = strstr(b, num)) != NULL && n + (size_t)(hit - b) + 2 < size) {
        memcpy(body + n, b, (size_t)(hit - b));
        n += (size_t)(hit - b);
        body[n++] = 'N';
        b = hit + strlen(num);
    }
    snprintf(body + n, size - n, "%s", b);
    return st;
}

static void wait_done(const srv *x, const char *user, int32_t id)
{
    char out[16384];
    for (int i = 0; i < 15000; i++) {
        CU_ASSERT_EQUAL_FATAL(ask(x, user, "progress", id, out, sizeof out), 200);
        if (strstr(out, "<state>done</state>") != NULL)
            return;
        if (strstr(out, "<state>failed</state>") != NULL ||
            strstr(out, "<state>cancelled</state>") != NULL) {
            CU_FAIL("task ended, not done");
            return;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    CU_FAIL("task did not end");
}

static int32_t never_issued(int32_t a, int32_t b)
{
    int32_t id = 2147000001;
    while (id == a || id == b)
        id--;
    return id;
}

static void test_as_unknown(void)
{
    srv x;
    CU_ASSERT_EQUAL_FATAL(srv_start(&x, 0), 0);
    int32_t mine = start(&x, "alice", "s", 7);
    int32_t anon = start(&x, NULL, "s", 8);
    int32_t never = never_issued(mine, anon);
    wait_done(&x, "alice", mine);
    wait_done(&x, NULL, anon);
    static const char *const others[] = {"bob", NULL, "Alice", "alice2", "alic"};
    for (size_t o = 0; o < sizeof others / sizeof others[0]; o++)
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
            char want[8192], got[8192];
            int ws = ask_norm(&x, others[o], ops[k], never, want, sizeof want);
            int gs = ask_norm(&x, others[o], ops[k], mine, got, sizeof got);
            CU_ASSERT_EQUAL(ws, 500);
            CU_ASSERT_EQUAL(gs, ws);
            CU_ASSERT_STRING_EQUAL(got, want);
            CU_ASSERT_PTR_NOT_NULL(strstr(want, "unknown or expired task id N"));
        }
    /* nothing changed: alice's task is done, its result hers */
    char out[16384];
    CU_ASSERT_EQUAL(ask(&x, "alice", "result", mine, out, sizeof out), 200);
    CU_ASSERT_EQUAL(int_in(out, "result"), 7);
    /* an anonymous task: everyone's */
    CU_ASSERT_EQUAL(ask(&x, "bob", "result", anon, out, sizeof out), 200);
    CU_ASSERT_EQUAL(int_in(out, "result"), 8);
    CU_ASSERT_EQUAL(ask(&x, NULL, "progress", anon, out, sizeof out), 200);
    srv_stop(&x);
}

/* A cancel by another of alice's task while it runs: answered as a never-issued id, and the
 * task runs on and ends done for alice (test_as_unknown asks only once the task is done). */
static void test_cancel_running(void)
{
    /* 60 steps of 20 ms: over a second of running to ask in */
    CU_ASSERT_EQUAL_FATAL(setenv("LADON_EXAMPLE_STEP_MS", "20", 1), 0);
    srv x;
    int started = srv_start(&x, 0);
    CU_ASSERT_EQUAL_FATAL(setenv("LADON_EXAMPLE_STEP_MS", "1", 1), 0);
    CU_ASSERT_EQUAL_FATAL(started, 0);
    int32_t mine = start(&x, "alice", "s", 7);
    int32_t never = never_issued(mine, 0);
    char out[16384];
    int running = 0;
    for (int i = 0; i < 5000 && !running; i++) {
        CU_ASSERT_EQUAL_FATAL(ask(&x, "alice", "progress", mine, out, sizeof out), 200);
        running = strstr(out, "<state>running</state>") != NULL;
        if (!running) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
    CU_ASSERT_FATAL(running);
    static const char *const others[] = {"bob", NULL, "Alice"};
    for (size_t o = 0; o < sizeof others / sizeof others[0]; o++) {
        char want[8192], got[8192];
        int gs = ask_norm(&x, others[o], "cancel", mine, got, sizeof got);
        int ws = ask_norm(&x, others[o], "cancel", never, want, sizeof want);
        CU_ASSERT_EQUAL(gs, 500);
        CU_ASSERT_EQUAL(gs, ws);
        CU_ASSERT_STRING_EQUAL(got, want);
        CU_ASSERT_PTR_NOT_NULL(strstr(got, "unknown or expired task id N"));
    }
    /* no cancel was requested: it runs on (or just ended), never cancelled */
    CU_ASSERT_EQUAL(ask(&x, "alice", "progress", mine, out, sizeof out), 200);
    CU_ASSERT(strstr(out, "<state>running</state>") != NULL ||
              strstr(out, "<state>done</state>") != NULL);
    wait_done(&x, "alice", mine);
    CU_ASSERT_EQUAL(ask(&x, "alice", "result", mine, out, sizeof out), 200);
    CU_ASSERT_EQUAL(int_in(out, "result"), 7);
    srv_stop(&x);
}

static void test_probe_same(void)
{
    /* 3 unknown answers allowed, the 4th starts the cool-down: the same with another's id as
     * with never-issued ones (one server each: the limiter counts per process) */
    for (int other = 0; other < 2; other++) {
        srv x;
        CU_ASSERT_EQUAL_FATAL(srv_start(&x, 3), 0);
        int32_t mine = start(&x, "alice", "s", 1);
        int32_t never = never_issued(mine, 0);
        char out[16384];
        for (int i = 0; i < 4; i++) {
            int32_t id = other ? mine : never - i;
            CU_ASSERT_EQUAL(ask(&x, "bob", "progress", id, out, sizeof out), 500);
            CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown or expired task id"));
        }
        /* now every lookup from this client is refused, alice's own too */
        CU_ASSERT_EQUAL(ask(&x, "alice", "progress", mine, out, sizeof out), 500);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "too many unknown task ids"));
        srv_stop(&x);
    }
}

/* Idempotency-Key: an anonymous caller's key never names a user's claim, nor a user's key an
 * anonymous claim, whatever the client sends (a user's key is scoped "~" + name + "~" + key). */
static void test_key_scopes(void)
{
    srv x;
    CU_ASSERT_EQUAL_FATAL(srv_start(&x, 0), 0);
    char out[16384];
    int32_t mine = start_key(&x, "alice", "k1", 7, out, sizeof out);
    CU_ASSERT_FATAL(mine > 0);
    /* alice's key retried: hers */
    CU_ASSERT_EQUAL(start_key(&x, "alice", "k1", 7, out, sizeof out), mine);
    /* her scoped form, anonymously, same arguments: a new task, not hers */
    int32_t theirs = start_key(&x, NULL, "~alice~k1", 7, out, sizeof out);
    CU_ASSERT(theirs > 0);
    CU_ASSERT_NOT_EQUAL(theirs, mine);
    /* with other arguments than hers: a new task too, never the conflict fault (which would
     * tell that she used the key) */
    int32_t mine2 = start_key(&x, "alice", "k2", 7, out, sizeof out);
    CU_ASSERT_FATAL(mine2 > 0);
    theirs = start_key(&x, NULL, "~alice~k2", 8, out, sizeof out);
    CU_ASSERT(theirs > 0);
    CU_ASSERT_NOT_EQUAL(theirs, mine2);
    CU_ASSERT_PTR_NULL(strstr(out, "was used with other arguments"));
    /* the other direction: an anonymous claim of carol's scoped form first */
    int32_t trap = start_key(&x, NULL, "~carol~k9", 9, out, sizeof out);
    CU_ASSERT_FATAL(trap > 0);
    int32_t hers = start_key(&x, "carol", "k9", 9, out, sizeof out);
    CU_ASSERT_FATAL(hers > 0);
    CU_ASSERT_NOT_EQUAL(hers, trap);
    wait_done(&x, "carol", hers);
    CU_ASSERT_EQUAL(ask(&x, "carol", "result", hers, out, sizeof out), 200);
    CU_ASSERT_EQUAL(int_in(out, "result"), 9);
    /* hers indeed: bob does not see it */
    CU_ASSERT_EQUAL(ask(&x, "bob", "progress", hers, out, sizeof out), 500);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown or expired task id"));
    /* anonymously, a key with a leading '~' has one byte less room (it is claimed with one
     * more '~'): 255 bytes is the Client fault, 254 a start */
    char lkey[256];
    memset(lkey, '~', sizeof lkey - 1);
    lkey[sizeof lkey - 1] = '\0';
    CU_ASSERT_EQUAL(start_key(&x, NULL, lkey, 1, out, sizeof out), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<faultcode>SOAP-ENV:Client</faultcode>"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out, "bad Idempotency-Key header: a key starting with '~' has at most 254 characters"));
    lkey[sizeof lkey - 2] = '\0';
    int32_t lid = start_key(&x, NULL, lkey, 1, out, sizeof out);
    CU_ASSERT(lid > 0);
    /* an anonymous key without a leading '~' works as before */
    int32_t a1 = start_key(&x, NULL, "plain-1", 3, out, sizeof out);
    CU_ASSERT(a1 > 0);
    CU_ASSERT_EQUAL(start_key(&x, NULL, "plain-1", 3, out, sizeof out), a1);
    wait_done(&x, "alice", mine);
    wait_done(&x, "alice", mine2);
    srv_stop(&x);
}

static int list(const srv *x, const char *user, const char *inner, char *out, size_t size)
{
    char body[1024];
    snprintf(body, sizeof body, "<t:taskExample_list>%s</t:taskExample_list>", inner);
    return post(x, user, body, out, size);
}

/* The next_page_token of a list answer into tok ("" when empty or absent). */
static void token_of(const char *out, char *tok, size_t size)
{
    const char *p = strstr(out, "<next_page_token>");
    tok[0] = '\0';
    if (p == NULL)
        return;
    p += strlen("<next_page_token>");
    const char *e = strchr(p, '<');
    size_t n = e != NULL ? (size_t)(e - p) : 0;
    if (n < size) {
        memcpy(tok, p, n);
        tok[n] = '\0';
    }
}

static int count_of(const char *out, const char *what)
{
    int n = 0;
    for (const char *p = out; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

static void test_list(void)
{
    srv x;
    CU_ASSERT_EQUAL_FATAL(srv_start(&x, 0), 0);
    static char out[262144];
    CU_ASSERT_EQUAL(list(&x, NULL, "", out, sizeof out), 500);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<faultcode>SOAP-ENV:Client</faultcode>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "listing tasks needs an identity"));
    int32_t ids[7];
    for (int i = 0; i < 7; i++)
        ids[i] = start(&x, "alice", "s", i);
    (void)start(&x, "bob", "s", 99);
    CU_ASSERT_EQUAL(list(&x, "alice", "<limit>3</limit>", out, sizeof out), 200);
    CU_ASSERT_EQUAL(count_of(out, "<tasks>"), 3);
    /* newest first: the first listed is the last started */
    CU_ASSERT_EQUAL(int_in(out, "task_id"), ids[6]);
    char tok[128], tok2[128];
    token_of(out, tok, sizeof tok);
    CU_ASSERT_EQUAL(strlen(tok), 41);
    char inner[256];
    snprintf(inner, sizeof inner, "<limit>3</limit><page_token>%s</page_token>", tok);
    CU_ASSERT_EQUAL(list(&x, "alice", inner, out, sizeof out), 200);
    CU_ASSERT_EQUAL(count_of(out, "<tasks>"), 3);
    CU_ASSERT_EQUAL(int_in(out, "task_id"), ids[3]);
    token_of(out, tok2, sizeof tok2);
    snprintf(inner, sizeof inner, "<limit>3</limit><page_token>%s</page_token>", tok2);
    CU_ASSERT_EQUAL(list(&x, "alice", inner, out, sizeof out), 200);
    CU_ASSERT_EQUAL(count_of(out, "<tasks>"), 1);
    CU_ASSERT_EQUAL(int_in(out, "task_id"), ids[0]);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<next_page_token></next_page_token>") != NULL
                               ? out : strstr(out, "<next_page_token/>"));
    /* bob sees his one; alice's token is not his */
    CU_ASSERT_EQUAL(list(&x, "bob", "", out, sizeof out), 200);
    CU_ASSERT_EQUAL(count_of(out, "<tasks>"), 1);
    snprintf(inner, sizeof inner, "<page_token>%s</page_token>", tok);
    CU_ASSERT_EQUAL(list(&x, "bob", inner, out, sizeof out), 500);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "bad page_token"));
    CU_ASSERT_EQUAL(list(&x, "alice", "<page_token>x</page_token>", out, sizeof out), 500);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "bad page_token"));
    CU_ASSERT_EQUAL(list(&x, "alice", "<limit>-1</limit>", out, sizeof out), 500);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "limit must be 0 or more"));
    /* 0 and above the maximum: all 7 (default 50, max 1000), no token */
    CU_ASSERT_EQUAL(list(&x, "alice", "<limit>0</limit>", out, sizeof out), 200);
    CU_ASSERT_EQUAL(count_of(out, "<tasks>"), 7);
    CU_ASSERT_EQUAL(list(&x, "alice", "<limit>2000000000</limit>", out, sizeof out), 200);
    CU_ASSERT_EQUAL(count_of(out, "<tasks>"), 7);
    token_of(out, tok, sizeof tok);
    CU_ASSERT_STRING_EQUAL(tok, "");
    /* an empty token is the first page */
    CU_ASSERT_EQUAL(list(&x, "alice", "<page_token></page_token>", out, sizeof out), 200);
    CU_ASSERT_EQUAL(count_of(out, "<tasks>"), 7);
    srv_stop(&x);
}

int main(void)
{
    /* taskExample's 60 steps of 1 ms (tasks_init reads it) */
    if (setenv("LADON_EXAMPLE_STEP_MS", "1", 1) != 0)
        return 2;
    static const rt_test tests[] = {
        {"another's task answers as a never-issued id", test_as_unknown},
        {"another's cancel of a running task: unknown, the task ends done", test_cancel_running},
        {"the probe limiter counts another's id as unknown", test_probe_same},
        {"m_list: identity, pages, tokens, limits", test_list},
        {"Idempotency-Key: anonymous and users' claims never meet", test_key_scopes},
        {NULL, NULL},
    };
    return rt_run("taskcall ownership", tests, NULL, NULL);
}
