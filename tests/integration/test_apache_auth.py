#!/usr/bin/python3
"""Caller identity behind a real Apache httpd with AuthType Basic, configured exactly as
docs/deploy-apache.md section 8 says (its blocks `modules-auth` and `site-auth`, ports and the
htpasswd path substituted), in front of the runtime tests' rt-server (service Test, whose whoami
answers ladon_call_user()) started with `--trusted-proxy 127.0.0.1 --auth-required`.

usage: /usr/bin/python3 test_apache_auth.py PATH/TO/rt-server

Apache runs as in test_apache.py (its Apache class: `/usr/sbin/apache2 -f CONF -DFOREGROUND`
with its own folder and a free port, stopped by PID). The users are written by Debian's
`htpasswd -B`. Checks:
  1. through Apache with alice's password, zeep's whoami (WSDL fetched through Apache with the
     credentials too) is "alice": the backend saw the user Apache set from REMOTE_USER;
  2. a client that sends its own X-Remote-User through Apache is still alice (the documented
     `RequestHeader unset X-Remote-User early` removes it), and without credentials the forged
     header gets Apache's 401, not the backend;
  3. no or wrong credentials: Apache's 401 with its WWW-Authenticate, the backend not involved;
  4. the backend reached directly from an address that is not a trusted proxy (127.0.0.2), with
     X-Remote-User: alice, is not alice: 401 (--auth-required); from the trusted address the
     header is believed (which is why only Apache must reach the backend);
  5. the doc's `unset ... early` line alone strips a client's header: the same site without its
     `set` line (a second Apache) passes alice's call on without any X-Remote-User, while the
     client sent `X-Remote-User: mallory`;
  6. the backend's log names no password and no Authorization value (the doc's
     `RequestHeader unset Authorization`).
"""

import base64
import http.client
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, server_binary  # noqa: E402
import test_apache  # noqa: E402  (the Apache runner and the doc's blocks)

try:
    import requests
    import zeep
    from zeep.transports import Transport
except ImportError:
    print("FAIL: python3-zeep is not installed")
    sys.exit(1)

HTPASSWD = shutil.which("htpasswd")
if not HTPASSWD:
    print("FAIL: htpasswd is not installed (apache2-utils)")
    sys.exit(1)

DOC_HTPASSWD = '"/etc/apache2/ladon.htpasswd"'
DOC_BACKEND = "http://127.0.0.1:8081/"
ALICE_PW = "Ap4che-h0rse-batt3ry"
WHOAMI = (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
          b'<t:whoami xmlns:t="urn:ladon:test"/></e:Body></e:Envelope>')


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def post(port, path, headers=(), source=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15,
                                      source_address=(source, 0) if source else None)
    try:
        h = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
        h.update(dict(headers))
        conn.request("POST", path, body=WHOAMI, headers=h)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def block_modules(doc, name):
    for line in test_apache.doc_block(doc, name).splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "a2enmod":
            return words[1:]
    raise ValueError("block %s has no a2enmod line" % name)


