#!/usr/bin/python3
"""gSOAP's own client tools against the served Calculator WSDL.

usage: /usr/bin/python3 test_wsdl2h_client.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)
       $CC overrides the C compiler (default cc); $KEEP_TMP=1 keeps the work folder.

Starts the server, fetches http://127.0.0.1:PORT/Calculator?wsdl into a temporary folder, runs
`wsdl2h -c -t typemap.dat` (typemap: calc = "urn:ladon:examples:calculator", so the generated
names are calc__...) and `soapcpp2 -C -c -L -x`, compiles wsdl2h_client.c against the generated
code and libgsoap (pkg-config gsoap), and runs it against the server.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import MISSING, main_wrapper  # noqa: E402

TOOLS = {name: shutil.which(name) for name in ("wsdl2h", "soapcpp2", "pkg-config")}
CC = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
if not all(TOOLS.values()) or not CC:
    print("FAIL: missing tools: %s" % ", ".join(
        [n for n, p in TOOLS.items() if not p] + ([] if CC else ["cc"])))
    sys.exit(MISSING)


def run(checks, what, cmd, cwd, timeout=180):
    print("$ " + " ".join(shlex.quote(c) for c in cmd))
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=timeout)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0 or what.startswith("run "):
        sys.stdout.write(out)
    checks.ok(what, proc.returncode == 0, "exit status %d" % proc.returncode)
    return proc.returncode == 0


def pkg(*args):
    out = subprocess.run([TOOLS["pkg-config"]] + list(args) + ["gsoap"], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    return shlex.split(out)


def body(server, checks):
    work = tempfile.mkdtemp(prefix="ladon-wsdl2h-")
    try:
        wsdl_path = os.path.join(work, "Calculator.wsdl")
        with urllib.request.urlopen(server.wsdl_url("Calculator"), timeout=15) as resp:
            data = resp.read()
            checks.ok("GET ?wsdl answers 200", resp.status == 200, "status %d" % resp.status)
        with open(wsdl_path, "wb") as f:
            f.write(data)
        with open(os.path.join(work, "typemap.dat"), "w") as f:
            f.write('calc = "urn:ladon:examples:calculator"\n')
        if not run(checks, "wsdl2h -c", [TOOLS["wsdl2h"], "-c", "-t", "typemap.dat",
                                         "-o", "calc.h", "Calculator.wsdl"], work):
            return
        if not run(checks, "soapcpp2 -C -c", [TOOLS["soapcpp2"], "-C", "-c", "-L", "-x",
                                              "-I/usr/share/gsoap/import", "calc.h"], work):
            return
        cflags = pkg("--cflags")
        libs = pkg("--libs")
        # The client is held to the project's warning level; the generated code is not.
        objs = []
        for src, flags in (("soapC.c", ["-w"]), ("soapClient.c", ["-w"]),
                           (os.path.join(HERE, "wsdl2h_client.c"),
                            ["-std=c17", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE"])):
            obj = os.path.join(work, os.path.basename(src) + ".o")
            if not run(checks, "compile " + os.path.basename(src),
                       [CC, "-c", "-O1", "-I", work] + flags + cflags + [src, "-o", obj], work):
                return
            objs.append(obj)
        exe = os.path.join(work, "wsdl2h_client")
        if not run(checks, "link wsdl2h_client", [CC, "-o", exe] + objs + libs, work):
            return
        run(checks, "run wsdl2h_client against the server", [exe, server.url("Calculator")],
            work, timeout=120)
    finally:
        if os.environ.get("KEEP_TMP"):
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main_wrapper("wsdl2h client", body)
