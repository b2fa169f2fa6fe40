#!/usr/bin/python3
"""zeep (python3-zeep) against TaskService.taskExample of ladon-examples: the task contract of
docs/tasks.md (start, progress, result, faults, ids) and 200 tasks started at once.

usage: /usr/bin/python3 test_zeep_tasks.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)

Two servers:
  1. LADON_EXAMPLE_STEP_MS=20 (a task runs 60 x 20 ms): polling semantics of one task, falsy and
     extreme results, repeated results, the early-result fault, unknown ids, another method's id,
     the docs' polling example (docs/examples/tasks/poll_task.py);
  2. LADON_EXAMPLE_STEP_MS=1 --task-workers 16: 20 client threads, each with its own zeep client,
     start 10 tasks each at the same moment (distinct counters) and each gets its own result.
"""

import os
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, quiet_data_dir, server_binary  # noqa: E402
from task_helpers import (INT32_MAX, UNKNOWN_ID, client, expect_fault,  # noqa: E402
                          not_finished_re, poll_until_done, result_after_end,
                          task_id_of, type_fields)
from zeep.plugins import HistoryPlugin  # noqa: E402

SERVICES = ("TaskService", "InstanceService")
TASKS_NS = "urn:ladon:examples:tasks"
INSTANCES_NS = "urn:ladon:examples:instances"
STEPS = 60                       # taskExample's steps (services/tasks/tasks.c)
STEP_MS = 20                     # server 1
POLL_TIMEOUT = 60.0              # a 1.2 s task must end well within this, even under ASan
N_THREADS, PER_THREAD = 20, 10   # server 2: 200 tasks
CONCURRENT_BUDGET = 60.0         # seconds for all 200 (typically 2-5 s)
EXAMPLE = os.path.join(HERE, "..", "..", "docs", "examples", "tasks", "poll_task.py")
DOC = os.path.join(HERE, "..", "..", "docs", "tasks.md")
TASKS_C = os.path.join(HERE, "..", "..", "services", "tasks", "tasks.c")

TASK_INFO = [("task_id", "int")]
# Ladon's four, then the lifecycle's state and message (docs/tasks.md)
TASK_PROGRESS = [("task_id", "int"), ("progress", "double"), ("duration", "double"),
                 ("starttime", "double"), ("state", "TaskState"), ("message", "string")]


def env_with(**kw):
    env = dict(os.environ)
    env.update({k: str(v) for k, v in kw.items()})
    return env


def check_schema(checks, c_tasks, c_instances):
    """TaskInfoResponse / TaskProgressResponse, exactly these names and fields, in each
    service's own namespace."""
    for ns, c in ((TASKS_NS, c_tasks), (INSTANCES_NS, c_instances)):
        checks.equal("{%s}TaskInfoResponse fields" % ns,
                     type_fields(c, "{%s}TaskInfoResponse" % ns), TASK_INFO)
        checks.equal("{%s}TaskProgressResponse fields" % ns,
                     type_fields(c, "{%s}TaskProgressResponse" % ns), TASK_PROGRESS)
    for op in ("taskExample", "taskExample_progress", "taskExample_result"):
        try:
            getattr(c_tasks.service, op)
            found = True
        except AttributeError:
            found = False
        checks.ok("TaskService has operation %s" % op, found)


def start(svc, counter, session_id="s"):
    return task_id_of(svc.taskExample(session_id=session_id, counter=counter))


SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def check_wire(checks, history, op, children):
    """The last response is <tasks:OPResponse><result> with exactly these child elements."""
    env = history.last_received["envelope"]
    body = env.find("{%s}Body" % SOAP_ENV)
    resp = body[0] if body is not None and len(body) == 1 else None
    checks.equal("%s: response element" % op, None if resp is None else resp.tag,
                 "{%s}%sResponse" % (TASKS_NS, op))
    result = [] if resp is None else list(resp)
    checks.equal("%s: one child <result>" % op, [e.tag for e in result], ["result"])
    checks.equal("%s: <result> children" % op, [e.tag for e in result[0]] if result else None,
                 children)


def check_valid_id(checks, label, task_id):
    checks.ok("%s: task id is an int in 1..2^31-1" % label,
              isinstance(task_id, int) and 1 <= task_id <= INT32_MAX, repr(task_id))


