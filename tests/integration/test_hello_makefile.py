#!/usr/bin/python3
"""The README's 20-line example, built as a user would: `meson install` of this
tree into a temporary DESTDIR, then docs/examples/hello/Makefile (plain make,
pkg-config, ladon-gen), then the server is started and called with zeep.

usage: /usr/bin/python3 test_hello_makefile.py BUILD_DIR SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Server, main_wrapper  # noqa: E402

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
HELLO = os.path.join(SOURCE, "docs", "examples", "hello")


def readme_blocks():
    """The C code blocks of README.md keyed by their first-line file comment."""
    text = open(os.path.join(SOURCE, "README.md"), encoding="utf-8").read()
    blocks = {}
    for block in re.findall(r"```c\n(.*?)```", text, re.S):
        m = re.match(r"/\* (\S+) \*/", block)
        if m:
            blocks[m.group(1)] = block
    return blocks


def run(cmd, **kw):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300, **kw)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s" % (" ".join(cmd), proc.returncode, out))
    return out


def main():
    import zeep

    failures = []
    blocks = readme_blocks()
    for name in ("hello.h", "hello.c", "main.c"):
        with open(os.path.join(HELLO, name), encoding="utf-8") as f:
            if blocks.get(name) != f.read():
                failures.append("README's %s differs from docs/examples/hello/%s" % (name, name))

    tmp = tempfile.mkdtemp(prefix="ladon-hello-")
    try:
        dest = os.path.join(tmp, "dest")
        run(["meson", "install", "-C", BUILD, "--destdir", dest, "--no-rebuild", "--quiet"])
        prefix = run(["meson", "introspect", BUILD, "--buildoptions"])
        import json
        opts = {o["name"]: o["value"] for o in json.loads(prefix)}
        root = dest + opts["prefix"]
        libdir = os.path.join(root, opts["libdir"])
        env = dict(os.environ)
        env["PKG_CONFIG_SYSROOT_DIR"] = dest
        env["PKG_CONFIG_PATH"] = os.path.join(libdir, "pkgconfig")
        env["LD_LIBRARY_PATH"] = libdir
        work = os.path.join(tmp, "hello")
        shutil.copytree(HELLO, work)
        make = ["make", "-C", work, "LADON_GEN=" + os.path.join(root, "bin", "ladon-gen")]
        sanitize = opts.get("b_sanitize", "none")
        if sanitize != "none":
            # An instrumented libladon needs an instrumented program.
            make.append("CFLAGS=-O1 -g -fsanitize=" + sanitize)
        run(make, env=env)

        with Server(os.path.join(work, "hello-server"), env=env, services=("Hello",)) as srv:
            client = zeep.Client(srv.wsdl_url("Hello"))
            got = client.service.greet(name="Wörld <&>")
            if got != "Hello, Wörld <&>!":
                failures.append("greet returned %r" % got)
            status = srv.stop()
            if status != 0:
                failures.append("hello-server exited %r after SIGTERM" % (status,))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    for f in failures:
        print("FAIL:", f)
    print("%d passed, %d failed" % (5 - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
