#!/usr/bin/python3
"""ladon-examples behind a real Apache httpd, configured exactly as docs/deploy-apache.md says.

usage: /usr/bin/python3 test_apache.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)

Needs Debian's apache2 (/usr/sbin/apache2, modules in /usr/lib/apache2/modules), memcached and
python3-zeep; a missing one fails the test.  Nothing under /etc/apache2 is read or changed, and
no apache2ctl or systemctl is used: Apache runs as `/usr/sbin/apache2 -f CONF -DFOREGROUND` with
its own ServerRoot, PidFile, logs and mutex folder in a temporary folder, on a free port of
127.0.0.1, and is stopped with SIGTERM sent to its PID.

From docs/deploy-apache.md (the blocks between the `test_apache` markers) the test takes:
  - `modules`: the a2enmod line; each module is loaded with LoadModule from
    /usr/lib/apache2/modules (plus mpm_event, authz_core, alias and reqtimeout, which Debian
    enables by default), into the global part tests/integration/apache/apache2.conf.in;
  - `site-single` and `site-balancer`: the virtual hosts, included unchanged except for the
    ports (*:80 -> Apache's port, 127.0.0.1:8081/8082 -> the backends');
    ${APACHE_LOG_DIR} comes from the environment, as with Debian's envvars;
  - `systemd-unit`: the backends run with the ExecStart arguments of the unit (%i -> port 0,
    the memcached port and a temporary --data-dir substituted).

Checks, through Apache only (python3-zeep and raw HTTP):
  1. one backend (site-single): the WSDL's soap:address is http://127.0.0.1:APORT/soap/Calculator,
     zeep calls Calculator.add through it;
  2. two backends sharing a real memcached (site-balancer): the three WSDLs name Apache's URL
     (also when the client sends its own X-Forwarded-Host/-Proto/-Prefix), zeep calls
     Calculator.add, runs TaskService.taskExample (LADON_EXAMPLE_STEP_MS=20) to its result while
     the polls are spread over both backends (both backends' logs show taskExample_progress
     requests, logged with the client address 127.0.0.1 from X-Forwarded-For), a client's
     X-Forwarded-For is honoured in the log the documented way (right-most untrusted address),
     an unknown task id answers HTTP 500 with the very SOAP Fault body the backend sent, and a
     body over LimitRequestBody is refused by Apache (413);
  3. a backend whose --trusted-proxy does not include the client (127.0.0.1) ignores forged
     X-Forwarded-* headers sent to it directly: WSDL address and log use the real peer.
"""

import http.client
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, server_binary  # noqa: E402
from store_helpers import StoreServer, can_connect, free_port, stop_pid  # noqa: E402

try:
    import zeep  # noqa: F401
    from task_helpers import UNKNOWN_ID, client, expect_fault, task_id_of  # noqa: E402
except ImportError:
    print("FAIL: python3-zeep is not installed")
    sys.exit(1)

DOC = os.path.join(HERE, "..", "..", "docs", "deploy-apache.md")
GLOBAL_CONF = os.path.join(HERE, "apache", "apache2.conf.in")
APACHE = "/usr/sbin/apache2"
MODULE_DIR = "/usr/lib/apache2/modules"
MEMCACHED = "/usr/bin/memcached"
DEBIAN_DEFAULT_MODULES = ["mpm_event", "authz_core", "alias", "reqtimeout"]
DOC_BACKENDS = ("127.0.0.1:8081", "127.0.0.1:8082")   # as the site blocks write them
DOC_MEMCACHED = "memcached://127.0.0.1:11211"          # as the unit writes it
DOC_DATA_DIR = "/var/lib/ladon-examples"
STEP_MS = 20                  # taskExample: 60 steps of 20 ms
TASK_TIMEOUT = 60.0           # seconds for that 1.2 s task, generous for ASan builds
START_TIMEOUT = 20.0
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
SERVICES = ("Calculator", "TaskService", "InstanceService")


# ---- the documentation ---------------------------------------------------------------------

def doc_block(text, name):
    """The code of the fenced block between <!-- BEGIN test_apache: NAME --> and its END."""
    m = re.search(r"<!-- BEGIN test_apache: %s -->\s*```[a-z]*\n(.*?)```\s*"
                  r"<!-- END test_apache: %s -->" % (re.escape(name), re.escape(name)),
                  text, re.S)
    if m is None:
        raise ValueError("docs/deploy-apache.md has no block %r between test_apache markers"
                         % name)
    return m.group(1)