def check_polls(checks, label, task_id, polls, t_before, t_after, step_ms):
    """Every poll of one task from its start to progress 1.0."""
    resp = [r for _, r in polls]
    checks.ok("%s: polled until progress 1.0" % label, resp and resp[-1].progress == 1.0,
              "last progress %r after %d polls" % (resp[-1].progress if resp else None, len(resp)))
    checks.ok("%s: every poll names the task" % label,
              all(r.task_id == task_id for r in resp),
              repr(sorted({r.task_id for r in resp})))
    prog = [r.progress for r in resp]
    checks.ok("%s: progress is within [0, 1]" % label,
              all(isinstance(p, float) and 0.0 <= p <= 1.0 for p in prog), repr(prog))
    checks.ok("%s: progress never decreases" % label,
              all(b >= a for a, b in zip(prog, prog[1:])), repr(prog))
    # 0.999: the body reported 60/60 and has not returned yet (docs/tasks.md: 1.0 only once
    # the task has ended) - a poll in that window, which the status line after the last step
    # widened (seen under TSan), sees it
    checks.ok("%s: progress values are the task's own (i+1)/60 (or 0.0, or 0.999 just before "
              "the end)" % label,
              all(abs(p * STEPS - round(p * STEPS)) < 1e-9 or p == 0.999 for p in prog),
              repr(prog))
    middle = sorted({p for p in prog if 0.0 < p < 1.0})
    checks.ok("%s: several intermediate progress values seen" % label, len(middle) >= 5,
              "distinct values strictly between 0 and 1: %r" % middle)
    starts = {r.starttime for r in resp}
    checks.ok("%s: starttime is the same in every poll" % label, len(starts) == 1,
              repr(sorted(starts)))
    st = resp[0].starttime
    checks.ok("%s: starttime is seconds since the epoch at creation" % label,
              isinstance(st, float) and t_before - 2.0 <= st <= t_after + 2.0,
              "starttime %r, start call between %.3f and %.3f" % (st, t_before, t_after))
    checks.ok("%s: starttime has a fractional part" % label, st != int(st), repr(st))
    dur = [r.duration for r in resp]
    checks.ok("%s: duration is a non-negative float" % label,
              all(isinstance(d, float) and d >= 0.0 for d in dur), repr(dur))
    checks.ok("%s: duration never decreases" % label,
              all(b >= a for a, b in zip(dur, dur[1:])), repr(dur))
    checks.ok("%s: duration at the end > at the first poll" % label, dur[-1] > dur[0],
              "first %r, last %r" % (dur[0], dur[-1]))
    min_total = STEPS * step_ms / 1000.0 * 0.95
    checks.ok("%s: final duration covers the 60 steps (>= %.2f s)" % (label, min_total),
              dur[-1] >= min_total, "duration %r" % dur[-1])
    return st, dur[-1]


def part_one(checks, binary, datadir):
    srv = Server(binary, args=["--data-dir", datadir], env=env_with(LADON_EXAMPLE_STEP_MS=STEP_MS),
                 services=SERVICES)
    srv.start()
    try:
        checks.run("server 1 checks", lambda: one_checks(checks, srv))
    finally:
        checks.server_stopped(srv)


