#!/usr/bin/python3
"""ladon-examples --processes N sharing one real memcached (docs/scaling.md, "Several processes and
hosts"; docs/tasks.md, leases and outages).

  1. --processes 2 with the memory store (default, explicit, LADON_PROCESSES) is refused with
     status 2 and the documented message; a store that cannot be reached at start-up is status 1
     with a message naming the URL, the password of a redis URL hidden.
  2. --processes 3 --store memcached://...: the ready lines once; each worker in turn is made the
     only one accepting (the others SIGSTOPped for a moment) and starts tasks; then each worker
     alone polls and fetches every task - also those started on the others; 3 x 100 starts give
     300 distinct ids.
  3. --processes 2 --task-lease 3: kill -9 of one worker: the supervisor logs it and starts a new
     one; that worker's running tasks are reported failed "task lost" within the lease (plus the
     polling slack), the other worker's tasks keep running.
  4. memcached stopped (SIGTERM to its PID): starting and polling answer the Server fault
     "task store unavailable" within the --store-timeout, no worker dies; memcached started again
     on the same port: service resumes, and ids of the lost records are "unknown or expired".
  5. SIGTERM to the supervisor: exit status 0, every worker gone.

memcached runs on a free port of 127.0.0.1 and is stopped by its PID; a missing memcached fails
the test.  usage: /usr/bin/python3 test_processes.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)
"""

import os
import random
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, quiet_data_dir, server_binary  # noqa: E402
from task_helpers import call, task_id_of  # noqa: E402
from store_helpers import MEMCACHED, StoreServer, free_port  # noqa: E402

import zeep  # noqa: E402  (task_helpers fails the test when it is missing)
from zeep.transports import Transport  # noqa: E402

REFUSAL = ("--processes 2 needs a shared task store (--store memcached://... or redis://...): "
           "the memory store lives in one process")
UNAVAILABLE = "task store unavailable"
LEASE = 3


