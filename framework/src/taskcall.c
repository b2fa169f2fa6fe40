/* taskcall.c - task operations between the generated glue and the engine.
 *
 * A task method m of service S is three gSOAP operations (docs/tasks.md).
 * Their glue calls, in order:
 *
 *   m:          writes the request struct (the arguments) as XML with the
 *               generated serializer into the worker's data context
 *               (ladon_call_data_soap), and ladon_call_task_start() queues a
 *               copy of that XML on the engine and answers the id.  So the
 *               task owns a deep copy of its arguments, and a queued task
 *               costs only the bytes of its arguments.
 *   (task thread) job_run(): a gSOAP context for the run, reading the
 *               arguments XML; the glue's body reads the request struct,
 *               calls the implementation with a ladon_call bound to the task
 *               and writes the response struct as XML, which is the stored
 *               result: every store keeps the same bytes.
 *   m_progress: ladon_call_task_progress().
 *   m_result:   ladon_call_task_result() hands back the worker's data
 *               context reading the stored XML; the glue deserializes the
 *               response struct from it with the generated reader.
 *
 * Tasks are recorded in the store under "Service.m", so an id of another
 * method (or service) is unknown to m_progress and m_result.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdsoap2.h>

#include "call_internal.h"
#include "ladon/error.h"
#include "log.h"
#include "server_internal.h"

/* The engine of the server serving call, or NULL (with an error logged). */
static ladon_task_engine *engine_of(ladon_call *call)
{
    ladon__worker *w = call != NULL ? (ladon__worker *)call->worker : NULL;
    if (w == NULL || w->srv == NULL || w->srv->tasks == NULL) {
        LADON_LOGE("task operation %s called without a task engine", ladon_call_operation(call));
        return NULL;
    }
    return w->srv->tasks;
}