def one_checks(checks, srv):
    history = HistoryPlugin()
    c = client(srv.wsdl_url("TaskService"), plugins=[history])
    ci = client(srv.wsdl_url("InstanceService"))
    svc, isvc = c.service, ci.service
    check_schema(checks, c, ci)

    issued = []
    # Task A: counter 7, polled closely.  t_before/t_after bracket the start call (wall clock).
    t_before = time.time()
    mono_before = time.monotonic()
    a = start(svc, 7)
    t_after = time.time()
    check_valid_id(checks, "A", a)
    issued.append(a)
    check_wire(checks, history, "taskExample", ["task_id"])
    svc.taskExample_progress(task_id=a)
    check_wire(checks, history, "taskExample_progress",
               ["task_id", "progress", "duration", "starttime", "state"])

    # Task B (counter 0): asked for its result at once -> not finished yet, with its progress.
    b = start(svc, 0)
    check_valid_id(checks, "B", b)
    issued.append(b)
    m = expect_fault(checks, "result of a running task", svc.taskExample_result, "Client",
                     pattern=not_finished_re(b), task_id=b)
    if m:
        p = float(m.group(1))
        checks.ok("not-finished fault: progress P is below 1", 0.0 <= p < 1.0, m.group(0))

    # C and D: the extreme ints; E: a long session id with XML specials.
    c_id = start(svc, INT32_MAX)
    d_id = start(svc, -INT32_MAX - 1)
    e_id = start(svc, 42, session_id="<&> " + "x" * 2000)
    issued += [c_id, d_id, e_id]
    checks.ok("ids of the 5 tasks are distinct", len(set(issued)) == 5, repr(issued))
    checks.ok("ids are not sequential (consecutive starts differ by more than 1000)",
              all(abs(x - y) > 1000 for x, y in zip(issued, issued[1:])), repr(issued))

    # Poll A until done.
    polls = poll_until_done(svc.taskExample_progress, a, POLL_TIMEOUT)
    st, total = check_polls(checks, "A", a, polls, t_before, t_after, STEP_MS)
    wall = polls[-1][0] - mono_before
    checks.ok("A: final duration is not more than the wall time since the start call",
              total <= wall + 0.05, "duration %r, wall %.3f s" % (total, wall))

    v, fault, early = result_after_end(svc.taskExample_result, a)
    checks.equal("A: the result is there as soon as progress is 1.0", early, 0)
    checks.equal("A: taskExample_result == counter (7)", v, 7)
    checks.ok("A: no fault for the result", fault is None, repr(fault))
    checks.equal("A: result asked a second time", svc.taskExample_result(task_id=a), 7)
    check_wire(checks, history, "taskExample_result", [])
    res = history.last_received["envelope"].find("{%s}Body" % SOAP_ENV)[0][0]
    checks.equal("taskExample_result: <result> is the int", res.text, "7")

    # Ended: progress stays 1.0, duration is the total and stops growing, starttime is kept.
    time.sleep(0.15)
    after = [svc.taskExample_progress(task_id=a) for _ in range(2)]
    checks.ok("A ended: progress stays 1.0", all(r.progress == 1.0 for r in after),
              repr([r.progress for r in after]))
    checks.ok("A ended: duration is the total (no longer grows)",
              all(r.duration == after[0].duration for r in after)
              and abs(after[0].duration - total) < 0.05,
              "total at the end %r, later %r" % (total, [r.duration for r in after]))
    checks.ok("A ended: starttime unchanged", all(r.starttime == st for r in after),
              repr([r.starttime for r in after]))
    checks.equal("A ended: task_id", after[-1].task_id, a)

    # B, C, D, E: results (0 is a real result).
    for label, tid, expected in (("B", b, 0), ("C", c_id, INT32_MAX), ("D", d_id, -INT32_MAX - 1),
                                 ("E", e_id, 42)):
        pl = poll_until_done(svc.taskExample_progress, tid, POLL_TIMEOUT, interval=0.05)
        checks.ok("%s: progress reaches 1.0" % label, pl[-1][1].progress == 1.0,
                  repr(pl[-1][1]))
        v, fault, _ = result_after_end(svc.taskExample_result, tid)
        checks.equal("%s: taskExample_result == counter (%d)" % (label, expected), v, expected)
        checks.ok("%s: no fault for the result" % label, fault is None, repr(fault))
    checks.equal("B: falsy result 0 asked again", svc.taskExample_result(task_id=b), 0)
    checks.equal("B: and again", svc.taskExample_result(task_id=b), 0)

    # Ids never issued: 0, negative, and two positive ids none of our tasks has.
    unknown = [0, -1]
    for cand in (1, 2, INT32_MAX, INT32_MAX - 1, 12345, 54321):
        if cand not in issued and len(unknown) < 4:
            unknown.append(cand)
    for tid in unknown:
        for op in ("taskExample_progress", "taskExample_result"):
            expect_fault(checks, "%s(%d) of an id never issued" % (op, tid), getattr(svc, op),
                         "Client", text=UNKNOWN_ID % tid, task_id=tid)

    # Another method's id: a TaskService id is unknown to InstanceService.cloneInstance_*.
    for op in ("cloneInstance_progress", "cloneInstance_result"):
        expect_fault(checks, "%s(id of taskExample)" % op, getattr(isvc, op), "Client",
                     text=UNKNOWN_ID % a, task_id=a)
    checks.equal("A: still answers its own method afterwards", svc.taskExample_result(task_id=a), 7)

    # The docs' polling example, run as written, against this server.
    check_docs_example(checks, srv)


