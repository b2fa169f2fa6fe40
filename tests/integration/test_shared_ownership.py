#!/usr/bin/python3
"""Task ownership and m_list across two ladon-examples servers sharing one real memcached or
redis (issue 16; docs/tasks.md "Ownership" and "m_list", docs/security.md "Task ownership").

Every server: `--listen 127.0.0.1:0 --store URL --trusted-proxy 127.0.0.1`, so the identity is
the trusted `X-Remote-User` header the test's zeep sessions send (a requests Session with the
header set); a session without it is anonymous.  LADON_EXAMPLE_STEP_MS=1 (a taskExample takes
about 60 ms), --task-workers 8 --task-queue 1000, the probe limiter off on A and B.

  1. alice starts a task on A (with Idempotency-Key k1).  On B, bob and an anonymous caller
     get for it, from progress, result, cancel and wait, exactly the Client fault an id that
     does not exist gets (`unknown or expired task id N`, compared with a never-issued id's);
     bob's start with alice's key k1 is a task of his own (another id); alice's start with k1
     on B names her task.  alice on B: progress, wait (done), result (her counter), cancel
     (ended: unchanged).  The task was not cancelled by bob's cancel.
  2. m_list: an anonymous caller gets the Client fault `listing tasks needs an identity`; bob's
     list does not show alice's task but shows his own; alice starts 250 more tasks (on A and B,
     8 threads); her list on B in pages of 40 holds exactly her 251 tasks, each once, newest
     first (starttime not increasing), every page but the last full, the last page's
     next_page_token empty; without limit a page holds 50; limit 5000 gives all 251 and no
     token; limit -1, a garbled token and alice's token used by bob are Client faults
     (`limit must be 0 or more`, `bad page_token`).  A page token keeps its place while alice
     starts more tasks: the next page starts right after the last one seen.
  3. The probe limiter counts another's id as it counts an unknown one: servers C and D on the
     same store with `--task-probe-limit 4 --task-probe-window 60`: after bob's 5 lookups of
     alice's id on C, and 5 lookups of never-issued ids on D, the next lookup on each (even of
     an id the caller owns) answers `too many unknown task ids`.

A missing memcached, redis-server or python3-zeep fails the test (never a skip).

usage: /usr/bin/python3 test_shared_ownership.py PATH/TO/ladon-examples {memcached|redis}
"""

import os
import random
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, quiet_data_dir, server_binary  # noqa: E402
from store_helpers import MissingTool, StoreServer  # noqa: E402

try:
    import requests
    import zeep
    from zeep.transports import Transport
except ImportError as e:  # a failure, not a skip
    print("FAIL: python3-zeep is needed: %s" % e)
    sys.exit(1)

from task_helpers import INT32_MAX, call, task_id_of  # noqa: E402

SERVICES = ("Calculator", "TaskService", "InstanceService")
MANY = 250
THREADS = 8
UNKNOWN = "unknown or expired task id %d"
NO_IDENTITY = "listing tasks needs an identity"
BAD_TOKEN = "bad page_token"
NEVER_ID = 2147000001  # an id the tests treat as never issued (checked against the issued)


def log(msg):
    print("     %s" % msg)
    sys.stdout.flush()


def svc(srv, user=None, key=None):
    """TaskService of srv as user (None: anonymous), optionally sending an Idempotency-Key."""
    s = requests.Session()
    if user is not None:
        s.headers["X-Remote-User"] = user
    if key is not None:
        s.headers["Idempotency-Key"] = key
    t = Transport(session=s, timeout=30, operation_timeout=30)
    return zeep.Client(srv.wsdl_url("TaskService"), transport=t).service


