#!/usr/bin/python3
"""bench/wait_bench.py - what m_wait's parked requests cost (issue 13; bench/README.md, "m_wait").

Measured side by side in one run, on 127.0.0.1, with servers this script starts and stops by PID:
  1. Calculator.add throughput and p99 (wrk, bench/wrk/soap.lua, 2 threads, 32 connections) on
     one ladon-examples with --workers 4, alternately without waiters and with N (default 1000)
     requests parked in taskExample_wait on one long-running task; the ratio is printed;
  2. wake-up latency of m_wait after a finish: same process (memory store), and across two
     processes sharing redis (median and p99 over R tasks): client's answer time minus the task's
     end (starttime + duration), both on this host's clock;
  3. the server's resident memory with the waiters parked minus without: memory per waiter.

usage: bench/wait_bench.py BUILD_DIR   (BENCH_WAITERS, BENCH_ROUNDS, BENCH_DURATION, BENCH_WAKES)
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from ladon_harness import Server, quiet_data_dir  # noqa: E402
from store_helpers import StoreServer  # noqa: E402

WAITERS = int(os.environ.get("BENCH_WAITERS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DUR = int(os.environ.get("BENCH_DURATION", "5"))
WAKES = int(os.environ.get("BENCH_WAKES", "30"))
LUA = os.path.join(ROOT, "bench", "wrk", "soap.lua")

ADD = ('<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">'
       '<e:Body><c:add xmlns:c="urn:ladon:examples:calculator"><a>20</a><b>22</b></c:add>'
       '</e:Body></e:Envelope>')
T_NS = "urn:ladon:examples:tasks"


def envelope(inner):
    return ('<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/'
            'envelope/"><e:Body>%s</e:Body></e:Envelope>' % inner)


def post(port, path, body, timeout=60):
    """One HTTP/1.1 POST on a new connection; the response body."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    b = body.encode()
    s.sendall(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
              b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (path.encode(), len(b), b))
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode("utf-8", "replace")


def start_task(port, counter=1):
    r = post(port, "/TaskService", envelope(
        '<t:taskExample xmlns:t="%s"><session_id>b</session_id><counter>%d</counter>'
        '</t:taskExample>' % (T_NS, counter)))
    return int(re.search(r"<task_id>(\d+)</task_id>", r).group(1))


def wait_body(tid, timeout):
    return envelope('<t:taskExample_wait xmlns:t="%s"><task_id>%d</task_id><timeout>%g</timeout>'
                    '</t:taskExample_wait>' % (T_NS, tid, timeout))


def park(port, tid, n):
    """n connections, each with an m_wait sent and left unanswered."""
    b = wait_body(tid, 3000).encode()
    req = (b"POST /TaskService HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
           b"Content-Length: %d\r\n\r\n%s" % (len(b), b))
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(req)
        socks.append(s)
    return socks


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wrk(port, bodyfile):
    out = subprocess.run(["wrk", "-t2", "-c32", "-d%ds" % DUR, "--timeout", "10s", "-s", LUA,
                          "http://127.0.0.1:%d/Calculator" % port, "--", bodyfile,
                          "<result>42</result>"], capture_output=True, text=True, check=True)
    line = [l for l in out.stdout.splitlines() if l.startswith("BENCH ")][0]
    kv = dict(x.split("=") for x in line.split()[1:])
    return float(kv["rps"]), float(kv["p99_us"])


def server(binary, root, name, extra=(), step_ms="60000"):
    d = quiet_data_dir(tempfile.mkdtemp(prefix="data-%s-" % name, dir=root))
    srv = Server(binary, args=["--data-dir", d, "--workers", "4", "--max-connections", "5000",
                               "--task-wait-max", "3600", "--log-level", "warn",
                               "--shutdown-grace", "200"] + list(extra),
                 env=dict(os.environ, LADON_EXAMPLE_STEP_MS=step_ms),
                 services=("Calculator", "TaskService"))
    srv.start()
    return srv


def wake_latencies(start_port, wait_port, n):
    """n tasks of ~0.3 s started on start_port, each waited for on wait_port."""
    lat = []
    for _ in range(n):
        tid = start_task(start_port)
        r = post(wait_port, "/TaskService", wait_body(tid, 30))
        t = time.time()
        if "<starttime>" not in r:
            raise RuntimeError("m_wait answered: " + r[-400:])
        st = float(re.search(r"<starttime>([^<]+)<", r).group(1))
        du = float(re.search(r"<duration>([^<]+)<", r).group(1))
        assert "<state>done</state>" in r, r[:300]
        lat.append((t - (st + du)) * 1000.0)
    lat.sort()
    return statistics.median(lat), lat[min(len(lat) - 1, int(len(lat) * 0.99))]


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    binary = os.path.join(build, "services", "ladon-examples")
    with tempfile.TemporaryDirectory(prefix="ladon-wait-bench-") as root:
        bodyfile = os.path.join(root, "add.xml")
        with open(bodyfile, "w") as f:
            f.write(ADD)
        srv = server(binary, root, "w")
        try:
            tid = start_task(srv.port)  # runs for an hour: every waiter stays parked
            rows = {"none": [], "parked": []}
            rss = []
            for r in range(ROUNDS):
                rows["none"].append(wrk(srv.port, bodyfile))
                before = rss_kb(srv.proc.pid)
                socks = park(srv.port, tid, WAITERS)
                time.sleep(1.0)
                rss.append((rss_kb(srv.proc.pid) - before) * 1024.0 / WAITERS)
                rows["parked"].append(wrk(srv.port, bodyfile))
                for s in socks:
                    s.close()
                time.sleep(1.0)
                print("round %d: add %.0f req/s without waiters, %.0f with %d" %
                      (r + 1, rows["none"][-1][0], rows["parked"][-1][0], WAITERS), flush=True)
        finally:
            srv.stop()
        med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v))
               for k, v in rows.items()}
        print("| add, --workers 4 | req/s | p99 us |")
        print("|---|--:|--:|")
        print("| no waiters | %.0f | %.0f |" % med["none"])
        print("| %d parked m_wait | %.0f | %.0f |" % (WAITERS, med["parked"][0], med["parked"][1]))
        print("| ratio (with / without) | %.3f | %.3f |" % (med["parked"][0] / med["none"][0],
                                                           med["parked"][1] / med["none"][1]))
        print("memory per parked waiter (RSS growth / waiters, median of rounds): %.0f bytes"
              % statistics.median(rss))

        # wake-up latency, same process (memory store) and across two processes on redis
        one = server(binary, root, "m1", step_ms="5")
        try:
            m, p = wake_latencies(one.port, one.port, WAKES)
        finally:
            one.stop()
        print("| m_wait wake-up after the finish | median ms | p99 ms |")
        print("|---|--:|--:|")
        print("| same process (memory) | %.1f | %.1f |" % (m, p))
        for kind in ("redis", "memcached"):
            st = StoreServer(kind)
            st.start()
            try:
                a = server(binary, root, kind + "-a", ["--store", st.url()], step_ms="5")
                b = server(binary, root, kind + "-b", ["--store", st.url()], step_ms="5")
                try:
                    m, p = wake_latencies(a.port, b.port, WAKES)
                finally:
                    a.stop()
                    b.stop()
            finally:
                st.stop()
            print("| two processes on %s | %.1f | %.1f |" % (kind, m, p))


if __name__ == "__main__":
    main()