def check_docs_example(checks, srv):
    checks.ok("docs example %s exists" % EXAMPLE, os.path.isfile(EXAMPLE))
    if not os.path.isfile(EXAMPLE):
        return
    with open(EXAMPLE, encoding="utf-8") as f:
        code = f.read()
    with open(DOC, encoding="utf-8") as f:
        doc = f.read()
    # docs/tasks.md shows the example verbatim (from its first import on).
    shown = code[code.index("import "):].strip()
    checks.ok("docs/tasks.md shows docs/examples/tasks/poll_task.py verbatim", shown in doc)
    # ... and the task body of services/tasks/tasks.c (sleep_ms and taskExample) verbatim.
    with open(TASKS_C, encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"/\* Sleeps ms milliseconds.*?\n\}\n\nint taskExample\(.*?\n\}\n", src, re.S)
    checks.ok("docs/tasks.md shows taskExample of services/tasks/tasks.c verbatim",
              m is not None and m.group(0) in doc,
              "not found in tasks.c" if m is None else "docs differ from tasks.c")
    with open(TASKS_C[:-1] + "h", encoding="utf-8") as f:
        hdr = f.read()
    m = re.search(r"/\*\* Long-running.*?/\*\*< counter, unchanged \*/\n", hdr, re.S)
    checks.ok("docs/tasks.md shows the declarations of services/tasks/tasks.h verbatim",
              m is not None and m.group(0) in doc,
              "not found in tasks.h" if m is None else "docs differ from tasks.h")
    proc = subprocess.run([sys.executable, EXAMPLE, srv.wsdl_url("TaskService")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    out = proc.stdout.decode("utf-8", "replace")
    sys.stdout.write("".join("    | " + line + "\n" for line in out.splitlines()))
    checks.ok("docs example exits 0", proc.returncode == 0, "exit status %d" % proc.returncode)
    lines = out.splitlines()
    checks.ok("docs example prints progress lines",
              sum(1 for ln in lines if re.match(r"^progress [01]\.\d\d after \d+\.\d s$", ln)) >= 2,
              repr(lines))
    checks.ok("docs example prints the result 42", lines[-1:] == ["result: 42"], repr(lines[-1:]))


def part_two(checks, binary, datadir):
    srv = Server(binary, args=["--data-dir", datadir, "--task-workers", "16"],
                 env=env_with(LADON_EXAMPLE_STEP_MS=1), services=SERVICES)
    srv.start()
    try:
        checks.run("server 2 checks", lambda: concurrent_checks(checks, srv))
    finally:
        checks.server_stopped(srv)


def concurrent_checks(checks, srv):
    url = srv.wsdl_url("TaskService")
    barrier = threading.Barrier(N_THREADS)
    outcomes = {}       # counter -> (id, result value, fault, error)
    lock = threading.Lock()
    early_total = [0]

    def worker(t):
        try:
            svc = client(url).service
        except Exception as e:  # noqa: BLE001
            barrier.abort()
            with lock:
                outcomes[("client", t)] = (None, None, None, "client: %r" % e)
            return
        counters = [100000 * (t + 1) + k for k in range(PER_THREAD)]
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            return
        ids = {}
        for n in counters:
            try:
                ids[n] = start(svc, n, session_id="thread-%d" % t)
            except Exception as e:  # noqa: BLE001
                with lock:
                    outcomes[n] = (None, None, None, "start: %r" % e)
        for n, tid in ids.items():
            try:
                pl = poll_until_done(svc.taskExample_progress, tid, POLL_TIMEOUT, interval=0.02)
                bad = [r for _, r in pl if r.task_id != tid]
                v, fault, early = result_after_end(svc.taskExample_result, tid)
                with lock:
                    early_total[0] += early
                    outcomes[n] = (tid, v, fault,
                                   "progress answered another id %r" % bad[0] if bad else None)
            except Exception as e:  # noqa: BLE001
                with lock:
                    outcomes[n] = (tid, None, None, "poll/result: %r" % e)

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(N_THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=CONCURRENT_BUDGET + 120)
    elapsed = time.monotonic() - t0
    print("200 tasks: %.1f s (client creation included)" % elapsed)
    checks.equal("200 tasks: no result missing right after progress 1.0", early_total[0], 0)
    checks.ok("all client threads ended", not any(th.is_alive() for th in threads))
    expected = {100000 * (t + 1) + k for t in range(N_THREADS) for k in range(PER_THREAD)}
    errors = {k: o[3] for k, o in outcomes.items() if o[3]}
    checks.ok("no errors in client threads", not errors, repr(sorted(errors.items())[:5]))
    checks.equal("every one of the 200 tasks was started and polled",
                 len(set(outcomes) & expected), len(expected))
    ids = [o[0] for k, o in outcomes.items() if k in expected and o[0] is not None]
    checks.ok("the 200 ids are distinct", len(ids) == len(set(ids)) == len(expected),
              "%d ids, %d distinct" % (len(ids), len(set(ids))))
    checks.ok("the 200 ids are valid", all(1 <= i <= INT32_MAX for i in ids))
    wrong = sorted((k, o[1], o[2]) for k, o in outcomes.items()
                   if k in expected and (o[1] != k or o[2] is not None))
    checks.ok("each task's result is its own counter", not wrong,
              "%d wrong, e.g. %r" % (len(wrong), wrong[:5]))
    checks.ok("200 tasks done within %.0f s" % CONCURRENT_BUDGET, elapsed < CONCURRENT_BUDGET,
              "%.1f s" % elapsed)


def startup_errors(checks, binary, datadir):
    """A bad example setting is a start-up error (the services' init hook): exit status 1 and
    one line "PROGRAM: MESSAGE" on stderr (PROGRAM = argv[0]), before anything listens."""
    cases = [
        ({"LADON_EXAMPLE_STEP_MS": "abc"}, ["--data-dir", datadir],
         "LADON_EXAMPLE_STEP_MS: invalid value 'abc' (expected an integer 0..60000)"),
        ({"LADON_EXAMPLE_STEP_MS": "60001"}, ["--data-dir", datadir],
         "LADON_EXAMPLE_STEP_MS: invalid value '60001' (expected an integer 0..60000)"),
        ({"LADON_EXAMPLE_COPY_RATE": "-1"}, ["--data-dir", datadir], None),
        ({}, ["--data-dir", os.path.join(datadir, "missing")], None),
    ]
    for env, args, text in cases:
        label = "start-up error %s %s" % (" ".join("%s=%s" % kv for kv in env.items()),
                                          " ".join(args[-1:]))
        try:
            proc = subprocess.run([binary, "--listen", "127.0.0.1:0"] + args,
                                  env=env_with(**env), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        except subprocess.TimeoutExpired:
            checks.ok("%s: exits" % label, False, "still running after 30 s")
            continue
        err = proc.stderr.decode("utf-8", "replace")
        checks.equal("%s: exit status" % label, proc.returncode, 1)
        checks.equal("%s: nothing announced on stdout" % label, proc.stdout, b"")
        if text is not None:
            checks.equal("%s: message" % label, err, "%s: %s\n" % (binary, text))
        else:
            checks.ok("%s: one line 'PROGRAM: MESSAGE'" % label,
                      re.match(r"^%s: \S.*\n$" % re.escape(binary), err) is not None, repr(err))


def main():
    checks = Checks("zeep tasks")
    binary = server_binary()
    with tempfile.TemporaryDirectory(prefix="ladon-zeep-tasks-") as datadir:
        quiet_data_dir(datadir)
        for label, part in (("server 1 (step 20 ms)", part_one),
                            ("server 2 (200 tasks)", part_two),
                            ("start-up errors", startup_errors)):
            try:
                part(checks, binary, datadir)
            except ServerError as e:
                checks.ok("%s starts" % label, False, str(e))
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
