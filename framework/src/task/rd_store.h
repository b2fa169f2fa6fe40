/* rd_store.h - the redis store's object and what its files share
 * (internal).
 *
 * The redis back end ("redis://[[user]:password@]host[:port][/db]") is two
 * files, one concern each:
 *   store_redis.c  the ops table: records (one hash per task) and their
 *                  transitions (one Lua script each), what open learns
 *                  from the server (script SHAs, largest value);
 *   rd_pool.c      the URL, connecting (AUTH, SELECT), the connection
 *                  pool, sending a command with SIGPIPE blocked, opening
 *                  and closing the store.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_TASK_RD_STORE_H
#define LADON_SRC_TASK_RD_STORE_H

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stddef.h>

#include "ladon/store.h"
#include "task_internal.h"

#define POOL_MAX 64u
#define HOST_MAX 256

/* The scripts of the transitions (store_redis.c). */
enum { S_ADD, S_ADD_OWNED, S_START, S_PROGRESS, S_TOUCH, S_FINISH, S_FAIL, S_CANCEL, S_SYNC, S_UNCLAIM,
       S_COUNT };

/* What a redis URL names. */
typedef struct rurl {
    char host[HOST_MAX];
    unsigned port;
    char *user; /* NULL: none */
    char *pass; /* NULL: no AUTH */
    unsigned db;
} rurl;

typedef struct rstore {
    ladon_store base;
    rurl url;
    unsigned timeout_ms;
    size_t max_result;
    char prefix[LADON_STORE_PREFIX_MAX];
    char sha[S_COUNT][41]; /* "" when SCRIPT LOAD failed: always EVAL */
    ladon__gate gate;
    pthread_mutex_t mu; /* guards idle, nidle */
    redisContext *idle[POOL_MAX];
    unsigned nidle;
} rstore;

/* ---- rd_pool.c ---------------------------------------------------------- */

/* The URL's form, for messages. */
#define LADON__RD_FORM "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]"

/* ops->check: the URL's grammar; always LADON_STORE_SHARED. */
int ladon__rd_check(const char *rest, unsigned *props, char *err,
                    size_t errlen);
/* ops->open: connects once (AUTH, SELECT, PING: redis must answer), lets
 * ladon__rd_learn read the server on that connection, and keeps it as the
 * pool's first; ops->close frees it all. */
int ladon__rd_open(ladon_store **out, const char *rest,
                   const ladon_store_options *opt, char *err, size_t errlen);
void ladon__rd_close(ladon_store *st);

/* redisCommandArgv with SIGPIPE blocked in this thread: NULL when the
 * connection failed (c->err says why). */
redisReply *ladon__rd_command(redisContext *c, int argc, const char **argv,
                              const size_t *lens);
/* A connection for this thread, waiting at most the store's timeout for
 * one (LADON_ESTORE), connecting afresh when no idle one is alive; give it
 * back with ladon__rd_conn_put, broken (nonzero) when a command on it
 * failed, so that it is freed instead of kept. */
int ladon__rd_conn_get(rstore *rs, redisContext **out);
void ladon__rd_conn_put(rstore *rs, redisContext *c, int broken);

/* ---- store_redis.c ------------------------------------------------------ */

/* Loads the scripts and reads proto-max-bulk-len, on the first connection;
 * failures there only cost speed (EVAL) or assume the default. */
void ladon__rd_learn(rstore *rs, redisContext *c);

#endif
