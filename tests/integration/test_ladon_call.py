#!/usr/bin/python3
"""ladon-call (tools/ladon-call, docs/ladon-call.md) against real servers.

  - ladon-examples (Calculator, TaskService, InstanceService; LADON_EXAMPLE_STEP_MS=50, so a
    taskExample takes 3 s): listing `/`, a service URL, a ?wsdl URL and a WSDL file; describe;
    add, echo (XML specials, non-ASCII), inspect (nested struct, arrays, arrays of structs)
    with NAME=VALUE words and with `--args -` JSON, every computed field checked; `--json`
    read by python's json and by jq; -v shows the request (schema order, unqualified
    elements, Content-Type, SOAPAction);
  - taskExample in a real pseudo-terminal (stderr and stdin on the pty, which is the child's
    controlling terminal): the bar is drawn and advances, the result is printed; with stderr a
    pipe: no bar, no \\r, no escape codes; --no-wait, `taskExample_progress id=N`, --follow N;
    Ctrl-C (\\x03 written to the pty) then `y`: the task is cancelled, exit 130; then `n`: the
    resume command is printed, exit 130, the task runs to done (a second server with
    LADON_EXAMPLE_STEP_MS=200, so there is time to answer);
  - every exit status: 1 (faults), 2 (usage and WSDL errors, rpc/encoded and unsupported
    constructs), 3 (connection refused, a server that never answers with --timeout 1, HTTP
    error without a fault, a response that is no SOAP);
  - foreign servers: bench/plain_gsoap with soapcpp2's Calculator.wsdl and --endpoint; a PHP
    SoapServer (`php -S`, tests/integration/php_service) with its own WSDL: list, describe,
    call, a SoapFault.
One run's terminal output of the bar (a frame mid-run and the last one) is written to
$LADON_CALL_CAPTURE (meson sets it to a file in the build folder) for docs/ladon-call.md.

usage: /usr/bin/python3 test_ladon_call.py LADON_EXAMPLES LADON_CALL PLAIN_GSOAP
"""

import base64
import fcntl
import http.server
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, quiet_data_dir, server_binary  # noqa: E402

DATA = os.path.join(HERE, "..", "unit", "ladon-call", "data")
PHP_DIR = os.path.join(HERE, "php_service")


def need_exe(argv, i, what):
    path = argv[i] if len(argv) > i else ""
    if not path or not os.access(path, os.X_OK):
        print("FAIL: %s not given as argv[%d] (or not executable: %r)" % (what, i, path))
        sys.exit(1)
    return os.path.abspath(path)


EXAMPLES = server_binary()
LC = need_exe(sys.argv, 2, "ladon-call")
PLAIN = need_exe(sys.argv, 3, "plain_gsoap")
PLAIN_WSDL = os.path.join(os.path.dirname(PLAIN), "Calculator.wsdl")
for tool in ("jq", "php"):
    if shutil.which(tool) is None:
        print("FAIL: %s is not installed (scripts/install-deps.sh test)" % tool)
        sys.exit(1)

checks = Checks("ladon-call")


