#!/usr/bin/python3
"""Bad requests against a real server: each gets the documented SOAP fault
(docs/faults.md) or HTTP error, and the server keeps serving.

    /usr/bin/python3 tests/integration/test_bad_requests.py BUILD/services/ladon-examples

Starts the server with `--listen 127.0.0.1:0` and small limits, reads the
port from its ready lines (docs/design.md section 9), sends garbage, truncated
XML, a wrong namespace, an unknown operation, an oversize body, too deep
nesting and a stalled half request, checks a correct Calculator `add` after
each, then stops the server with SIGTERM and expects exit status 0.
Standard library only.
"""
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ladon_harness import exchange  # noqa: E402

SERVER = None  # path of the server binary (first command-line argument)
MAX_REQUEST = 16384
MAX_DEPTH = 20
RECV_TIMEOUT_MS = 1000

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CALC_NS = "urn:ladon:examples:calculator"


def envelope(body):
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<soapenv:Envelope xmlns:soapenv="%s"><soapenv:Body>%s'
            '</soapenv:Body></soapenv:Envelope>' % (SOAP_ENV, body))


def add_body(a, b, ns=CALC_NS, op="add"):
    return '<c:%s xmlns:c="%s"><a>%d</a><b>%d</b></c:%s>' % (op, ns, a, b, op)


