#!/usr/bin/python3
"""Two separate ladon-examples servers sharing one real memcached or redis (docs/scaling.md,
"Leases", "When something fails"; docs/tasks.md, faults and "Leases and store outages").

Every server: `--listen 127.0.0.1:0 --store URL --task-lease 3 --store-timeout 500`, its own
temporary --data-dir (with one non-instance file, as ladon_harness.quiet_data_dir does).

  1. A1, B1 (LADON_EXAMPLE_STEP_MS=40: a taskExample takes 2.4 s): a task started on A1 is
     polled on B1 (progress never falls, is seen strictly between 0 and 1, ends at exactly
     1.0; starttime fixed; duration does not fall), its result fetched on B1 (== counter, also
     a second time) and on A1.
  2. A2, B2 (STEP_MS=100: 6 s tasks, --task-workers 2 --task-queue 600, so they stay queued or
     running): 500 starts on each, concurrently, 4 threads per server: 1000 distinct positive
     int32 ids; a sample of each server's ids is known (unfinished) on the other.
  3. kill -9 of A2 while one of its tasks runs (seen on B2 with 0 < progress < 0.5) and another
     is queued: B2 reports both failed, `task N failed: task lost` (Server fault): every poll
     sent later than the lease (3 s) + 0.1 s after the kill finds them ended (the bound is on
     the send time, so a slow answer on a loaded machine cannot fail it), none answered before
     1 s does (the lease was renewed every second until the kill); B2's own tasks are not
     lost.  B2 then stops on SIGTERM with status 0; a task still queued on it is failed
     `server shut down`, as B1 sees it.
  4. While a task of B1 runs, the store first hangs (SIGSTOP to its PID), then dies (SIGKILL):
     starting on B1 answers the Server fault `task store unavailable` within the store
     timeout (0.5 s) + 1 s, polling and fetching too (never a hang, never a wrong answer);
     Calculator.add still answers.  After 2 s away, the store is started again on the same
     port (empty): B1 starts tasks again within 5 s of the restart and serves one from start
     to result; the ids the store lost answer the Client fault `unknown or expired task id
     N`; B1's log says `task store unavailable` once and `task store available again`.

The store runs on a free port of 127.0.0.1 and every process is stopped by its PID.  A missing
memcached, redis-server or python3-zeep fails the test (never a skip).

usage: /usr/bin/python3 test_shared_store.py PATH/TO/ladon-examples {memcached|redis}
"""

import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, quiet_data_dir, server_binary  # noqa: E402
from task_helpers import (INT32_MAX, UNKNOWN_ID, call, client, not_finished_re,  # noqa: E402
                          task_id_of)
from store_helpers import MissingTool, StoreServer, answers  # noqa: E402

LEASE = 3                # --task-lease, seconds
STORE_TIMEOUT_MS = 500   # --store-timeout
UNAVAILABLE = "task store unavailable"
LOST = "task %d failed: task lost"
SERVICES = ("Calculator", "TaskService", "InstanceService")

SHORT_STEP_MS = 40       # part 1 and 4: 60 steps, 2.4 s
LONG_STEP_MS = 100       # parts 2 and 3: 6 s per task, 2 at a time: the queues stay full
STARTS_PER_SERVER = 500
THREADS_PER_SERVER = 4

LOST_SLACK = 0.1         # a poll sent LEASE + this after the kill finds the task lost
UNAVAILABLE_MARGIN = 1.0 # "store unavailable" within the store timeout + this
RECOVERY_MAX = 5.0       # store back -> first successful start
DURATION_SLACK = 0.25    # see part 1


def log(msg):
    print("     %s" % msg)
    sys.stdout.flush()


