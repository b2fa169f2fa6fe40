#!/usr/bin/python3
"""The built-in HTTP Basic check (--auth-file, docs/security.md "Caller identity") with real
clients: an htpasswd file written by Debian's `htpasswd -B`; zeep (requests' HTTPBasicAuth) and
PHP SoapClient (login/password) with right and wrong passwords; missing credentials -> 401 with
WWW-Authenticate; --auth-required=all closes the WSDL too; SIGHUP adds a user, also with
--processes 2 (every process reloads); a bad file is a start-up error naming file and line,
not the line; and no password, Authorization value or htpasswd line in anything the server
printed.

The server is the runtime tests' rt-server (service Test; its whoami answers ladon_call_user()).

usage: /usr/bin/python3 test_auth_basic.py PATH/TO/rt-server
"""

import base64
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import MISSING, Checks, Server, ServerError, server_binary  # noqa: E402

try:
    import requests
    import zeep
    from zeep.transports import Transport
except ImportError as e:
    print("FAIL: zeep is not installed (python3-zeep): %s" % e)
    sys.exit(MISSING)

HTPASSWD = shutil.which("htpasswd")
PHP = os.environ.get("PHP") or shutil.which("php")
if not HTPASSWD or not PHP:
    print("FAIL: htpasswd (apache2-utils) or php (php-cli) is not installed")
    sys.exit(MISSING)

# distinctive, so that finding them in the log cannot be a coincidence
ALICE_PW = "Tr0ub4dor-and-3-horses"
BOB_PW = "c0rrect:battery staple"
WRONG_PW = "Wr0ng-guess-for-alice"


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def post(port, body, headers=()):
    """A raw POST to /Test: (status, headers dict (lower-case names), body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        h = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
        h.update(dict(headers))
        conn.request("POST", "/Test", body=body, headers=h)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def get(port, path, headers=()):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", path, headers=dict(headers))
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


WHOAMI = (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
          b'<t:whoami xmlns:t="urn:ladon:test"/></e:Body></e:Envelope>')


def zeep_client(wsdl, user=None, password=None):
    session = requests.Session()
    if user is not None:
        session.auth = requests.auth.HTTPBasicAuth(user, password)
    return zeep.Client(wsdl, transport=Transport(session=session, timeout=15,
                                                 operation_timeout=15))


def htpasswd(*args):
    subprocess.run([HTPASSWD] + list(args), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=30)


def wait_login(port, user, password, timeout=10):
    """Polls until user's login works (a reload is done by the next timeout scan)."""
    deadline = time.monotonic() + timeout
    while True:
        st, _, body = post(port, WHOAMI, [("Authorization", basic(user, password))])
        if st == 200 or time.monotonic() > deadline:
            return st, body
        time.sleep(0.1)


def check_secrets(checks, what, text, users_file):
    # the text is the server's whole log: debug lines, the refused requests' lines
    checks.ok("%s: the log holds the refused requests" % what, " 401 " in text, text[-2000:])
    secrets = {"password": [ALICE_PW, BOB_PW, WRONG_PW],
               "Authorization value": [basic("alice", ALICE_PW)[6:], basic("alice", WRONG_PW)[6:],
                                          basic("bob", BOB_PW)[6:]],
               "htpasswd hash": [line.split(":", 1)[1].strip()
                                    for line in open(users_file) if ":" in line]}
    for kind, values in sorted(secrets.items()):
        found = [v for v in values if v and v in text]
        checks.ok("%s: no %s in the server's output" % (what, kind), not found,
                  "found %r" % found)