/* Before a call into the task engine that may go to the store: a remote
 * store (memcached, redis) makes the worker wait for round trips, so it
 * gives its slot to a wait thread (pool.c) until ladon__worker_wait_end;
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

/* The fault for an engine or store error. */
static int task_fault(ladon_call *call, int rc, int32_t id, const ladon_task_info *info,
                      const char *message)
{
    struct soap *soap = call->soap;
    char *m = call->error_msg;
    size_t n = sizeof call->error_msg;
    switch (rc) {
    case LADON_ENOTFOUND:
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
    /* the same XML modes as the request contexts (pool.c), no I/O hooks;
     * no array or depth limits: the data was written by this program */
    struct soap *s = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (s == NULL)
        return NULL;
    soap_set_namespaces(s, binding->namespaces);
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
    ladon__worker *w = call != NULL ? (ladon__worker *)call->worker : NULL;
    if (w == NULL || w->srv == NULL)
        return NULL;
    if (w->data == NULL && (w->data = ladon__data_soap_new(w->srv->binding)) == NULL)
        LADON_LOGE("%s: out of memory (data context)", ladon_call_operation(call));
    return w->data;
}

/* ---- m --------------------------------------------------------------------- */

typedef struct task_job {
    ladon_task_glue_fn body;
    const ladon_binding *binding;
    const ladon_service *service;
    const ladon_operation *op;
    char args[]; /* the arguments as XML */
} task_job;

static void job_free(void *arg)
{
    free(arg);
}

static int job_run(ladon_task_ctx *ctx, void *arg)
{
    task_job *j = arg;
    ladon_call call;
    const char *xml = NULL;
    struct soap *soap;
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
    rc = j->body(&call, soap, &xml);
    if (rc == LADON_OK && xml != NULL) {
        rc = ladon_task_set_result(ctx, xml, strlen(xml));
        if (rc != 0) {
            LADON_LOGE("task %ld of %s: out of memory storing its result",
                       (long)ladon_task_id(ctx), ladon_task_method(ctx));
            rc = ladon_task_fail(ctx, "out of memory");
        }
    } else if (rc == LADON_EFAULT && call.fault_code != 0) {
        rc = ladon_task_fail(ctx, "%s", call.fault_msg);
    } else {
        if (rc == LADON_OK)
            LADON_LOGE("task %ld of %s: cannot write its result (gSOAP error %d)",
                       (long)ladon_task_id(ctx), ladon_task_method(ctx), soap->error);
        else if (rc == LADON_ESYS)
            LADON_LOGE("task %ld of %s: its arguments do not read back (gSOAP error %d at <%s>)",
                       (long)ladon_task_id(ctx), ladon_task_method(ctx), soap->error, soap->tag);
        else
            LADON_LOGE("task %ld of %s returned %d (%s) without a fault; recording 'internal "
                       "error'", (long)ladon_task_id(ctx), ladon_task_method(ctx), rc,
                       ladon_err_name(rc));
        rc = ladon_task_fail(ctx, "internal error");
    }
    ladon__data_soap_free(soap);
    return rc;
}

int ladon_call_task_start(ladon_call *call, const char *method, ladon_task_glue_fn body,
                          const char *args_xml, int *task_id)
{
    ladon__worker *w;
    ladon_task_engine *eng;
    char key[LADON_TASK_METHOD_MAX];
    task_job *j;
    size_t len;
    int32_t id = 0;
    int rc;

    if (call == NULL || call->soap == NULL)
        return SOAP_FATAL_ERROR;
    if (args_xml == NULL) {
        LADON_LOGE("%s: cannot write the task's arguments", ladon_call_operation(call));
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    }
    eng = engine_of(call);
    if (eng == NULL || body == NULL || task_id == NULL || method == NULL ||
        method_key(key, sizeof key, call, method) != 0)
        return internal_error(call);
    w = call->worker;
    len = strlen(args_xml);
    j = malloc(sizeof *j + len + 1);
    if (j == NULL)
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    j->body = body;
    j->binding = w->srv->binding;
    j->service = call->service;
    j->op = call->op;
    memcpy(j->args, args_xml, len + 1);
    store_wait_begin(w);
    rc = ladon_task_submit(eng, key, job_run, j, job_free, &id);
    ladon__worker_wait_end(w);
    if (rc != 0) {
        job_free(j);
        return task_fault(call, rc, 0, NULL, NULL);
    }
    LADON_LOGD("task %ld of %s queued", (long)id, key);
    *task_id = (int)id;
    return SOAP_OK;
}

/* ---- m_progress ------------------------------------------------------------ */

int ladon_call_task_progress(ladon_call *call, const char *method, int task_id, int *id_out,
                             double *progress, double *duration, double *starttime)
{
    ladon_task_engine *eng;
    char key[LADON_TASK_METHOD_MAX];
    ladon_task_info info;
    int rc;

    if (call == NULL || call->soap == NULL)
        return SOAP_FATAL_ERROR;
    eng = engine_of(call);
    if (eng == NULL || method == NULL || method_key(key, sizeof key, call, method) != 0)
        return internal_error(call);
    /* ids are positive: 0 and negative ones were never issued */
    if (task_id > 0) {
        store_wait_begin(call->worker);
        rc = ladon_task_progress(eng, key, (int32_t)task_id, &info);
        ladon__worker_wait_end(call->worker);
    } else {
        rc = LADON_ENOTFOUND;
    }
    if (rc != 0)
        return task_fault(call, rc, (int32_t)task_id, NULL, NULL);
    *id_out = (int)info.id;
    *progress = info.progress;
    *duration = info.duration;
    *starttime = info.starttime;
    return SOAP_OK;
}

/* ---- m_result -------------------------------------------------------------- */

int ladon_call_task_result(ladon_call *call, const char *method, int task_id, struct soap **in)
{
    ladon__worker *w;
    ladon_task_engine *eng;
    char key[LADON_TASK_METHOD_MAX];
    char message[LADON_TASK_MESSAGE_MAX];
    ladon_task_info info;
    void *data = NULL;
    size_t len = 0;
    int rc;

    if (call == NULL || call->soap == NULL || in == NULL)
        return SOAP_FATAL_ERROR;
    *in = NULL;
    eng = engine_of(call);
    if (eng == NULL || method == NULL || method_key(key, sizeof key, call, method) != 0)
        return internal_error(call);
    w = call->worker;
    message[0] = '\0';
    memset(&info, 0, sizeof info);
    if (task_id > 0) {
        store_wait_begin(w);
        rc = ladon_task_result(eng, key, (int32_t)task_id, &info, &data, &len, message,
                               sizeof message);
        ladon__worker_wait_end(w);
    } else {
        rc = LADON_ENOTFOUND;
    }
    if (rc != 0)
        return task_fault(call, rc, (int32_t)task_id, &info, message);
    if (ladon_call_data_soap(call) == NULL) {
        free(data);
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    }
    /* the engine's copy is NUL-terminated: read it in place; the worker
     * frees it with the data context after the response (pool.c) */
    free(w->result_xml);
    w->result_xml = data;
    w->data->is = data;
    *in = w->data;
    return SOAP_OK;
}

int ladon_call_task_unreadable(ladon_call *call, const char *method, int task_id)
{
    struct soap *in;
    if (call == NULL || call->soap == NULL)
        return SOAP_FATAL_ERROR;
    in = call->worker != NULL ? ((ladon__worker *)call->worker)->data : NULL;
    LADON_LOGE("task %d of %s.%s: the stored result does not parse (gSOAP error %d at <%s>)",
               task_id, call->service ? call->service->name : "?", method ? method : "?",
               in ? in->error : 0, in ? in->tag : "");
    if (in != NULL && in->error == SOAP_EOM)
        return task_fault(call, LADON_ENOMEM, 0, NULL, NULL);
    return internal_error(call);
}
