#!/usr/bin/python3
"""The task lifecycle beyond Ladon (docs/tasks.md, "States, cancel and wait"), with zeep against
ladon-examples on the memory store: --task-workers 1 and LADON_EXAMPLE_STEP_MS=40, so one
taskExample runs ~2.4 s and the tasks behind it wait in the queue.

  - state and message: queued, then running with the body's status line ("step N of 60"), then
    done with no message (a failed task's state, message and Client faultcode on m_progress and
    m_result: test_zeep_instances.py, whose clones fail for real);
  - m_cancel of a queued task: `cancelled` at once, it never runs, m_result is the Client fault
    `task N cancelled`; of a running task: its progress stops rising, it ends `cancelled`;
    after done: nothing changes (the same answer as m_progress);
  - m_wait: answers within 100 ms of the task's end (here: of the cancel that ends it, and of a
    finish), and after its timeout for a running task; while 20 requests wait, a plain add is
    answered (waiting requests hold no worker: --workers 2);
  - Idempotency-Key: the same key twice gives one task, also for 20 concurrent starts; the same
    key with other arguments is a Client fault; a malformed key is a Client fault.

usage: /usr/bin/python3 test_zeep_lifecycle.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)
"""

import os
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import main_wrapper, quiet_data_dir  # noqa: E402
from task_helpers import call, client, task_id_of  # noqa: E402

import requests  # noqa: E402  (zeep's own dependency)

STEP_MS = 40
TNS = "urn:ladon:examples:tasks"