class BadRequests(unittest.TestCase):
    proc = None
    port = None

    @classmethod
    def setUpClass(cls):
        cmd = [SERVER, "--listen", "127.0.0.1:0", "--max-request-size", str(MAX_REQUEST),
               "--max-depth", str(MAX_DEPTH), "--recv-timeout", str(RECV_TIMEOUT_MS),
               "--log-level", "warn"]
        cls.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        deadline = time.time() + 20
        while time.time() < deadline:
            line = cls.proc.stdout.readline()
            if not line:
                break
            m = re.match(r"^Calculator: http://127\.0\.0\.1:(\d+)/Calculator\?wsdl$",
                         line.strip())
            if m:
                cls.port = int(m.group(1))
                break
        if cls.port is None:
            cls.proc.kill()
            out, err = cls.proc.communicate()
            raise RuntimeError("server did not print its Calculator line: %s %s" % (out, err))

    @classmethod
    def tearDownClass(cls):
        if cls.proc is not None and cls.proc.poll() is None:
            cls.proc.kill()
            cls.proc.wait()

    # -- helpers ------------------------------------------------------------

    def post(self, body, path="/Calculator", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
        h.update(headers or {})
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        conn.request("POST", path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
        return resp.status, resp.getheader("Content-Type", ""), payload

    def assert_fault(self, body, code, string, path="/Calculator"):
        status, ctype, payload = self.post(body, path)
        self.assertEqual(status, 500, payload)
        self.assertIn("text/xml", ctype)
        root = ET.fromstring(payload)
        self.assertEqual(root.tag, "{%s}Envelope" % SOAP_ENV)
        fault = root.find("{%s}Body/{%s}Fault" % (SOAP_ENV, SOAP_ENV))
        self.assertIsNotNone(fault, payload)
        self.assertEqual(fault.findtext("faultcode").split(":")[-1], code, payload)
        self.assertEqual(fault.findtext("faultstring"), string, payload)
        self.assert_add_works()

    def assert_add_works(self):
        status, _, payload = self.post(envelope(add_body(20, 22)))
        self.assertEqual(status, 200, payload)
        root = ET.fromstring(payload)
        self.assertEqual(root.find(".//result").text, "42")

    def raw(self, data, timeout=10):
        """Sends raw bytes on a new connection; returns what comes back
        until the server closes it."""
        return exchange(self.port, data, timeout=timeout)

    def request_bytes(self, body, extra=""):
        data = body.encode()
        return ("POST /Calculator HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\n%s"
                "Content-Length: %d\r\n\r\n" % (extra, len(data))).encode() + data

    @staticmethod
    def read_response(s, buf=b""):
        """One HTTP response (with Content-Length) from socket s, after the bytes buf
        already read from it: (head, body, bytes read beyond the response)."""
        while b"\r\n\r\n" not in buf:
            d = s.recv(65536)
            if not d:
                raise AssertionError("connection closed before a response: %r" % buf)
            buf += d
        head, rest = buf.split(b"\r\n\r\n", 1)
        n = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        while len(rest) < n:
            d = s.recv(65536)
            if not d:
                raise AssertionError("connection closed inside a response")
            rest += d
        return head, rest[:n], rest[n:]

    # -- the cases ------------------------------------------------------------

    def test_correct_call(self):
        self.assert_add_works()

    def test_fault_keeps_the_connection(self):
        """A SOAP fault answers with the request's keep-alive: the next request, sent
        after it or pipelined behind it, is served on the same connection."""
        bad = self.request_bytes(envelope(add_body(1, 2).replace("<a>1</a>", "<a>one</a>")))
        good = self.request_bytes(envelope(add_body(20, 22)))
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            s.sendall(bad)
            head, body, extra = self.read_response(s)
            self.assertTrue(head.startswith(b"HTTP/1.1 500 "), head)
            self.assertIn(b"Connection: keep-alive", head)
            self.assertIn(b"<faultstring>invalid value of element 'a'</faultstring>", body)
            self.assertEqual(extra, b"")
            s.sendall(good)
            head, body, extra = self.read_response(s)
            self.assertTrue(head.startswith(b"HTTP/1.1 200 "), head)
            self.assertIn(b"<result>42</result>", body)
            # pipelined: fault, unknown operation, add - three answers in order
            unknown = self.request_bytes(envelope(add_body(1, 2, op="nosuch")))
            s.sendall(bad + unknown + good)
            answers = []
            pending = b""
            for _ in range(3):
                head, body, pending = self.read_response(s, pending)
                answers.append((head, body))
            self.assertEqual(pending, b"")
            self.assertIn(b"invalid value of element 'a'", answers[0][1])
            self.assertIn(b"unknown operation 'nosuch'", answers[1][1])
            self.assertIn(b"<result>42</result>", answers[2][1])
            self.assertTrue(all(b"Connection: keep-alive" in h for h, _ in answers),
                            [h for h, _ in answers])
        finally:
            s.close()

    def test_fault_with_connection_close(self):
        """A request that says Connection: close gets its fault and the connection closes."""
        bad = self.request_bytes(envelope(add_body(1, 2).replace("<a>1</a>", "<a>one</a>")),
                                 extra="Connection: close\r\n")
        reply = self.raw(bad)
        self.assertTrue(reply.startswith(b"HTTP/1.1 500 "), reply[:200])
        self.assertIn(b"Connection: close", reply)
        self.assertIn(b"invalid value of element 'a'", reply)
        self.assert_add_works()

    def test_garbage_body(self):
        self.assert_fault("this is not XML at all", "Client", "malformed XML")

    def test_binary_garbage(self):
        self.assert_fault(bytes(range(256)) * 4, "Client",
                          "character U+0000 at byte 0 is not allowed in XML")

    def test_truncated_xml(self):
        full = envelope(add_body(1, 2))
        self.assert_fault(full[:len(full) // 2], "Client", "malformed XML")

    def test_not_soap(self):
        self.assert_fault('<x:Envelope xmlns:x="urn:not-soap"><x:Body/></x:Envelope>',
                          "Client", "not a SOAP 1.1 envelope")

    def test_wrong_namespace(self):
        self.assert_fault(envelope(add_body(1, 2, ns="urn:wrong")), "Client",
                          "unknown operation 'add'")

    def test_unknown_operation(self):
        self.assert_fault(envelope(add_body(1, 2, op="subtract")), "Client",
                          "unknown operation 'subtract'")

    def test_wrong_type(self):
        self.assert_fault(envelope('<c:add xmlns:c="%s"><a>one</a><b>2</b></c:add>' % CALC_NS),
                          "Client", "invalid value of element 'a'")

    def test_missing_element(self):
        self.assert_fault(envelope('<c:add xmlns:c="%s"><a>1</a></c:add>' % CALC_NS),
                          "Client", "missing, extra or too many elements in 'add'")

    def test_unexpected_element(self):
        self.assert_fault(
            envelope('<c:add xmlns:c="%s"><a>1</a><b>2</b><z>3</z></c:add>' % CALC_NS),
            "Client", "unexpected element 'z'")

    def test_too_deep(self):
        deep = "<x>" * (MAX_DEPTH + 5) + "</x>" * (MAX_DEPTH + 5)
        body = ('<soapenv:Envelope xmlns:soapenv="%s"><soapenv:Header>%s</soapenv:Header>'
                '<soapenv:Body>%s</soapenv:Body></soapenv:Envelope>'
                % (SOAP_ENV, deep, add_body(1, 2)))
        self.assert_fault(body, "Client", "XML nesting too deep")

    def test_unknown_path(self):
        status, _, _ = self.post(envelope(add_body(1, 2)), path="/NoSuchService")
        self.assertEqual(status, 404)
        self.assert_add_works()

    def test_oversize_body(self):
        body = envelope("<!-- %s -->" % ("x" * (2 * MAX_REQUEST)) + add_body(1, 2))
        data = body.encode()
        head = ("POST /Calculator HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                "Content-Length: %d\r\n\r\n" % len(data)).encode()
        reply = self.raw(head + data)
        self.assertTrue(reply.startswith(b"HTTP/1.1 413 "), reply[:200])
        self.assertIn(b"Connection: close", reply)
        self.assert_add_works()

    def test_stalled_half_request(self):
        full = ("POST /Calculator HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                "Content-Length: %d\r\n\r\n%s" % (len(envelope(add_body(1, 2))),
                                                  envelope(add_body(1, 2)))).encode()
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            t0 = time.time()
            s.sendall(full[:len(full) - 40])
            # others are served while this one stalls
            for _ in range(3):
                t1 = time.time()
                self.assert_add_works()
                self.assertLess(time.time() - t1, 0.5)
            reply = b""
            while True:
                d = s.recv(4096)
                if not d:
                    break
                reply += d
            elapsed = time.time() - t0
        finally:
            s.close()
        self.assertTrue(reply == b"" or reply.startswith(b"HTTP/1.1 408 "), reply)
        self.assertGreaterEqual(elapsed, RECV_TIMEOUT_MS / 1000.0 * 0.9)
        self.assertLess(elapsed, RECV_TIMEOUT_MS / 1000.0 + 2.0)
        self.assert_add_works()

    def test_bad_http(self):
        reply = self.raw(b"NOT HTTP AT ALL\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400 "), reply[:200])
        self.assert_add_works()

    def test_zz_sigterm(self):
        """Runs last (alphabetical order): SIGTERM stops the server with 0."""
        self.assert_add_works()
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.fail("server did not exit within 15 s of SIGTERM")
        self.assertEqual(rc, 0, self.proc.stderr.read())


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        SERVER = args.pop(0)
    else:
        SERVER = os.environ.get("LADON_SERVER")
    if not SERVER or not os.access(SERVER, os.X_OK):
        sys.stderr.write("usage: %s PATH/TO/ladon-examples [unittest args]\n" % sys.argv[0])
        sys.exit(2)
    unittest.main(argv=[sys.argv[0]] + args, verbosity=2)
