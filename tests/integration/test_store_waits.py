#!/usr/bin/python3
"""A request waiting for a remote task store does not hold one of the --workers (docs/scaling.md,
"Workers and waiting"; framework/src/loop.c).

A real memcached sits behind tests/tools/delay_hop (every chunk a client sends reaches memcached
DELAY seconds later: a slow network hop), and ladon-examples runs with `--workers 1
--store memcached://HOP` (so 1 worker and, by default, 3 wait threads) and one running taskExample
(LADON_EXAMPLE_STEP_MS=60000).  Every poll costs one store round trip of at least DELAY:

  1. THREADS concurrent taskExample_progress polls (one connection each) are all answered
     correctly within BOUND (< THREADS x DELAY): they waited for the store side by side.  With
     one thread per worker they queue behind each other and need at least THREADS x DELAY (the
     test is meant to fail then; checked by hand with no wait threads).
  2. While THREADS - 1 polls wait for the store, a Calculator.add (no store call) is answered
     before any of them: the worker slot the waiting polls gave up serves it.

delay_hop and memcached run on free ports of 127.0.0.1; the server, delay_hop and memcached are
stopped by their PIDs.  A missing memcached fails the test (never a skip).

usage: /usr/bin/python3 test_store_waits.py PATH/TO/ladon-examples PATH/TO/delay_hop
"""

import os
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, server_binary  # noqa: E402
from store_helpers import MissingTool, StoreServer, stop_pid  # noqa: E402

DELAY = 0.4              # seconds each client -> memcached chunk is held
THREADS = 4              # 1 worker + 3 wait threads (the default for --workers 1 with a shared store)
BOUND = 2.5 * DELAY      # all THREADS polls answered within this (sequential: >= 4 x DELAY)

ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
            '<SOAP-ENV:Body>%s</SOAP-ENV:Body></SOAP-ENV:Envelope>')
START = ('<t:taskExample xmlns:t="urn:ladon:examples:tasks"><session_id>waits</session_id>'
         '<counter>7</counter></t:taskExample>')
POLL = ('<t:taskExample_progress xmlns:t="urn:ladon:examples:tasks"><task_id>%d</task_id>'
        '</t:taskExample_progress>')
ADD = '<c:add xmlns:c="urn:ladon:examples:calculator"><a>20</a><b>22</b></c:add>'


def start_hop(binary, target_port, delay):
    """tests/tools/delay_hop in front of 127.0.0.1:target_port: (process, its port)."""
    proc = subprocess.Popen([binary, str(target_port), str(int(delay * 1e6))],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, close_fds=True)
    line = proc.stdout.readline().decode()
    if not line.startswith("PORT "):
        stop_pid(proc)
        raise RuntimeError("delay_hop did not start: %r" % line)
    return proc, int(line.split()[1])


def post(url, body, timeout=30):
    req = urllib.request.Request(url, data=(ENVELOPE % body).encode(), method="POST",
                                 headers={"Content-Type": "text/xml; charset=utf-8",
                                          "SOAPAction": '""'})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read().decode()


def concurrent(calls):
    """Runs (label, fn) pairs at once; returns {label: (seconds from the common start, result
    or exception)}."""
    out = {}
    barrier = threading.Barrier(len(calls))
    t0 = [0.0]

    def run(label, fn):
        if barrier.wait() == 0:
            t0[0] = time.monotonic()
        start = time.monotonic()
        try:
            res = fn()
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            res = e
        out[label] = (time.monotonic() - start, res)

    threads = [threading.Thread(target=run, args=c) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def body(checks, server):
    tasks = server.urls["TaskService"]
    calc = server.urls["Calculator"]
    started = post(tasks, START)
    tid = int(started.split("<task_id>")[1].split("<")[0])
    checks.ok("a task started through the slow store hop", tid > 0, started)
    want = "<task_id>%d</task_id>" % tid

    # 1. THREADS polls side by side
    res = concurrent([("poll%d" % i, lambda: post(tasks, POLL % tid))
                      for i in range(THREADS)])
    slowest = max(t for t, _ in res.values())
    for label, (t, r) in sorted(res.items()):
        checks.ok("%s answered the running task's progress (%.2f s)" % (label, t),
                  isinstance(r, str) and want in r and "<progress>" in r, repr(r)[:300])
    checks.ok("%d polls, each waiting >= %.1f s for the store, all answered within %.1f s "
              "(slowest %.2f s; one at a time would take >= %.1f s)"
              % (THREADS, DELAY, BOUND, slowest, THREADS * DELAY), slowest < BOUND)
    checks.ok("each poll did wait for the store hop (fastest >= %.1f s)" % DELAY,
              min(t for t, _ in res.values()) >= DELAY * 0.9)

    # 2. an add while THREADS - 1 polls wait
    def add_later():
        time.sleep(DELAY / 4)          # the polls are waiting by then
        return post(calc, ADD)
    calls = [("poll%d" % i, lambda: post(tasks, POLL % tid)) for i in range(THREADS - 1)]
    res = concurrent(calls + [("add", add_later)])
    t_add, r_add = res["add"]
    first_poll = min(t for k, (t, _) in res.items() if k != "add")
    checks.ok("add answered 42 while %d polls wait for the store" % (THREADS - 1),
              isinstance(r_add, str) and "<result>42</result>" in r_add, repr(r_add)[:300])
    checks.ok("add answered (%.2f s after the common start) before the first poll (%.2f s)"
              % (t_add, first_poll), t_add < first_poll)


def main():
    binary = server_binary()
    if len(sys.argv) < 3:
        print("FAIL: no delay_hop binary (usage: test_store_waits.py PATH/TO/ladon-examples "
              "PATH/TO/delay_hop)")
        sys.exit(1)
    checks = Checks("test_store_waits")
    store = StoreServer("memcached")
    try:
        store.start()
        hop, hop_port = start_hop(sys.argv[2], store.port, DELAY)
    except (MissingTool, RuntimeError, OSError) as e:
        print("FAIL: %s" % e)
        store.stop()
        sys.exit(1)
    env = dict(os.environ, LADON_EXAMPLE_STEP_MS="60000")
    server = Server(binary, args=["--workers", "1", "--log-level", "warn",
                                  "--store", "memcached://127.0.0.1:%d" % hop_port,
                                  "--store-timeout", "5000", "--task-lease", "30",
                                  "--shutdown-grace", "0"],
                    env=env, services=("Calculator", "TaskService"), ready_timeout=30)
    try:
        server.start()
    except ServerError as e:
        print("FAIL: %s" % e)
        stop_pid(hop)
        store.stop()
        sys.exit(1)
    try:
        checks.run("store waits", lambda: body(checks, server))
    finally:
        checks.server_stopped(server)
        stop_pid(hop)
        store.stop()
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