def wait_state(svc, tid, states, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        p = svc.taskExample_progress(task_id=tid)
        if p.state in states or time.monotonic() > deadline:
            return p
        time.sleep(0.01)


def soap_start(url, counter, key=None, session="k"):
    """taskExample started by hand, so the test sets the Idempotency-Key header itself (zeep
    does it with a requests Session's headers: docs/tasks.md)."""
    body = ('<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">'
            '<e:Body><t:taskExample xmlns:t="%s"><session_id>%s</session_id>'
            '<counter>%d</counter></t:taskExample></e:Body></e:Envelope>' % (TNS, session, counter))
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
    if key is not None:
        headers["Idempotency-Key"] = key
    return requests.post(url, data=body.encode(), headers=headers, timeout=30)


def task_id_in(resp):
    import re
    m = re.search(r"<task_id>(\d+)</task_id>", resp.text)
    return int(m.group(1)) if m else None


def body(server, checks):
    svc = client(server.wsdl_url("TaskService")).service
    url = server.wsdl_url("TaskService").split("?")[0]

    # --- states and messages through a run to done; B waits behind A in the queue
    a = task_id_of(svc.taskExample(session_id="a", counter=5))
    b = task_id_of(svc.taskExample(session_id="b", counter=6))
    pb = svc.taskExample_progress(task_id=b)
    checks.equal("B behind A: state queued", pb.state, "queued")
    checks.equal("B queued: no message", pb.message, None)
    pa = wait_state(svc, a, ("running",))
    checks.equal("A: state running", pa.state, "running")
    time.sleep(STEP_MS * 3 / 1000.0)
    pa = svc.taskExample_progress(task_id=a)
    checks.ok("A running: status line 'step N of 60'",
              pa.message is not None and pa.message.startswith("step ") and
              pa.message.endswith(" of 60"), repr(pa.message))
    # --- m_wait answers within 100 ms of the finish
    w = svc.taskExample_wait(task_id=a, timeout=30)
    answered = time.time()
    checks.equal("A: m_wait answers done", w.state, "done")
    checks.equal("A done: progress 1.0", w.progress, 1.0)
    checks.equal("A done: no message", w.message, None)
    checks.equal("A: result", svc.taskExample_result(task_id=a), 5)
    # the task ended at starttime + duration (the server's clock, this host's too)
    late = answered - (w.starttime + w.duration)
    checks.ok("A: m_wait answered within 100 ms of the finish", -0.05 < late < 0.1,
              "%.3f s after the end" % late)

    # --- cancel after done: unchanged
    c = svc.taskExample_cancel(task_id=a)
    checks.equal("cancel after done: state stays done", c.state, "done")
    checks.equal("cancel after done: result still there", svc.taskExample_result(task_id=a), 5)

    # --- cancel of a running task (B runs now): progress stops, cancelled, Client fault
    wait_state(svc, b, ("running",))
    time.sleep(STEP_MS * 3 / 1000.0)
    waiter = {}

    def wait_b():
        t = time.monotonic()
        waiter["r"] = client(server.wsdl_url("TaskService")).service.taskExample_wait(
            task_id=b, timeout=30)
        waiter["t"] = time.monotonic() - t
    th = threading.Thread(target=wait_b)
    th.start()
    time.sleep(0.2)
    t_cancel = time.monotonic()
    cb = svc.taskExample_cancel(task_id=b)
    checks.ok("cancel of a running task: answers running (asked to stop) or cancelled",
              cb.state in ("running", "cancelled"), repr(cb.state))
    th.join(10)
    r = waiter.get("r")
    checks.ok("waiter of B: woken with state cancelled", r is not None and r.state == "cancelled",
              repr(r))
    if r is not None:
        checks.equal("cancelled B: message", r.message, "cancelled")
        after = time.monotonic() - t_cancel
        checks.ok("waiter of B: answered within 1 s of the cancel", after < 1.0, "%.3f s" % after)
        p1 = r.progress
        checks.equal("cancelled B: progress 1.0 (ended)", p1, 1.0)
    _, f = call(svc.taskExample_result, task_id=b)
    checks.ok("cancelled B: m_result is the Client fault 'task N cancelled'",
              f is not None and f.code == "Client" and f.message == "task %d cancelled" % b,
              repr(f))
    again = svc.taskExample_cancel(task_id=b)
    checks.equal("cancel again: still cancelled", again.state, "cancelled")

    # --- cancel of a queued task: C runs, D waits; D cancelled at once and never runs
    cc = task_id_of(svc.taskExample(session_id="c", counter=1))
    d = task_id_of(svc.taskExample(session_id="d", counter=2))
    wait_state(svc, cc, ("running",))
    cd = svc.taskExample_cancel(task_id=d)
    checks.equal("cancel of a queued task: cancelled at once", cd.state, "cancelled")
    checks.equal("cancelled queued task: message", cd.message, "cancelled")
    svc.taskExample_wait(task_id=cc, timeout=30)
    pd = svc.taskExample_progress(task_id=d)
    checks.equal("the cancelled queued task never ran: still cancelled", pd.state, "cancelled")

    # --- m_wait at its timeout for a running task; waiters hold no worker (--workers 2)
    e = task_id_of(svc.taskExample(session_id="e", counter=3))
    wait_state(svc, e, ("running",))
    t0 = time.monotonic()
    we = svc.taskExample_wait(task_id=e, timeout=0.5)
    el = time.monotonic() - t0
    checks.equal("m_wait with a timeout: running task still running", we.state, "running")
    checks.ok("m_wait returned at its timeout (0.5 s, within 0.35 s)", 0.45 <= el < 0.85,
              "%.3f s" % el)
    done = []

    def wait_e():
        done.append(client(server.wsdl_url("TaskService")).service.taskExample_wait(
            task_id=e, timeout=30).state)
    ths = [threading.Thread(target=wait_e) for _ in range(20)]
    for t in ths:
        t.start()
    time.sleep(0.5)
    calc = client(server.wsdl_url("Calculator")).service
    t0 = time.monotonic()
    checks.equal("add while 20 requests wait (2 workers)", calc.add(2, 3), 5)
    checks.ok("that add took < 1 s", time.monotonic() - t0 < 1.0, "%.3f" % (time.monotonic() - t0))
    for t in ths:
        t.join(30)
    checks.equal("all 20 waiters answered done", done, ["done"] * 20)

    # --- m_wait of a request that says "Connection: close" (regression: gSOAP's close of the
    # parked request closed the connection without an answer)
    h = task_id_of(svc.taskExample(session_id="h", counter=4))
    wbody = ('<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">'
             '<e:Body><t:taskExample_wait xmlns:t="%s"><task_id>%d</task_id><timeout>30</timeout>'
             '</t:taskExample_wait></e:Body></e:Envelope>' % (TNS, h))
    rw = requests.post(url, data=wbody.encode(), timeout=30,
                       headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""',
                                "Connection": "close"})
    checks.ok("m_wait with Connection: close is answered (done) and closes",
              rw.status_code == 200 and "<state>done</state>" in rw.text and
              rw.headers.get("Connection", "").lower() == "close", rw.text[:300])

    # --- Idempotency-Key
    r1 = soap_start(url, 7, key="order-17")
    r2 = soap_start(url, 7, key="order-17")
    i1, i2 = task_id_in(r1), task_id_in(r2)
    checks.ok("same key twice: one task", i1 is not None and i1 == i2, "%r %r" % (i1, i2))
    r3 = soap_start(url, 8, key="order-17")
    checks.ok("same key, other arguments: Client fault",
              r3.status_code == 500 and "Client" in r3.text and
              "Idempotency-Key 'order-17' was used with other arguments" in r3.text, r3.text[:300])
    r4 = soap_start(url, 7, key="bad key")
    checks.ok("malformed key: Client fault", r4.status_code == 500 and
              "bad Idempotency-Key header" in r4.text, r4.text[:300])
    r5 = soap_start(url, 7, key='"order-17"')
    checks.equal("the key as a structured-field string is the same key", task_id_in(r5), i1)
    ids = []
    lock = threading.Lock()

    def start20():
        i = task_id_in(soap_start(url, 9, key="burst-1"))
        with lock:
            ids.append(i)
    ths = [threading.Thread(target=start20) for _ in range(20)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(30)
    checks.ok("20 concurrent starts with one key: one task id", len(ids) == 20 and
              len(set(ids)) == 1 and ids[0] is not None, repr(sorted(set(ids))))
    other = task_id_in(soap_start(url, 9, key="burst-2"))
    checks.ok("another key: another task", other is not None and other != ids[0], repr(other))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="ladon-lifecycle-") as datadir:
        env = dict(os.environ, LADON_EXAMPLE_STEP_MS=str(STEP_MS))
        main_wrapper("zeep lifecycle", body, services=("Calculator", "TaskService"),
                     args=("--data-dir", quiet_data_dir(datadir), "--task-workers", "1",
                           "--workers", "2", "--shutdown-grace", "200"), env=env)
