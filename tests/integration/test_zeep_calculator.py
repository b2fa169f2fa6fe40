#!/usr/bin/python3
"""zeep (python3-zeep) against the Calculator service of ladon-examples.

usage: /usr/bin/python3 test_zeep_calculator.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)

Fetches http://127.0.0.1:PORT/Calculator?wsdl and checks add, echo, a fault and inspect
(services/calculator/calculator.c defines the expected values).
"""

import datetime
import os
import re
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ladon_harness import main_wrapper  # noqa: E402

try:
    import zeep
    import zeep.exceptions
    from zeep.plugins import HistoryPlugin
    from zeep.transports import Transport
except ImportError:
    print("FAIL: python3-zeep is not installed")
    sys.exit(1)

UTC = datetime.timezone.utc
INT64_MAX = 2**63 - 1
INT64_MIN = -2**63

UNICODE = "Grüße, Привет, 漢字, emoji 😀"
SPECIALS = "<a&b>\"'"


def point(p):
    return None if p is None else (p.x, p.y)


def raw_result(history):
    """The result element of the last response, as received (lxml): the <result> child of the
    response element, or the response element itself when gSOAP used the result struct as the
    response element (its convention for a struct result: <calculator:Inspection>)."""
    env = history.last_received["envelope"]
    body = env.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    if body is None or len(body) != 1:
        return None
    response = body[0]
    if len(response) == 1 and response[0].tag == "result":
        return response[0]
    found = response.findall("result")
    return found[0] if len(found) == 1 else response


def check_string(checks, label, got, expected, raw):
    """zeep (like lxml) turns an empty element into None, so for "" also look at the wire:
    the element must be present, empty and not xsi:nil."""
    if expected != "":
        checks.equal(label, got, expected)
        return
    ok = (got in (None, "") and raw is not None and not (raw.text or "") and len(raw) == 0
          and not any(k.endswith("}nil") for k in raw.attrib))
    checks.ok(label + " (empty string)", ok, "got %r, element %r" % (
        got, None if raw is None else (raw.tag, raw.text, dict(raw.attrib))))


def check_inspection(checks, label, got, exp, raw):
    """Compare every field of an Inspection with the expected dict (raw: the <result>)."""
    checks.ok("%s: result present" % label, got is not None and raw is not None)
    if got is None or raw is None:
        return

    def child(name):
        found = raw.findall(name)
        return found[0] if len(found) == 1 else None

    check_string(checks, "%s: title" % label, got.title, exp["title"], child("title"))
    check_string(checks, "%s: note" % label, got.note, exp["note"], child("note"))
    checks.equal("%s: big_plus_one" % label, got.big_plus_one, exp["big_plus_one"])
    checks.equal("%s: half_ratio" % label, got.half_ratio, exp["half_ratio"])
    checks.equal("%s: not_enabled" % label, got.not_enabled, exp["not_enabled"])
    checks.equal("%s: next_level" % label, got.next_level, exp["next_level"])
    nd = got.next_day
    checks.ok("%s: next_day is an aware datetime" % label,
              isinstance(nd, datetime.datetime) and nd.tzinfo is not None, repr(nd))
    checks.ok("%s: next_day" % label, nd == exp["next_day"],
              "got %r, expected %r" % (nd, exp["next_day"]))
    checks.equal("%s: reversed" % label, bytes(got.reversed or b""), exp["reversed"])
    checks.equal("%s: limit_doubled" % label, got.limit_doubled, exp["limit_doubled"])
    checks.equal("%s: moved" % label, point(got.moved), exp["moved"])
    checks.equal("%s: target" % label, point(got.target), exp["target"])
    checks.equal("%s: values_sum" % label, got.values_sum, exp["values_sum"])
    raw_tags = raw.findall("tags")
    checks.equal("%s: number of tags" % label, len(raw_tags), len(exp["tags"]))
    for i, (g, e) in enumerate(zip(list(got.tags or []), exp["tags"])):
        check_string(checks, "%s: tags[%d]" % (label, i), g, e,
                     raw_tags[i] if i < len(raw_tags) else None)
    checks.equal("%s: points" % label, [point(p) for p in (got.points or [])], exp["points"])
    checks.equal("%s: levels" % label, list(got.levels or []), exp["levels"])


SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def raw_fault(server, checks):
    """A fault on the wire: HTTP 500, text/xml, SOAP 1.1 Fault with faultcode Client (DESIGN 6)."""
    req = urllib.request.Request(
        server.url("Calculator"),
        data=('<?xml version="1.0" encoding="UTF-8"?>'
              '<e:Envelope xmlns:e="%s"><e:Body>'
              '<c:add xmlns:c="urn:ladon:examples:calculator"><a>2147483647</a><b>1</b></c:add>'
              '</e:Body></e:Envelope>' % SOAP_ENV).encode(),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            status, ctype, data = resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as e:
        status, ctype, data = e.code, e.headers.get("Content-Type", ""), e.read()
    checks.equal("raw fault: HTTP status", status, 500)
    checks.ok("raw fault: Content-Type text/xml", ctype.startswith("text/xml"), repr(ctype))
    fault = ET.fromstring(data).find("{%s}Body/{%s}Fault" % (SOAP_ENV, SOAP_ENV))
    checks.ok("raw fault: SOAP 1.1 Fault element", fault is not None, data[:300])
    if fault is not None:
        code = (fault.findtext("faultcode") or "").strip()
        prefix, _, local = code.rpartition(":")
        # ElementTree drops namespace declarations: find the prefix's in the raw text.
        m = re.search(r'xmlns:%s="([^"]*)"' % re.escape(prefix), data.decode("utf-8", "replace"))
        checks.ok("raw fault: faultcode is {SOAP-ENV}Client",
                  local == "Client" and m is not None and m.group(1) == SOAP_ENV, repr(code))
        checks.equal("raw fault: faultstring", fault.findtext("faultstring"),
                     "integer overflow: 2147483647 + 1")


def body(server, checks):
    transport = Transport(timeout=15, operation_timeout=15)
    history = HistoryPlugin()
    client = zeep.Client(server.wsdl_url("Calculator"), transport=transport, plugins=[history])
    svc = client.service

    # The endpoint in the served WSDL is the URL the client used (DESIGN 7).
    addresses = [port.binding_options.get("address")
                 for service in client.wsdl.services.values()
                 for port in service.ports.values()]
    checks.equal("soap:address is the URL used", addresses, [server.url("Calculator")])

    checks.equal("add(2, 3)", svc.add(2, 3), 5)
    checks.equal("add(-7, 7)", svc.add(a=-7, b=7), 0)
    checks.equal("add(-2147483648, 2147483647)", svc.add(-2147483648, 2147483647), -1)

    for label, text in (("ascii", "hello, world"), ("xml specials", SPECIALS),
                        ("unicode", UNICODE), ("empty", ""),
                        ("whitespace", "  two  spaces\tand a tab\n"),
                        ("long", "x" * 100000)):
        checks.run("echo %s" % label,
                   lambda text=text, label=label:
                   check_string(checks, "echo %s" % label, svc.echo(text), text,
                                raw_result(history)))

    try:
        r = svc.add(2147483647, 1)
        checks.ok("add overflow raises a Fault", False, "returned %r" % (r,))
    except zeep.exceptions.Fault as f:
        code = f.code or ""
        checks.ok("overflow fault code is Client", code.split(":")[-1] == "Client",
                  "code %r" % code)
        checks.equal("overflow fault text", f.message, "integer overflow: 2147483647 + 1")

    checks.run("raw fault", lambda: raw_fault(server, checks))

    # Still serving after a fault.
    checks.equal("add after a fault", svc.add(40, 2), 42)

    # inspect: every optional present, arrays non-empty.
    when = datetime.datetime(2024, 2, 28, 12, 34, 56, tzinfo=UTC)
    full = {
        "title": "Grüße <&> \"'" + " 漢字 😀",
        "note": "a note",
        "count": 7,
        "big": INT64_MAX - 1,
        "ratio": 0.1,
        "enabled": True,
        "level": "LEVEL_HIGH",
        "when": when,
        "payload": bytes(range(256)),
        "limit": 21,
        "origin": {"x": 10, "y": -20},
        "target": {"x": 3, "y": 4},
        "values": [1, 2, 3, -10],
        "tags": ["first", "Zweite ü", "<third>"],
        "points": [{"x": 1, "y": 2}, {"x": -3, "y": 4}, {"x": 2147483647, "y": -2147483648}],
        "levels": ["LEVEL_LOW", "LEVEL_HIGH", "LEVEL_MEDIUM"],
    }
    exp_full = {
        "title": full["title"], "note": "a note", "big_plus_one": INT64_MAX,
        "half_ratio": 0.05, "not_enabled": False, "next_level": "LEVEL_LOW",
        "next_day": datetime.datetime(2024, 2, 29, 12, 34, 56, tzinfo=UTC),
        "reversed": bytes(range(255, -1, -1)), "limit_doubled": 42, "moved": (11, -19),
        "target": (3, 4), "values_sum": -4, "tags": ["<third>", "Zweite ü", "first"],
        "points": [(2, 1), (4, -3), (-2147483648, 2147483647)],
        "levels": ["LEVEL_LOW", "LEVEL_HIGH", "LEVEL_MEDIUM"],
    }
    checks.run("inspect full record",
               lambda: check_inspection(checks, "inspect full", svc.inspect(full), exp_full,
                                        raw_result(history)))

    # inspect: every optional absent, arrays empty, INT64_MAX wraps to INT64_MIN.
    bare = {
        "title": "plain",
        "count": 0,
        "big": INT64_MAX,
        "ratio": -3.0,
        "enabled": False,
        "level": "LEVEL_LOW",
        "when": datetime.datetime(1970, 1, 1, 0, 0, 0, tzinfo=UTC),
        "payload": b"",
        "origin": {"x": -1, "y": 0},
        "values": [],
        "tags": [],
        "points": [],
        "levels": [],
    }
    exp_bare = {
        "title": "plain", "note": "(none)", "big_plus_one": INT64_MIN, "half_ratio": -1.5,
        "not_enabled": True, "next_level": "LEVEL_MEDIUM",
        "next_day": datetime.datetime(1970, 1, 2, 0, 0, 0, tzinfo=UTC),
        "reversed": b"", "limit_doubled": None, "moved": (0, 1), "target": None,
        "values_sum": 0, "tags": [], "points": [], "levels": [],
    }
    checks.run("inspect bare record",
               lambda: check_inspection(checks, "inspect bare", svc.inspect(bare), exp_bare,
                                        raw_result(history)))

    # inspect: INT64_MIN, LEVEL_MEDIUM -> LEVEL_HIGH, one-element arrays, empty title,
    # a negative limit and a dateTime far from the epoch.
    edge = dict(bare, title="", note="", big=INT64_MIN, level="LEVEL_MEDIUM", limit=-5,
                ratio=1e300, enabled=True, payload=b"\x00",
                when=datetime.datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC),
                values=[2147483647], tags=[""], points=[{"x": 5, "y": 6}],
                levels=["LEVEL_HIGH"], target={"x": 0, "y": 0})
    exp_edge = dict(exp_bare, title="", note="", big_plus_one=INT64_MIN + 1,
                    next_level="LEVEL_HIGH", limit_doubled=-10, half_ratio=5e299,
                    not_enabled=False, reversed=b"\x00",
                    next_day=datetime.datetime(2038, 1, 20, 3, 14, 8, tzinfo=UTC),
                    values_sum=2147483647, tags=[""], points=[(6, 5)], levels=["LEVEL_HIGH"],
                    target=(0, 0))
    checks.run("inspect edge record",
               lambda: check_inspection(checks, "inspect edge", svc.inspect(edge), exp_edge,
                                        raw_result(history)))

    # An out-of-range limit is a Client fault from the implementation.
    try:
        svc.inspect(dict(bare, limit=2**30))
        checks.ok("inspect limit out of range raises a Fault", False)
    except zeep.exceptions.Fault as f:
        checks.ok("limit fault code is Client", (f.code or "").split(":")[-1] == "Client",
                  "code %r" % f.code)
        checks.equal("limit fault text", f.message, "limit out of range: 1073741824")


if __name__ == "__main__":
    main_wrapper("zeep calculator", body)
