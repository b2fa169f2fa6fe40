/* store_redis.c - task records in redis
 * ("redis://[[user]:password@]host[:port][/db]"): the ops table, the
 * records and their transitions.  (The URL, connecting and the connection
 * pool: rd_pool.c; rd_store.h says how the two fit together.)
 *
 * DESIGN
 *
 * Records.  One hash per task under "<prefix><id>":
 *     m method   s state (1..5)   t starttime   p progress
 *     l lease_until (0 once ended)   e ended time   msg message   r result
 *     f flags (1 cancel requested, 2 client fault; absent = 0)
 * msg is the failure text once FAILED or CANCELLED, the status line while
 * RUNNING (S_SYNC).
 *
 * Lifecycle (ladon/store.h).  Every script gets the change counter
 * "<prefix>changes" as KEYS[2] and INCRs it, in the same atomic step,
 * whenever a record ends or a cancel is requested.  finish and fail/end of
 * a RUNNING record with the cancel flag record CANCELLED instead and
 * answer 3 (LADON_STORE_CANCELLED).  Idempotency keys are strings
 * "<prefix>k:<method>:<key>" = "<id> <hash>", claimed with SET NX PX, and
 * released by a script that deletes them only when they hold the id.
 * Numbers are decimal text ("%.17g": exact).  A hash is readable with
 * redis-cli, and any field can be checked and set inside a script.
 *
 * Transitions.  Each one is one Lua script (EVALSHA of the SHA that SCRIPT
 * LOAD returned at open; EVAL when the server answers NOSCRIPT, e.g. after
 * a restart), so it is atomic: the script reads the state, answers -2
 * (LADON_ESTATE) from the wrong one or -1 (LADON_ENOTFOUND) when the key
 * is gone, and never re-creates a record.  add is an EXISTS + HSET script
 * (add-if-absent, like SET NX).  finish and fail PEXPIRE the record by the
 * ttl; add, start and touch PEXPIRE a QUEUED or RUNNING record by its
 * lease plus the ttl (fmt_unended_ms), so it lives while its lease is
 * renewed.  get is one HMGET.
 *
 * Owners' sets.  add_owned also enters the task (its id in ten digits,
 * scored by its starttime) in the sorted set "<prefix>l:<len>:<owner>:
 * <method>" of its owner and method, in the same script, which then keeps
 * only the newest LIST_KEEP (1000) members (ZREMRANGEBYRANK; the same
 * bound as memcached's index, so a listing shows at most the newest 1000
 * tasks of a user and method) and raises the set's expiry to at least the
 * record's.  Every script that sets a record's expiry (start, touch, sync
 * renewing the lease, finish, fail, end, cancel) raises its owner's set's
 * too, never lowers it: the set lives as long as the longest-living record
 * it names (a task whose lease is renewed for weeks keeps it), and then
 * expires, so a user who stops starting tasks leaves nothing behind.
 * Members whose records expired earlier are removed when a listing finds
 * them gone (list's ZREM).
 *
 * Results are stored whole (one field).  A result longer than the server's
 * proto-max-bulk-len (read at open; 512 MB by default) cannot be sent: the
 * task fails with LADON_TASK_TOO_LARGE_MESSAGE, finish returns LADON_EINVAL.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladon/error.h"
#include "rd_store.h"

#define KEY_MAX 96
#define DEFAULT_MAX_BULK (512u * 1024u * 1024u)

/* Members an (owner, method)'s sorted set keeps: the newest, as memcached's
 * index item (store_memcached.c, LIST_MAX). */
#define LIST_KEEP "1000"

/* Lua: raise(k, x) raises the expiry of an existing key k to at least x
 * ms (a key without one gets it); raise_set(x) does it for the sorted set
 * of KEYS[1]'s owner and method (when it has an owner), so the set lives
 * as long as the longest-living record it names.  The set's key is built
 * from the record's fields and the key prefix (the last ARGV, which eval()
 * appends), not declared in KEYS: the store talks to one standalone redis,
 * never a cluster. */
#define RAISE_SET                                                                 \
    "local function raise(k, x)\n"                                                \
    "  local t = redis.call('PTTL', k)\n"                                          \
    "  if t == -1 or (t >= 0 and t < tonumber(x)) then redis.call('PEXPIRE', k, x) end\n" \
    "end\n"                                                                        \
    "local function raise_set(x)\n"                                               \
    "  local om = redis.call('HMGET', KEYS[1], 'o', 'm')\n"                        \
    "  if not om[1] or not om[2] then return end\n"                                \
    "  raise(ARGV[#ARGV] .. 'l:' .. string.len(om[1]) .. ':' .. om[1] .. ':' .. om[2], x)\n" \
    "end\n"

/* KEYS[1] is the record; the scripts run by eval() get the key prefix as
 * their last ARGV.  Answers: 0 done; 1 exists (add); -1 no such record; -2
 * wrong state. */
