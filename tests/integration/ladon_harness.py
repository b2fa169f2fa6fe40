"""Start and stop the example server for the integration tests; record checks.

Every Python integration test does:

    from ladon_harness import Checks, example_server
    checks = Checks("zeep calculator")
    with example_server() as srv:          # binary from argv[1] or $LADON_EXAMPLES
        url = srv.wsdl_url("Calculator")   # http://127.0.0.1:PORT/Calculator?wsdl
        checks.equal("add(2,3)", client.add(2, 3), 5)
    sys.exit(checks.finish())

The server is started as `BIN --listen 127.0.0.1:0 [extra args]`. It prints one line per service
when ready (`Calculator: http://127.0.0.1:PORT/Calculator?wsdl`); the harness reads them with a
timeout, keeps draining both output streams (so the server never blocks on a full pipe), and on
exit stops the server with SIGTERM sent to its PID, waits for it, and fails the test unless it
exited with status 0. Nothing is ever killed by name.

Exit codes: 0 pass, 1 fail, a missing binary or client tool fails the test (exit 1): a skip is never counted as a pass.
Run with /usr/bin/python3.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

MISSING = 1  # a missing tool or binary is a failure, never a skip
READY_TIMEOUT = float(os.environ.get("LADON_READY_TIMEOUT", "30"))
STOP_TIMEOUT = float(os.environ.get("LADON_STOP_TIMEOUT", "30"))

_READY_LINE = re.compile(r"^\s*(?P<service>[A-Za-z_][A-Za-z0-9_]*):\s+"
                         r"(?P<url>https?://[^\s/]+(?::\d+)?/\S*?)\?wsdl\s*$")


def server_binary(argv=None):
    """The server binary: argv[1], else $LADON_EXAMPLES. Exits 1 (fail) when neither is usable."""
    argv = sys.argv if argv is None else argv
    path = argv[1] if len(argv) > 1 and argv[1] else os.environ.get("LADON_EXAMPLES", "")
    if not path:
        print("FAIL: no server binary (pass it as argv[1] or set LADON_EXAMPLES)")
        sys.exit(MISSING)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        print("FAIL: server binary %r does not exist or is not executable" % path)
        sys.exit(1)
    return os.path.abspath(path)


class ServerError(Exception):
    pass


class Server:
    """A running example server. Use as a context manager (or call start() and stop())."""

    def __init__(self, binary, args=(), env=None, services=("Calculator",),
                 ready_timeout=READY_TIMEOUT, stop_timeout=STOP_TIMEOUT):
        self.binary = binary
        self.args = list(args)
        self.env = dict(os.environ if env is None else env)
        self.services = tuple(services)
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.proc = None
        self.urls = {}          # service name -> base URL (without ?wsdl)
        self.port = None
        self.exit_status = None
        self._lines = []        # all output lines, for diagnostics: (stream, text)
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._threads = []

    # -- output handling ------------------------------------------------------------------
    def _reader(self, stream, name):
        for raw in iter(stream.readline, b""):
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self._lock:
                self._lines.append((name, text))
                if name == "stdout":
                    m = _READY_LINE.match(text)
                    if m:
                        self.urls[m.group("service")] = m.group("url")
                self._ready.notify_all()
        stream.close()
        with self._lock:
            self._ready.notify_all()

    def output(self):
        with self._lock:
            return "\n".join("[%s] %s" % line for line in self._lines)

    def wait_output(self, text, count=1, timeout=10.0):
        """Waits until the server's output holds text count times (its lines are read by
        threads, and a server may log after it answers); returns whether it does."""
        deadline = time.monotonic() + timeout
        while self.output().count(text) < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    # -- lifecycle --------------------------------------------------------------------------
    def start(self):
        cmd = [self.binary, "--listen", "127.0.0.1:0"] + self.args
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=self.env, close_fds=True)
        for stream, name in ((self.proc.stdout, "stdout"), (self.proc.stderr, "stderr")):
            t = threading.Thread(target=self._reader, args=(stream, name), daemon=True)
            t.start()
            self._threads.append(t)
        deadline = time.monotonic() + self.ready_timeout
        with self._lock:
            while not all(s in self.urls for s in self.services):
                if self.proc.poll() is not None:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._ready.wait(min(left, 0.2))
            missing = [s for s in self.services if s not in self.urls]
        if missing:
            status = self.proc.poll()
            out = self.output()
            self._terminate_quietly()
            if status is not None:
                raise ServerError("server exited with status %s before announcing %s\n%s"
                                  % (status, ", ".join(missing), out))
            raise ServerError("server did not announce %s within %.0f s\n%s"
                              % (", ".join(missing), self.ready_timeout, out))
        ports = {int(re.match(r"https?://[^/]*:(\d+)/", u).group(1))
                 for u in self.urls.values() if re.match(r"https?://[^/]*:(\d+)/", u)}
        if len(ports) != 1:
            self._terminate_quietly()
            raise ServerError("cannot tell the port from the ready lines: %r" % self.urls)
        self.port = ports.pop()
        if self.port == 0:
            self._terminate_quietly()
            raise ServerError("server announced port 0 (it must print the bound port)")
        return self

    def stop(self):
        """SIGTERM by PID, wait, return the exit status (negative = killed by a signal)."""
        if self.proc is None or self.exit_status is not None:
            return self.exit_status
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                self.exit_status = "timeout"
                self._join()
                return self.exit_status
        self.exit_status = self.proc.returncode
        self._join()
        return self.exit_status

    def _terminate_quietly(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.exit_status = self.proc.returncode if self.proc is not None else None
        self._join()

    def _join(self):
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- URLs -------------------------------------------------------------------------------
    def url(self, service="Calculator"):
        """The endpoint of a service, http://127.0.0.1:PORT/Service, as the server announced."""
        return self.urls[service]

    def wsdl_url(self, service="Calculator"):
        return self.urls[service] + "?wsdl"


