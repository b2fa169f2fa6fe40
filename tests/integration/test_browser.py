"""The service browser (docs/browser.md): its pages as served, and the same pages in a real
headless browser.

    /usr/bin/python3 test_browser.py LADON_EXAMPLES RT_SERVER OUTDIR

1. Over HTTP: GET /, /Service, /Service?html, HEAD; the Content-Security-Policy that allows the
   page's own script and stylesheet only; the model the script reads (the JSON element
   #ladon-model) says exactly what each served WSDL says, for every example service: operations,
   parameters and result with their XML types and occurrences, every type's fields or values;
   the page's text has every documentation string of the WSDL; rt-server's Other, whose doc
   comments hold <script> and </textarea></script>, comes out escaped.
2. tests/browser/browser_test.js in Debian's chromium (playwright-core from tests/browser's
   node_modules, which scripts/install-deps.sh test installs with npm ci): add, inspect with a
   nested struct and arrays, a task watched to 100% and a cancelled one, the escaping cases,
   the page without JavaScript.  The screenshots go to OUTDIR (docs/browser.md shows them).
"""

import html
import json
import os
import re
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ladon_harness import Checks, Server, server_binary  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER_DIR = os.path.join(os.path.dirname(HERE), "browser")
XSD = "{http://www.w3.org/2001/XMLSchema}"
WSDL = "{http://schemas.xmlsoap.org/wsdl/}"


def get(url, headers=None, method="GET"):
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    with urllib.request.urlopen(req, timeout=15) as r:
        return r.status, dict(r.headers), r.read()


def model_of(page):
    m = re.search(rb'<script type="application/json" id="ladon-model">(.*?)</script>', page, re.S)
    return json.loads(m.group(1)) if m else None


def occurs(el):
    lo, hi = el.get("minOccurs", "1"), el.get("maxOccurs", "1")
    return {("1", "1"): "one", ("0", "1"): "optional", ("0", "unbounded"): "many"}.get((lo, hi), lo + ".." + hi)


def members(seq):
    return [{"name": e.get("name"), "xml": e.get("type"), "occurs": occurs(e)}
            for e in (seq.findall(XSD + "element") if seq is not None else [])]


def wsdl_view(wsdl):
    """What a WSDL says, in the model's terms (names, XML types, occurrences)."""
    root = ET.fromstring(wsdl)
    schema = root.find(WSDL + "types/" + XSD + "schema")
    types, ctypes, ops = {}, {}, []
    for st in schema.findall(XSD + "simpleType"):
        types[st.get("name")] = {"kind": "enum", "values": [e.get("value") for e in st.iter(XSD + "enumeration")]}
    for ct in schema.findall(XSD + "complexType"):
        ctypes[ct.get("name")] = members(ct.find(XSD + "sequence"))
    elements = {e.get("name"): e for e in schema.findall(XSD + "element")}
    for op in root.find(WSDL + "portType").findall(WSDL + "operation"):
        name = op.get("name")
        params = members(elements[name].find(XSD + "complexType/" + XSD + "sequence"))
        result = ctypes[name + "Response"]
        ops.append({"name": name, "params": params, "result": result[0] if len(result) == 1 else result})
    for name, fields in ctypes.items():
        if not name.endswith("Response") or name in ("TaskInfoResponse", "TaskProgressResponse",
                                                     "TaskListResponse"):
            types[name] = {"kind": "struct", "fields": fields}
    docs = [d.text for d in root.iter() if d.tag in (XSD + "documentation", WSDL + "documentation") and d.text]
    return {"ops": ops, "types": types, "docs": docs}


def model_view(model):
    def m(x):
        return {"name": x["name"], "xml": x["xml"], "occurs": x["occurs"]}
    types = {}
    for name, t in model["types"].items():
        types[name] = ({"kind": "enum", "values": t["values"]} if t["kind"] == "enum"
                       else {"kind": "struct", "fields": [m(f) for f in t["fields"]]})
    return {"ops": [{"name": o["name"], "params": [m(p) for p in o["params"]], "result": m(o["result"])}
                    for o in model["operations"]],
            "types": types}