static const char *const script_src[S_COUNT] = {
    [S_ADD] = /* ARGV: method, starttime, lease_until, expiry_ms */
    "if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end\n"
    "redis.call('HSET', KEYS[1], 'm', ARGV[1], 's', '1', 't', ARGV[2],\n"
    "           'p', '0', 'l', ARGV[3])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
    "return 0\n",
    [S_ADD_OWNED] = /* KEYS[3]: the owner's set; ARGV: method, starttime, lease_until, expiry_ms,
                     * owner, member */
    RAISE_SET
    "if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end\n"
    "redis.call('HSET', KEYS[1], 'm', ARGV[1], 's', '1', 't', ARGV[2],\n"
    "           'p', '0', 'l', ARGV[3], 'o', ARGV[5])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
    "redis.call('ZADD', KEYS[3], ARGV[2], ARGV[6])\n"
    "redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -" LIST_KEEP " - 1)\n"
    "raise(KEYS[3], ARGV[4])\n"
    "return 0\n",
    [S_START] = /* ARGV: lease_until, expiry_ms */
    RAISE_SET
    "local s = redis.call('HGET', KEYS[1], 's')\n"
    "if not s then return -1 end\n"
    "if s ~= '1' then return -2 end\n"
    "redis.call('HSET', KEYS[1], 's', '2', 'l', ARGV[1])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "raise_set(ARGV[2])\n"
    "return 0\n",
    [S_PROGRESS] = /* ARGV: progress */
    "local v = redis.call('HMGET', KEYS[1], 's', 'p')\n"
    "if not v[1] then return -1 end\n"
    "if v[1] ~= '2' then return -2 end\n"
    "if tonumber(ARGV[1]) > tonumber(v[2]) then\n"
    "  redis.call('HSET', KEYS[1], 'p', ARGV[1])\n"
    "end\n"
    "return 0\n",
    [S_TOUCH] = /* ARGV: lease_until, progress (< 0: none), expiry_ms */
    RAISE_SET
    "local v = redis.call('HMGET', KEYS[1], 's', 'p')\n"
    "if not v[1] then return -1 end\n"
    "if v[1] ~= '1' and v[1] ~= '2' then return -2 end\n"
    "redis.call('HSET', KEYS[1], 'l', ARGV[1])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[3])\n"
    "raise_set(ARGV[3])\n"
    "if v[1] == '2' and tonumber(ARGV[2]) > tonumber(v[2]) then\n"
    "  redis.call('HSET', KEYS[1], 'p', ARGV[2])\n"
    "end\n"
    "return 0\n",
    [S_FINISH] = /* ARGV: ended, ttl_ms, result */
    RAISE_SET
    "local v = redis.call('HMGET', KEYS[1], 's', 'f')\n"
    "if not v[1] then return -1 end\n"
    "if v[1] ~= '2' then return -2 end\n"
    "redis.call('INCR', KEYS[2])\n"
    "if (tonumber(v[2] or '0') or 0) % 2 == 1 then\n"
    "  redis.call('HSET', KEYS[1], 's', '5', 'p', '1', 'e', ARGV[1],\n"
    "             'l', '0', 'msg', 'cancelled')\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "  raise_set(ARGV[2])\n"
    "  return 3\n"
    "end\n"
    "redis.call('HSET', KEYS[1], 's', '3', 'p', '1', 'e', ARGV[1],\n"
    "           'l', '0', 'r', ARGV[3])\n"
    "redis.call('HDEL', KEYS[1], 'msg')\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "raise_set(ARGV[2])\n"
    "return 0\n",
    [S_FAIL] = /* ARGV: ended, ttl_ms, message, running_only (0|1), to (4|5), flags */
    RAISE_SET
    "local v = redis.call('HMGET', KEYS[1], 's', 'f')\n"
    "local s = v[1]\n"
    "if not s then return -1 end\n"
    "if s ~= '2' and (s ~= '1' or ARGV[4] == '1') then return -2 end\n"
    "redis.call('INCR', KEYS[2])\n"
    "if s == '2' and (tonumber(v[2] or '0') or 0) % 2 == 1 then\n"
    "  redis.call('HSET', KEYS[1], 's', '5', 'p', '1', 'e', ARGV[1],\n"
    "             'l', '0', 'msg', 'cancelled')\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "  raise_set(ARGV[2])\n"
    "  return 3\n"
    "end\n"
    "redis.call('HSET', KEYS[1], 's', ARGV[5], 'p', '1', 'e', ARGV[1],\n"
    "           'l', '0', 'msg', ARGV[3], 'f', ARGV[6])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "raise_set(ARGV[2])\n"
    "return 0\n",
    [S_CANCEL] = /* ARGV: method, ended, ttl_ms */
    RAISE_SET
    "local v = redis.call('HMGET', KEYS[1], 's', 'm', 'f')\n"
    "if not v[1] or v[2] ~= ARGV[1] then return -1 end\n"
    "if v[1] == '1' then\n"
    "  redis.call('HSET', KEYS[1], 's', '5', 'p', '1', 'e', ARGV[2],\n"
    "             'l', '0', 'msg', 'cancelled')\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[3])\n"
    "  raise_set(ARGV[3])\n"
    "  redis.call('INCR', KEYS[2])\n"
    "elseif v[1] == '2' then\n"
    "  local f = tonumber(v[3] or '0') or 0\n"
    "  if f % 2 == 0 then\n"
    "    redis.call('HSET', KEYS[1], 'f', tostring(f + 1))\n"
    "    redis.call('INCR', KEYS[2])\n"
    "  end\n"
    "end\n"
    "return 0\n",
    [S_SYNC] = /* ARGV: progress (< 0: none), has_status, status, renew, lease_until, expiry_ms;
                * answers the flags (>= 0) */
    RAISE_SET
    "local v = redis.call('HMGET', KEYS[1], 's', 'p', 'f')\n"
    "if not v[1] then return -1 end\n"
    "local f = tonumber(v[3] or '0') or 0\n"
    "if v[1] ~= '2' and not (v[1] == '1' and ARGV[4] == '1') then return -2 end\n"
    "if ARGV[4] == '1' then\n"
    "  redis.call('HSET', KEYS[1], 'l', ARGV[5])\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[6])\n"
    "  raise_set(ARGV[6])\n"
    "end\n"
    "if v[1] == '2' then\n"
    "  if tonumber(ARGV[1]) > tonumber(v[2]) then\n"
    "    redis.call('HSET', KEYS[1], 'p', ARGV[1])\n"
    "  end\n"
    "  if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'msg', ARGV[3]) end\n"
    "end\n"
    "return f\n",
    [S_UNCLAIM] = /* KEYS[1]: the key's item; ARGV: "<id> " */
    "local v = redis.call('GET', KEYS[1])\n"
    "if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then\n"
    "  redis.call('DEL', KEYS[1])\n"
    "end\n"
    "return 0\n",
};

