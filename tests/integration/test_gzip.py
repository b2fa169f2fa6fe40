#!/usr/bin/python3
"""Gzip of responses: compressed only when the request's Accept-Encoding asks
for it, and the compressed body is the same SOAP response.

usage: /usr/bin/python3 test_gzip.py PATH/TO/ladon-examples
"""
import gzip
import http.client
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ladon_harness import main_wrapper  # noqa: E402

BODY = ('<?xml version="1.0" encoding="UTF-8"?>'
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<c:echo xmlns:c="urn:ladon:examples:calculator"><text>%s</text></c:echo>'
        '</s:Body></s:Envelope>' % ("gzip me " * 200)).encode()


def post(port, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/Calculator", BODY, dict({"Content-Type": "text/xml"}, **headers))
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, resp.getheader("Content-Encoding"), data


def body(server, checks):
    status, enc, plain = post(server.port, {})
    checks.ok("no Accept-Encoding: 200", status == 200, str(status))
    checks.ok("no Accept-Encoding: not compressed", enc is None, repr(enc))
    checks.ok("plain body is the echo", b"gzip me gzip me" in plain and b"<result>" in plain)
    status, enc, packed = post(server.port, {"Accept-Encoding": "gzip, deflate"})
    checks.ok("Accept-Encoding gzip: 200", status == 200, str(status))
    checks.ok("Accept-Encoding gzip: Content-Encoding gzip", enc == "gzip", repr(enc))
    checks.ok("compressed body is smaller", len(packed) < len(plain), "%d >= %d" % (len(packed), len(plain)))
    checks.ok("decompressed body equals the plain one", gzip.decompress(packed) == plain)
    status, enc, _ = post(server.port, {"Accept-Encoding": "identity"})
    checks.ok("Accept-Encoding identity: not compressed", status == 200 and enc is None, repr(enc))


if __name__ == "__main__":
    main_wrapper("gzip", body)