def main():
    binary = server_binary()
    checks = Checks("apache auth")
    with open(test_apache.DOC) as f:
        doc = f.read()
    root = tempfile.mkdtemp(prefix="ladon-apache-auth-")
    if os.geteuid() == 0:
        os.chmod(root, 0o755)         # Apache's children run as nobody and read the users
    users = os.path.join(root, "ladon.htpasswd")
    apache = None
    backend = Server(binary, args=["--trusted-proxy", "127.0.0.1", "--auth-required",
                                   "--log-level", "debug"], services=("Test",))
    try:
        subprocess.run([HTPASSWD, "-c", "-B", "-b", users, "alice", ALICE_PW], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        os.chmod(users, 0o644)
        backend.start()
        site = test_apache.doc_block(doc, "site-auth")
        site = test_apache.replace_exactly(site, DOC_BACKEND, "http://127.0.0.1:%d/" % backend.port,
                                           "site-auth")
        site = test_apache.replace_exactly(site, DOC_HTPASSWD, '"%s"' % users, "site-auth")
        modules = test_apache.doc_modules(doc)
        modules += [m for m in block_modules(doc, "modules-auth") if m not in modules]
        apache = test_apache.Apache(root, site, modules).start()
        checks.ok("apache2 started with the doc's site-auth on port %d" % apache.port, True)
        checks.run("checks", lambda: run_checks(checks, apache, backend))
        checks.ok("apache2 stops on SIGTERM to its PID", apache.stop() == 0)
        apache = None
        # the strip line alone: the site without the line that sets the header
        lines = [ln for ln in site.splitlines(True)
                 if not ln.strip().startswith("RequestHeader set X-Remote-User")]
        checks.equal("the site has one line setting X-Remote-User", len(site.splitlines()) -
                     len(lines), 1)
        os.makedirs(os.path.join(root, "strip"))
        if os.geteuid() == 0:
            os.chmod(os.path.join(root, "strip"), 0o755)
        apache = test_apache.Apache(os.path.join(root, "strip"), "".join(lines), modules).start()
        st, _, body = post(apache.port, "/soap/Test",
                           [("Authorization", basic("alice", ALICE_PW)),
                            ("X-Remote-User", "mallory")])
        checks.ok("without the set line the client's X-Remote-User is stripped (anonymous: 401)",
                  st == 401 and "mallory" not in body, "%d %s" % (st, body))
    finally:
        if apache is not None:
            checks.ok("apache2 stops on SIGTERM to its PID", apache.stop() == 0)
        checks.server_stopped(backend)
        log = backend.output()
        for what, secret in (("password", ALICE_PW),
                             ("Authorization value", basic("alice", ALICE_PW)[6:])):
            checks.ok("the backend's log holds no %s" % what, secret not in log)
        checks.ok("the backend's log holds the calls", "POST /Test whoami 200" in log, log[-1500:])
        if apache is not None and checks.failures:
            print(apache.error_log()[-3000:])
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(checks.finish())


def run_checks(checks, apache, backend):
    wsdl = apache.url("Test?wsdl")
    session = requests.Session()
    session.auth = requests.auth.HTTPBasicAuth("alice", ALICE_PW)
    c = zeep.Client(wsdl, transport=Transport(session=session, timeout=15, operation_timeout=15))
    checks.equal("through Apache: zeep's whoami", c.service.whoami(), "alice")
    checks.equal("through Apache: add", c.service.add(2, 3), 5)

    path = "/soap/Test"
    st, _, body = post(apache.port, path, [("Authorization", basic("alice", ALICE_PW)),
                                           ("X-Remote-User", "mallory")])
    checks.equal("a client's own X-Remote-User through Apache: 200", st, 200)
    checks.ok("a client's own X-Remote-User through Apache: still alice",
              "<result>alice</result>" in body, body)
    st, h, body = post(apache.port, path, [("X-Remote-User", "alice")])
    checks.equal("X-Remote-User without credentials: Apache's 401", st, 401)
    for what, hdrs in (("no credentials", []),
                       ("wrong password", [("Authorization", basic("alice", "wrong"))]),
                       ("unknown user", [("Authorization", basic("mallory", ALICE_PW))])):
        st, h, body = post(apache.port, path, hdrs)
        checks.equal("%s through Apache: 401" % what, st, 401)
        checks.equal("%s through Apache: Apache's challenge" % what,
                     h.get("www-authenticate"), 'Basic realm="Ladon-C services"')
    # the backend directly, from an address that is not a trusted proxy
    st, h, body = post(backend.port, "/Test", [("X-Remote-User", "alice")], source="127.0.0.2")
    checks.equal("the backend directly from 127.0.0.2 with X-Remote-User: 401", st, 401)
    checks.ok("... and not served", "whoamiResponse" not in body, body)
    deadline = time.monotonic() + 5   # the log line follows the response
    while "127.0.0.2 POST /Test - 401" not in backend.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    checks.ok("the backend's log names the peer 127.0.0.2",
              "127.0.0.2 POST /Test - 401" in backend.output(), backend.output()[-1500:])
    # from the trusted address it is believed: why only Apache may reach the backend
    st, _, body = post(backend.port, "/Test", [("X-Remote-User", "alice")])
    checks.ok("the backend directly from 127.0.0.1 (trusted) believes the header",
              st == 200 and "<result>alice</result>" in body, "%d %s" % (st, body))


if __name__ == "__main__":
    try:
        main()
    except ServerError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
