/* taskcall.c - task operations between the generated glue and the engine.
 *
 * A task method m of service S is five gSOAP operations (docs/tasks.md).
 * The generated glue describes m with one ladon_task_desc (service.h, ABI
 * 3) of one-line wrappers around gSOAP's serializers and the
 * implementation, and each operation is one call into this file:
 *
 *   m:          ladon_call_task_start(): the early check (tm->check), then
 *               the arguments (the request struct) written as XML in the
 *               worker's data context and queued, as a copy, on the engine
 *               - so the task owns a deep copy of its arguments, and a
 *               queued task costs only their bytes.  The request's
 *               Idempotency-Key header, when present, goes with them.
 *   (task thread) job_run(): a gSOAP context for the run reads the
 *               arguments back, runs the implementation on a new result
 *               struct with a ladon_call bound to the task, and writes the
 *               result as XML, which is the stored result: every store
 *               keeps the same bytes.
 *   m_progress, m_cancel, m_wait: a ladon_task_view of the record; m_wait
 *               parks the request while the task runs (park.c).
 *   m_result:   the stored XML read into the response struct, in the
 *               call's data context (emptied after the response:
 *               ladon__taskcall_end).
 *
 * Tasks are recorded in the store under "Service.m", so an id of another
 * method (or service) is unknown to its operations.  A task started by a
 * caller with an identity (call->user) is that user's: the engine's _as
 * functions answer LADON_ENOTFOUND to anyone else, so progress, result,
 * cancel and wait answer them exactly as an unknown id (the same fault,
 * counted by the probe limiter the same way), and m_list lists only the
 * caller's own tasks.  In the task body ladon_call_user() is the owner.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdsoap2.h>

#include "call_internal.h"
#include "clock.h"
#include "fnv.h"
#include "ladon/error.h"
#include "log.h"
#include "park.h"
#include "server_internal.h"
#include "taskcall.h"
#include "worker.h"

_Static_assert(LADON_TASK_OWNER_MAX == LADON_USER_MAX, "a caller's name is a task's owner");

/* The engine of the server serving call, or NULL (with an error logged). */
static ladon_task_engine *engine_of(ladon_call *call)
{
    ladon__worker *w = call != NULL ? call->worker : NULL;
    if (w == NULL || w->srv == NULL || w->srv->tasks == NULL) {
        LADON_LOGE("task operation %s called without a task engine", ladon_call_operation(call));
        return NULL;
    }
    return w->srv->tasks;
}

/* Before a call into the task engine that may go to the store: a remote
 * store (memcached, redis) makes the worker wait for round trips, so it
 * gives its slot to a spare thread (loop.c) until ladon__worker_wait_end;
 * the memory store answers at once and keeps it. */
static void store_wait_begin(ladon__worker *w)
{
    if (w != NULL && w->srv->store_remote)
        ladon__worker_wait_begin(w);
}

