#!/usr/bin/python3
"""Each service stands alone: its WSDL holds only its own contract, its responses declare only the
namespaces they use, and JAX-WS's wsimport turns each WSDL into one Java package that compiles.

- The WSDL of each example service (Calculator, TaskService, InstanceService) and ladon-gen's golden
  WSDLs of the multi-service case (tests/codegen/expected/multi) pass wsdl_own.problems(): one
  schema, no namespace, import or QName of another service, no SOAP-ENC import, message parts
  named `parameters`.
- The response to `add` is exactly the expected bytes: SOAP-ENV, SOAP-ENC, xsi, xsd and the
  service's own namespace, nothing else (before, every response declared every service's
  namespace); a TaskService response declares only TaskService's.
- `wsimport -p one.package` (Debian's jaxws) of each WSDL generates and compiles (before, it failed
  on all three: "A class/interface with the same name ... is already in use").

usage: /usr/bin/python3 test_service_contracts.py PATH/TO/ladon-examples GOLDEN_MULTI_DIR
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import MISSING, exchange, main_wrapper  # noqa: E402
import wsdl_own  # noqa: E402

SERVICES = ("Calculator", "TaskService", "InstanceService")
GOLDEN = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "codegen", "expected", "multi")
WSIMPORT = shutil.which("wsimport")
if WSIMPORT is None:
    print("FAIL: wsimport not found (Debian package jaxws: scripts/install-deps.sh test)")
    sys.exit(MISSING)

SOAP_NS = ('xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
           'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')
ADD_RESPONSE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<SOAP-ENV:Envelope ' + SOAP_NS + ' xmlns:calculator="urn:ladon:examples:calculator">'
                '<SOAP-ENV:Body><calculator:addResponse><result>5</result></calculator:addResponse>'
                '</SOAP-ENV:Body></SOAP-ENV:Envelope>\r\n').encode()


def post(port, path, xml):
    req = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=utf-8\r\n"
           "Content-Length: %d\r\nConnection: close\r\n\r\n" % (path, len(xml))).encode() + xml
    raw = exchange(port, req)
    head, _, body = raw.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def envelope(ns, op):
    return ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
            '<s:Body><x:%s xmlns:x="%s"/></s:Body></s:Envelope>' % (op, ns)).encode()


def body(server, checks):
    for service in SERVICES:
        with urllib.request.urlopen(server.wsdl_url(service), timeout=15) as resp:
            text = resp.read()
        checks.equal("%s: the WSDL holds only its own contract" % service,
                     wsdl_own.problems(text), [])
    goldens = sorted(glob.glob(os.path.join(GOLDEN, "*.wsdl")))
    checks.equal("golden multi WSDLs found", [os.path.basename(p) for p in goldens],
                 ["Billing.wsdl", "Shipping.wsdl"])
    for path in goldens:
        with open(path, "rb") as f:
            checks.equal("golden %s holds only its own contract" % os.path.basename(path),
                         wsdl_own.problems(f.read()), [])

    # responses declare only the namespaces they use
    add = ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
           '<s:Body><c:add xmlns:c="urn:ladon:examples:calculator"><a>2</a><b>3</b></c:add>'
           '</s:Body></s:Envelope>').encode()
    head, got = post(server.port, "/Calculator", add)
    checks.equal("add: response body bytes", got, ADD_RESPONSE)
    checks.ok("add: Content-Length %d" % len(ADD_RESPONSE),
              re.search(r"\r\nContent-Length: %d\r\n" % len(ADD_RESPONSE), head + "\r\n") is not None,
              head)
    # TaskService after Calculator on the same server: the worker switches tables
    head, got = post(server.port, "/TaskService",
                     envelope("urn:ladon:examples:tasks", "taskExample_progress").replace(
                         b"/></s:Body>", b"><task_id>12345</task_id></x:taskExample_progress></s:Body>"))
    declared = sorted(set(re.findall(rb'xmlns:([\w-]+)="', got)))
    checks.equal("TaskService fault declares only SOAP's namespaces and its own", declared,
                 sorted([b"SOAP-ENC", b"SOAP-ENV", b"xsd", b"xsi", b"taskservice"]))
    head, got = post(server.port, "/Calculator", add)
    checks.equal("add after a TaskService request: same bytes", got, ADD_RESPONSE)

    # JAX-WS: one package per WSDL, generated and compiled
    with tempfile.TemporaryDirectory(prefix="ladon-wsimport-") as work:
        for service in SERVICES:
            out = os.path.join(work, service)
            os.mkdir(out)
            proc = subprocess.run([WSIMPORT, "-quiet", "-p", "one.pkg", "-d", out,
                                   server.wsdl_url(service)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=240)
            text = proc.stdout.decode("utf-8", "replace")
            checks.ok("wsimport -p one.pkg %s: exit 0" % service, proc.returncode == 0, text[-2000:])
            classes = {os.path.basename(p) for p in glob.glob(os.path.join(out, "one", "pkg", "*.class"))}
            want = {"ObjectFactory.class", service + ".class", service + "PortType.class"}
            checks.ok("wsimport %s: compiled %s" % (service, sorted(want)), want <= classes,
                      "classes: %s" % sorted(classes))


if __name__ == "__main__":
    # one worker: the Calculator, TaskService, Calculator requests below are served by the same
    # gSOAP context, which switches namespace tables between them
    main_wrapper("service contracts", body, services=SERVICES, args=("--workers", "1"))