static size_t make_key(const rstore *rs, int32_t id, char *key)
{
    int n = snprintf(key, KEY_MAX, "%s%" PRId32, rs->prefix, id);
    return n > 0 ? (size_t)n : 0;
}

#define EVAL_ARGS_MAX 7 /* 6 and the prefix */

#define ARGS0 5 /* EVAL script 2 key changes */
#define ARGS0_MAX 6 /* ... and a third key */

static size_t changes_key(const rstore *rs, char *key)
{
    int n = snprintf(key, KEY_MAX, "%schanges", rs->prefix);
    return n > 0 ? (size_t)n : 0;
}

/* Runs script s on key (and the change counter) with args; its integer
 * answer in *answer. */
static int eval_keys(rstore *rs, int s, const char *key, size_t keylen, const char *key3,
                     size_t key3len, int nargs, const char **args, const size_t *lens,
                     long long *answer)
{
    char ckey[KEY_MAX];
    const char *argv[ARGS0_MAX + EVAL_ARGS_MAX];
    size_t argl[ARGS0_MAX + EVAL_ARGS_MAX];
    int a0 = key3 != NULL ? ARGS0_MAX : ARGS0;
    argv[2] = key3 != NULL ? "3" : "2";
    argl[2] = 1;
    argl[3] = keylen;
    argv[3] = key;
    argl[4] = changes_key(rs, ckey);
    argv[4] = ckey;
    if (key3 != NULL) {
        argv[5] = key3;
        argl[5] = key3len;
    }
    for (int i = 0; i < nargs; i++) {
        argv[a0 + i] = args[i];
        argl[a0 + i] = lens[i];
    }
    redisContext *c;
    int rc = ladon__rd_conn_get(rs, &c);
    if (rc != 0)
        return rc;
    int use_sha = rs->sha[s][0] != '\0', broken = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        argv[0] = use_sha ? "EVALSHA" : "EVAL";
        argl[0] = strlen(argv[0]);
        argv[1] = use_sha ? rs->sha[s] : script_src[s];
        argl[1] = strlen(argv[1]);
        redisReply *r = ladon__rd_command(c, a0 + nargs, argv, argl);
        if (r == NULL) {
            broken = 1;
            rc = c->err == REDIS_ERR_OOM ? LADON_ENOMEM : LADON_ESTORE;
            break;
        }
        if (use_sha && r->type == REDIS_REPLY_ERROR &&
            strncmp(r->str, "NOSCRIPT", 8) == 0) {
            freeReplyObject(r); /* flushed or restarted: send the text */
            use_sha = 0;
            continue;
        }
        if (r->type == REDIS_REPLY_INTEGER) {
            *answer = r->integer;
            rc = 0;
        } else {
            rc = LADON_ESTORE; /* OOM, READONLY, LOADING, WRONGTYPE... */
        }
        freeReplyObject(r);
        break;
    }
    ladon__rd_conn_put(rs, c, broken);
    return rc;
}

static int eval_on(rstore *rs, int s, const char *key, size_t keylen, int nargs,
                   const char **args, const size_t *lens, long long *answer)
{
    return eval_keys(rs, s, key, keylen, NULL, 0, nargs, args, lens, answer);
}

/* Runs script s on id's record, with the key prefix as its last ARGV
 * (RAISE_SET). */
