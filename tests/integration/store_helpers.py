"""A real memcached or redis for the integration tests: own process, 127.0.0.1, a free port.

    from store_helpers import StoreServer, free_port
    store = StoreServer("memcached").start()      # or "redis"
    url = store.url()                             # memcached://127.0.0.1:PORT, redis://127.0.0.1:PORT/0
    store.stop()                                  # SIGTERM to its PID, wait (SIGKILL after 20 s)
    store.stop(signal.SIGKILL)                    # a crash
    store.start()                                 # again, on the same port (empty: no persistence)

The server is started as

    memcached -l 127.0.0.1 -p PORT -U 0 -m 64 [-u nobody when root] [extra...]
    redis-server --port PORT --bind 127.0.0.1 --save '' --appendonly no --dir TMP [extra...]

and counts as ready when it answers its protocol (memcached: `version`, redis: `PING`) on the
port.  It is stopped by its PID only, never by name.  A missing binary raises MissingTool: the
tests turn that into a failure (a skip is never a pass).
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

MEMCACHED = "/usr/bin/memcached"
REDIS_SERVER = "/usr/bin/redis-server"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 20.0


class MissingTool(RuntimeError):
    pass


def free_port():
    """A port of 127.0.0.1 that nobody listened on a moment ago."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def can_connect(port, timeout=0.5):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=timeout).close()
        return True
    except OSError:
        return False


def answers(kind, port, timeout=0.5):
    """True when the server on port answers its protocol (not just accepts)."""
    ping, want = ((b"version\r\n", b"VERSION ") if kind == "memcached"
                  else (b"PING\r\n", b"+PONG"))
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(ping)
            got = b""
            while not got.endswith(b"\r\n"):
                chunk = s.recv(256)
                if not chunk:
                    break
                got += chunk
            return got.startswith(want)
    except OSError:
        return False


def stop_pid(proc, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
    """Sends sig to exactly this process and reaps it; SIGKILL after timeout.
    Returns its exit status (negative: killed by that signal), or "timeout"."""
    if proc.poll() is None:
        os.kill(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return "timeout"
    return proc.returncode


class StoreServer:
    """memcached or redis-server of our own on 127.0.0.1."""

    def __init__(self, kind, port=None, extra=()):
        if kind not in ("memcached", "redis"):
            raise ValueError("store kind %r (expected 'memcached' or 'redis')" % (kind,))
        self.kind = kind
        self.binary = MEMCACHED if kind == "memcached" else REDIS_SERVER
        self.port = port
        self.extra = list(extra)
        self.proc = None
        self._dir = None

    def _cmd(self):
        if self.kind == "memcached":
            cmd = [self.binary, "-l", "127.0.0.1", "-p", str(self.port), "-U", "0", "-m", "64"]
            if os.geteuid() == 0:
                cmd += ["-u", "nobody"]        # memcached refuses to run as root otherwise
        else:
            if self._dir is None:
                self._dir = tempfile.mkdtemp(prefix="ladon-redis-")
            cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", self._dir]
        return cmd + self.extra

    def start(self):
        """Starts it (on self.port if set - a restart - else on a free port) and waits until it
        answers.  Raises MissingTool or RuntimeError."""
        if not os.access(self.binary, os.X_OK):
            raise MissingTool("%s is not installed (Debian package %s)"
                              % (self.binary, "memcached" if self.kind == "memcached"
                                 else "redis-server"))
        fixed = self.port is not None
        for _ in range(1 if fixed else 5):
            if not fixed:
                self.port = free_port()
            self.proc = subprocess.Popen(self._cmd(), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         close_fds=True)
            end = time.monotonic() + START_TIMEOUT
            while time.monotonic() < end and self.proc.poll() is None:
                if answers(self.kind, self.port):
                    return self
                time.sleep(0.02)
            stop_pid(self.proc, signal.SIGKILL)   # port taken meanwhile, or it failed
            self.proc = None
        raise RuntimeError("%s did not start on 127.0.0.1:%s" % (self.kind, self.port))

    def stop(self, sig=signal.SIGTERM):
        """Sends sig to its PID and reaps it; returns the exit status (None if not running)."""
        if self.proc is None:
            return None
        status = stop_pid(self.proc, sig)
        self.proc = None
        return status

    def close(self):
        """Stops it (if running) and removes its folder."""
        self.stop()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def url(self):
        if self.kind == "memcached":
            return "memcached://127.0.0.1:%d" % self.port
        return "redis://127.0.0.1:%d/0" % self.port