def http_checks(checks, ex, rt):
    status, headers, home = get(ex.url("Calculator").rsplit("/", 1)[0] + "/")
    checks.equal("GET / answers 200", status, 200)
    checks.equal("GET / is HTML", headers.get("Content-Type"), "text/html; charset=utf-8")
    csp = headers.get("Content-Security-Policy", "")
    checks.ok("the page may run only its own script and stylesheet",
              re.search(r"default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-", csp)
              is not None and "unsafe-inline" not in csp and "connect-src 'self'" in csp, csp)
    for svc in ("Calculator", "TaskService", "InstanceService"):
        checks.ok("home links %s's WSDL" % svc, ('href="%s?wsdl"' % ex.url(svc)).encode() in home)
        checks.ok("home links %s's page" % svc, ('class="service" href="%s"' % ex.url(svc)).encode() in home)

    for svc in ("Calculator", "TaskService", "InstanceService"):
        _, h, page = get(ex.url(svc), {"Accept": "text/html"})
        _, _, page_q = get(ex.url(svc) + "?html")
        _, _, wsdl = get(ex.url(svc) + "?wsdl")
        checks.ok("%s: ?html is the same page" % svc, page == page_q)
        model = model_of(page)
        if not checks.ok("%s: the page holds its model" % svc, model is not None):
            continue
        got, want = model_view(model), wsdl_view(wsdl)
        checks.equal("%s: the model's operations are the WSDL's" % svc, got["ops"], want["ops"])
        checks.equal("%s: the model's types are the WSDL's" % svc, got["types"], want["types"])
        text = html.unescape(re.sub(rb"<[^>]+>", b" ", page.split(b"<script", 1)[0]).decode())
        text = " ".join(text.split())
        missing = [d for d in want["docs"] if " ".join(d.split()) not in text]
        checks.ok("%s: every documentation of the WSDL is on the page" % svc, not missing, repr(missing[:3]))
        # the script comes after the JSON element and nothing in the model can end it
        checks.equal("%s: two script elements" % svc, page.count(b"<script"), 2)
    status, h, body = get(ex.url("Calculator"), method="HEAD")
    checks.ok("HEAD /Calculator: 200, no body", status == 200 and body == b"", repr(body[:40]))

    _, _, other = get(rt.url("Other"))
    checks.ok("a doc comment's <script> is escaped",
              b"Returns x. &lt;script&gt;window.__injected.push(&#39;doc&#39;)&lt;/script&gt;" in other)
    checks.ok("a doc comment's </textarea></script> is escaped",
              b"any value&lt;/textarea&gt;&lt;/script&gt;&lt;b id=&quot;evil&quot;&gt;" in other)
    checks.equal("rt Other: two script elements", other.count(b"<script"), 2)
    checks.ok("no raw markup from doc comments", b"<b id" not in other and b"<script>window" not in other)


def main():
    if len(sys.argv) != 4:
        print("usage: test_browser.py LADON_EXAMPLES RT_SERVER OUTDIR")
        return 2
    examples = server_binary(sys.argv[:2])
    rt_server = server_binary([sys.argv[0], sys.argv[2]])
    outdir = os.path.abspath(sys.argv[3])
    os.makedirs(outdir, exist_ok=True)
    checks = Checks("service browser")
    env = dict(os.environ, LADON_EXAMPLE_STEP_MS="50")
    with Server(examples, env=env, services=("Calculator", "TaskService", "InstanceService")) as ex, \
            Server(rt_server, services=("Test", "Other")) as rt:
        checks.run("the pages over HTTP", lambda: http_checks(checks, ex, rt))
        node = "/usr/bin/node"
        if not os.path.isfile(os.path.join(BROWSER_DIR, "node_modules", "playwright-core", "package.json")):
            checks.ok("playwright-core is installed (scripts/install-deps.sh test)", False, BROWSER_DIR)
        elif not os.path.isfile("/usr/bin/chromium"):
            checks.ok("/usr/bin/chromium is installed (scripts/install-deps.sh test)", False)
        else:
            base = ex.url("Calculator").rsplit("/", 1)[0]
            rt_base = rt.url("Other").rsplit("/", 1)[0]
            p = subprocess.run([node, os.path.join(BROWSER_DIR, "browser_test.js"), base, rt_base, outdir],
                               cwd=BROWSER_DIR, capture_output=True, text=True, timeout=240)
            sys.stdout.write(p.stdout)
            sys.stdout.write(p.stderr)
            checks.ok("browser_test.js in chromium", p.returncode == 0 and "all checks passed" in p.stdout,
                      "exit %d" % p.returncode)
            for shot in ("browser-add.png", "browser-task.png", "browser-task-running.png"):
                f = os.path.join(outdir, shot)
                checks.ok("screenshot %s saved" % shot, os.path.isfile(f) and os.path.getsize(f) > 1000, f)
    checks.server_stopped(ex)
    checks.server_stopped(rt)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