class Servers:
    """Every ladon-examples of the test, so that each is stopped (by PID) whatever happens."""

    def __init__(self, binary, store_url, root):
        self.binary = binary
        self.store_url = store_url
        self.root = root
        self.all = []

    def start(self, name, step_ms, extra=()):
        datadir = quiet_data_dir(tempfile.mkdtemp(prefix="data-%s-" % name, dir=self.root))
        args = ["--data-dir", datadir, "--store", self.store_url,
                "--task-lease", str(LEASE), "--store-timeout", str(STORE_TIMEOUT_MS),
                "--shutdown-grace", "500"] + list(extra)
        env = dict(os.environ, LADON_EXAMPLE_STEP_MS=str(step_ms))
        srv = Server(self.binary, args=args, env=env, services=SERVICES)
        srv.name = name
        self.all.append(srv)
        srv.start()
        log("%s: pid %d, port %d (step %d ms)" % (name, srv.proc.pid, srv.port, step_ms))
        return srv

    def dump_logs(self):
        """The task and store lines of every server's log (for a failed run)."""
        for srv in self.all:
            lines = [l for l in srv.output().splitlines()
                     if "[stderr]" in l and (" warn " in l or " info  task" in l
                                             or "task store" in l or "lost" in l)
                     and not l.rstrip().endswith(": task store unavailable")]
            print("---- %s (pid %s): %d task/store log lines" % (srv.name, srv.proc.pid,
                                                                 len(lines)))
            for l in lines[-40:]:
                print("     " + l)

    def stop_all(self):
        for srv in self.all:
            if srv.proc is not None and srv.exit_status is None:
                srv.stop()


def tasks(srv, timeout=15):
    return client(srv.wsdl_url("TaskService"), timeout=timeout).service


def is_fault(fault, code, text):
    return fault is not None and fault.code == code and fault.message == text


# ---- 1. started on A, polled and fetched on B ------------------------------------------------

def part_cross(checks, a, b, ctx):
    sa, sb = tasks(a), tasks(b)
    counter = random.randint(1000, 999999)
    t0 = time.monotonic()
    tid = task_id_of(sa.taskExample(session_id="cross", counter=counter))
    ctx["cross_id"] = tid
    checks.ok("1: start on A answers a positive int32 id", 0 < tid <= INT32_MAX, repr(tid))
    _, fault = call(sb.taskExample_result, task_id=tid)
    checks.ok("1: B knows the task at once: result 'not finished yet'",
              fault is not None and fault.code == "Client"
              and not_finished_re(tid).match(fault.message or "") is not None, repr(fault))

    polls, bad = [], []
    while time.monotonic() - t0 < 20:
        r, fault = call(sb.taskExample_progress, task_id=tid)
        if fault is not None or r.task_id != tid:
            bad.append((r, fault))
            break
        polls.append(r)
        if r.progress >= 1.0:
            break
        time.sleep(0.05)
    took = time.monotonic() - t0
    values = [p.progress for p in polls]
    log("1: %d polls on B in %.2f s, progress seen %s" % (len(polls), took,
        sorted(set(round(v, 3) for v in values))))
    checks.ok("1: every poll on B answers the task's progress", not bad, repr(bad))
    checks.ok("1: progress on B never falls",
              all(x <= y for x, y in zip(values, values[1:])), repr(values))
    checks.ok("1: progress on B is seen rising (strictly between 0 and 1)",
              any(0.0 < v < 1.0 for v in values), repr(sorted(set(values))))
    checks.ok("1: progress on B ends at exactly 1.0", bool(values) and values[-1] == 1.0,
              repr(values[-3:]))
    if polls:
        checks.ok("1: starttime is the same in every poll",
                  len(set(p.starttime for p in polls)) == 1, repr(set(p.starttime for p in polls)))
        checks.ok("1: starttime is now (within 60 s)", abs(polls[0].starttime - time.time()) < 60,
                  repr(polls[0].starttime))
        # Polled on B, a running task's duration is B's clock minus starttime; once ended,
        # it is the finisher's (A's) clock at its finish minus starttime.  A poll that reads
        # the record between A's clock read and its write landing shows a slightly larger
        # running duration than the final one: allow that much, no more.
        fall = max([x.duration - y.duration for x, y in zip(polls, polls[1:])] + [0.0])
        log("1: duration: first %.3f s, last %.3f s, largest fall %.4f s"
            % (polls[0].duration, polls[-1].duration, fall))
        checks.ok("1: duration never falls (by more than %.2f s)" % DURATION_SLACK,
                  fall <= DURATION_SLACK, "fell by %.4f s" % fall)
        checks.ok("1: the final duration is about the task's 60 steps",
                  60 * SHORT_STEP_MS / 1000.0 <= polls[-1].duration <= took + 0.5,
                  "%.3f s (polled for %.3f s)" % (polls[-1].duration, took))

    for what, svc in (("B", sb), ("B again", sb), ("A", sa)):
        value, fault = call(svc.taskExample_result, task_id=tid)
        checks.ok("1: result fetched on %s == counter %d" % (what, counter),
                  fault is None and value == counter, repr((value, fault)))

    # the stored result is written small (taskcall.c: exclusive canonical XML): no XML
    # declaration, only the namespace it uses (it was the binding's whole table, 502 bytes)
    store = ctx["store"]
    raw = raw_record(store.kind, store.port, tid)
    checks.ok("1: the stored record holds the result", raw is not None and b"result" in raw,
              repr(raw))
    if raw is not None:
        checks.ok("1: ... without an XML declaration and with at most 2 namespace declarations "
                  "(%d bytes)" % len(raw), b"<?xml" not in raw and raw.count(b"xmlns") <= 2,
                  repr(raw))