def doc_modules(text):
    """The module names of the a2enmod line of the `modules` block."""
    for line in doc_block(text, "modules").splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "a2enmod":
            return words[1:]
    raise ValueError("the modules block has no a2enmod line")


def doc_backend_args(text):
    """The arguments of the unit's ExecStart (after the binary), unsubstituted."""
    for line in doc_block(text, "systemd-unit").splitlines():
        if line.startswith("ExecStart="):
            words = shlex.split(line[len("ExecStart="):])
            return words[1:]
    raise ValueError("the systemd-unit block has no ExecStart line")


def replace_exactly(text, old, new, what):
    if old not in text:
        raise ValueError("%s: %r not found (has docs/deploy-apache.md changed?)" % (what, old))
    return text.replace(old, new)


# ---- processes ------------------------------------------------------------------------------

class Apache:
    """Debian's apache2 in the foreground with its own configuration folder."""

    def __init__(self, root, site, modules):
        self.root = root
        self.site = site              # the doc's block, backends already substituted
        self.modules = modules
        self.proc = None
        self.port = None

    def _write(self):
        for d in ("conf", "logs", "run", "lock"):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        loads = []
        for name in DEBIAN_DEFAULT_MODULES + [m for m in self.modules
                                              if m not in DEBIAN_DEFAULT_MODULES]:
            so = os.path.join(MODULE_DIR, "mod_%s.so" % name)
            if not os.path.isfile(so):
                raise RuntimeError("Apache module %s is missing (%s)" % (name, so))
            loads.append("LoadModule %s_module %s" % (name, so))
        user = ""
        if os.geteuid() == 0:          # root: the children run as an unprivileged user
            user = "User nobody\nGroup nogroup"
            for d in ("", "conf", "logs", "run", "lock"):
                os.chmod(os.path.join(self.root, d), 0o755)
        with open(GLOBAL_CONF) as f:
            conf = f.read()
        for k, v in (("@ROOT@", self.root), ("@PORT@", str(self.port)),
                     ("@USER_GROUP@", user), ("@LOAD_MODULES@", "\n".join(loads))):
            conf = conf.replace(k, v)
        site = replace_exactly(self.site, "<VirtualHost *:80>",
                               "<VirtualHost *:%d>" % self.port, "site block")
        self.conf = os.path.join(self.root, "conf", "apache2.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        with open(os.path.join(self.root, "conf", "site.conf"), "w") as f:
            f.write(site)

    def error_log(self):
        try:
            with open(os.path.join(self.root, "logs", "error.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def start(self):
        env = dict(os.environ, APACHE_LOG_DIR=os.path.join(self.root, "logs"), LANG="C")
        for _ in range(5):
            self.port = free_port()
            self._write()
            self.proc = subprocess.Popen([APACHE, "-f", self.conf, "-DFOREGROUND"],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, env=env, close_fds=True)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and self.proc.poll() is None:
                if "resuming normal operations" in self.error_log() and can_connect(self.port):
                    return self
                time.sleep(0.05)
            status = stop_pid(self.proc)
            out = self.proc.stdout.read().decode("utf-8", "replace")
            if "Address already in use" not in out + self.error_log():
                raise RuntimeError("apache2 did not start (status %r):\n%s\n%s"
                                   % (status, out, self.error_log()))
        raise RuntimeError("apache2 found no free port")

    def stop(self):
        if self.proc is None:
            return None
        status = stop_pid(self.proc)
        self.proc.stdout.close()
        return status

    def url(self, path=""):
        return "http://127.0.0.1:%d/soap/%s" % (self.port, path)


def backend_args(doc_args, mc_port, data_dir, trusted=None):
    """The unit's ExecStart arguments for a test backend."""
    args = []
    for a in doc_args:
        a = a.replace("127.0.0.1:%i", "127.0.0.1:0")
        if a == DOC_MEMCACHED and mc_port is not None:
            a = "memcached://127.0.0.1:%d" % mc_port
        elif a == DOC_DATA_DIR:
            a = data_dir
        args.append(a)
    if "%i" in " ".join(args):
        raise ValueError("unit ExecStart: unexpected %%i in %r" % doc_args)
    if trusted is not None:
        args[args.index("--trusted-proxy") + 1] = trusted
    if mc_port is None:                          # no memcached store: memory:
        args[args.index("--store") + 1] = "memory:"
    return args


def start_backend(binary, args, step_ms=STEP_MS):
    env = dict(os.environ, LADON_EXAMPLE_STEP_MS=str(step_ms), LADON_LOG_LEVEL="info")
    return Server(binary, args=args, env=env, services=SERVICES).start()


def store_error(binary, args):
    """None when ladon-examples starts with these arguments, else what it said."""
    try:
        srv = Server(binary, args=args, services=SERVICES, ready_timeout=START_TIMEOUT).start()
    except ServerError as e:
        return str(e)
    srv.stop()
    return None


# ---- HTTP -----------------------------------------------------------------------------------

def request(port, method, path, body=None, headers=None):
    """(status, headers dict (lower-case names), body bytes) of one request on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def soap_address(wsdl_bytes):
    root = ET.fromstring(wsdl_bytes)
    found = [a.get("location") for a in root.iter("{%s}address" % WSDL_SOAP_NS)]
    return found[0] if len(found) == 1 else found


def envelope(body_xml):
    return ('<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="%s"><e:Body>%s'
            '</e:Body></e:Envelope>' % (SOAP_ENV, body_xml)).encode()


ADD = envelope('<c:add xmlns:c="urn:ladon:examples:calculator"><a>20</a><b>22</b></c:add>')
SOAP_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}


def result_request(task_id):
    return envelope('<t:taskExample_result xmlns:t="urn:ladon:examples:tasks">'
                    '<task_id>%d</task_id></t:taskExample_result>' % task_id)


def log_lines(server, pattern):
    return [line for line in server.output().splitlines() if re.search(pattern, line)]


def wait_log(server, pattern, timeout=5.0, count=1):
    """The server logs a request after answering it: wait a moment for COUNT lines."""
    deadline = time.monotonic() + timeout
    while True:
        found = log_lines(server, pattern)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


# ---- the checks -----------------------------------------------------------------------------

def check_wsdls(checks, apache, label, services=SERVICES):
    for svc in services:
        status, _, body = request(apache.port, "GET", "/soap/%s?wsdl" % svc)
        checks.equal("%s: GET /soap/%s?wsdl through Apache: HTTP status" % (label, svc),
                     status, 200)
        if status == 200:
            checks.equal("%s: %s soap:address is Apache's URL with the /soap/ prefix"
                         % (label, svc), soap_address(body), apache.url(svc))


def check_browser_pages(checks, apache, label):
    """The service browser under the prefix (docs/browser.md): the home page links each service's
    page and WSDL with Apache's URL, and a service page links home relatively (its form posts to
    the page's own path, /soap/Calculator, whose POSTs check_zeep_add sends)."""
    status, headers, home = request(apache.port, "GET", "/soap/")
    checks.equal("%s: GET /soap/ (the browser's home) through Apache" % label, status, 200)
    for svc in SERVICES:
        checks.ok("%s: home links %s's page and WSDL under /soap/" % (label, svc),
                  ('class="service" href="%s"' % apache.url(svc)).encode() in home and
                  ('href="%s?wsdl"' % apache.url(svc)).encode() in home, home[-600:].decode("utf-8", "replace"))
    checks.ok("%s: the page's Content-Security-Policy passes through Apache" % label,
              "script-src 'sha256-" in headers.get("content-security-policy", ""), repr(headers))
    status, _, page = request(apache.port, "GET", "/soap/Calculator")
    checks.ok("%s: GET /soap/Calculator is its browser page, linking home relatively" % label,
              status == 200 and b'<nav><a href="./">All services</a>' in page and b'id="op-add"' in page)


def check_zeep_add(checks, apache, label):
    c = client(apache.url("Calculator") + "?wsdl")
    address = c.service._binding_options.get("address")
    checks.equal("%s: zeep calls the address of the WSDL (Apache)" % label, address,
                 apache.url("Calculator"))
    checks.equal("%s: Calculator.add(2, 3) through Apache" % label, c.service.add(2, 3), 5)
    checks.equal("%s: Calculator.add(-40, 2) through Apache" % label, c.service.add(-40, 2), -38)


def part_single(checks, binary, doc, modules, doc_args, mc_port, root):
    data = tempfile.mkdtemp(dir=root)
    backend = start_backend(binary, backend_args(doc_args, mc_port, data))
    apache = None
    try:
        site = replace_exactly(doc_block(doc, "site-single"), DOC_BACKENDS[0],
                               "127.0.0.1:%d" % backend.port, "site-single")
        apache = Apache(os.path.join(root, "apache-single"), site, modules).start()
        checks.ok("single: Apache started with the site-single block of the docs", True)
        checks.run("single: WSDLs", lambda: check_wsdls(checks, apache, "single"))
        checks.run("single: zeep", lambda: check_zeep_add(checks, apache, "single"))
        checks.run("single: browser pages", lambda: check_browser_pages(checks, apache, "single"))
        checks.run("single: forged X-Remote-User",
                   lambda: check_forged_user(checks, apache, backend.port, "single"))
        checks.ok("single: the backend logged the calls with the client's address",
                  len(wait_log(backend, r" info  127\.0\.0\.1 POST /Calculator add 200 ", count=2)) >= 2,
                  backend.output()[-2000:])
    finally:
        if apache is not None:
            checks.ok("single: Apache stops on SIGTERM to its PID", apache.stop() == 0)
        checks.server_stopped(backend)


def check_forged_user(checks, apache, backend_port, label):
    """A client's own X-Remote-User does not pass the documented site (RequestHeader unset
    ... early): a task started through Apache with X-Remote-User: alice is anonymous, so an
    anonymous poll sent to the backend directly sees it (were it alice's, the poll would be
    answered as an unknown id)."""
    start = envelope('<t:taskExample xmlns:t="urn:ladon:examples:tasks"><session_id>forged'
                     '</session_id><counter>1</counter></t:taskExample>')
    status, _, body = request(apache.port, "POST", "/soap/TaskService", start,
                              dict(SOAP_HEADERS, **{"X-Remote-User": "alice"}))
    m = re.search(rb"<task_id>(\d+)</task_id>", body)
    checks.ok("%s: a start with a forged X-Remote-User through Apache answers a task id"
              % label, status == 200 and m is not None, body[:500])
    if m is None:
        return
    poll = envelope('<t:taskExample_progress xmlns:t="urn:ladon:examples:tasks"><task_id>%s'
                    '</task_id></t:taskExample_progress>' % m.group(1).decode())
    p_status, _, p_body = request(backend_port, "POST", "/TaskService", poll, SOAP_HEADERS)
    checks.ok("%s: the task is not alice's: an anonymous poll at the backend sees it" % label,
              p_status == 200 and b"<progress>" in p_body, p_body[:500])


def check_forged_through_apache(checks, apache):
    """A client's own X-Forwarded-* do not change the address: Apache replaces -Proto and
    -Prefix (RequestHeader set) and appends its -Host after the client's, and the backend
    believes the value its trusted proxy wrote."""
    status, _, body = request(apache.port, "GET", "/soap/Calculator?wsdl", headers={
        "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
        "X-Forwarded-Prefix": "/evil"})
    checks.equal("balancer: forged X-Forwarded-* through Apache: HTTP status", status, 200)
    if status == 200:
        checks.equal("balancer: forged X-Forwarded-* through Apache are not believed",
                     soap_address(body), apache.url("Calculator"))


def check_task(checks, apache, backends):
    c = client(apache.url("TaskService") + "?wsdl")
    svc = c.service
    checks.equal("balancer: TaskService address is Apache's",
                  c.service._binding_options.get("address"), apache.url("TaskService"))
    before = [len(log_lines(b, r"POST /TaskService taskExample_progress ")) for b in backends]
    task_id = task_id_of(svc.taskExample(session_id="apache", counter=4242))
    polls, last = 0, None
    deadline = time.monotonic() + TASK_TIMEOUT
    while time.monotonic() < deadline:
        last = svc.taskExample_progress(task_id=task_id)
        polls += 1
        if last.progress >= 1.0:
            break
        time.sleep(0.02)
    checks.ok("balancer: task %d reached progress 1.0 (%d polls through Apache)"
              % (task_id, polls), last is not None and last.progress >= 1.0, repr(last))
    checks.equal("balancer: taskExample_result through Apache", svc.taskExample_result(
        task_id=task_id), 4242)
    checks.equal("balancer: taskExample_result again", svc.taskExample_result(
        task_id=task_id), 4242)
    for i, b in enumerate(backends):
        pat = r" info  127\.0\.0\.1 POST /TaskService taskExample_progress 200 "
        found = wait_log(b, pat, count=before[i] + 1)
        n = len(found) - before[i]
        checks.ok("balancer: backend %d served some of the polls (%d of %d), logged with the "
                  "client address 127.0.0.1" % (i + 1, n, polls), n >= 1,
                  b.output()[-3000:])
    for i, b in enumerate(backends):
        other = [line for line in log_lines(b, r"POST /TaskService ")
                 if not re.search(r" info  127\.0\.0\.1 POST ", line)]
        checks.equal("balancer: backend %d logs no other client address for the task calls"
                     % (i + 1), other, [])
    return task_id


def check_xff_log(checks, apache, backends):
    """A client's X-Forwarded-For, and Apache's address for the client appended to it: the
    backend logs the right-most address that is not a trusted proxy.  The test's client is
    127.0.0.1, itself in the backends' trusted list (docs: every local process is), so the
    client's own entry is believed too and 203.0.113.7 is logged."""
    status, _, body = request(apache.port, "POST", "/soap/Calculator", ADD,
                           dict(SOAP_HEADERS, **{"X-Forwarded-For": "203.0.113.7"}))
    checks.equal("balancer: add with X-Forwarded-For through Apache: HTTP status", status, 200)
    checks.ok("balancer: add through Apache answers 42", b"<result>42</result>" in body,
              body[:500])
    found = []
    deadline = time.monotonic() + 5
    while not found and time.monotonic() < deadline:
        found = [line for b in backends
                 for line in log_lines(b, r" info  203\.0\.113\.7 POST /Calculator add 200 ")]
        time.sleep(0.05)
    checks.equal("balancer: the backend logs the client address from X-Forwarded-For",
                 len(found), 1)


def check_fault(checks, apache, backends, avoid_id):
    """An unknown task id: HTTP 500 with the SOAP Fault, body byte for byte as the backend's."""
    bogus = 7 if avoid_id != 7 else 8
    req = result_request(bogus)
    status, hdrs, body = request(apache.port, "POST", "/soap/TaskService", req, SOAP_HEADERS)
    checks.equal("balancer: unknown task id through Apache: HTTP 500", status, 500)
    checks.ok("balancer: fault Content-Type is text/xml", hdrs.get("content-type", "")
              .startswith("text/xml"), repr(hdrs.get("content-type")))
    try:
        root = ET.fromstring(body)
        fault = root.find("{%s}Body/{%s}Fault" % (SOAP_ENV, SOAP_ENV))
        code = fault.findtext("faultcode") if fault is not None else None
        text = fault.findtext("faultstring") if fault is not None else None
    except ET.ParseError as e:
        code = text = "unparsable: %s" % e
    checks.ok("balancer: fault through Apache: faultcode Client", (code or "").endswith(
        ":Client"), repr(code))
    checks.equal("balancer: fault through Apache: faultstring", text, UNKNOWN_ID % bogus)
    d_status, _, d_body = request(backends[0].port, "POST", "/TaskService", req, SOAP_HEADERS)
    checks.equal("balancer: the same request sent to a backend directly: HTTP 500", d_status, 500)
    checks.ok("balancer: the fault body through Apache is the backend's, byte for byte",
              body == d_body, "through Apache %r\ndirect %r" % (body[:600], d_body[:600]))
    c = client(apache.url("TaskService") + "?wsdl")
    expect_fault(checks, "balancer: zeep, unknown task id through Apache",
                 c.service.taskExample_progress, "Client", UNKNOWN_ID % bogus, task_id=bogus)


def check_limit(checks, apache):
    big = envelope('<c:echo xmlns:c="urn:ladon:examples:calculator"><text>%s</text></c:echo>'
                   % ("x" * (1024 * 1024 + 10)))
    try:
        status, _, _ = request(apache.port, "POST", "/soap/Calculator", big, SOAP_HEADERS)
    except (ConnectionError, http.client.HTTPException) as e:
        status = "connection error: %s" % e
    checks.equal("balancer: a body over LimitRequestBody is refused by Apache: 413", status, 413)


def part_balancer(checks, binary, doc, modules, doc_args, mc_port, root):
    backends, apache = [], None
    try:
        data = tempfile.mkdtemp(dir=root)       # shared, as in the unit (StateDirectory)
        for _ in range(2):
            backends.append(start_backend(binary, backend_args(doc_args, mc_port, data)))
        site = doc_block(doc, "site-balancer")
        for doc_addr, b in zip(DOC_BACKENDS, backends):
            site = replace_exactly(site, doc_addr, "127.0.0.1:%d" % b.port, "site-balancer")
        apache = Apache(os.path.join(root, "apache-balancer"), site, modules).start()
        checks.ok("balancer: Apache started with the site-balancer block of the docs", True)
        checks.run("balancer: WSDLs", lambda: check_wsdls(checks, apache, "balancer"))
        checks.run("balancer: forged headers", lambda: check_forged_through_apache(checks, apache))
        checks.run("balancer: forged X-Remote-User",
                   lambda: check_forged_user(checks, apache, backends[0].port, "balancer"))
        checks.run("balancer: zeep add", lambda: check_zeep_add(checks, apache, "balancer"))
        if mc_port is None:
            checks.ok("balancer: taskExample polled over both backends needs the memcached "
                      "store", False, "ladon-examples has no memcached store")
            task_id = None
        else:
            task_id = checks.run("balancer: taskExample",
                                 lambda: check_task(checks, apache, backends))
        checks.run("balancer: X-Forwarded-For", lambda: check_xff_log(checks, apache, backends))
        checks.run("balancer: fault", lambda: check_fault(checks, apache, backends, task_id))
        checks.run("balancer: LimitRequestBody", lambda: check_limit(checks, apache))
    finally:
        if apache is not None:
            status = apache.stop()
            if not checks.ok("balancer: Apache stops on SIGTERM to its PID", status == 0,
                             "exit status %r" % (status,)):
                print(apache.error_log())
        for b in backends:
            checks.server_stopped(b)


def part_untrusted(checks, binary, doc_args, root):
    """Direct to a backend whose trusted proxy is not the client: forwarded headers ignored."""
    data = tempfile.mkdtemp(dir=root)
    b = start_backend(binary, backend_args(doc_args, None, data, trusted="192.0.2.1"))
    try:
        status, _, body = request(b.port, "GET", "/Calculator?wsdl", headers={
            "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
            "X-Forwarded-Prefix": "/evil", "X-Forwarded-For": "203.0.113.9"})
        checks.equal("untrusted: forged headers sent directly: HTTP status", status, 200)
        checks.equal("untrusted: soap:address from the Host header, forwarded headers ignored",
                     soap_address(body) if status == 200 else None,
                     "http://127.0.0.1:%d/Calculator" % b.port)
        found = wait_log(b, r" info  127\.0\.0\.1 GET /Calculator - 200 ")
        checks.equal("untrusted: the log names the peer, not X-Forwarded-For", len(found), 1)
        checks.equal("untrusted: 203.0.113.9 is not logged", log_lines(b, r"203\.0\.113\.9"), [])
    finally:
        checks.server_stopped(b)


def main():
    binary = server_binary()
    checks = Checks("apache")
    for path, what in ((APACHE, "Debian's apache2 (/usr/sbin/apache2)"),
                       (MEMCACHED, "memcached"), (GLOBAL_CONF, "apache/apache2.conf.in"),
                       (DOC, "docs/deploy-apache.md")):
        if not os.path.exists(path):
            print("FAIL: %s is missing (%s)" % (what, path))
            sys.exit(1)
    with open(DOC) as f:
        doc = f.read()
    try:
        modules = doc_modules(doc)
        doc_args = doc_backend_args(doc)
        doc_block(doc, "site-single")
        doc_block(doc, "site-balancer")
    except ValueError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
    checks.ok("docs: a2enmod names %s" % " ".join(modules), all(
        m in modules for m in ("proxy", "proxy_http", "proxy_balancer", "lbmethod_byrequests",
                               "headers", "slotmem_shm")))
    checks.ok("docs: the unit runs --store %s --trusted-proxy 127.0.0.1" % DOC_MEMCACHED,
              DOC_MEMCACHED in doc_args and "--trusted-proxy" in doc_args, repr(doc_args))

    root = tempfile.mkdtemp(prefix="ladon-apache-")
    if os.geteuid() == 0:
        os.chmod(root, 0o755)         # Apache's children run as nobody and look inside
    mc = None
    try:
        mc = StoreServer("memcached").start()
        checks.ok("memcached started on 127.0.0.1:%d" % mc.port, True)
        err = store_error(binary, backend_args(doc_args, mc.port, tempfile.mkdtemp(dir=root)))
        mc_port = mc.port
        if err is not None:
            checks.ok("ladon-examples accepts --store memcached://127.0.0.1:%d" % mc.port, False,
                      err[-800:])
            mc_port = None            # go on with memory: to check what does not need it
        checks.run("one backend", lambda: part_single(checks, binary, doc, modules, doc_args,
                                                      mc_port, root))
        checks.run("balancer", lambda: part_balancer(checks, binary, doc, modules, doc_args,
                                                     mc_port, root))
        checks.run("untrusted", lambda: part_untrusted(checks, binary, doc_args, root))
    finally:
        if mc is not None:
            checks.ok("memcached stops on SIGTERM to its PID", mc.stop() == 0)
            mc.close()
        if os.environ.get("KEEP_TMP"):
            print("kept %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