def wait_done(service, tid, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        p = service.taskExample_progress(task_id=tid)
        if p.state in ("done", "failed", "cancelled") or time.monotonic() > deadline:
            return p
        time.sleep(0.02)


def fault_of(fn, **kw):
    _, f = call(fn, **kw)
    return (f.code, f.message) if f is not None else None


def four_ops(service, tid):
    """What progress, result, cancel and wait answer for tid: each (code, text) or None."""
    return [fault_of(service.taskExample_progress, task_id=tid),
            fault_of(service.taskExample_result, task_id=tid),
            fault_of(service.taskExample_cancel, task_id=tid),
            fault_of(service.taskExample_wait, task_id=tid, timeout=2)]


def page(service, **kw):
    r = service.taskExample_list(**kw)
    tasks = list(r.tasks or [])
    return tasks, r.next_page_token or ""


def list_all(checks, service, label, limit):
    """Every page of service's list with limit; the TaskSummary list."""
    out, token, pages = [], None, 0
    while pages < 1000:
        kw = {"limit": limit}
        if token:
            kw["page_token"] = token
        tasks, token = page(service, **kw)
        pages += 1
        out.extend(tasks)
        if token:
            checks.ok("%s: page %d (not the last) is full" % (label, pages), len(tasks) == limit,
                      "%d of %d" % (len(tasks), limit))
        else:
            break
    return out


def newest_first(tasks):
    return all((a.starttime, a.task_id) > (b.starttime, b.task_id)
               for a, b in zip(tasks, tasks[1:]))


def part_isolation(checks, a, b, ctx):
    alice_a = svc(a, "alice", key="k1")
    counter = random.randint(1000, 999999)
    tid = task_id_of(alice_a.taskExample(session_id="own", counter=counter))
    ctx["alice"] = [tid]
    checks.ok("1: alice's start answers an id", 0 < tid <= INT32_MAX, repr(tid))
    unknown_id = NEVER_ID if NEVER_ID != tid else NEVER_ID - 1
    bob_b, anon_b = svc(b, "bob"), svc(b)
    want_unknown = [("Client", UNKNOWN % unknown_id)] * 4
    checks.equal("1: bob, a never-issued id: four unknown faults", four_ops(bob_b, unknown_id),
                 want_unknown)
    want = [("Client", UNKNOWN % tid)] * 4
    checks.equal("1: bob on B, alice's id: progress/result/cancel/wait as unknown",
                 four_ops(bob_b, tid), want)
    checks.equal("1: anonymous on B, alice's id: as unknown", four_ops(anon_b, tid), want)
    checks.equal("1: alice's id also as unknown to 'alice2' and 'Alice'",
                 four_ops(svc(b, "alice2"), tid) + four_ops(svc(b, "Alice"), tid), want * 2)

    bob_k1 = task_id_of(svc(b, "bob", key="k1").taskExample(session_id="own", counter=counter))
    checks.ok("1: bob's start with alice's Idempotency-Key is another task", bob_k1 != tid,
              "%d vs %d" % (bob_k1, tid))
    ctx["bob"] = [bob_k1]
    anon_k1 = task_id_of(svc(b, key="k1").taskExample(session_id="own", counter=counter))
    checks.ok("1: an anonymous start with k1 is another task", anon_k1 not in (tid, bob_k1),
              repr(anon_k1))
    again = task_id_of(svc(b, "alice", key="k1").taskExample(session_id="own", counter=counter))
    checks.equal("1: alice's start with k1 on B names her task", again, tid)

    alice_b = svc(b, "alice")
    p = wait_done(alice_b, tid)
    checks.equal("1: alice on B: her task is done (bob's cancel did nothing)", p.state, "done")
    w = alice_b.taskExample_wait(task_id=tid, timeout=5)
    checks.equal("1: alice on B: wait answers done", w.state, "done")
    checks.equal("1: alice on B: result is her counter", alice_b.taskExample_result(task_id=tid),
                 counter)
    c = alice_b.taskExample_cancel(task_id=tid)
    checks.equal("1: alice on B: cancel of an ended task leaves it done", c.state, "done")
    checks.equal("1: bob on A still gets unknown after all that", four_ops(svc(a, "bob"), tid),
                 want)
    wait_done(bob_b, bob_k1)
    checks.equal("1: bob's own task is his", bob_b.taskExample_result(task_id=bob_k1), counter)


def doc_example(checks, srv, want_ids):
    """docs/tasks.md's m_list example, run as it is shown, lists exactly alice's tasks."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                           "tasks.md"), encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("## Ownership and m_list"):]
    code = section[section.index("```python\n") + 10:section.index("```\n", section.index("```python"))]
    printed = []
    env = {"requests": requests, "zeep": zeep, "Transport": Transport,
           "wsdl": srv.wsdl_url("TaskService"),
           "print": lambda *a: printed.append(a)}
    exec(compile(code, "docs/tasks.md (m_list example)", "exec"), env)  # noqa: S102
    checks.equal("2: docs/tasks.md's m_list example prints alice's tasks, newest first",
                 [a[0] for a in printed], want_ids)


def part_list(checks, a, b, ctx):
    anon_b, bob_b, alice_b = svc(b), svc(b, "bob"), svc(b, "alice")
    checks.equal("2: anonymous m_list: Client fault", fault_of(anon_b.taskExample_list),
                 ("Client", NO_IDENTITY))
    bob_tasks, tok = page(bob_b)
    checks.equal("2: bob's list: his one task, no token",
                 ([t.task_id for t in bob_tasks], tok), (ctx["bob"], ""))

    ids, lock, errors = [], threading.Lock(), []

    def starter(n, srv):
        s = svc(srv, "alice")
        for i in range(n):
            try:
                t = task_id_of(s.taskExample(session_id="many", counter=i))
            except Exception as e:  # noqa: BLE001 - counted and reported
                errors.append(repr(e))
                continue
            with lock:
                ids.append(t)

    per = MANY // THREADS
    counts = [per + (1 if i < MANY % THREADS else 0) for i in range(THREADS)]
    threads = [threading.Thread(target=starter, args=(counts[i], a if i % 2 else b))
               for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checks.equal("2: alice's %d starts all answered" % MANY, (len(ids), errors[:3]), (MANY, []))
    ctx["alice"].extend(ids)
    mine = set(ctx["alice"])

    got = list_all(checks, alice_b, "2: alice, pages of 40", 40)
    got_ids = [t.task_id for t in got]
    checks.equal("2: alice's pages hold %d tasks" % len(mine), len(got_ids), len(mine))
    checks.ok("2: each once", len(set(got_ids)) == len(got_ids), "repeated ones present")
    checks.equal("2: exactly alice's tasks", set(got_ids), mine)
    checks.ok("2: newest first", newest_first(got), "order broken")
    checks.ok("2: states are task states",
              all(t.state in ("queued", "running", "done", "failed", "cancelled") for t in got))
    checks.ok("2: bob's and the anonymous task are not in alice's list",
              not (set(got_ids) & set(ctx["bob"])))
    doc_example(checks, b, got_ids)

    first, tok = page(alice_b)
    checks.equal("2: without limit a page holds 50", len(first), 50)
    checks.ok("2: ... and has a next_page_token", tok != "")
    everything, tok_all = page(svc(a, "alice"), limit=5000)
    checks.equal("2: limit 5000 on A: all %d, no token" % len(mine),
                 (len(everything), tok_all), (len(mine), ""))
    checks.equal("2: limit 0 is the default 50", len(page(alice_b, limit=0)[0]), 50)
    checks.equal("2: limit -1: Client fault", fault_of(alice_b.taskExample_list, limit=-1),
                 ("Client", "limit must be 0 or more"))
    checks.equal("2: a garbled token: Client fault",
                 fault_of(alice_b.taskExample_list, page_token="garbage"), ("Client", BAD_TOKEN))
    checks.equal("2: alice's token used by bob: Client fault",
                 fault_of(bob_b.taskExample_list, page_token=tok), ("Client", BAD_TOKEN))
    flipped = tok[:-1] + ("0" if tok[-1] != "0" else "1")
    checks.equal("2: a token with one digit changed: Client fault",
                 fault_of(alice_b.taskExample_list, page_token=flipped), ("Client", BAD_TOKEN))

    # a token keeps its place while tasks are added
    p1, t1 = page(alice_b, limit=10)
    checks.equal("2: a first page of 10 is the newest 10", [t.task_id for t in p1], got_ids[:10])
    for i in range(5):
        task_id_of(svc(a, "alice").taskExample(session_id="late", counter=i))
    p2, _ = page(alice_b, limit=10, page_token=t1)
    checks.equal("2: after 5 new tasks the next page goes on right after the last one seen",
                 [t.task_id for t in p2], got_ids[10:20])
    latest, _ = page(alice_b, limit=5)
    checks.ok("2: the 5 new tasks head the list", not (set(t.task_id for t in latest) & mine))


def part_probe(checks, servers, ctx):
    c = servers.start("C", ("--task-probe-limit", "4", "--task-probe-window", "60"))
    d = servers.start("D", ("--task-probe-limit", "4", "--task-probe-window", "60"))
    alices = ctx["alice"][0]
    bob_c = svc(c, "bob")
    answers_c = [fault_of(bob_c.taskExample_progress, task_id=alices) for _ in range(5)]
    bob_d = svc(d, "bob")
    base = NEVER_ID - 100
    answers_d = [fault_of(bob_d.taskExample_progress, task_id=base - i) for i in range(5)]
    refused = ("Client", "too many unknown task ids")
    checks.ok("3: C answers bob's lookups of alice's id as unknown, then refuses",
              all(x in (("Client", UNKNOWN % alices), refused) for x in answers_c), repr(answers_c))
    checks.ok("3: D likewise for never-issued ids",
              all(x is not None and (x == refused or x[1].startswith("unknown or expired"))
                  for x in answers_d), repr(answers_d))
    checks.equal("3: the same number of answers before the refusal on C and D",
                 [x == refused for x in answers_c], [x == refused for x in answers_d])
    checks.equal("3: C then refuses even alice's own lookup from that client",
                 fault_of(svc(c, "alice").taskExample_progress, task_id=alices), refused)
    checks.equal("3: D likewise", fault_of(svc(d, "alice").taskExample_progress, task_id=alices),
                 refused)


class Servers:
    def __init__(self, binary, store_url, root):
        self.binary, self.store_url, self.root, self.all = binary, store_url, root, []

    def start(self, name, extra=()):
        datadir = quiet_data_dir(tempfile.mkdtemp(prefix="data-%s-" % name, dir=self.root))
        args = ["--data-dir", datadir, "--store", self.store_url, "--trusted-proxy", "127.0.0.1",
                "--task-workers", "8", "--task-queue", "1000", "--task-lease", "5",
                "--shutdown-grace", "500"] + list(extra)
        if "--task-probe-limit" not in extra:
            args += ["--task-probe-limit", "0"]
        env = dict(os.environ, LADON_EXAMPLE_STEP_MS="1")
        srv = Server(self.binary, args=args, env=env, services=SERVICES)
        srv.name = name
        self.all.append(srv)
        srv.start()
        log("%s: pid %d, port %d" % (name, srv.proc.pid, srv.port))
        return srv

    def stop_all(self, checks):
        for srv in self.all:
            if srv.proc is not None and srv.exit_status is None:
                srv.stop()
                checks.server_stopped(srv)


def part_log(checks, srv):
    """The request log names the caller, its spaces, quotes and '%' as %XX (one field)."""
    task_id_of(svc(srv, 'al "ice% x').taskExample(session_id="log", counter=1))
    # the line is written after the answer is sent: wait for it (other users' lines are
    # there already)
    want = " user=al%20%22ice%25%20x"
    deadline = time.monotonic() + 5
    found = []
    while time.monotonic() < deadline:
        found = [ln for ln in srv.output().splitlines()
                 if "POST /TaskService taskExample 200 " in ln and "user=" in ln]
        if any(ln.endswith(want) for ln in found):
            break
        time.sleep(0.05)
    checks.ok("the request log names the user, encoded: user=al%20%22ice%25%20x",
              any(ln.endswith(want) for ln in found), "\n".join(found[-3:]))


def main():
    binary = server_binary()
    kind = sys.argv[2] if len(sys.argv) > 2 else ""
    if kind not in ("memcached", "redis"):
        print("usage: %s LADON_EXAMPLES {memcached|redis}" % sys.argv[0])
        return 2
    checks = Checks("shared ownership (%s)" % kind)
    root = tempfile.mkdtemp(prefix="ladon-own-")
    try:
        store = StoreServer(kind)
        store.start()
    except (MissingTool, RuntimeError) as e:
        print("FAIL: cannot start %s: %s" % (kind, e))
        return 1
    servers = Servers(binary, store.url(), root)
    ctx = {}
    try:
        a = servers.start("A")
        b = servers.start("B")
        checks.run("isolation", lambda: part_isolation(checks, a, b, ctx))
        if ctx.get("alice"):
            checks.run("m_list", lambda: part_list(checks, a, b, ctx))
            checks.run("probe accounting", lambda: part_probe(checks, servers, ctx))
        checks.run("request log", lambda: part_log(checks, a))
    except ServerError as e:
        checks.ok("servers start", False, str(e))
    finally:
        servers.stop_all(checks)
        store.close()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