def raw_record(kind, port, task_id):
    """The task's record as the store holds it (memcached: the value of get ladon:<id>; redis:
    the hash field 'r', the result), or None."""
    key = b"ladon:%d" % task_id
    if kind == "memcached":
        req = b"get " + key + b"\r\n"
    else:
        req = b"*3\r\n$4\r\nHGET\r\n$%d\r\n%s\r\n$1\r\nr\r\n" % (len(key), key)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(req)
        got = b""
        end = b"END\r\n" if kind == "memcached" else None
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
            if end is not None and got.endswith(end):
                break
            if end is None and b"\r\n" in got:
                head, _, rest = got.partition(b"\r\n")
                if head.startswith(b"$") and len(rest) >= int(head[1:]) + 2:
                    return rest[:int(head[1:])]
                if head.startswith(b"$-1"):
                    return None
    if kind == "memcached" and got.startswith(b"VALUE "):
        head, _, rest = got.partition(b"\r\n")
        return rest[:int(head.split()[3])]
    return None


# ---- 2. 2 x 500 concurrent starts -----------------------------------------------------------

def start_many(srv, label, n_threads, per_thread):
    """Starts n_threads * per_thread tasks on srv from n_threads threads (one zeep client each).
    Returns ([(monotonic time, id)], [problems])."""
    clients = [tasks(srv, timeout=30) for _ in range(n_threads)]
    out, problems = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(n_threads)

    def worker(k):
        mine, bad = [], []
        try:
            barrier.wait(timeout=60)
            for i in range(per_thread):
                value, fault = call(clients[k].taskExample, session_id=label,
                                    counter=k * per_thread + i)
                if fault is not None or not isinstance(value, int):
                    bad.append((value, fault))
                else:
                    mine.append((time.monotonic(), value))
        except Exception as e:  # noqa: BLE001 - every problem is reported
            bad.append(repr(e))
        with lock:
            out.extend(mine)
            problems.extend(bad)

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(n_threads)]
    return threads, out, problems