def main():
    binary = server_binary()
    checks = Checks("auth basic")
    tmp = tempfile.mkdtemp(prefix="ladon-auth-basic-")
    users = os.path.join(tmp, "users")
    try:
        # Debian's htpasswd -B (bcrypt, $2y$), created with -c
        htpasswd("-c", "-B", "-b", users, "alice", ALICE_PW)
        checks.ok("htpasswd -B writes $2y$ entries", open(users).read().startswith("alice:$2y$"))

        srv = Server(binary, args=["--auth-file", users, "--auth-required", "--auth-realm",
                                   "Ladon tests", "--log-level", "debug"], services=("Test",))
        srv.start()
        try:
            checks.run("zeep and PHP", lambda: clients(checks, srv, users))
        finally:
            checks.server_stopped(srv)
        check_secrets(checks, "--auth-required", srv.output(), users)

        checks.run("--auth-required=all", lambda: required_all(checks, binary, users))
        checks.run("--processes 2 reload", lambda: processes(checks, binary, users))
        checks.run("bad files", lambda: bad_files(checks, binary, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(checks.finish())


def clients(checks, srv, users):
    wsdl = srv.wsdl_url("Test")
    port = srv.port
    # the WSDL needs no identity with --auth-required (=soap)
    st, _, _ = get(port, "/Test?wsdl")
    checks.equal("WSDL without credentials (--auth-required=soap)", st, 200)

    c = zeep_client(wsdl, "alice", ALICE_PW)
    checks.equal("zeep, right password: whoami", c.service.whoami(), "alice")
    checks.equal("zeep, right password: add", c.service.add(2, 3), 5)
    for what, user, pw in (("wrong password", "alice", WRONG_PW), ("unknown user", "nobody", ALICE_PW),
                           ("no credentials", None, None)):
        # the WSDL is fetched with right credentials (wrong ones are 401 for it too), then
        # the call is made with these
        c = zeep_client(wsdl, "alice", ALICE_PW)
        c.transport.session.auth = (requests.auth.HTTPBasicAuth(user, pw) if user is not None
                                    else None)
        try:
            got = c.service.whoami()
            checks.ok("zeep, %s: refused" % what, False, "answered %r" % got)
        except zeep.exceptions.TransportError as e:
            checks.equal("zeep, %s: HTTP status" % what, e.status_code, 401)

    # raw: the challenge, and that nothing is served
    for what, hdrs in (("no credentials", []),
                       ("wrong password", [("Authorization", basic("alice", WRONG_PW))])):
        st, h, body = post(port, WHOAMI, hdrs)
        checks.equal("%s: 401" % what, st, 401)
        checks.equal("%s: WWW-Authenticate" % what, h.get("www-authenticate"),
                     'Basic realm="Ladon tests"')
        checks.ok("%s: no SOAP answer" % what, b"whoamiResponse" not in body, repr(body))
    st, _, _ = post(port, WHOAMI, [("Authorization", "Basic !!notbase64")])
    checks.equal("malformed Basic credentials: 400", st, 400)
    st, _, _ = get(port, "/Test?wsdl", [("Authorization", basic("alice", WRONG_PW))])
    checks.equal("wrong credentials are 401 even where none are needed (the WSDL)", st, 401)
    # keep-alive: many requests on one connection, verified once (the cache)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    t0 = time.monotonic()
    ok = 0
    for _ in range(50):
        conn.request("POST", "/Test", body=WHOAMI,
                     headers={"Content-Type": "text/xml", "Authorization": basic("alice", ALICE_PW)})
        r = conn.getresponse()
        ok += r.status == 200 and b"<result>alice</result>" in r.read()
    conn.close()
    checks.equal("50 keep-alive calls with the same credentials", ok, 50)
    # the request log names the user of a call, and nobody for a refused one
    log = srv.output().splitlines()
    served = [ln for ln in log if "POST /Test whoami 200 " in ln]
    refused = [ln for ln in log if re.search(r"POST /Test - 40[01] ", ln)]
    checks.ok("the request log names the user: ... whoami 200 Nms user=alice",
              served and all(re.search(r" \d+ms user=alice$", ln) for ln in served),
              "\n".join(served[:3]))
    checks.ok("refused requests are logged without a user",
              refused and not any("user=" in ln for ln in refused), "\n".join(refused[:3]))
    print("     (50 calls in %.0f ms)" % ((time.monotonic() - t0) * 1000))

    wsdl_file = os.path.join(os.path.dirname(users), "Test.wsdl")
    with open(wsdl_file, "wb") as f:
        f.write(get(port, "/Test?wsdl")[2])
    proc = subprocess.run([PHP, "-d", "display_errors=stderr",
                           os.path.join(HERE, "test_auth_basic.php"), wsdl, wsdl_file, "alice",
                           ALICE_PW],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    sys.stdout.write(proc.stdout.decode("utf-8", "replace"))
    checks.ok("php SoapClient checks", proc.returncode == 0, "php exited %d" % proc.returncode)

    # SIGHUP: a user added by htpasswd -B becomes known
    st, _, _ = post(port, WHOAMI, [("Authorization", basic("bob", BOB_PW))])
    checks.equal("bob before the reload: 401", st, 401)
    htpasswd("-B", "-b", users, "bob", BOB_PW)
    os.kill(srv.proc.pid, signal.SIGHUP)
    st, body = wait_login(port, "bob", BOB_PW)
    checks.equal("bob after SIGHUP: 200", st, 200)
    checks.ok("bob after SIGHUP: whoami", b"<result>bob</result>" in body, repr(body))
    # (logged after the new users are in place: the line may follow bob's answer)
    checks.ok("the reload is logged", srv.wait_output("--auth-file reloaded: 2 user(s)"),
              srv.output()[-2000:])
    # a bad file on reload keeps the users
    good = open(users).read()
    with open(users, "a") as f:
        f.write("mallory:$apr1$a8CU1BSW$azo4cXq5/oS/ovmW06Sse/\n")
    os.kill(srv.proc.pid, signal.SIGHUP)
    checks.ok("a bad file on reload is logged",
              srv.wait_output("--auth-file not reloaded, the previous users stay: %s:3: not a "
                              "bcrypt entry" % users), srv.output()[-2000:])
    st, _ = wait_login(port, "bob", BOB_PW, timeout=0)
    checks.equal("after the bad reload bob still logs in", st, 200)
    with open(users, "w") as f:
        f.write(good)


def required_all(checks, binary, users):
    srv = Server(binary, args=["--auth-file", users, "--auth-required=all"], services=("Test",))
    srv.start()
    try:
        st, h, _ = get(srv.port, "/Test?wsdl")
        checks.equal("=all: the WSDL without credentials is 401", st, 401)
        checks.equal("=all: WWW-Authenticate", h.get("www-authenticate"), 'Basic realm="Ladon-C"')
        st, _, _ = get(srv.port, "/", [("Authorization", basic("alice", ALICE_PW))])
        checks.equal("=all: the browser page with credentials", st, 200)
        c = zeep_client(srv.wsdl_url("Test"), "alice", ALICE_PW)  # the WSDL fetched with auth
        checks.equal("=all: zeep fetches the WSDL and calls", c.service.whoami(), "alice")
    finally:
        checks.server_stopped(srv)
    check_secrets(checks, "=all", srv.output(), users)


def processes(checks, binary, users):
    with open(users, "w"):
        pass
    htpasswd("-B", "-b", users, "alice", ALICE_PW)
    srv = Server(binary, args=["--auth-file", users, "--auth-required", "--processes", "2"],
                 services=("Test",))
    srv.start()
    try:
        htpasswd("-B", "-b", users, "bob", BOB_PW)
        os.kill(srv.proc.pid, signal.SIGHUP)  # the supervisor passes it on
        srv.wait_output("--auth-file reloaded", count=2)
        checks.equal("--processes 2: both worker processes reloaded",
                     srv.output().count("--auth-file reloaded: 2 user(s)"), 2)
        codes = [post(srv.port, WHOAMI, [("Authorization", basic("bob", BOB_PW))])[0]
                 for _ in range(20)]
        checks.equal("--processes 2: bob on 20 new connections", codes, [200] * 20)
    finally:
        checks.server_stopped(srv)


def bad_files(checks, binary, tmp):
    path = os.path.join(tmp, "bad")
    with open(path, "w") as f:
        f.write("# comment\nalice:$2y$05$oa6xWAv8HZDeHw0clSQ3BODCg7RhrLuIfRXSG3bS0Gfkai.Q.Kaw6\n"
                "dave:{SHA}secretsha1hashvalue=\n")
    p = subprocess.run([binary, "--listen", "127.0.0.1:0", "--auth-file", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    err = p.stderr.decode()
    checks.equal("a bad file: exit status 2", p.returncode, 2)
    checks.ok("a bad file: names file and line", "%s:3: not a bcrypt entry" % path in err, err)
    checks.ok("a bad file: not the line", "secretsha1" not in err and "oa6x" not in err, err)
    missing = os.path.join(tmp, "missing")
    p = subprocess.run([binary, "--listen", "127.0.0.1:0", "--auth-file", missing],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    checks.equal("an unreadable file: exit status 2", p.returncode, 2)
    checks.ok("an unreadable file: named", missing in p.stderr.decode(), p.stderr.decode())


if __name__ == "__main__":
    try:
        main()
    except ServerError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
