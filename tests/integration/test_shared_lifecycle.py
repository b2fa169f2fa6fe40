#!/usr/bin/python3
"""The task lifecycle across two servers sharing one real redis (or memcached) store
(docs/tasks.md "States, cancel and wait", docs/scaling.md): servers A and B, each its own
ladon-examples process with --store URL, taskExample steps of 100 ms (a 6 s task).

  - the status line set on A is seen on B (within a housekeeping round: <= ~1.5 s);
  - m_wait on B wakes within 500 ms of the task finishing on A;
  - m_cancel on B stops the task running on A within 1 s: its progress stops rising, it ends
    cancelled, m_result on A is the Client fault `task N cancelled`;
  - an Idempotency-Key used on A and then on B gives one task.

usage: /usr/bin/python3 test_shared_lifecycle.py PATH/TO/ladon-examples {redis|memcached}
"""

import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, quiet_data_dir, server_binary  # noqa: E402
from store_helpers import MissingTool, StoreServer  # noqa: E402
from task_helpers import call, client, task_id_of  # noqa: E402

import requests  # noqa: E402

STEP_MS = 100
SERVICES = ("Calculator", "TaskService")
TNS = "urn:ladon:examples:tasks"


def start_keyed(url, counter, key):
    body = ('<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">'
            '<e:Body><t:taskExample xmlns:t="%s"><session_id>k</session_id>'
            '<counter>%d</counter></t:taskExample></e:Body></e:Envelope>' % (TNS, counter))
    r = requests.post(url, data=body.encode(), timeout=30,
                      headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""',
                               "Idempotency-Key": key})
    m = re.search(r"<task_id>(\d+)</task_id>", r.text)
    return int(m.group(1)) if m else r.text[:300]


def body(checks, a, b):
    sa = client(a.wsdl_url("TaskService")).service
    sb = client(b.wsdl_url("TaskService")).service

    # status line and wait across servers
    t1 = task_id_of(sa.taskExample(session_id="x", counter=11))
    deadline = time.monotonic() + 10
    seen = None
    while time.monotonic() < deadline:
        p = sb.taskExample_progress(task_id=t1)
        if p.state == "running" and p.message:
            seen = p.message
            break
        time.sleep(0.05)
    checks.ok("B sees A's status line", seen is not None and seen.startswith("step "), repr(seen))
    w = sb.taskExample_wait(task_id=t1, timeout=30)
    answered = time.time()
    checks.equal("m_wait on B: done", w.state, "done")
    late = answered - (w.starttime + w.duration)
    checks.ok("m_wait on B woke within 500 ms of the finish on A", late < 0.5,
              "%.3f s after the end" % late)
    checks.equal("result on B", sb.taskExample_result(task_id=t1), 11)

    # cancel on B of a task running on A
    t2 = task_id_of(sa.taskExample(session_id="y", counter=12))
    while sa.taskExample_progress(task_id=t2).state != "running":
        time.sleep(0.02)
    time.sleep(0.5)
    t_cancel = time.monotonic()
    c = sb.taskExample_cancel(task_id=t2)
    checks.equal("cancel on B: the task is asked to stop (still running)", c.state, "running")
    end = sb.taskExample_wait(task_id=t2, timeout=10)
    took = time.monotonic() - t_cancel
    checks.equal("the task on A ended cancelled", end.state, "cancelled")
    checks.ok("within 1 s of the cancel on B", took < 1.0, "%.3f s" % took)
    # a 6 s task, 0.5 s in: it ended long before its natural end
    checks.ok("it ended before its natural end (%.1f s after its start)" % end.duration,
              end.duration < 3.0, repr(end.duration))
    _, f = call(sa.taskExample_result, task_id=t2)
    checks.ok("m_result on A: Client fault 'task N cancelled'",
              f is not None and f.code == "Client" and f.message == "task %d cancelled" % t2,
              repr(f))

    # idempotency key across servers
    ia = start_keyed(a.wsdl_url("TaskService").split("?")[0], 3, "cross-1")
    ib = start_keyed(b.wsdl_url("TaskService").split("?")[0], 3, "cross-1")
    checks.ok("Idempotency-Key on A then on B: one task", isinstance(ia, int) and ia == ib,
              "%r %r" % (ia, ib))


def main():
    binary = server_binary()
    kind = sys.argv[2] if len(sys.argv) > 2 else ""
    if kind not in ("memcached", "redis"):
        print("FAIL: usage: test_shared_lifecycle.py PATH/TO/ladon-examples {memcached|redis}")
        sys.exit(1)
    checks = Checks("shared lifecycle (%s)" % kind)
    store = StoreServer(kind)
    try:
        store.start()
    except (MissingTool, RuntimeError) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
    servers = []
    try:
        with tempfile.TemporaryDirectory(prefix="ladon-shared-lifecycle-") as root:
            for name in ("A", "B"):
                d = quiet_data_dir(tempfile.mkdtemp(prefix="data-%s-" % name, dir=root))
                srv = Server(binary, args=["--data-dir", d, "--store", store.url(),
                                           "--shutdown-grace", "300"],
                             env=dict(os.environ, LADON_EXAMPLE_STEP_MS=str(STEP_MS)),
                             services=SERVICES)
                servers.append(srv)
                srv.start()
            checks.run("lifecycle across servers", lambda: body(checks, servers[0], servers[1]))
            for srv in servers:
                checks.server_stopped(srv)
    finally:
        for srv in servers:
            if srv.proc is not None and srv.exit_status is None:
                srv.stop()
        store.stop()
    checks.finish()


if __name__ == "__main__":
    main()