def part_many(checks, a, b, ctx):
    per_thread = STARTS_PER_SERVER // THREADS_PER_SERVER
    ta, outa, proba = start_many(a, "A", THREADS_PER_SERVER, per_thread)
    tb, outb, probb = start_many(b, "B", THREADS_PER_SERVER, per_thread)
    t0 = time.monotonic()
    for t in ta + tb:
        t.start()
    for t in ta + tb:
        t.join(timeout=120)
    took = time.monotonic() - t0
    log("2: %d + %d starts in %.2f s (%d problems)" % (len(outa), len(outb), took,
                                                        len(proba) + len(probb)))
    checks.ok("2: no thread hangs", not any(t.is_alive() for t in ta + tb))
    checks.ok("2: all %d starts on A answer an id" % STARTS_PER_SERVER,
              len(outa) == STARTS_PER_SERVER and not proba, repr(proba[:5]))
    checks.ok("2: all %d starts on B answer an id" % STARTS_PER_SERVER,
              len(outb) == STARTS_PER_SERVER and not probb, repr(probb[:5]))
    ids = [i for _, i in outa] + [i for _, i in outb]
    checks.equal("2: 1000 starts on two servers give 1000 distinct ids", len(set(ids)), 1000)
    checks.ok("2: every id is a positive int32", all(0 < i <= INT32_MAX for i in ids),
              repr([i for i in ids if not 0 < i <= INT32_MAX][:5]))
    ctx["a_ids"] = [i for _, i in sorted(outa)]   # in the order the starts were answered
    ctx["b_ids"] = [i for _, i in sorted(outb)]

    # each server knows the other's tasks, unfinished (the queues are far from empty)
    sa, sb = tasks(a), tasks(b)
    for here, svc, there_ids in (("B", sb, ctx["a_ids"]), ("A", sa, ctx["b_ids"])):
        sample = there_ids[-20:]
        answers_ = [call(svc.taskExample_progress, task_id=t) for t in sample]
        bad = [(t, r, f) for t, (r, f) in zip(sample, answers_)
               if f is not None or r.task_id != t or not 0.0 <= r.progress < 1.0]
        checks.ok("2: 20 of the other server's tasks polled on %s: unfinished, progress in "
                  "[0, 1)" % here, not bad, repr(bad[:3]))


# ---- 3. kill -9 of A: its tasks are lost after the lease -----------------------------------

def part_lost(checks, a, b, ctx):
    sb = tasks(b)
    a_ids = ctx["a_ids"]
    # a task of A that runs (progress published, far from its end) and one that waits
    running, seen = None, {}
    end = time.monotonic() + 15
    while running is None and time.monotonic() < end:
        for t in a_ids[:20]:
            r, fault = call(sb.taskExample_progress, task_id=t)
            if fault is None:
                seen[t] = r.progress
                if 0.0 < r.progress < 0.5:
                    running = t
                    break
        if running is None:
            time.sleep(0.1)
    checks.ok("3: a task of A seen running on B (0 < progress < 0.5)", running is not None,
              repr(seen))
    queued = a_ids[-1]
    r, fault = call(sb.taskExample_progress, task_id=queued)
    checks.ok("3: the last task started on A is queued (progress 0.0 on B)",
              fault is None and r.progress == 0.0, repr((r, fault)))
    if running is None:
        return

    os.kill(a.proc.pid, signal.SIGKILL)
    t_kill = time.monotonic()
    status = a.stop()                      # reaps it: already dead
    checks.equal("3: A was killed by SIGKILL", status, -signal.SIGKILL)

    # Poll both on B.  The bound is on when a poll is SENT, not when its answer comes back
    # (a loaded machine may answer slowly): A renewed the leases until the kill, so they end
    # at most LEASE s after it, and every poll sent later must find the task lost.
    polls = {running: [], queued: []}          # id -> [(sent, answered, progress or fault)]
    ended = {running: None, queued: None}      # id -> (sent, answered) of the first 1.0
    while time.monotonic() - t_kill < LEASE + 10 and None in ended.values():
        for t in polls:
            if ended[t] is not None:
                continue
            sent = time.monotonic() - t_kill
            r, fault = call(sb.taskExample_progress, task_id=t)
            got = time.monotonic() - t_kill
            polls[t].append((sent, got, fault.message if fault is not None else r.progress))
            if fault is None and r.progress == 1.0:
                ended[t] = (sent, got)
        time.sleep(0.05)
    for t, what in ((running, "running"), (queued, "queued")):
        e = ended[t]
        late = [(round(s_, 3), round(g, 3), v) for s_, g, v in polls[t]
                if s_ >= LEASE + LOST_SLACK and v != 1.0]
        last_unfinished = max([g for _, g, v in polls[t] if v != 1.0] + [0.0])
        log("3: %s task %d of A: last seen unfinished %.2f s after the kill, lost in the poll "
            "sent at %s s, answered at %s s (%d polls)"
            % (what, t, last_unfinished, "%.2f" % e[0] if e else "-",
               "%.2f" % e[1] if e else "-", len(polls[t])))
        checks.ok("3: the %s task of A is reported ended on B (progress 1.0)" % what,
                  e is not None, repr(polls[t][-3:]))
        checks.ok("3: ... in every poll sent later than the lease (%d s) + %.1f s after the kill"
                  % (LEASE, LOST_SLACK), e is not None and not late, repr(late[:3]))
        checks.ok("3: ... not in a poll answered before 1 s after the kill (its lease was "
                  "renewed every second until then)", e is not None and e[1] >= 1.0,
                  repr(e))
        others = [v for _, _, v in polls[t] if not isinstance(v, float)]
        checks.ok("3: ... every poll meanwhile answered its progress", not others,
                  repr(others[:3]))
        value, fault = call(sb.taskExample_result, task_id=t)
        checks.ok("3: result of the %s task on B: Server fault '%s'" % (what, LOST % t),
                  is_fault(fault, "Server", LOST % t), repr((value, fault)))

    # B's own tasks are not affected
    lost_b = []
    for t in ctx["b_ids"][:10]:
        value, fault = call(sb.taskExample_result, task_id=t)
        ok = (fault is None and isinstance(value, int)) or (
            fault is not None and fault.code == "Client"
            and not_finished_re(t).match(fault.message or "") is not None)
        if not ok:
            lost_b.append((t, value, fault))
    checks.ok("3: B's own first 10 tasks are running or done, not lost", not lost_b,
              repr(lost_b[:3]))