def rss_kb(pid):
    """VmRSS of a process, in kB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def linked_with_asan(pid):
    """Is the process an AddressSanitizer build (libasan mapped)?"""
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


def exchange(port, data, timeout=15, half_close=False):
    """Sends the bytes data on a new connection to 127.0.0.1:port (then half-closes it when
    half_close) and returns everything received until the server closes it (or resets)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered and closed early
        if half_close:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        chunks = []
        while True:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            chunks.append(d)
        return b"".join(chunks)
    finally:
        s.close()


def quiet_data_dir(path):
    """Makes PATH a data directory for InstanceService without instances: ladon-examples fills a
    data directory that has no entries at all with its demo instances (17 MiB), so leave one
    entry that is no instance."""
    with open(os.path.join(path, "README"), "w") as f:
        f.write("not an instance: keeps ladon-examples from creating its demo instances here\n")
    return path


def example_server(args=(), env=None, services=("Calculator",), argv=None):
    """A Server for the binary named on the command line (or $LADON_EXAMPLES)."""
    return Server(server_binary(argv), args=args, env=env, services=services)


class Checks:
    """Collects check results; finish() prints a summary and returns the exit code."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failures = []

    def ok(self, what, condition, detail=""):
        if condition:
            self.passed += 1
            print("ok   %s" % what)
        else:
            self.failures.append(what)
            print("FAIL %s%s" % (what, (": " + detail) if detail else ""))
        sys.stdout.flush()
        return bool(condition)

    def equal(self, what, got, expected):
        same = type(got) is type(expected) and got == expected
        if isinstance(expected, float) and isinstance(got, float):
            same = got == expected
        return self.ok(what, same, "got %r (%s), expected %r (%s)"
                       % (got, type(got).__name__, expected, type(expected).__name__))

    def run(self, what, fn):
        """Run fn(); an exception is a failure of WHAT (the test goes on)."""
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            self.ok(what, False, "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc()))
            return None

    def server_stopped(self, server):
        status = server.stop()
        if not self.ok("server exits with status 0 on SIGTERM", status == 0,
                       "exit status %r" % (status,)):
            print(server.output())

    def finish(self):
        total = self.passed + len(self.failures)
        if self.failures:
            print("%s: %d of %d checks FAILED:" % (self.name, len(self.failures), total))
            for f in self.failures:
                print("  - " + f)
            return 1
        print("%s: all %d checks passed" % (self.name, total))
        return 0


def main_wrapper(name, body, services=("Calculator",), args=(), env=None):
    """Common main(): start the server, run body(server, checks), stop it, exit."""
    checks = Checks(name)
    try:
        server = example_server(args=args, env=env, services=services)
        server.start()
    except ServerError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
    try:
        checks.run(name, lambda: body(server, checks))
    finally:
        checks.server_stopped(server)
    sys.exit(checks.finish())