def lc(*args, stdin=None, timeout=60):
    """Runs ladon-call with args; (exit status, stdout, stderr) as text."""
    p = subprocess.run([LC] + list(args), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, stdin=None if stdin else
                       subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def expect(what, args, status, out=None, err=None, stdin=None, timeout=60):
    """Runs ladon-call; checks its exit status and that stdout/stderr contain the given texts
    (a string or a list of strings).  Returns (status, stdout, stderr)."""
    rc, o, e = lc(*args, stdin=stdin, timeout=timeout)
    checks.ok("%s: exit status %d" % (what, status), rc == status,
              "got %d\nstdout: %s\nstderr: %s" % (rc, o, e))
    for name, text, wanted in (("stdout", o, out), ("stderr", e, err)):
        for w in ([wanted] if isinstance(wanted, str) else wanted or []):
            checks.ok("%s: %s has %r" % (what, name, w), w in text, "%s was: %s" % (name, text))
    return rc, o, e


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- ladon-examples: list, describe, calls ---------------------------------------------------

RECORD_WORDS = ["record.title=T & <t> é", "record.count=3", "record.big=9000000000",
                "record.ratio=1.5", "record.enabled=true", "record.level=LEVEL_MEDIUM",
                "record.when=2026-01-02T03:04:05Z", "record.payload=AQIDBA==", "record.limit=21",
                "record.origin.x=1", "record.origin.y=2", "record.target.x=5", "record.target.y=6",
                "record.values=1,2,3", "record.tags=t0,t\\,1,t2",
                "record.points.1.x=2", "record.points.1.y=3", "record.points.0.x=0",
                "record.points.0.y=1", "record.levels=LEVEL_LOW,LEVEL_HIGH"]
RECORD_JSON = {"record": {"title": "T & <t> é", "count": 3, "big": 9000000000, "ratio": 1.5,
                          "enabled": True, "level": "LEVEL_MEDIUM",
                          "when": "2026-01-02T03:04:05Z", "payload": "AQIDBA==", "limit": 21,
                          "origin": {"x": 1, "y": 2}, "target": {"x": 5, "y": 6},
                          "values": [1, 2, 3], "tags": ["t0", "t,1", "t2"],
                          "points": [{"x": 0, "y": 1}, {"x": 2, "y": 3}],
                          "levels": ["LEVEL_LOW", "LEVEL_HIGH"]}}
INSPECTION = {"title": "T & <t> é", "note": "(none)", "big_plus_one": 9000000001,
              "half_ratio": 0.75, "not_enabled": False, "next_level": "LEVEL_HIGH",
              "next_day": "2026-01-03T03:04:05Z", "reversed": "BAMCAQ==", "limit_doubled": 42,
              "moved": {"x": 2, "y": 3}, "target": {"x": 5, "y": 6}, "values_sum": 6,
              "tags": ["t2", "t,1", "t0"], "points": [{"x": 1, "y": 0}, {"x": 3, "y": 2}],
              "levels": ["LEVEL_LOW", "LEVEL_HIGH"]}


def calculator(srv):
    root = "http://127.0.0.1:%d/" % srv.port
    calc = srv.url("Calculator")
    expect("list /", [root], 0,
           out=["Calculator  " + calc, "add(a: xsd:int, b: xsd:int)", "echo(text: xsd:string)",
                "inspect(record: Record)", "TaskService", "InstanceService",
                "taskExample(session_id: xsd:string, counter: xsd:int)  [task]",
                "taskExample_progress(task_id: xsd:int)",
                "A calculator: adds numbers, echoes text and inspects typed records."])
    _, o, _ = expect("list a service URL", [calc], 0, out=["add(a: xsd:int, b: xsd:int)"])
    checks.ok("a service URL lists that service only", "TaskService" not in o, o)
    expect("list a ?wsdl URL", [calc + "?wsdl"], 0, out=["inspect(record: Record)"])
    with tempfile.TemporaryDirectory() as tmp:
        wsdl = os.path.join(tmp, "Calculator.wsdl")
        subprocess.run(["curl", "-sf", "-o", wsdl, calc + "?wsdl"], check=True)
        expect("list a local WSDL file", [wsdl], 0, out=["Calculator  " + calc, "add("])
        expect("add through a local WSDL file", [wsdl, "add", "a=20", "b=22"], 0,
               out="result: 42")
    expect("describe inspect", [calc, "describe", "inspect"], 0,
           out=["Computes an Inspection from a record", "record: Record  required",
                "# A record with one of each supported type.",
                "title: xsd:string  required  -- any UTF-8 text",
                "note: xsd:string  optional  -- may be absent",
                "level: Level  required, enum", "# How loud a record is.",
                "= LEVEL_LOW  -- quiet", "= LEVEL_MEDIUM", "= LEVEL_HIGH",
                "origin: Point  required  -- a nested struct",
                "x: xsd:int  required  -- horizontal position",
                "values: xsd:int[]  array 0..unbounded  -- an array of integers",
                "points: Point[]  array 0..unbounded  -- an array of structs",
                "result: Inspection  required", "# What inspect computed from a Record.",
                "values_sum: xsd:int  required  -- sum of values"])

    _, o, _ = expect("add a=2 b=3", [calc, "add", "a=2", "b=3"], 0)
    checks.equal("add a=2 b=3 prints exactly 'result: 5'", o, "result: 5\n")
    _, o, e = expect("add -v b=3 a=2", ["-v", calc, "add", "b=3", "a=2"], 0,
                     err=["Content-Type: text/xml; charset=utf-8", 'SOAPAction: ""',
                          "<a>2</a><b>3</b>", "<ns1:add xmlns:ns1=\"urn:ladon:examples:calculator\">",
                          "<result>5</result>"])
    checks.equal("-v: the result is still on stdout", o, "result: 5\n")
    _, o, _ = expect("add --json", ["--json", calc, "add", "a=2", "b=3"], 0)
    checks.equal("add --json parsed by python", json.loads(o), {"result": 5})
    jq = subprocess.run(["jq", "-e", ".result == 5"], input=o.encode(), stdout=subprocess.PIPE)
    checks.ok("add --json read by jq (.result == 5)", jq.returncode == 0 and
              jq.stdout.strip() == b"true", repr(jq))
    jq = subprocess.run(["jq", "-r", ".result | type"], input=o.encode(), stdout=subprocess.PIPE)
    checks.equal("jq: the result is a JSON number", jq.stdout.strip(), b"number")

    text = "a <b> & \"c\" 'd' ]]> é ü 中 🙂"
    _, o, _ = expect("echo with XML specials and non-ASCII", [calc, "echo", "text=" + text], 0)
    checks.equal("echo prints the text unchanged", o, "result: " + text + "\n")
    _, o, _ = expect("echo --json", ["--json", calc, "echo", "text=" + text], 0)
    checks.equal("echo --json", json.loads(o), {"result": text})

    _, o, _ = expect("inspect with NAME=VALUE words", ["--json", calc, "inspect"] + RECORD_WORDS, 0)
    checks.equal("inspect (words): every computed field", json.loads(o), {"result": INSPECTION})
    _, o, _ = expect("inspect with --args - (JSON on stdin)", ["--json", "--args", "-", calc,
                     "inspect"], 0, stdin=json.dumps(RECORD_JSON).encode())
    checks.equal("inspect (--args -): every computed field", json.loads(o), {"result": INSPECTION})
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(RECORD_JSON, f)
    try:
        _, o, _ = expect("inspect with --args FILE", ["--args", f.name, calc, "inspect"], 0)
    finally:
        os.unlink(f.name)
    checks.ok("inspect tree output: nested struct and arrays",
              "result:\n  title: T & <t> é\n  note: (none)\n" in o and
              "  moved:\n    x: 2\n    y: 3\n" in o and
              "  tags:\n    - t2\n    - t,1\n    - t0\n" in o and
              "  points:\n    - x: 1\n      y: 0\n    - x: 3\n      y: 2\n" in o, o)
    # JSON output of the inputs' shape is what --args reads: a round trip through jq
    minimal = ["record.title=x", "record.count=1", "record.big=1", "record.ratio=1",
               "record.enabled=0", "record.level=LEVEL_HIGH", "record.when=2026-01-01T00:00:00Z",
               "record.payload=", "record.origin.x=1", "record.origin.y=1"]
    _, o, _ = expect("inspect, only the required fields", ["--json", calc, "inspect"] + minimal, 0)
    r = json.loads(o)["result"]
    checks.ok("absent optional fields are left out of --json (limit_doubled, target, tags)",
              "limit_doubled" not in r and "target" not in r and "tags" not in r, o)
    checks.equal("level wraps (LEVEL_HIGH -> LEVEL_LOW); enabled=0 gives not_enabled true",
                 (r["next_level"], r["not_enabled"], r["values_sum"]), ("LEVEL_LOW", True, 0))


# --- exit statuses ---------------------------------------------------------------------------

def never_answering_server():
    """A socket that accepts connections and never answers: (port, stop function)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        s.settimeout(0.2)
        while not stop.is_set():
            try:
                c, _ = s.accept()
                held.append(c)
            except socket.timeout:
                pass
            except OSError:
                return

    t = threading.Thread(target=accept, daemon=True)
    t.start()

    def close():
        stop.set()
        t.join(5)
        for c in held:
            c.close()
        s.close()
    return s.getsockname()[1], close


def exit_statuses(srv):
    calc = srv.url("Calculator")
    tasks = srv.url("TaskService")
    expect("fault: unknown task id", [tasks, "taskExample_result", "task_id=12345"], 1,
           err=["faultcode: SOAP-ENV:Client", "faultstring: unknown or expired task id 12345"])
    _, o, _ = expect("fault: add overflow", [calc, "add", "a=2147483647", "b=1"], 1,
                     err=["faultcode: SOAP-ENV:Client",
                          "faultstring: integer overflow: 2147483647 + 1"])
    checks.equal("fault: nothing on stdout", o, "")
    expect("usage: unknown operation", [calc, "nope"], 2,
           err="unknown operation 'nope' (operations: add, echo, inspect)")
    expect("usage: unknown argument lists the valid ones", [calc, "add", "a=1", "c=2"], 2,
           err="unknown argument 'c' (valid arguments: a, b)")
    expect("usage: unknown nested field", [calc, "inspect", "record.origin.z=1"], 2,
           err="unknown argument 'record.origin.z' (valid fields here: x, y)")
    expect("usage: bad int", [calc, "add", "a=two", "b=3"], 2,
           err="bad value for a (xsd:int): 'two' is not an integer")
    expect("usage: int out of range", [calc, "add", "a=2147483648", "b=3"], 2,
           err="out of range")
    expect("usage: missing required", [calc, "add", "a=1"], 2,
           err="missing required argument 'b'")
    bad = [w for w in RECORD_WORDS if not w.startswith("record.level=")]
    expect("usage: bad enum lists the values", [calc, "inspect", "record.level=LOUD"] + bad, 2,
           err="'LOUD' is not one of LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH")
    bad = [w for w in RECORD_WORDS if not w.startswith("record.enabled=")]
    expect("usage: bad boolean", [calc, "inspect", "record.enabled=maybe"] + bad, 2,
           err="is not a boolean")
    bad = [w for w in RECORD_WORDS if not w.startswith("record.ratio=")]
    expect("usage: bad double", [calc, "inspect", "record.ratio=1.5x"] + bad, 2,
           err="'1.5x' is not a number")
    bad = [w for w in RECORD_WORDS if not w.startswith("record.payload=")]
    expect("usage: bad base64", [calc, "inspect", "record.payload=@@@"] + bad, 2,
           err="is not base64")
    expect("usage: an array index gap", [calc, "inspect"] + RECORD_WORDS + ["record.points.3.x=1"],
           2, err="'record.points.2' is missing")
    expect("usage: a struct given a value", [calc, "inspect", "record=1"], 2,
           err="'record' is a structure (Record)")
    expect("usage: not NAME=VALUE", [calc, "add", "a"], 2, err="is not NAME=VALUE")
    expect("usage: bad JSON on stdin", ["--args", "-", calc, "add"], 2, err="--args -",
           stdin=b"{not json")
    expect("usage: a bad option", ["--bogus", calc], 2, err="usage:")
    expect("usage: no URL", [], 2, err="usage:")
    expect("--help", ["--help"], 0, out=["usage: ladon-call", "--endpoint", "Exit status"])
    expect("--version", ["--version"], 0, out="ladon-call ")
    expect("WSDL error: an unreadable WSDL file", ["/nonexistent/x.wsdl"], 2,
           err="cannot read the WSDL file /nonexistent/x.wsdl")
    expect("WSDL error: a file that is no XML", [os.path.join(PHP_DIR, "router.php")], 2,
           err="not well-formed XML")
    expect("WSDL error: rpc/encoded, listing", [os.path.join(DATA, "rpc_encoded.wsdl")], 2,
           err='style="rpc"')
    expect("WSDL error: rpc/encoded, calling", [os.path.join(DATA, "rpc_encoded.wsdl"), "add",
                                                "a=1", "b=2"], 2, err='style="rpc"')
    cons = os.path.join(DATA, "constructs.wsdl")
    expect("unsupported constructs are marked in the listing", [cons], 0,
           out=["walk(root: Node", "attr  (not usable: attributes (xsd:attribute)",
                "pick  (not usable: xsd:choice", "open  (not usable: xsd:any"])
    expect("unsupported: attributes", [cons, "attr", "x=1"], 2, err="attributes (xsd:attribute)")
    expect("unsupported: choice", [cons, "pick", "a=1"], 2, err="xsd:choice")
    with tempfile.NamedTemporaryFile("w", suffix=".wsdl", delete=False) as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/">&x;</definitions>\n')
    try:
        expect("WSDL error: a DTD (external entity) is refused", [f.name], 2, err="DTD")
    finally:
        os.unlink(f.name)

    closed = free_port()
    expect("transport: connection refused", ["http://127.0.0.1:%d/Calculator" % closed], 3,
           err="Couldn't connect")
    expect("transport: connection refused on the call", ["--endpoint",
           "http://127.0.0.1:%d/Calculator" % closed, calc, "add", "a=1", "b=2"], 3,
           err="Couldn't connect")
    port, close = never_answering_server()
    try:
        t0 = time.monotonic()
        expect("transport: a server that never answers, --timeout 1", ["--timeout", "1",
               "--endpoint", "http://127.0.0.1:%d/Calculator" % port, calc, "add", "a=1", "b=2"],
               3, err="timed out")
        took = time.monotonic() - t0
        checks.ok("--timeout 1 gives up within 5 s", took < 5, "took %.1f s" % took)
        expect("transport: the WSDL from a server that never answers", ["--timeout", "1",
               "http://127.0.0.1:%d/Calculator" % port], 3, err="timed out")
    finally:
        close()
    expect("transport: HTTP error without a SOAP fault", ["--endpoint",
           "http://127.0.0.1:%d/nowhere" % srv.port, calc, "add", "a=1", "b=2"], 3,
           err="without a SOAP fault")
    expect("transport: HTTP error fetching a WSDL", ["http://127.0.0.1:%d/Nowhere" % srv.port], 3,
           err="HTTP 404")


# --- tasks -----------------------------------------------------------------------------------

class PtyRun:
    """ladon-call with stdin and stderr on a new pseudo-terminal that is its controlling
    terminal (its own session), stdout on a pipe.  Collects the terminal output."""

    def __init__(self, args, cols=100):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
        self.proc = subprocess.Popen([LC] + args, stdin=slave, stdout=subprocess.PIPE,
                                     stderr=slave, start_new_session=True,
                                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.term = b""
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                r, _, _ = select.select([self.master], [], [], 0.5)
                if not r:
                    if self.proc.poll() is not None:
                        # the child is gone; read what is left
                        pass
                    continue
                d = os.read(self.master, 65536)
            except OSError:
                return  # EIO: every slave end is closed
            if not d:
                return
            with self.lock:
                self.term += d

    def text(self):
        with self.lock:
            return self.term.decode("utf-8", "replace")

    def wait_for(self, pattern, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.text())
            if m:
                return m
            if self.proc.poll() is not None:
                time.sleep(0.2)
                return re.search(pattern, self.text())
            time.sleep(0.02)
        return None

    def write(self, data):
        os.write(self.master, data)

    def finish(self, timeout=60):
        try:
            out = self.proc.stdout.read()
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            out = b""
        self.reader.join(5)
        os.close(self.master)
        self.proc.stdout.close()
        return self.proc.returncode, out.decode("utf-8", "replace")


def frames(term):
    """The bar's frames: the pieces between carriage returns that hold a percentage."""
    return [f.rstrip() for f in re.split(r"[\r\n]", term) if re.match(r"\s*\d+% \[", f)]


def progress_percents(term):
    return [int(re.match(r"\s*(\d+)%", f).group(1)) for f in frames(term)]


def task_state(url, tid):
    rc, o, _ = lc("--json", url, "taskExample_progress", "id=%d" % tid)
    if rc != 0:
        return None
    return json.loads(o)["result"]["state"]


def tasks(srv):
    url = srv.url("TaskService")
    # m_list is listed as an operation of its own, not a task to follow
    expect("list: taskExample_list", [url], 0,
           out=["taskExample_list(limit?: xsd:int, page_token?: xsd:string)\n",
                "taskExample(session_id: xsd:string, counter: xsd:int)  [task]\n"])
    rc, o, _ = lc(url)
    checks.ok("list: taskExample_list is not marked a task", "taskExample_list(limit?: xsd:int, "
              "page_token?: xsd:string)  [task]" not in o, o)
    expect("describe taskExample_list", [url, "describe", "taskExample_list"], 0,
           out=["limit: xsd:int  optional", "tasks: TaskSummary[]  array 0..unbounded",
                "next_page_token: xsd:string  required"])
    # without an identity (ladon-examples behind no proxy here): the Client fault
    expect("taskExample_list anonymously", [url, "taskExample_list", "limit=5"], 1,
           err="listing tasks needs an identity")
    # in a pseudo-terminal: the bar
    run = PtyRun([url, "taskExample", "session_id=pty", "counter=7"])
    rc, out = run.finish()
    term = run.text()
    checks.equal("pty: exit status 0", rc, 0)
    checks.equal("pty: the result on stdout", out, "result: 7\n")
    pcts = progress_percents(term)
    distinct = sorted(set(pcts))
    checks.ok("pty: the bar is drawn with \\r and advances (at least 3 distinct percentages)",
              "\r" in term and len(distinct) >= 3, repr(term[-3000:]))
    checks.ok("pty: the percentages never go down", pcts == sorted(pcts), repr(pcts))
    fr = frames(term)
    checks.ok("pty: the last frame is 100% done, then a newline",
              fr and fr[-1].startswith("100% [") and " done " in fr[-1] and
              term.rstrip("\r\n ").endswith(fr[-1].strip()) and term.endswith("\n"),
              repr(term[-400:]))
    mid = [f for f in fr if re.match(r"\s*(\d+)%", f) and 0 < int(re.match(r"\s*(\d+)%", f).group(1)) < 100
           and "left" in f]
    checks.ok("pty: a mid-run frame shows state, elapsed, time left and the status message",
              any("running" in f and "elapsed" in f and "step " in f for f in mid), repr(fr))
    checks.ok("pty: every frame fits the 100 columns", all(len(f) <= 99 for f in fr),
              repr([f for f in fr if len(f) > 99]))
    capture = os.environ.get("LADON_CALL_CAPTURE")
    if capture and mid and fr:
        with open(capture, "w") as f:
            f.write("$ ladon-call %s taskExample session_id=pty counter=7\n" %
                    url.replace(str(srv.port), "8080"))
            f.write("# a frame mid-run (the line is redrawn in place with \\r):\n")
            f.write(mid[len(mid) // 2] + "\n")
            f.write("# the last frame, then the result on stdout:\n")
            f.write(fr[-1] + "\nresult: 7\n")
        print("bar captured in %s" % capture)
    # a narrow terminal: the line is cut to fit
    run = PtyRun([url, "taskExample", "session_id=narrow", "counter=1"], cols=40)
    rc, out = run.finish()
    fr = frames(run.text())
    checks.ok("pty 40 columns: every frame fits in 39", rc == 0 and fr and
              all(len(f) <= 39 for f in fr), repr(fr))

    # stderr a pipe: no bar at all
    t0 = time.monotonic()
    rc, o, e = lc(url, "taskExample", "session_id=pipe", "counter=9")
    checks.equal("pipe: exit status 0", rc, 0)
    checks.equal("pipe: the result on stdout", o, "result: 9\n")
    checks.ok("pipe: nothing drawn on stderr (no \\r, no escape codes, no bar)",
              "\r" not in e and "\x1b" not in e and "%" not in e, repr(e))
    checks.ok("pipe: m_wait returns at the task's end (under 20 s)",
              time.monotonic() - t0 < 20, "%.1f s" % (time.monotonic() - t0))
    _, o, _ = expect("--json result of a task", ["--json", url, "taskExample",
                     "session_id=j", "counter=-5"], 0)
    checks.equal("--json result of a task", json.loads(o), {"result": -5})

    # --no-wait, then _progress with id=, --follow, _result
    _, o, _ = expect("--no-wait", ["--no-wait", url, "taskExample", "session_id=nw",
                     "counter=8"], 0)
    checks.ok("--no-wait prints only the task id", re.fullmatch(r"-?\d+\n", o) is not None, repr(o))
    tid = int(o) if re.fullmatch(r"-?\d+\n", o) else 0
    expect("taskExample_progress id=N", [url, "taskExample_progress", "id=%d" % tid], 0,
           out=["result:\n  task_id: %d\n" % tid, "  state: "])
    _, o, _ = expect("taskExample_progress --json", ["--json", url, "taskExample_progress",
                     "task_id=%d" % tid], 0)
    p = json.loads(o)["result"]
    checks.ok("taskExample_progress --json: typed fields",
              p["task_id"] == tid and isinstance(p["progress"], (int, float)) and
              p["state"] in ("queued", "running", "done"), o)
    _, o, _ = expect("--follow N", [url, "taskExample", "--follow", str(tid)], 0)
    checks.equal("--follow N prints the result", o, "result: 8\n")
    expect("taskExample_result task_id=N", [url, "taskExample_result", "task_id=%d" % tid], 0,
           out="result: 8")
    expect("--follow of an operation that is no task", [url, "taskExample_result",
           "--follow", "1"], 2, err="not a task")


def ctrl_c(srv):
    url = srv.url("TaskService")
    # y: cancelled on the server
    run = PtyRun([url, "taskExample", "session_id=c", "counter=3"])
    started = run.wait_for(r"\d+% \[[^\]]*\] running")
    checks.ok("Ctrl-C/y: the bar runs", started is not None, repr(run.text()))
    run.write(b"\x03")
    m = run.wait_for(r"Cancel task (-?\d+) on the server\? \[y/N\] ")
    checks.ok("Ctrl-C/y: the question is asked on the terminal", m is not None, repr(run.text()))
    if m:
        run.write(b"y\n")
    rc, out = run.finish()
    checks.equal("Ctrl-C/y: exit status 130", rc, 130)
    checks.equal("Ctrl-C/y: nothing on stdout", out, "")
    if m:
        tid = int(m.group(1))
        checks.ok("Ctrl-C/y: the answer to the cancel is reported",
                  re.search(r"task %d: cancelled" % tid, run.text()) is not None,
                  repr(run.text()[-500:]))
        checks.equal("Ctrl-C/y: taskExample_progress says cancelled", task_state(url, tid),
                     "cancelled")
        expect("a cancelled task followed: exit 1", [url, "taskExample", "--follow", str(tid)], 1,
               err="task %d was cancelled" % tid)
    # n: keeps running, the resume command is printed
    run = PtyRun([url, "taskExample", "session_id=c", "counter=4"])
    run.wait_for(r"\d+% \[[^\]]*\] running")
    run.write(b"\x03")
    m = run.wait_for(r"Cancel task (-?\d+) on the server\? \[y/N\] ")
    checks.ok("Ctrl-C/n: the question is asked", m is not None, repr(run.text()))
    if m:
        run.write(b"n\n")
    rc, out = run.finish()
    checks.equal("Ctrl-C/n: exit status 130", rc, 130)
    if m:
        tid = int(m.group(1))
        checks.ok("Ctrl-C/n: the task id and the command that resumes following are printed",
                  ("ladon-call %s taskExample --follow %d" % (url, tid)) in run.text(),
                  repr(run.text()[-500:]))
        checks.ok("Ctrl-C/n: the task is still running", task_state(url, tid) in
                  ("running", "queued", "done"), str(task_state(url, tid)))
        rc, o, e = lc(url, "taskExample", "--follow", str(tid), timeout=120)
        checks.ok("Ctrl-C/n: the task runs to done and --follow gets its result",
                  rc == 0 and o == "result: 4\n", "%d %r %r" % (rc, o, e))
        checks.equal("Ctrl-C/n: its state is done", task_state(url, tid), "done")


# --- foreign servers ---------------------------------------------------------------------------

def plain_gsoap():
    proc = subprocess.Popen([PLAIN, "0", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        line = proc.stdout.readline().decode("utf-8", "replace")
        m = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not checks.ok("plain_gsoap is listening", m is not None, repr(line)):
            return
        ep = "http://127.0.0.1:%s/" % m.group(1)
        checks.ok("soapcpp2 wrote Calculator.wsdl", os.path.isfile(PLAIN_WSDL), PLAIN_WSDL)
        expect("plain gSOAP: list soapcpp2's WSDL", [PLAIN_WSDL], 0,
               out=["Calculator  http://localhost:80", "add(a: xsd:int, b: xsd:int)",
                    "inspect(record: Record)"])
        _, o, _ = expect("plain gSOAP: add", [PLAIN_WSDL, "--endpoint", ep, "add", "a=2", "b=3"], 0)
        checks.equal("plain gSOAP: add prints result: 5", o, "result: 5\n")
        text = "a <b> & é"
        _, o, _ = expect("plain gSOAP: echo", [PLAIN_WSDL, "--endpoint", ep, "echo", "text=" + text], 0)
        checks.equal("plain gSOAP: echo", o, "result: " + text + "\n")
        _, o, _ = expect("plain gSOAP: inspect", ["--json", PLAIN_WSDL, "--endpoint", ep,
                                                  "inspect"] + RECORD_WORDS, 0)
        checks.equal("plain gSOAP: inspect, every computed field", json.loads(o or "null"),
                     {"result": INSPECTION})
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def php_service():
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(["php", "-S", "127.0.0.1:%d" % port, "router.php"], cwd=PHP_DIR,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 15
        up = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                up = True
                break
            except OSError:
                time.sleep(0.1)
        if not checks.ok("php -S is listening", up, "port %d" % port):
            return
        root = "http://127.0.0.1:%d/" % port
        svc = root + "Weather"
        expect("PHP: list / (a relative <a href=\"/Weather?WSDL\">)", [root], 0,
               out=["Weather  " + svc, "Weather forecasts, served by PHP's SoapServer.",
                    "getForecast(city: xsd:string, days?: xsd:int, sky?: Sky)",
                    "sum(values: xsd:int[])"])
        expect("PHP: describe getForecast", [svc, "describe", "getForecast"], 0,
               out=["The forecast for a city", 'SOAPAction: "urn:example:weather#getForecast"',
                    "city: xsd:string  required  -- a city name, e.g. Paris",
                    "sky: Sky  optional, enum  -- the sky to predict", "# What the sky does.",
                    "= sunny  -- not a cloud", "= cloudy", "= rain",
                    "forecast: Forecast  required", "# One city's forecast.",
                    "high: xsd:double  required  -- highest temperature, degrees Celsius",
                    "warnings: xsd:string[]  array 0..unbounded"])
        _, o, e = expect("PHP: getForecast", ["-v", "--json", svc, "getForecast", "sky=rain",
                         "days=3", "city=Paris"], 0,
                         err=['<ns1:getForecast xmlns:ns1="urn:example:weather"><ns1:city>Paris'
                              '</ns1:city><ns1:days>3</ns1:days><ns1:sky>rain</ns1:sky>',
                              'SOAPAction: "urn:example:weather#getForecast"'])
        checks.equal("PHP: getForecast --json (qualified elements of two namespaces read back)",
                     json.loads(o or "null"),
                     {"forecast": {"city": "Paris", "days": 3, "sky": "rain", "high": 21.5,
                                   "low": -3.25, "windy": True,
                                   "warnings": ["wind", "ice & snow"]}})
        _, o, _ = expect("PHP: getForecast tree", [svc, "getForecast", "city=Oslo"], 0)
        checks.equal("PHP: getForecast tree output", o,
                     "forecast:\n  city: Oslo\n  days: 1\n  sky: cloudy\n  high: 21.5\n"
                     "  low: -3.25\n  windy: false\n  warnings:\n    - wind\n    - ice & snow\n")
        _, o, _ = expect("PHP: sum values=1,2,3 through /", ["--json", root, "sum", "values=1,2,3"], 0)
        checks.equal("PHP: sum", json.loads(o or "null"), {"total": 6, "count": 3})
        _, o, _ = expect("PHP: sum of nothing", ["--json", svc, "sum"], 0)
        checks.equal("PHP: sum of nothing", json.loads(o or "null"), {"total": 0, "count": 0})
        expect("PHP: a SoapFault", [svc, "getForecast", "city=Atlantis"], 1,
               err=["faultcode:", "faultstring: unknown city: Atlantis"])
        expect("PHP: bad enum value", [svc, "getForecast", "city=x", "sky=hail"], 2,
               err="'hail' is not one of sunny, cloudy, rain")
        expect("transport: a 200 response that is no SOAP (an HTML page)",
               ["--endpoint", root, svc, "sum"], 3, err="the response")
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
        checks.ok("PHP: the SOAPAction header reached the server",
                  'SOAPAction: "urn:example:weather#sum"' in text, text[-2000:])
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# --- HTTP Basic (--user) against ladon-examples --auth-file ----------------------------------

ALICE_PW = "s3cret-of-alice"


def basic_auth():
    with tempfile.TemporaryDirectory(prefix="ladon-call-auth-") as tmp:
        basic_auth_in(tmp)


def basic_auth_in(tmp):
    users = os.path.join(tmp, "users")
    subprocess.run(["htpasswd", "-c", "-B", "-b", users, "alice", ALICE_PW], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    srv = Server(EXAMPLES, args=["--data-dir", quiet_data_dir(tempfile.mkdtemp(dir=tmp)),
                                 "--auth-file", users, "--auth-required=all"],
                 services=("Calculator",))
    srv.start()
    try:
        calc = srv.url("Calculator")
        token = base64.b64encode(("alice:" + ALICE_PW).encode()).decode()
        expect("no --user: 401 is a transport error", [calc, "add", "a=2", "b=3"], 3,
               err="HTTP 401: the server needs a user name and password (--user)")
        expect("a wrong password", ["-u", "alice:wrong", calc, "add", "a=2", "b=3"], 3,
               err="HTTP 401: the server refused the user name or password")
        expect("USER:PASSWORD", ["-u", "alice:" + ALICE_PW, calc, "add", "a=2", "b=3"], 0,
               out="result: 5")
        rc, o, e = lc("-v", "-u", "alice:" + ALICE_PW, calc, "add", "a=2", "b=3")
        checks.ok("-v: the Authorization line is hidden, no password or token on stderr",
                  rc == 0 and "> Authorization: (hidden)" in e and ALICE_PW not in e
                  and token not in e, e[-2000:])
        # the password from the environment
        p = subprocess.run([LC, "-u", "alice", calc, "add", "a=2", "b=3"],
                           env=dict(os.environ, LADON_CALL_PASSWORD=ALICE_PW),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                           start_new_session=True)
        checks.ok("$LADON_CALL_PASSWORD", p.returncode == 0 and p.stdout.strip() == b"result: 5",
                  repr((p.returncode, p.stdout, p.stderr)))
        # no password, no variable, no terminal: a usage error, nothing sent
        env = {k: v for k, v in os.environ.items() if k != "LADON_CALL_PASSWORD"}
        p = subprocess.run([LC, "-u", "alice", calc, "add", "a=2", "b=3"], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                           start_new_session=True)
        checks.ok("--user without a password and without a terminal: exit status 2",
                  p.returncode == 2 and b"needs a password" in p.stderr,
                  repr((p.returncode, p.stderr)))
        # asked on the terminal, not echoed
        run = PtyRun(["-u", "alice", calc, "add", "a=2", "b=3"])
        asked = run.wait_for(r"password for alice: ", timeout=20)
        if asked:
            run.write((ALICE_PW + "\n").encode())
        rc, out = run.finish()
        checks.ok("the password is asked on the terminal and not echoed",
                  asked is not None and rc == 0 and out.strip() == "result: 5"
                  and ALICE_PW not in run.text(), repr((rc, out, run.text())))
        # a password on the command line is blanked out of /proc/PID/cmdline
        port, close = never_answering_server()
        try:
            pr = subprocess.Popen([LC, "-t", "5", "-u", "alice:" + ALICE_PW,
                                   "http://127.0.0.1:%d/" % port], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            with open("/proc/%d/cmdline" % pr.pid, "rb") as f:
                cmdline = f.read()
            pr.kill()
            pr.wait()
        finally:
            close()
        checks.ok("the password on the command line is blanked out of it",
                  b"alice" in cmdline and ALICE_PW.encode() not in cmdline, repr(cmdline))
        wsdl_elsewhere(calc)
    finally:
        checks.server_stopped(srv)


def wsdl_elsewhere(calc):
    """--user goes to the URL given and --endpoint only, never to a host a WSDL names: a WSDL
    served by one server (the URL given) whose soap:address is another one."""
    req = urllib.request.Request(calc + "?wsdl", headers={"Authorization": "Basic " +
                                 base64.b64encode(("alice:" + ALICE_PW).encode()).decode()})
    wsdl = urllib.request.urlopen(req, timeout=30).read()
    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body, ctype):
            seen.setdefault(self.server.server_port, []).append(
                self.headers.get("Authorization"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="x"')
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.answer(200, self.server.wsdl, "text/xml")

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.answer(401, b"no\n", "text/plain")

    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(2)]
    other = servers[1].server_port
    servers[0].wsdl = re.sub(rb'location="[^"]*"', b'location="http://127.0.0.1:%d/Calculator"'
                             % other, wsdl)
    servers[1].wsdl = b""
    threads = [threading.Thread(target=x.serve_forever, daemon=True) for x in servers]
    for t in threads:
        t.start()
    try:
        given = "http://127.0.0.1:%d/Calculator?wsdl" % servers[0].server_port
        expect("a WSDL naming another host: the call goes there without credentials",
               ["-u", "alice:" + ALICE_PW, given, "add", "a=2", "b=3"], 3,
               err="--user goes only to the URL given and --endpoint")
    finally:
        for x in servers:
            x.shutdown()
            x.server_close()
    checks.ok("the server of the URL given got the credentials",
              seen.get(servers[0].server_port, [None])[0] is not None, repr(seen))
    checks.equal("the host the WSDL names got none", seen.get(other), [None])
    # --endpoint is the user's own choice: the credentials go there
    path = os.path.join(tempfile.mkdtemp(), "Calculator.wsdl")
    with open(path, "wb") as f:
        f.write(servers[0].wsdl)
    expect("a WSDL file with --endpoint: the credentials go to the endpoint",
           ["-u", "alice:" + ALICE_PW, path, "--endpoint", calc, "add", "a=2", "b=3"], 0,
           out="result: 5")
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def main():
    datadir = quiet_data_dir(tempfile.mkdtemp(prefix="ladon-call-"))
    env = dict(os.environ, LADON_EXAMPLE_STEP_MS="50")
    slow_env = dict(os.environ, LADON_EXAMPLE_STEP_MS="200")
    services = ("Calculator", "TaskService", "InstanceService")
    srv = Server(EXAMPLES, args=["--data-dir", datadir], env=env, services=services)
    slow = Server(EXAMPLES, args=["--data-dir", datadir], env=slow_env, services=services)
    try:
        srv.start()
        slow.start()
    except ServerError as e:
        print("FAIL: %s" % e)
        srv.stop()
        shutil.rmtree(datadir, ignore_errors=True)
        sys.exit(1)
    try:
        checks.run("calculator", lambda: calculator(srv))
        checks.run("exit statuses", lambda: exit_statuses(srv))
        checks.run("tasks", lambda: tasks(srv))
        checks.run("Ctrl-C", lambda: ctrl_c(slow))
        checks.run("plain gSOAP", plain_gsoap)
        checks.run("PHP SoapServer", php_service)
        checks.run("HTTP Basic", basic_auth)
    finally:
        checks.server_stopped(srv)
        checks.server_stopped(slow)
        shutil.rmtree(datadir, ignore_errors=True)
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