static int eval(rstore *rs, int s, int32_t id, int nargs, const char **args,
                const size_t *lens, long long *answer)
{
    char key[KEY_MAX];
    const char *a[EVAL_ARGS_MAX];
    size_t l[EVAL_ARGS_MAX];
    if (nargs >= EVAL_ARGS_MAX)
        return LADON_EINVAL;
    memcpy(a, args, (size_t)nargs * sizeof *a);
    memcpy(l, lens, (size_t)nargs * sizeof *l);
    a[nargs] = rs->prefix;
    l[nargs] = strlen(rs->prefix);
    size_t n = make_key(rs, id, key);
    return eval_on(rs, s, key, n, nargs + 1, a, l, answer);
}

static int answer_rc(long long a)
{
    switch (a) {
    case 0: return 0;
    case -1: return LADON_ENOTFOUND;
    case -2: return LADON_ESTATE;
    case 3: return LADON_STORE_CANCELLED;
    default: return LADON_ESTORE;
    }
}

static size_t fmt_double(char *buf, size_t size, double d)
{
    int n = snprintf(buf, size, "%.17g", d);
    return n > 0 ? (size_t)n : 0;
}

static size_t fmt_ttl_ms(char *buf, size_t size, unsigned ttl_s)
{
    int n = snprintf(buf, size, "%llu", (unsigned long long)ttl_s * 1000ull);
    return n > 0 ? (size_t)n : 0;
}

/* ---- ops --------------------------------------------------------------- */

void ladon__rd_learn(rstore *rs, redisContext *c)
{
    for (int s = 0; s < S_COUNT; s++) {
        const char *argv[3] = {"SCRIPT", "LOAD", script_src[s]};
        size_t lens[3] = {6, 4, strlen(script_src[s])};
        redisReply *r = ladon__rd_command(c, 3, argv, lens);
        rs->sha[s][0] = '\0';
        if (r != NULL && r->type == REDIS_REPLY_STRING && r->len == 40)
            memcpy(rs->sha[s], r->str, 41);
        if (r != NULL)
            freeReplyObject(r);
    }
    rs->max_result = DEFAULT_MAX_BULK;
    const char *argv[3] = {"CONFIG", "GET", "proto-max-bulk-len"};
    size_t lens[3] = {6, 3, 18};
    redisReply *r = ladon__rd_command(c, 3, argv, lens);
    if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[1]->type == REDIS_REPLY_STRING) {
        char *end;
        unsigned long long v = strtoull(r->element[1]->str, &end, 10);
        if (*end == '\0' && v > 0 && v <= SIZE_MAX)
            rs->max_result = (size_t)v;
    }
    if (r != NULL)
        freeReplyObject(r);
}

/* PEXPIRE of a QUEUED or RUNNING record (written on add, start and touch):
 * the lease plus the ttl, so a live task, whose lease is renewed every
 * lease/3, never expires, and one whose process died (or whose create timed
 * out after redis stored it) expires ttl seconds after its lease passed. */
static size_t fmt_unended_ms(const ladon_store *st, char *buf, size_t size)
{
    return fmt_ttl_ms(buf, size, st->lease_s + 1u + st->opts.ttl_s);
}

static int rd_add(ladon_store *st, int32_t id, const char *method,
                  double starttime)
{
    char t[32], l[32], x[32];
    const char *args[4] = {method, t, l, x};
    size_t lens[4] = {strlen(method), fmt_double(t, sizeof t, starttime),
                      fmt_double(l, sizeof l,
                                 ladon__store_realtime(st) + st->lease_s),
                      fmt_unended_ms(st, x, sizeof x)};
    long long a;
    int rc = eval((rstore *)st, S_ADD, id, 4, args, lens, &a);
    if (rc != 0)
        return rc;
    return a == 1 ? LADON_STORE_EXISTS : answer_rc(a);
}

/* "<prefix>l:<len>:<owner>:<method>" into a malloc()ed *out; its length,
 * 0 when out of memory. */
static size_t list_key(const rstore *rs, const char *owner, const char *method, char **out)
{
    size_t size = strlen(rs->prefix) + strlen(owner) + strlen(method) + 32;
    char *k = malloc(size);
    int n = k != NULL ? snprintf(k, size, "%sl:%zu:%s:%s", rs->prefix, strlen(owner), owner, method)
                      : -1;
    if (n <= 0 || (size_t)n >= size) {
        free(k);
        return 0;
    }
    *out = k;
    return (size_t)n;
}

static int rd_add_owned(ladon_store *st, int32_t id, const char *method, const char *owner,
                        double starttime)
{
    rstore *rs = (rstore *)st;
    char t[32], l[32], x[32], mem[16], rkey[KEY_MAX], *lkey = NULL;
    size_t ll = list_key(rs, owner, method, &lkey);
    if (ll == 0)
        return LADON_ENOMEM;
    const char *args[6] = {method, t, l, x, owner, mem};
    size_t lens[6] = {strlen(method), fmt_double(t, sizeof t, starttime),
                      fmt_double(l, sizeof l, ladon__store_realtime(st) + st->lease_s),
                      fmt_unended_ms(st, x, sizeof x), strlen(owner),
                      (size_t)snprintf(mem, sizeof mem, "%010" PRId32, id)};
    long long a;
    int rc = eval_keys(rs, S_ADD_OWNED, rkey, make_key(rs, id, rkey), lkey, ll, 6, args, lens, &a);
    free(lkey);
    if (rc != 0)
        return rc;
    return a == 1 ? LADON_STORE_EXISTS : answer_rc(a);
}

