#!/usr/bin/python3
"""Checks the include graph of libladon's sources (docs/design.md section 2).

usage: include_graph.py REPO

Resolves every quoted #include under framework/src the way the compiler does (the including file's
folder first, then the include folders of framework/meson.build) and fails (exit 1) when
  - headers include each other in a cycle;
  - core/ includes anything but core/ and the public headers (both libraries use it);
  - task/ includes a file of the request path (framework/src/*.h): the task engine and stores
    know the runtime only through the public headers, core/ and task/ itself;
  - an include does not resolve to a file of the repository, unless it is a generated or gSOAP one.
"""

import os
import re
import sys

# generated at build time: gSOAP's, and the browser's assets (framework/src/browser/embed.py)
EXTERNAL = {"soapH.h", "stdsoap2.h", "httppipe.h", "/usr/share/gsoap/plugin/httppipe.c",
            "browser_assets.h"}


def main(repo):
    src = os.path.join(repo, "framework", "src")
    inc_dirs = [os.path.join(repo, "framework", d) for d in ("include", "src/core", "src", "src/task")]
    edges, bad = {}, []
    for folder, _, names in os.walk(src):
        for name in names:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.normpath(os.path.join(folder, name))
            deps = []
            with open(path, errors="replace") as f:
                for line in f:
                    m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                    if not m:
                        continue
                    inc = m.group(1)
                    cands = [os.path.join(folder, inc)] + [os.path.join(d, inc) for d in inc_dirs]
                    hit = next((os.path.normpath(c) for c in cands if os.path.isfile(c)), None)
                    if hit is None:
                        if os.path.basename(inc) not in EXTERNAL and inc not in EXTERNAL:
                            bad.append("%s: #include \"%s\" does not resolve" % (rel(repo, path), inc))
                    elif hit.startswith(os.path.normpath(os.path.join(repo, "framework")) + os.sep):
                        deps.append(hit)
            edges[path] = deps

    def part(p):
        r = rel(repo, p).split("/")
        if r[1] == "include":
            return "public"
        return r[2] if len(r) > 3 else "runtime"

    for u, vs in sorted(edges.items()):
        for v in vs:
            if part(u) == "core" and part(v) not in ("core", "public"):
                bad.append("core includes %s: %s" % (part(v), rel(repo, u) + " -> " + rel(repo, v)))
            if part(u) == "task" and part(v) == "runtime":
                bad.append("task includes the request path: %s -> %s" % (rel(repo, u), rel(repo, v)))

    state, stack = {}, []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for v in edges.get(u, []):
            if state.get(v) == 1:
                bad.append("include cycle: " + " -> ".join(rel(repo, x) for x in stack[stack.index(v):] + [v]))
            elif v not in state:
                visit(v)
        stack.pop()
        state[u] = 2

    for u in sorted(edges):
        if u not in state:
            visit(u)
    n = sum(len(v) for v in edges.values())
    print("%d files, %d includes inside framework/" % (len(edges), n))
    for b in bad:
        print("FAIL " + b)
    return 1 if bad or not edges else 0


def rel(repo, p):
    return os.path.relpath(p, repo)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