def workers(server):
    """PIDs of the supervisor's worker processes."""
    pid = server.proc.pid
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def wait_workers(server, n, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pids = workers(server)
        if len(pids) == n:
            return pids
        time.sleep(0.05)
    return workers(server)


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class OnlyOne:
    """with OnlyOne(pids, pid): every other worker is SIGSTOPped, so pid accepts everything."""

    def __init__(self, pids, pid):
        self.others = [p for p in pids if p != pid]

    def __enter__(self):
        for p in self.others:
            os.kill(p, signal.SIGSTOP)
        time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        for p in self.others:
            os.kill(p, signal.SIGCONT)
        return False


def task_client(server):
    """A zeep client of TaskService that opens a new connection for every call."""
    transport = Transport(timeout=20, operation_timeout=20)
    transport.session.headers["Connection"] = "close"
    return zeep.Client(server.wsdl_url("TaskService"), transport=transport).service


def start_server(binary, args, step_ms, datadir):
    env = dict(os.environ, LADON_EXAMPLE_STEP_MS=str(step_ms))
    srv = Server(binary, args=["--data-dir", datadir, "--shutdown-grace", "500"] + args, env=env,
                 services=("Calculator", "TaskService", "InstanceService"))
    return srv.start()


def run_refused(binary, args, env=None, timeout=30):
    """(exit status, stderr, stdout) of a server that must not start."""
    p = subprocess.run([binary, "--listen", "127.0.0.1:0"] + args, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, p.stderr.decode("utf-8", "replace"), p.stdout.decode("utf-8", "replace")


def part_refusals(checks, binary, datadir):
    for label, args, env in (("default store", [], None),
                             ("--store memory:", ["--store", "memory:"], None),
                             ("LADON_PROCESSES=2", [], {"LADON_PROCESSES": "2"})):
        a = ["--data-dir", datadir] + (["--processes", "2"] if env is None else []) + args
        status, err, out = run_refused(binary, a, env)
        checks.equal("%s, 2 processes: exit status 2" % label, status, 2)
        checks.ok("%s: the message says why" % label, REFUSAL in err, err)
        checks.equal("%s: no ready lines" % label, out, "")

    dead = free_port()
    t0 = time.monotonic()
    status, err, out = run_refused(binary, ["--data-dir", datadir, "--processes", "2",
                                            "--store", "memcached://127.0.0.1:%d" % dead,
                                            "--store-timeout", "500"])
    checks.equal("memcached not reachable at start-up: exit status 1", status, 1)
    checks.ok("... within a few seconds", time.monotonic() - t0 < 10)
    checks.ok("... the message names the store URL",
              "cannot open the task store memcached://127.0.0.1:%d" % dead in err, err)
    checks.equal("... no ready lines", out, "")

    status, err, out = run_refused(binary, ["--data-dir", datadir, "--store",
                                            "redis://:hunter2@127.0.0.1:%d/0" % dead,
                                            "--store-timeout", "500"])
    checks.equal("redis not reachable at start-up: exit status 1", status, 1)
    checks.ok("... the message names the URL with the password hidden",
              "redis://:***@127.0.0.1:%d/0" % dead in err, err)
    checks.ok("... the password appears nowhere", "hunter2" not in err + out, err)


def part_shared(checks, binary, mc, datadir):
    prefix = "t%08x:" % random.getrandbits(32)
    srv = start_server(binary, ["--processes", "3", "--store", mc.url(), "--store-prefix", prefix,
                                "--task-workers", "4", "--task-queue", "1000"], 0, datadir)
    pids = []
    try:
        lines = [l for l in srv.output().splitlines() if l.startswith("[stdout]")]
        for s in ("Calculator", "TaskService", "InstanceService"):
            checks.equal("ready line of %s printed once" % s,
                         sum(1 for l in lines if l.startswith("[stdout] %s: " % s)), 1)
        pids = wait_workers(srv, 3)
        checks.equal("3 worker processes", len(pids), 3)
        svc = task_client(srv)

        started = {}                               # task id -> (worker pid, counter)
        for n, pid in enumerate(pids):
            with OnlyOne(pids, pid):
                for k in range(3):
                    counter = 1000 * (n + 1) + k
                    started[task_id_of(svc.taskExample(session_id="p", counter=counter))] = \
                        (pid, counter)
        checks.equal("9 tasks started, 3 on each worker", len(started), 9)

        time.sleep(0.5)                          # LADON_EXAMPLE_STEP_MS=0: they end at once
        for pid in pids:
            with OnlyOne(pids, pid):
                seen = 0
                for tid, (owner, counter) in sorted(started.items()):
                    p, fault = call(svc.taskExample_progress, task_id=tid)
                    r, rfault = call(svc.taskExample_result, task_id=tid)
                    if fault is None and rfault is None and p.progress == 1.0 and r == counter:
                        seen += 1
                    else:
                        print("worker %d, task %d of worker %d: %r %r %r %r"
                              % (pid, tid, owner, p, fault, r, rfault))
                checks.equal("worker %d alone answers progress and result of all 9 tasks" % pid,
                             seen, 9)

        ids = []
        for pid in pids:
            with OnlyOne(pids, pid):
                ids += [task_id_of(svc.taskExample(session_id="d", counter=i)) for i in range(100)]
        checks.equal("3 x 100 starts on three processes: 300 distinct ids", len(set(ids)), 300)
        checks.ok("ids are positive int32", all(0 < i < 2**31 for i in ids))
        checks.ok("no worker died", "restarting it" not in srv.output(), srv.output()[-3000:])
    finally:
        checks.server_stopped(srv)
        for pid in pids:
            checks.ok("worker %d gone after SIGTERM" % pid, not alive(pid))


def part_lost_and_outage(checks, binary, mc, datadir):
    prefix = "t%08x:" % random.getrandbits(32)
    srv = start_server(binary, ["--processes", "2", "--store", mc.url(), "--store-prefix", prefix,
                                "--task-lease", str(LEASE), "--store-timeout", "500",
                                "--task-workers", "2"], 500, datadir)   # tasks take 30 s
    pids = []
    try:
        pids = wait_workers(srv, 2)
        checks.equal("2 worker processes", len(pids), 2)
        svc = task_client(srv)
        owned = {pid: [] for pid in pids}
        for pid in pids:
            with OnlyOne(pids, pid):
                owned[pid] = [task_id_of(svc.taskExample(session_id="l", counter=i))
                              for i in range(2)]
        time.sleep(1.2)                           # running, progress > 0

        victim, other = pids
        os.kill(victim, signal.SIGKILL)
        t0 = time.monotonic()
        lost_after = None
        while time.monotonic() - t0 < LEASE + 5:
            ps = [call(svc.taskExample_progress, task_id=t) for t in owned[victim]]
            if all(f is None and p.progress == 1.0 for p, f in ps):
                lost_after = time.monotonic() - t0
                break
            time.sleep(0.1)
        checks.ok("the killed worker's tasks end within the lease (%d s) + 2 s" % LEASE,
                  lost_after is not None and lost_after < LEASE + 2,
                  "after %r s" % lost_after)
        for t in owned[victim]:
            r, fault = call(svc.taskExample_result, task_id=t)
            checks.ok("task %d of the killed worker: fault 'task %d failed: task lost'" % (t, t),
                      fault is not None and fault.code == "Server"
                      and fault.message == "task %d failed: task lost" % t, repr((r, fault)))
        for t in owned[other]:
            p, fault = call(svc.taskExample_progress, task_id=t)
            checks.ok("task %d of the other worker still running" % t,
                      fault is None and 0.0 < p.progress < 1.0, repr((p, fault)))
        log = srv.output()
        checks.ok("the supervisor logged the death",
                  "(pid %d) was killed by signal 9" % victim in log, log[-3000:])
        new = wait_workers(srv, 2)
        checks.ok("... and started a new worker", len(new) == 2 and victim not in new, repr(new))
        pids = new

        # memcached goes away
        checks.ok("memcached stops on SIGTERM to its PID", mc.stop() == 0)
        for what, fn, kw in (("start", svc.taskExample, {"session_id": "o", "counter": 1}),
                             ("progress", svc.taskExample_progress,
                              {"task_id": owned[other][0]})):
            t0 = time.monotonic()
            value, fault = call(fn, **kw)
            took = time.monotonic() - t0
            checks.ok("memcached down: %s answers Server fault '%s'" % (what, UNAVAILABLE),
                      fault is not None and fault.code == "Server"
                      and fault.message == UNAVAILABLE, repr((value, fault)))
            checks.ok("... within the 500 ms store timeout (+1 s)", took < 1.5, "%.2f s" % took)
        time.sleep(1.0)
        checks.equal("no worker died while memcached was down", sorted(workers(srv)),
                     sorted(pids))

        # memcached is back (empty): every worker resumes (its client may wait out a retry
        # delay first); old ids are unknown, never a wrong answer
        mc.start()
        t = owned[other][0]
        for pid in pids:
            with OnlyOne(pids, pid):
                new_id, fault = None, None
                end = time.monotonic() + 15
                while time.monotonic() < end:
                    new_id, fault = call(svc.taskExample, session_id="b", counter=7)
                    if fault is None:
                        break
                    time.sleep(0.2)
                checks.ok("memcached back: worker %d starts tasks again" % pid, fault is None,
                          repr(fault))
                if fault is None:
                    p, f = call(svc.taskExample_progress, task_id=task_id_of(new_id))
                    checks.ok("... and polls them", f is None and p.task_id == new_id,
                              repr((p, f)))
                p, f = call(svc.taskExample_progress, task_id=t)
                checks.ok("... a task whose record memcached lost: 'unknown or expired task id'",
                          f is not None and f.code == "Client"
                          and f.message == "unknown or expired task id %d" % t, repr((p, f)))
    finally:
        checks.server_stopped(srv)
        for pid in pids:
            checks.ok("worker %d gone after SIGTERM" % pid, not alive(pid))


def main():
    checks = Checks("processes")
    binary = server_binary()
    if not os.access(MEMCACHED, os.X_OK):
        print("FAIL: %s is not installed (Debian package memcached)" % MEMCACHED)
        sys.exit(1)
    with tempfile.TemporaryDirectory(prefix="ladon-processes-") as datadir:
        quiet_data_dir(datadir)
        checks.run("refusals", lambda: part_refusals(checks, binary, datadir))
        mc = StoreServer("memcached", extra=["-M"])
        try:
            mc.start()
        except RuntimeError as e:
            print("FAIL: %s" % e)
            sys.exit(1)
        try:
            checks.run("shared store", lambda: part_shared(checks, binary, mc, datadir))
            checks.run("lost tasks and outage",
                       lambda: part_lost_and_outage(checks, binary, mc, datadir))
        except ServerError as e:
            checks.ok("server starts", False, str(e))
        finally:
            mc.close()
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