static int rd_start(ladon_store *st, int32_t id, ladon_task_live *live)
{
    (void)live; /* progress is published by the engine */
    char l[32], x[32];
    const char *args[2] = {l, x};
    size_t lens[2] = {
        fmt_double(l, sizeof l, ladon__store_realtime(st) + st->lease_s),
        fmt_unended_ms(st, x, sizeof x)};
    long long a;
    int rc = eval((rstore *)st, S_START, id, 2, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int rd_progress(ladon_store *st, int32_t id, double fraction)
{
    char p[32];
    const char *args[1] = {p};
    size_t lens[1] = {fmt_double(p, sizeof p, fraction)};
    long long a;
    int rc = eval((rstore *)st, S_PROGRESS, id, 1, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int rd_touch(ladon_store *st, int32_t id, double fraction)
{
    char l[32], p[32], x[32];
    const char *args[3] = {l, p, x};
    size_t lens[3] = {
        fmt_double(l, sizeof l, ladon__store_realtime(st) + st->lease_s),
        fmt_double(p, sizeof p, fraction), fmt_unended_ms(st, x, sizeof x)};
    long long a;
    int rc = eval((rstore *)st, S_TOUCH, id, 3, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int do_end(rstore *rs, int32_t id, ladon_task_state to, unsigned flags,
                  const char *message, unsigned ttl_s, int running_only)
{
    char e[32], ttl[32], f[16];
    size_t mlen = strnlen(message, LADON_TASK_MESSAGE_MAX - 1);
    const char *args[6] = {e, ttl, message, running_only ? "1" : "0",
                           to == LADON_TASK_CANCELLED ? "5" : "4", f};
    int fl = snprintf(f, sizeof f, "%u", flags & LADON_TASK_CLIENT_FAULT);
    size_t lens[6] = {
        fmt_double(e, sizeof e, ladon__store_realtime(&rs->base)),
        fmt_ttl_ms(ttl, sizeof ttl, ttl_s), mlen, 1, 1, fl > 0 ? (size_t)fl : 0};
    long long a;
    int rc = eval(rs, S_FAIL, id, 6, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int do_fail(rstore *rs, int32_t id, const char *message,
                   unsigned ttl_s, int running_only)
{
    return do_end(rs, id, LADON_TASK_FAILED, 0, message, ttl_s, running_only);
}

static int rd_fail(ladon_store *st, int32_t id, const char *message,
                   unsigned ttl_s)
{
    return do_fail((rstore *)st, id, message, ttl_s, 0);
}

static int rd_end(ladon_store *st, int32_t id, ladon_task_state to, unsigned flags,
                  const char *message, unsigned ttl_s)
{
    return do_end((rstore *)st, id, to, flags, message, ttl_s, 0);
}

static int rd_finish(ladon_store *st, int32_t id, const void *result,
                     size_t len, unsigned ttl_s)
{
    rstore *rs = (rstore *)st;
    if (len > rs->max_result) {
        char msg[LADON_TASK_MESSAGE_MAX];
        snprintf(msg, sizeof msg, LADON_TASK_TOO_LARGE_MESSAGE, len);
        int rc = do_fail(rs, id, msg, ttl_s, 1);
        return rc == 0 ? LADON_EINVAL : rc;
    }
    char e[32], ttl[32];
    const char *args[3] = {e, ttl, len > 0 ? result : ""};
    size_t lens[3] = {fmt_double(e, sizeof e, ladon__store_realtime(st)),
                      fmt_ttl_ms(ttl, sizeof ttl, ttl_s), len};
    long long a;
    int rc = eval(rs, S_FINISH, id, 3, args, lens, &a);
    return rc != 0 ? rc : answer_rc(a);
}

static int parse_double(const redisReply *r, double *out)
{
    if (r->type != REDIS_REPLY_STRING || r->len == 0 || r->len > 40)
        return LADON_ESTORE;
    char *end;
    errno = 0;
    double d = strtod(r->str, &end);
    if (*end != '\0' || errno != 0)
        return LADON_ESTORE;
    *out = d;
    return 0;
}

enum { F_M, F_S, F_T, F_E, F_P, F_L, F_MSG, F_F, F_O, F_R, F_COUNT };

static int rd_get(ladon_store *st, const char *method, int32_t id,
                  ladon_task_record *out, int want_result)
{
    rstore *rs = (rstore *)st;
    char key[KEY_MAX];
    const char *argv[2 + F_COUNT] = {"HMGET", key, "m", "s", "t", "e",
                                     "p",     "l", "msg", "f", "o", "r"};
    size_t argl[2 + F_COUNT] = {5, make_key(rs, id, key), 1, 1, 1, 1, 1, 1,
                                3, 1, 1, 1};
    int argc = want_result ? 2 + F_COUNT : 2 + F_COUNT - 1;
    redisContext *c;
    int rc = ladon__rd_conn_get(rs, &c);
    if (rc != 0)
        return rc;
    redisReply *r = ladon__rd_command(c, argc, argv, argl);
    if (r == NULL) {
        rc = c->err == REDIS_ERR_OOM ? LADON_ENOMEM : LADON_ESTORE;
        ladon__rd_conn_put(rs, c, 1);
        return rc;
    }
    ladon__rd_conn_put(rs, c, 0);
    if (r->type != REDIS_REPLY_ARRAY || r->elements != (size_t)(argc - 2)) {
        freeReplyObject(r);
        return LADON_ESTORE; /* WRONGTYPE and the like */
    }
    redisReply **f = r->element;
    double now = ladon__store_realtime(st);
    if (f[F_M]->type == REDIS_REPLY_NIL && f[F_S]->type == REDIS_REPLY_NIL) {
        rc = LADON_ENOTFOUND; /* expired, evicted, removed or never there */
        goto out;
    }
    rc = LADON_ESTORE; /* anything below that does not check out */
    if (f[F_M]->type != REDIS_REPLY_STRING ||
        f[F_S]->type != REDIS_REPLY_STRING || f[F_S]->len != 1 ||
        f[F_S]->str[0] < '1' || f[F_S]->str[0] > '5')
        goto out;
    if (f[F_M]->len != strlen(method) ||
        memcmp(f[F_M]->str, method, f[F_M]->len) != 0) {
        rc = LADON_ENOTFOUND; /* another method's task */
        goto out;
    }
    ladon_task_state state = (ladon_task_state)(f[F_S]->str[0] - '0');
    int ended = state == LADON_TASK_DONE || state == LADON_TASK_FAILED ||
                state == LADON_TASK_CANCELLED;
    double t, p, x;
    if (parse_double(f[F_T], &t) != 0 || parse_double(f[F_P], &p) != 0 ||
        parse_double(ended ? f[F_E] : f[F_L], &x) != 0)
        goto out;
    out->info.id = id;
    out->info.state = state;
    out->info.starttime = t;
    if (ended) {
        out->info.progress = 1.0;
        out->info.duration = x > t ? x - t : 0.0;
    } else {
        out->info.progress = p;
        out->info.duration = now > t ? now - t : 0.0;
        out->lease_until = x;
    }
    snprintf(out->method, sizeof out->method, "%s", method);
    if (f[F_O]->type == REDIS_REPLY_STRING) {
        if (f[F_O]->len >= sizeof out->owner || memchr(f[F_O]->str, '\0', f[F_O]->len) != NULL)
            goto out;
        memcpy(out->owner, f[F_O]->str, f[F_O]->len);
        out->owner[f[F_O]->len] = '\0';
    }
    if (f[F_F]->type == REDIS_REPLY_STRING && f[F_F]->len > 0 && f[F_F]->len < 4)
        out->flags = (unsigned)atoi(f[F_F]->str) & LADON_TASK_FLAGS_MASK;
    if (state == LADON_TASK_FAILED || state == LADON_TASK_CANCELLED ||
        (state == LADON_TASK_RUNNING && f[F_MSG]->type == REDIS_REPLY_STRING)) {
        if (f[F_MSG]->type != REDIS_REPLY_STRING)
            goto out;
        size_t n = f[F_MSG]->len < sizeof out->message - 1
                       ? f[F_MSG]->len
                       : sizeof out->message - 1;
        memcpy(out->message, f[F_MSG]->str, n);
        out->message[n] = '\0';
    }
    if (want_result && state == LADON_TASK_DONE) {
        if (f[F_R]->type != REDIS_REPLY_STRING)
            goto out;
        size_t n = f[F_R]->len;
        out->result = malloc(n + 1);
        if (out->result == NULL) {
            rc = LADON_ENOMEM;
            goto out;
        }
        memcpy(out->result, f[F_R]->str, n);
        ((char *)out->result)[n] = '\0';
        out->result_len = n;
    }
    rc = 0;
out:
    freeReplyObject(r);
    return rc;
}

static int rd_remove(ladon_store *st, int32_t id)
{
    rstore *rs = (rstore *)st;
    char key[KEY_MAX];
    const char *argv[2] = {"DEL", key};
    size_t argl[2] = {3, make_key(rs, id, key)};
    redisContext *c;
    int rc = ladon__rd_conn_get(rs, &c);
    if (rc != 0)
        return rc;
    redisReply *r = ladon__rd_command(c, 2, argv, argl);
    if (r == NULL) {
        rc = c->err == REDIS_ERR_OOM ? LADON_ENOMEM : LADON_ESTORE;
        ladon__rd_conn_put(rs, c, 1);
        return rc;
    }
    ladon__rd_conn_put(rs, c, 0);
    if (r->type != REDIS_REPLY_INTEGER)
        rc = LADON_ESTORE;
    else
        rc = r->integer > 0 ? 0 : LADON_ENOTFOUND;
    freeReplyObject(r);
    return rc;
}

static int rd_cancel(ladon_store *st, const char *method, int32_t id, unsigned ttl_s,
                     ladon_task_record *out)
{
    char e[32], ttl[32];
    const char *args[3] = {method, e, ttl};
    size_t lens[3] = {strlen(method), fmt_double(e, sizeof e, ladon__store_realtime(st)),
                      fmt_ttl_ms(ttl, sizeof ttl, ttl_s)};
    long long a;
    int rc = eval((rstore *)st, S_CANCEL, id, 3, args, lens, &a);
    if (rc == 0)
        rc = answer_rc(a);
    /* the record after the step (a later step may show through: that is
     * a later state, never an earlier one) */
    return rc == 0 ? rd_get(st, method, id, out, 0) : rc;
}

static int rd_sync(ladon_store *st, int32_t id, double fraction, const char *status,
                   int renew, unsigned *flags)
{
    char p[32], l[32], x[32];
    const char *args[6] = {p, status != NULL ? "1" : "0", status != NULL ? status : "",
                           renew ? "1" : "0", l, x};
    size_t lens[6] = {fmt_double(p, sizeof p, fraction), 1,
                      status != NULL ? strlen(status) : 0, 1,
                      fmt_double(l, sizeof l, ladon__store_realtime(st) + st->lease_s),
                      fmt_unended_ms(st, x, sizeof x)};
    long long a;
    int rc = eval((rstore *)st, S_SYNC, id, 6, args, lens, &a);
    if (rc != 0)
        return rc;
    if (a >= 0) {
        *flags = (unsigned)a & LADON_TASK_FLAGS_MASK;
        return 0;
    }
    return answer_rc(a);
}

/* One command without a script; its reply (or NULL with rc set). */
static redisReply *command(rstore *rs, int argc, const char **argv, const size_t *argl, int *rc)
{
    redisContext *c;
    *rc = ladon__rd_conn_get(rs, &c);
    if (*rc != 0)
        return NULL;
    redisReply *r = ladon__rd_command(c, argc, argv, argl);
    if (r == NULL) {
        *rc = c->err == REDIS_ERR_OOM ? LADON_ENOMEM : LADON_ESTORE;
        ladon__rd_conn_put(rs, c, 1);
        return NULL;
    }
    ladon__rd_conn_put(rs, c, 0);
    if (r->type == REDIS_REPLY_ERROR) {
        freeReplyObject(r);
        *rc = LADON_ESTORE;
        return NULL;
    }
    return r;
}

static int rd_changes(ladon_store *st, uint64_t *out)
{
    rstore *rs = (rstore *)st;
    char key[KEY_MAX];
    const char *argv[2] = {"GET", key};
    size_t argl[2] = {3, changes_key(rs, key)};
    int rc;
    redisReply *r = command(rs, 2, argv, argl, &rc);
    if (r == NULL)
        return rc;
    *out = 0;
    if (r->type == REDIS_REPLY_STRING)
        *out = strtoull(r->str, NULL, 10);
    else if (r->type != REDIS_REPLY_NIL)
        rc = LADON_ESTORE;
    freeReplyObject(r);
    return rc;
}

/* Members fetched at a time beyond the page (ties on a starttime). */
#define LIST_SLACK 8

static int rd_list(ladon_store *st, const char *method, const char *owner,
                   const ladon_task_pos *after, const int32_t *gone, size_t ngone,
                   ladon_task_pos *out, size_t max, size_t *n_out)
{
    rstore *rs = (rstore *)st;
    char *lkey = NULL;
    size_t ll = list_key(rs, owner, method, &lkey);
    int rc = 0;
    *n_out = 0;
    if (ll == 0)
        return LADON_ENOMEM;
    if (ngone > 0) {
        const char **argv = malloc((ngone + 2) * sizeof *argv);
        size_t *argl = malloc((ngone + 2) * sizeof *argl);
        char (*mem)[16] = malloc(ngone * sizeof *mem);
        if (argv == NULL || argl == NULL || mem == NULL) {
            rc = LADON_ENOMEM;
        } else {
            argv[0] = "ZREM";
            argl[0] = 4;
            argv[1] = lkey;
            argl[1] = ll;
            for (size_t i = 0; i < ngone; i++) {
                argl[i + 2] = (size_t)snprintf(mem[i], sizeof mem[i], "%010" PRId32, gone[i]);
                argv[i + 2] = mem[i];
            }
            redisReply *r = command(rs, (int)ngone + 2, argv, argl, &rc);
            if (r != NULL)
                freeReplyObject(r);
        }
        free(argv);
        free(argl);
        free(mem);
    }
    /* newest first from after's starttime (inclusive: ties are filtered
     * here by id), LIST_SLACK more at a time for such ties */
    size_t k = 0, offset = 0;
    char top[40], off[24], cnt[24];
    size_t tl = after != NULL ? fmt_double(top, sizeof top, after->starttime)
                              : (size_t)snprintf(top, sizeof top, "+inf");
    while (rc == 0 && k < max) {
        size_t want = max - k + LIST_SLACK;
        const char *argv[8] = {"ZREVRANGEBYSCORE", lkey, top, "-inf", "WITHSCORES", "LIMIT", off, cnt};
        size_t argl[8] = {16, ll, tl, 4, 10, 5, (size_t)snprintf(off, sizeof off, "%zu", offset),
                          (size_t)snprintf(cnt, sizeof cnt, "%zu", want)};
        redisReply *r = command(rs, 8, argv, argl, &rc);
        if (r == NULL)
            break;
        if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0) {
            freeReplyObject(r);
            rc = LADON_ESTORE;
            break;
        }
        size_t got = r->elements / 2;
        for (size_t i = 0; i < got && k < max; i++) {
            redisReply *m = r->element[2 * i], *sc = r->element[2 * i + 1];
            char *end;
            long long id = m->type == REDIS_REPLY_STRING ? strtoll(m->str, &end, 10) : 0;
            double t;
            if (id <= 0 || id > INT32_MAX || *end != '\0' || parse_double(sc, &t) != 0) {
                rc = LADON_ESTORE;
                break;
            }
            ladon_task_pos p = {t, (int32_t)id};
            if (after != NULL && p.starttime == after->starttime && p.id >= after->id)
                continue; /* not older than after */
            out[k++] = p;
        }
        freeReplyObject(r);
        if (got < want)
            break; /* the set has no more */
        offset += got;
    }
    free(lkey);
    if (rc != 0)
        return rc;
    *n_out = k;
    return 0;
}

/* "<prefix>k:<method>:<key>" (method and key are printable, key has no
 * spaces: store.c checks). */
static size_t claim_key(const rstore *rs, const char *method, const char *key, char *buf,
                        size_t size)
{
    int n = snprintf(buf, size, "%sk:%s:%s", rs->prefix, method, key);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

#define CLAIM_KEY_MAX (LADON_STORE_PREFIX_MAX + LADON_TASK_METHOD_MAX + LADON_TASK_KEY_MAX + 8)

static int rd_claim(ladon_store *st, const char *method, const char *key, uint64_t hash,
                    int32_t id, unsigned ttl_s, int32_t *id_out, uint64_t *hash_out)
{
    rstore *rs = (rstore *)st;
    char k[CLAIM_KEY_MAX], v[48], ttl[32];
    size_t kl = claim_key(rs, method, key, k, sizeof k);
    int vl = snprintf(v, sizeof v, "%" PRId32 " %" PRIu64, id, hash);
    if (kl == 0 || vl <= 0)
        return LADON_EINVAL;
    for (int tries = 0; tries < 8; tries++) {
        const char *argv[6] = {"SET", k, v, "NX", "PX", ttl};
        size_t argl[6] = {3, kl, (size_t)vl, 2, 2, fmt_ttl_ms(ttl, sizeof ttl, ttl_s)};
        int rc;
        redisReply *r = command(rs, 6, argv, argl, &rc);
        if (r == NULL)
            return rc;
        int won = r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
        if (won)
            return 0;
        const char *gv[2] = {"GET", k};
        size_t gl[2] = {3, kl};
        r = command(rs, 2, gv, gl, &rc);
        if (r == NULL)
            return rc;
        if (r->type == REDIS_REPLY_STRING) {
            long long hid = 0;
            unsigned long long h = 0;
            int ok = sscanf(r->str, "%lld %llu", &hid, &h) == 2 && hid > 0 && hid <= INT32_MAX;
            freeReplyObject(r);
            if (!ok)
                return LADON_ESTORE;
            *id_out = (int32_t)hid;
            *hash_out = (uint64_t)h;
            return LADON_STORE_EXISTS;
        }
        freeReplyObject(r); /* expired between SET and GET: try again */
    }
    return LADON_ESTORE;
}

static int rd_unclaim(ladon_store *st, const char *method, const char *key, int32_t id)
{
    rstore *rs = (rstore *)st;
    char k[CLAIM_KEY_MAX], v[16];
    size_t kl = claim_key(rs, method, key, k, sizeof k);
    int vl = snprintf(v, sizeof v, "%" PRId32 " ", id);
    if (kl == 0 || vl <= 0)
        return LADON_EINVAL;
    const char *args[1] = {v};
    size_t lens[1] = {(size_t)vl};
    long long a;
    int rc = eval_on(rs, S_UNCLAIM, k, kl, 1, args, lens, &a);
    return rc;
}

const ladon_store_ops ladon__store_redis_ops = {
    .scheme = "redis",
    .open = ladon__rd_open,
    .close = ladon__rd_close,
    .add = rd_add,
    .start = rd_start,
    .progress = rd_progress,
    .touch = rd_touch,
    .finish = rd_finish,
    .fail = rd_fail,
    .get = rd_get,
    .remove = rd_remove,
    .sweep = NULL, /* redis expires records itself */
    .stats = NULL, /* and counting by prefix would need a SCAN */
    .form = LADON__RD_FORM,
    .check = ladon__rd_check,
    .end = rd_end,
    .cancel = rd_cancel,
    .sync = rd_sync,
    .changes = rd_changes,
    .claim = rd_claim,
    .unclaim = rd_unclaim,
    .add_owned = rd_add_owned,
    .list = rd_list,
};
