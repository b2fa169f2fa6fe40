#!/usr/bin/python3
"""Every WSDL the example server serves passes ladon-wsdl-check (well-formed, schemas compile,
WS-I Basic Profile document/literal rules), and its soap:address is the URL the client used.

usage: /usr/bin/python3 test_served_wsdl.py PATH/TO/ladon-examples PATH/TO/ladon-wsdl-check
       (or $LADON_EXAMPLES and $LADON_WSDL_CHECK)
"""

import os
import re
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import MISSING, main_wrapper  # noqa: E402

# docs/design.md section 8.1; $LADON_SERVICES (comma-separated) overrides it.
SERVICES = tuple(s for s in os.environ.get(
    "LADON_SERVICES", "Calculator,TaskService,InstanceService").split(",") if s)

CHECKER = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("LADON_WSDL_CHECK", "")
if not CHECKER or not os.access(CHECKER, os.X_OK):
    print("FAIL: missing ladon-wsdl-check (pass it as argv[2] or set LADON_WSDL_CHECK)")
    sys.exit(MISSING)


def body(server, checks):
    with tempfile.TemporaryDirectory(prefix="ladon-served-wsdl-") as work:
        paths = []
        for service in SERVICES:
            url = server.wsdl_url(service)
            with urllib.request.urlopen(url, timeout=15) as resp:
                data = resp.read()
                checks.ok("%s: GET ?wsdl answers 200 with XML" % service,
                          resp.status == 200 and "xml" in resp.headers.get("Content-Type", ""),
                          "status %d, Content-Type %r" % (resp.status,
                                                          resp.headers.get("Content-Type")))
            text = data.decode("utf-8", "replace")
            locations = re.findall(r'<[A-Za-z0-9_-]+:address\s+location="([^"]*)"', text)
            checks.equal("%s: soap:address is the URL used" % service, locations,
                         [server.url(service)])
            path = os.path.join(work, service + ".wsdl")
            with open(path, "wb") as f:
                f.write(data)
            paths.append(path)
        for path in paths:
            proc = subprocess.run([CHECKER, path], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=60)
            out = proc.stdout.decode("utf-8", "replace")
            sys.stdout.write(out)
            checks.ok("ladon-wsdl-check %s" % os.path.basename(path), proc.returncode == 0,
                      "exit status %d" % proc.returncode)


if __name__ == "__main__":
    main_wrapper("served WSDL", body, services=SERVICES)