/* "Service.m" into buf; -1 when it does not fit. */
static int method_key(char *buf, size_t len, const ladon_call *call, const char *method)
{
    const char *svc = call->service != NULL ? call->service->name : "";
    int n = snprintf(buf, len, "%s.%s", svc, method);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

static int internal_error(ladon_call *call)
{
    return soap_receiver_fault(call->soap, "internal error", NULL);
}

/* The start of every task operation: the engine and the method's key
 * ("Service.method") of call, or the answer to give (SOAP_FATAL_ERROR
 * without a call, the internal error when anything is missing; out is the
 * operation's output, NULL when it has none). */
static int op_begin(ladon_call *call, const ladon_task_desc *tm, const void *out,
                    ladon_task_engine **eng, char key[LADON_TASK_METHOD_MAX])
{
    if (call == NULL || call->soap == NULL)
        return SOAP_FATAL_ERROR;
    *eng = engine_of(call);
    if (*eng == NULL || tm == NULL || out == NULL ||
        method_key(key, LADON_TASK_METHOD_MAX, call, tm->name) != 0)
        return internal_error(call);
    return SOAP_OK;
}

/* ---- clients sweeping task ids (probe.h) ------------------------------------ */

/* The client of call's request, as the log line names it (through trusted
 * proxies); false when there is none (tests) or the limiter is off. */
static bool probe_client(const ladon_call *call, char *out, size_t n)
{
    const ladon__worker *w = call->worker;
    const ladon__conn *c = w != NULL ? w->conn : NULL;
    if (c == NULL || w->srv->probe.limit == 0)
        return false;
    ladon__client(&w->srv->router.proxies, &c->req, (const struct sockaddr *)&c->peer, c->peer_str,
                  out, n);
    return out[0] != '\0';
}

/* A task lookup by a client that is cooling down: SOAP_OK when it may go
 * on, else the Client fault. */
static int probe_check(ladon_call *call)
{
    char client[64];
    if (!probe_client(call, client, sizeof client) ||
        !ladon__probe_blocked(&call->worker->srv->probe, client, ladon__now_ms()))
        return SOAP_OK;
    return soap_sender_fault(call->soap, "too many unknown task ids", NULL);
}

/* An unknown-id answer: counted, and logged once when it starts a cool-down. */
static void probe_note(ladon_call *call)
{
    char client[64];
    if (!probe_client(call, client, sizeof client))
        return;
    const ladon_config *cfg = &call->worker->srv->cfg;
    if (ladon__probe_unknown(&call->worker->srv->probe, client, ladon__now_ms()))
        LADON_LOGW("%s asked for more than %u unknown task ids in %u s: its task lookups are "
                   "refused for %u s",
                   client, cfg->task_probe_limit, cfg->task_probe_window_s,
                   cfg->task_probe_cooldown_s);
}

/* The fault for an engine or store error. */
static int task_fault(ladon_call *call, int rc, int32_t id, const ladon_task_info *info,
                      const char *message)
{
    struct soap *soap = call->soap;
    char *m = call->error_msg;
    size_t n = sizeof call->error_msg;
    switch (rc) {
    case LADON_ENOTFOUND:
        probe_note(call);
        snprintf(m, n, "unknown or expired task id %ld", (long)id);
        return soap_sender_fault(soap, m, NULL);
    case LADON_ESTATE:
        /* rounded down: a task at 0.999 is not shown as 1.00 */
        snprintf(m, n, "task %ld is not finished yet (progress %.2f)", (long)id,
                 info != NULL ? floor(info->progress * 100.0) / 100.0 : 0.0);
        return soap_sender_fault(soap, m, NULL);
    case LADON_EFAULT:
        snprintf(m, n, "task %ld failed: %s", (long)id, message);
        return soap_receiver_fault(soap, m, NULL);
    case LADON_ECANCELLED:
        snprintf(m, n, "task %ld cancelled", (long)id);
        return soap_sender_fault(soap, m, NULL);
    case LADON_ENOTSUP:
        LADON_LOGW("%s: the task store cannot do this", ladon_call_operation(call));
        return soap_receiver_fault(soap, "not supported by this server's task store", NULL);
    case LADON_EBUSY:
        return soap_receiver_fault(soap, "server busy: task queue full", NULL);
    case LADON_ESTORE:
        LADON_LOGE("%s: task store unavailable", ladon_call_operation(call));
        return soap_receiver_fault(soap, "task store unavailable", NULL);
    case LADON_ENOMEM:
        LADON_LOGE("%s: out of memory", ladon_call_operation(call));
        return soap_receiver_fault(soap, "out of memory", NULL);
    default:
        LADON_LOGE("%s: task engine error %d (%s)", ladon_call_operation(call), rc,
                   ladon_err_name(rc));
        return internal_error(call);
    }
}

/* ---- the private gSOAP contexts ------------------------------------------ */

struct soap *ladon__data_soap_new(const ladon_binding *binding)
{
    /* the same XML modes as the request contexts (dispatch.c), no I/O hooks;
     * no array or depth limits: the data was written by this program */
    struct soap *s = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (s == NULL)
        return NULL;
    soap_set_namespaces(s, binding->namespaces);
    /* What these contexts write (a task's arguments, its result) is kept -
     * the result in the store, for --task-ttl - so it is written small:
     * exclusive canonical XML declares only the namespaces an element uses
     * (gSOAP otherwise declares the binding's whole namespace table on the
     * root element: taskExample's result was 502 bytes, 144 now), and no
     * XML declaration.  Both read back the same with the same table. */
    soap_set_omode(s, SOAP_XML_CANONICAL);
    s->prolog = NULL;
    s->maxoccurs = (size_t)-1 / 2;
    s->maxlevel = 100000;
    s->socket = SOAP_INVALID_SOCKET;
    s->master = SOAP_INVALID_SOCKET;
    return s;
}

void ladon__data_soap_free(struct soap *s)
{
    if (s == NULL)
        return;
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
}

struct soap *ladon_call_data_soap(ladon_call *call)
{
    ladon__worker *w = call != NULL ? call->worker : NULL;
    if (w == NULL || w->srv == NULL)
        return NULL;
    if (call->data == NULL && (call->data = ladon__data_soap_new(w->srv->binding)) == NULL)
        LADON_LOGE("%s: out of memory (data context)", ladon_call_operation(call));
    return call->data;
}

void ladon__taskcall_end(ladon_call *call)
{
    if (call->data != NULL) {
        soap_destroy(call->data);
        soap_end(call->data);
        call->data->is = NULL;
    }
    free(call->result_xml);
    call->result_xml = NULL;
}

void ladon__taskcall_free(ladon_call *call)
{
    ladon__taskcall_end(call);
    ladon__data_soap_free(call->data);
    call->data = NULL;
}

/* ---- m --------------------------------------------------------------------- */

typedef struct task_job {
    const ladon_task_desc *tm;
    const ladon_binding *binding;
    const ladon_service *service;
    const ladon_operation *op;
    char args[]; /* the arguments as XML */
} task_job;

static void job_free(void *arg)
{
    free(arg);
}

/* *v written with write as XML in soap's memory, or NULL. */
static const char *write_xml(struct soap *soap, int (*write)(struct soap *, const void *),
                             const void *v)
{
    const char *xml = NULL;
    soap->os = &xml;
    if (soap_begin_send(soap) != SOAP_OK || write(soap, v) != SOAP_OK ||
        soap_end_send(soap) != SOAP_OK)
        xml = NULL;
    soap->os = NULL;
    return xml;
}

static int job_run(ladon_task_ctx *ctx, void *arg)
{
    task_job *j = arg;
    const ladon_task_desc *tm = j->tm;
    ladon_call call = {0};
    const char *xml = NULL;
    struct soap *soap;
    void *args = NULL, *result = NULL;
    int rc;

    soap = ladon__data_soap_new(j->binding);
    if (soap == NULL) {
        LADON_LOGE("task %ld of %s: out of memory (gSOAP context)", (long)ladon_task_id(ctx),
                   ladon_task_method(ctx));
        return ladon_task_fail(ctx, "out of memory");
    }
    soap->is = j->args;
    ladon__call_reset(&call, soap, j->service, NULL);
    call.op = j->op;
    call.task = ctx;
    /* the body acts for the user who started it */
    snprintf(call.user, sizeof call.user, "%s", ladon_task_owner(ctx));
    if (soap_begin_recv(soap) != SOAP_OK || (args = tm->read_args(soap)) == NULL ||
        soap_end_recv(soap) != SOAP_OK)
        rc = LADON_ESYS;
    else if ((result = tm->new_result(soap)) == NULL)
        rc = LADON_ENOMEM;
    else
        rc = tm->run(&call, args, result);
    if (rc == LADON_OK)
        xml = write_xml(soap, tm->write_result, result);
    if (rc == LADON_OK && xml != NULL) {
        rc = ladon_task_set_result(ctx, xml, strlen(xml));
        if (rc != 0) {
            LADON_LOGE("task %ld of %s: out of memory storing its result",
                       (long)ladon_task_id(ctx), ladon_task_method(ctx));
            rc = ladon_task_fail(ctx, "out of memory");
        }
    } else if (rc == LADON_EFAULT && call.fault_code == LADON_FAULT_CLIENT) {
        rc = ladon_task_fail_client(ctx, "%s", call.fault_msg);
    } else if (rc == LADON_EFAULT && call.fault_code != 0) {
        rc = ladon_task_fail(ctx, "%s", call.fault_msg);
    } else {
        if (rc == LADON_OK)
            LADON_LOGE("task %ld of %s: cannot write its result (gSOAP error %d)",
                       (long)ladon_task_id(ctx), ladon_task_method(ctx), soap->error);
        else if (rc == LADON_ESYS)
            LADON_LOGE("task %ld of %s: its arguments do not read back (gSOAP error %d at <%s>)",
                       (long)ladon_task_id(ctx), ladon_task_method(ctx), soap->error, soap->tag);
        else if (rc == LADON_ENOMEM)
            LADON_LOGE("task %ld of %s: out of memory (result)", (long)ladon_task_id(ctx),
                       ladon_task_method(ctx));
        else
            LADON_LOGE("task %ld of %s returned %d (%s) without a fault; recording 'internal "
                       "error'", (long)ladon_task_id(ctx), ladon_task_method(ctx), rc,
                       ladon_err_name(rc));
        rc = ladon_task_fail(ctx, rc == LADON_ENOMEM ? "out of memory" : "internal error");
    }
    ladon__data_soap_free(soap);
    return rc;
}

/* The request's Idempotency-Key into key (its surrounding quotes removed:
 * the IETF draft sends it as a structured-field string, most clients send
 * it bare): 1 when there is one, 0 when none, -1 (the fault set) when it is
 * malformed. */
static int idempotency_key(ladon_call *call, char *key, size_t size)
{
    ladon__worker *w = call->worker;
    const ladon__http_req *req = w != NULL && w->conn != NULL ? &w->conn->req : NULL;
    const char *v;
    size_t n;

    if (req == NULL || (req->idempotency_key[0] == '\0' && !req->idempotency_key_bad))
        return 0;
    v = req->idempotency_key;
    n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    bool ok = !req->idempotency_key_bad && n > 0 && n < size;
    for (size_t i = 0; ok && i < n; i++)
        ok = v[i] >= 0x21 && v[i] <= 0x7e && v[i] != '"';
    if (!ok) {
        snprintf(call->error_msg, sizeof call->error_msg,
                 "bad Idempotency-Key header: 1 to %d printable ASCII characters, given once",
                 LADON_TASK_KEY_MAX - 1);
        soap_sender_fault(call->soap, call->error_msg, NULL);
        return -1;
    }
    memcpy(key, v, n);
    key[n] = '\0';
    return 1;
}

/* FNV-1a, 64 bits, of the arguments: what an idempotency key is checked
 * against (the same arguments write the same XML). */
static uint64_t args_hash(const char *xml)
{
    return ladon__fnv1a_str(LADON__FNV1A_BASIS_SHORT, xml);
}

int ladon_call_task_start(ladon_call *call, const ladon_task_desc *tm, void *args,
                          int *task_id)
{
    ladon__worker *w;
    ladon_task_engine *eng;
    char key[LADON_TASK_METHOD_MAX];
    char ikey[LADON_TASK_KEY_MAX];
    const char *xml = NULL;
    struct soap *data;
    task_job *j;
    size_t len;
    int32_t id = 0;
    int rc, existed = 0, has_key;

    if ((rc = op_begin(call, tm, args, &eng, key)) != SOAP_OK)
        return rc;
    if (task_id == NULL)
        return internal_error(call);
    w = call->worker;
    /* the early check answers the start itself: nothing is created */
    if (tm->check != NULL && (rc = tm->check(call, args)) != LADON_OK)
        return ladon_call_finish(call, rc);
    has_key = idempotency_key(call, ikey, sizeof ikey);
    if (has_key < 0)
        return call->soap->error;
    data = ladon_call_data_soap(call);
    if (data != NULL)
        xml = write_xml(data, tm->write_args, args);
    if (xml == NULL) {
        LADON_LOGE("%s: cannot write the task's arguments", ladon_call_operation(call));
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    }
    len = strlen(xml);
    j = malloc(sizeof *j + len + 1);
    if (j == NULL)
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    j->tm = tm;
    j->binding = w->srv->binding;
    j->service = call->service;
    j->op = call->op;
    memcpy(j->args, xml, len + 1);
    ladon_task_start start = {
        .method = key,
        .run = job_run,
        .arg = j,
        .free_arg = job_free,
        .idempotency_key = has_key ? ikey : NULL,
        .args_hash = has_key ? args_hash(j->args) : 0,
        .owner = call->user,
    };
    store_wait_begin(w);
    rc = ladon_task_submit_start(eng, &start, &id, &existed);
    ladon__worker_wait_end(w);
    if (rc != 0 || existed)
        job_free(j);
    if (rc == LADON_ECONFLICT) {
        snprintf(call->error_msg, sizeof call->error_msg,
                 "Idempotency-Key '%s' was used with other arguments", ikey);
        return soap_sender_fault(call->soap, call->error_msg, NULL);
    }
    if (rc == LADON_EINVAL && has_key) {
        /* the key scoped by the user does not fit; anonymously, a key with a leading '~'
         * is claimed with one more (task_engine.c) */
        if (call->user[0] != '\0')
            snprintf(call->error_msg, sizeof call->error_msg,
                     "bad Idempotency-Key header: too long with this user's name");
        else
            snprintf(call->error_msg, sizeof call->error_msg,
                     "bad Idempotency-Key header: a key starting with '~' has at most %d "
                     "characters", LADON_TASK_KEY_MAX - 2);
        return soap_sender_fault(call->soap, call->error_msg, NULL);
    }
    if (rc != 0)
        return task_fault(call, rc, 0, NULL, NULL);
    if (existed)
        LADON_LOGD("%s: Idempotency-Key '%s' names task %ld", key, ikey, (long)id);
    else
        LADON_LOGD("task %ld of %s queued", (long)id, key);
    *task_id = (int)id;
    return SOAP_OK;
}

/* ---- m_progress, m_cancel, m_wait --------------------------------------------- */

/* out from the record; the message is copied into the request's memory. */
static int fill_view(ladon_call *call, const ladon_task_record *rec, ladon_task_view *out)
{
    out->task_id = (int)rec->info.id;
    out->progress = rec->info.progress;
    out->duration = rec->info.duration;
    out->starttime = rec->info.starttime;
    out->state = (int)rec->info.state;
    out->message = NULL;
    if (rec->message[0] != '\0' &&
        (out->message = soap_strdup(call->soap, rec->message)) == NULL)
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    return SOAP_OK;
}

enum view_op { VIEW_PROGRESS, VIEW_CANCEL, VIEW_WAIT };

static int task_view(ladon_call *call, const ladon_task_desc *tm, int task_id,
                     enum view_op what, ladon_task_view *out)
{
    ladon_task_engine *eng;
    char key[LADON_TASK_METHOD_MAX];
    ladon_task_record rec;
    int rc;

    if ((rc = op_begin(call, tm, out, &eng, key)) != SOAP_OK)
        return rc;
    if ((rc = probe_check(call)) != SOAP_OK)
        return rc;
    /* ids are positive: 0 and negative ones were never issued */
    if (task_id <= 0)
        return task_fault(call, LADON_ENOTFOUND, (int32_t)task_id, NULL, NULL);
    store_wait_begin(call->worker);
    if (what == VIEW_CANCEL)
        rc = ladon_task_cancel_as(eng, key, call->user, (int32_t)task_id, &rec);
    else
        rc = ladon_task_query_as(eng, key, call->user, (int32_t)task_id, &rec);
    ladon__worker_wait_end(call->worker);
    if (rc != 0)
        return task_fault(call, rc, (int32_t)task_id, NULL, NULL);
    return fill_view(call, &rec, out);
}

int ladon_call_task_progress(ladon_call *call, const ladon_task_desc *tm, int task_id,
                             ladon_task_view *out)
{
    return task_view(call, tm, task_id, VIEW_PROGRESS, out);
}

int ladon_call_task_cancel(ladon_call *call, const ladon_task_desc *tm, int task_id,
                           ladon_task_view *out)
{
    return task_view(call, tm, task_id, VIEW_CANCEL, out);
}

int ladon_call_task_wait(ladon_call *call, const ladon_task_desc *tm, int task_id,
                         double timeout, ladon_task_view *out)
{
    ladon__worker *w;
    ladon__conn *c;
    char key[LADON_TASK_METHOD_MAX];
    int64_t now, deadline;
    bool park;
    int rc;

    if (call == NULL || call->soap == NULL)
        return SOAP_FATAL_ERROR;
    if (!(timeout >= 0.0)) { /* also NaN */
        snprintf(call->error_msg, sizeof call->error_msg,
                 "timeout must be a number of seconds >= 0");
        return soap_sender_fault(call->soap, call->error_msg, NULL);
    }
    w = call->worker;
    c = w != NULL ? w->conn : NULL;
    if (c == NULL || tm == NULL || task_id <= 0 || engine_of(call) == NULL ||
        method_key(key, sizeof key, call, tm->name) != 0)
        return task_view(call, tm, task_id, VIEW_WAIT, out);
    now = ladon__now_ms();
    if (c->wait_deadline_ms != 0) {
        deadline = c->wait_deadline_ms; /* served again: the first deadline */
    } else {
        double max = (double)w->srv->cfg.task_wait_max_s;
        double t = timeout < max ? timeout : max;
        deadline = now + (int64_t)(t * 1000.0);
    }
    /* watch before reading, so an end between the read and parking wakes it */
    park = now < deadline && ladon__park_prepare(w, key, (int32_t)task_id, deadline) == 0;
    rc = task_view(call, tm, task_id, VIEW_WAIT, out);
    if (park && rc == SOAP_OK &&
        (out->state == LADON_TASK_QUEUED || out->state == LADON_TASK_RUNNING)) {
        call->parked = 1;
        return SOAP_STOP; /* dispatch.c: no answer now */
    }
    ladon__park_leave(w->srv, c);
    return rc;
}

/* ---- m_list ------------------------------------------------------------------ */

/* A page token: "1" (its version), then 16 hex digits of the starttime's
 * bits, 8 of the id, and 16 of a check: FNV-1a of those and the method and
 * user, so a token is refused by another method's or another user's list
 * (and a garbled one anywhere).  It names a position, never an offset:
 * pages that follow stay exact however many tasks are added meanwhile.
 * Not a secret - it holds nothing but a position in the caller's own list. */
#define TOKEN_LEN 41

static uint64_t token_check(const char *head, const char *method, const char *user)
{
    static const unsigned char sep = 0xff; /* a byte no part holds */
    uint64_t h = LADON__FNV1A_BASIS_SHORT;
    const char *parts[3] = {head, method, user};
    for (int i = 0; i < 3; i++)
        h = ladon__fnv1a_add(ladon__fnv1a_str(h, parts[i]), &sep, 1);
    return h;
}

static void token_make(char *out, const ladon_task_pos *p, const char *method, const char *user)
{
    uint64_t bits;
    memcpy(&bits, &p->starttime, sizeof bits);
    snprintf(out, TOKEN_LEN + 1, "1%016llx%08lx", (unsigned long long)bits,
             (unsigned long)(uint32_t)p->id);
    snprintf(out + 25, TOKEN_LEN + 1 - 25, "%016llx",
             (unsigned long long)token_check(out, method, user));
}

/* 0 with *p from token, -1 when it is not one of this list's. */
static int token_read(const char *token, ladon_task_pos *p, const char *method, const char *user)
{
    char want[TOKEN_LEN + 1];
    if (strnlen(token, TOKEN_LEN + 1) != TOKEN_LEN || token[0] != '1')
        return -1;
    for (size_t i = 1; i < TOKEN_LEN; i++)
        if (!((token[i] >= '0' && token[i] <= '9') || (token[i] >= 'a' && token[i] <= 'f')))
            return -1;
    char part[17];
    memcpy(part, token + 1, 16);
    part[16] = '\0';
    unsigned long long bits = strtoull(part, NULL, 16);
    memcpy(part, token + 17, 8);
    part[8] = '\0';
    unsigned long id = strtoul(part, NULL, 16);
    uint64_t b = bits;
    memcpy(&p->starttime, &b, sizeof b);
    p->id = (int32_t)id;
    if (id == 0 || id > INT32_MAX || !isfinite(p->starttime))
        return -1;
    token_make(want, p, method, user);
    return strcmp(want, token) == 0 ? 0 : -1;
}

int ladon_call_task_list(ladon_call *call, const ladon_task_desc *tm, const int *limit,
                         const char *page_token, ladon_task_page *out)
{
    ladon_task_engine *eng;
    char key[LADON_TASK_METHOD_MAX];
    ladon_task_pos after;
    int rc;

    if ((rc = op_begin(call, tm, out, &eng, key)) != SOAP_OK)
        return rc;
    out->tasks = NULL;
    out->n = 0;
    out->next_page_token = "";
    if (call->user[0] == '\0')
        return soap_sender_fault(call->soap, "listing tasks needs an identity", NULL);
    if (limit != NULL && *limit < 0)
        return soap_sender_fault(call->soap, "limit must be 0 or more", NULL);
    size_t n = limit == NULL || *limit == 0 ? LADON_TASK_LIST_DEFAULT
               : *limit > LADON_TASK_LIST_MAX ? LADON_TASK_LIST_MAX
                                              : (size_t)*limit;
    bool from = page_token != NULL && page_token[0] != '\0';
    if (from && token_read(page_token, &after, key, call->user) != 0)
        return soap_sender_fault(call->soap, "bad page_token", NULL);
    ladon_task_info *infos = malloc(n * sizeof *infos);
    if (infos == NULL)
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    size_t got = 0;
    int more = 0;
    store_wait_begin(call->worker);
    rc = ladon_task_list(eng, key, call->user, from ? &after : NULL, n, infos, &got, &more);
    ladon__worker_wait_end(call->worker);
    if (rc != 0) {
        free(infos);
        return task_fault(call, rc, 0, NULL, NULL);
    }
    if (got > 0) {
        out->tasks = soap_malloc(call->soap, got * sizeof *out->tasks);
        if (out->tasks == NULL) {
            free(infos);
            return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
        }
    }
    for (size_t i = 0; i < got; i++) {
        out->tasks[i].task_id = (int)infos[i].id;
        out->tasks[i].state = (int)infos[i].state;
        out->tasks[i].progress = infos[i].progress;
        out->tasks[i].starttime = infos[i].starttime;
    }
    out->n = (int)got;
    if (more && got > 0) {
        char *t = soap_malloc(call->soap, TOKEN_LEN + 1);
        if (t == NULL) {
            free(infos);
            return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
        }
        ladon_task_pos last = {infos[got - 1].starttime, infos[got - 1].id};
        token_make(t, &last, key, call->user);
        out->next_page_token = t;
    }
    free(infos);
    return SOAP_OK;
}

/* ---- m_result -------------------------------------------------------------- */

int ladon_call_task_result(ladon_call *call, const ladon_task_desc *tm, int task_id,
                           void *result)
{
    ladon__worker *w;
    ladon_task_engine *eng;
    char key[LADON_TASK_METHOD_MAX];
    ladon_task_record rec;
    struct soap *in;
    int rc;

    if ((rc = op_begin(call, tm, result, &eng, key)) != SOAP_OK)
        return rc;
    w = call->worker;
    if ((rc = probe_check(call)) != SOAP_OK)
        return rc;
    if (task_id <= 0)
        return task_fault(call, LADON_ENOTFOUND, (int32_t)task_id, NULL, NULL);
    store_wait_begin(w);
    rc = ladon_task_fetch_as(eng, key, call->user, (int32_t)task_id, &rec);
    ladon__worker_wait_end(w);
    if (rc != 0)
        return task_fault(call, rc, (int32_t)task_id, NULL, NULL);
    switch (rec.info.state) {
    case LADON_TASK_DONE:
        break;
    case LADON_TASK_FAILED:
        free(rec.result);
        if (rec.flags & LADON_TASK_CLIENT_FAULT) {
            /* the body's ladon_fault(LADON_FAULT_CLIENT, ...) stays the
             * client's */
            snprintf(call->error_msg, sizeof call->error_msg, "task %ld failed: %s",
                     (long)task_id, rec.message);
            return soap_sender_fault(call->soap, call->error_msg, NULL);
        }
        return task_fault(call, LADON_EFAULT, (int32_t)task_id, NULL, rec.message);
    case LADON_TASK_CANCELLED:
        free(rec.result);
        return task_fault(call, LADON_ECANCELLED, (int32_t)task_id, NULL, NULL);
    default:
        free(rec.result);
        return task_fault(call, LADON_ESTATE, (int32_t)task_id, &rec.info, NULL);
    }
    if (ladon_call_data_soap(call) == NULL) {
        free(rec.result);
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    }
    /* the engine's copy is NUL-terminated: read it in place; it is freed
     * after the response (ladon__taskcall_end) */
    free(call->result_xml);
    call->result_xml = rec.result;
    in = call->data;
    in->is = rec.result;
    if (soap_begin_recv(in) != SOAP_OK || tm->read_result(in, result) == NULL ||
        soap_end_recv(in) != SOAP_OK) {
        LADON_LOGE("task %d of %s: the stored result does not parse (gSOAP error %d at <%s>)",
                   task_id, key, in->error, in->tag);
        if (in->error == SOAP_EOM)
            return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
        return internal_error(call);
    }
    return SOAP_OK;
}