def part_shut_down(checks, other, ctx):
    """The last task started on B2 was queued when B2 got SIGTERM: failed 'server shut down',
    as another server sees it."""
    t = ctx["b_ids"][-1]
    value, fault = call(tasks(other).taskExample_result, task_id=t)
    text = "task %d failed: server shut down" % t
    checks.ok("3: a task queued on B2 at its SIGTERM, fetched on B1: Server fault '%s'" % text,
              is_fault(fault, "Server", text), repr((value, fault)))


# ---- 4. the store goes away and comes back ---------------------------------------------------

def timed(fn, **kw):
    t0 = time.monotonic()
    value, fault = call(fn, **kw)
    return value, fault, time.monotonic() - t0


def wait_stopped(pid, timeout=5.0):
    """True once the process is in state T (stopped)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("T", "t"):
                    return True
        except (OSError, IndexError):
            return False
        time.sleep(0.01)
    return False


def part_outage(checks, store, b, ctx):
    sb = tasks(b, timeout=10)
    calc = client(b.wsdl_url("Calculator"), timeout=10).service
    bound = STORE_TIMEOUT_MS / 1000.0 + UNAVAILABLE_MARGIN
    mid = task_id_of(sb.taskExample(session_id="mid", counter=17))
    mid_end = time.monotonic() + 60 * SHORT_STEP_MS / 1000.0   # it ends during the outage
    time.sleep(0.2)

    def expect_unavailable(phase, calls):
        for what, fn, kw in calls:
            value, fault, took = timed(fn, **kw)
            log("4: store %s: %s answered %r in %.3f s" % (phase, what, fault or value, took))
            checks.ok("4: store %s: %s answers Server fault '%s'" % (phase, what, UNAVAILABLE),
                      is_fault(fault, "Server", UNAVAILABLE), repr((value, fault)))
            checks.ok("4: ... within the store timeout %.1f s + %.1f s"
                      % (STORE_TIMEOUT_MS / 1000.0, UNAVAILABLE_MARGIN), took <= bound,
                      "%.3f s" % took)

    # first it hangs (SIGSTOP): every call waits for the store timeout, no longer
    os.kill(store.proc.pid, signal.SIGSTOP)
    t_down = time.monotonic()
    checks.ok("4: the store is stopped (SIGSTOP to its PID)", wait_stopped(store.proc.pid))
    expect_unavailable("hung", [
        ("start", sb.taskExample, {"session_id": "hung", "counter": 1}),
        ("progress of the running task", sb.taskExample_progress, {"task_id": mid})])

    # then it dies
    status = store.stop(signal.SIGKILL)
    checks.equal("4: the store was killed by SIGKILL (by its PID)", status, -signal.SIGKILL)
    checks.ok("4: ... and no longer answers", not answers(store.kind, store.port))
    old = ctx.get("cross_id")
    calls = [("start", sb.taskExample, {"session_id": "down", "counter": 1})] * 3
    calls += [("progress of the running task", sb.taskExample_progress, {"task_id": mid}),
              ("result of the running task", sb.taskExample_result, {"task_id": mid})]
    if old is not None:
        calls += [("progress of the finished task of part 1", sb.taskExample_progress,
                   {"task_id": old}),
                  ("result of the finished task of part 1", sb.taskExample_result,
                   {"task_id": old})]
    expect_unavailable("down", calls)
    t0 = time.monotonic()
    value, fault = call(calc.add, 2, 3)
    checks.ok("4: store down: Calculator.add still answers 5 (no hang)",
              fault is None and value == 5 and time.monotonic() - t0 < 2.0, repr((value, fault)))
    checks.ok("4: store down: B is still running", b.proc.poll() is None)
    # Away until the running task has ended (its result cannot be written: kept, retried)
    # and for 2 s more, so that B's housekeeper has had passes with nothing due meanwhile:
    # none of them may claim the store is back.
    time.sleep(max(0.0, max(mid_end, t_down + LEASE / 3.0) + 2.0 - time.monotonic()))
    log("4: the store was away for %.2f s" % (time.monotonic() - t_down))

    # back on the same port, empty
    store.start()
    t_back = time.monotonic()
    log("4: store restarted on port %d (pid %d)" % (store.port, store.proc.pid))
    new_id, others = None, []
    while time.monotonic() - t_back < 15:
        value, fault = call(sb.taskExample, session_id="back", counter=4321)
        if fault is None:
            new_id = task_id_of(value)
            break
        if not is_fault(fault, "Server", UNAVAILABLE):
            others.append(fault)
        time.sleep(0.1)
    recovered = time.monotonic() - t_back
    log("4: first successful start %.2f s after the restart" % recovered)
    checks.ok("4: store back: B starts tasks again within %.0f s" % RECOVERY_MAX,
              new_id is not None and recovered <= RECOVERY_MAX, "after %.2f s" % recovered)
    checks.ok("4: ... meanwhile only '%s'" % UNAVAILABLE, not others, repr(others[:3]))
    if new_id is not None:
        t0 = time.monotonic()
        last, faults = None, []
        while time.monotonic() - t0 < 15:
            r, fault = call(sb.taskExample_progress, task_id=new_id)
            if fault is not None:
                faults.append(fault)
                break
            last = r.progress
            if last >= 1.0:
                break
            time.sleep(0.05)
        value, fault = call(sb.taskExample_result, task_id=new_id)
        took = time.monotonic() - t0
        log("4: the new task ran to its result in %.2f s" % took)
        checks.ok("4: the new task is polled to progress 1.0", not faults and last == 1.0,
                  repr((last, faults)))
        checks.ok("4: ... and its result is the counter 4321", fault is None and value == 4321,
                  repr((value, fault)))
        checks.ok("4: ... start to result within 60 steps + 3 s",
                  took <= 60 * SHORT_STEP_MS / 1000.0 + 3.0, "%.2f s" % took)

    # what the store lost is unknown - never an old or wrong state
    lost_ids = [("the task running during the outage", mid)]
    if old is not None:
        lost_ids.append(("the finished task of part 1", old))
    for key, what in (("a_ids", "a task of A2"), ("b_ids", "a task of B2")):
        if ctx.get(key):
            lost_ids.append((what, ctx[key][0]))
    for what, t in lost_ids:
        for op, fn in (("progress", sb.taskExample_progress), ("result", sb.taskExample_result)):
            value, fault = call(fn, task_id=t)
            checks.ok("4: store lost it: %s of %s: Client fault '%s'" % (op, what, UNKNOWN_ID % t),
                      is_fault(fault, "Client", UNKNOWN_ID % t), repr((value, fault)))

    # the log says so, once each way (docs/scaling.md, "When something fails")
    end = time.monotonic() + 8
    while time.monotonic() < end and "task store available again" not in b.output():
        time.sleep(0.1)
    out = b.output()
    checks.ok("4: B logged 'task store unavailable' once",
              out.count("task store unavailable: leases and progress") == 1,
              "\n".join(l for l in out.splitlines() if "store" in l)[-2000:])
    checks.ok("4: B logged 'task store available again'", "task store available again" in out,
              "\n".join(l for l in out.splitlines() if "store" in l)[-2000:])
    lines = out.splitlines()
    kept = [l for l in lines if "task %d of TaskService.taskExample: its result could not be "
            "recorded: task store unavailable; retrying in the background" % mid in l]
    dropped = [l for l in lines if "task %d of TaskService.taskExample: result dropped" % mid
               in l]
    checks.ok("4: B logged that the result of the task that ended during the outage is kept "
              "and retried", len(kept) == 1, repr(kept))
    checks.ok("4: ... and dropped once the store answered that it forgot the task",
              len(dropped) == 1, repr(dropped))


def main():
    binary = server_binary()
    kind = sys.argv[2] if len(sys.argv) > 2 else ""
    if kind not in ("memcached", "redis"):
        print("FAIL: usage: test_shared_store.py PATH/TO/ladon-examples {memcached|redis}"
              " (got %r)" % kind)
        sys.exit(1)
    checks = Checks("shared store (%s)" % kind)
    store = StoreServer(kind)
    try:
        store.start()
    except (MissingTool, RuntimeError) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
    log("%s: pid %d, %s" % (kind, store.proc.pid, store.url()))
    t_all = time.monotonic()
    ctx = {"store": store}
    with tempfile.TemporaryDirectory(prefix="ladon-shared-store-") as root:
        servers = Servers(binary, store.url(), root)
        try:
            a1 = servers.start("A1", SHORT_STEP_MS)
            b1 = servers.start("B1", SHORT_STEP_MS)
            t = time.monotonic()
            checks.run("1: cross-server task", lambda: part_cross(checks, a1, b1, ctx))
            log("part 1: %.2f s" % (time.monotonic() - t))
            checks.server_stopped(a1)

            big = ["--task-workers", "2", "--task-queue", "600"]
            a2 = servers.start("A2", LONG_STEP_MS, big)
            b2 = servers.start("B2", LONG_STEP_MS, big)
            t = time.monotonic()
            checks.run("2: 2 x 500 starts", lambda: part_many(checks, a2, b2, ctx))
            log("part 2: %.2f s" % (time.monotonic() - t))
            t = time.monotonic()
            if ctx.get("a_ids"):
                checks.run("3: kill -9", lambda: part_lost(checks, a2, b2, ctx))
            else:
                checks.ok("3: kill -9 (needs the tasks of part 2)", False)
            log("part 3: %.2f s" % (time.monotonic() - t))
            t = time.monotonic()
            checks.server_stopped(b2)             # ~500 queued tasks: failed at once
            log("B2 stopped in %.2f s" % (time.monotonic() - t))
            if ctx.get("b_ids"):
                checks.run("3: B2 shut down", lambda: part_shut_down(checks, b1, ctx))

            t = time.monotonic()
            checks.run("4: store outage", lambda: part_outage(checks, store, b1, ctx))
            log("part 4: %.2f s" % (time.monotonic() - t))
            checks.server_stopped(b1)
        except ServerError as e:
            checks.ok("servers start", False, str(e))
        finally:
            servers.stop_all()
            store.close()
            if checks.failures:
                servers.dump_logs()
    log("total %.2f s" % (time.monotonic() - t_all))
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
