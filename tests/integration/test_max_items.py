#!/usr/bin/python3
"""--max-items: an array with more items than the limit is a SOAP Fault, one
at the limit is served, and the server keeps serving.

usage: /usr/bin/python3 test_max_items.py PATH/TO/ladon-examples
"""
import http.client
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ladon_harness import main_wrapper  # noqa: E402

LIMIT = 10


def request(n):
    values = "".join("<values>%d</values>" % i for i in range(1, n + 1))
    return ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
            '<s:Body><c:inspect xmlns:c="urn:ladon:examples:calculator"><record><title>t</title>'
            '<count>0</count><big>0</big><ratio>0</ratio><enabled>false</enabled>'
            '<level>LEVEL_LOW</level><when>2020-01-01T00:00:00Z</when><payload></payload>'
            '<origin><x>0</x><y>0</y></origin>%s</record></c:inspect></s:Body></s:Envelope>'
            % values).encode()


def post(port, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/Calculator", request(n), {"Content-Type": "text/xml"})
    resp = conn.getresponse()
    data = resp.read().decode("utf-8")
    conn.close()
    return resp.status, data


def body(server, checks):
    status, data = post(server.port, LIMIT)
    checks.ok("%d items: 200" % LIMIT, status == 200, str(status))
    checks.ok("%d items: sum" % LIMIT, "<values_sum>55</values_sum>" in data, data[:300])
    status, data = post(server.port, LIMIT + 1)
    checks.ok("%d items: HTTP 500" % (LIMIT + 1), status == 500, str(status))
    m = re.search(r"<faultstring>([^<]*)</faultstring>", data)
    checks.ok("%d items: fault names the array" % (LIMIT + 1),
              m is not None and m.group(1) == "missing, extra or too many elements in 'values'",
              data[:400])
    checks.ok("%d items: faultcode Client" % (LIMIT + 1), ":Client</faultcode>" in data, data[:400])
    status, data = post(server.port, 3)
    checks.ok("served again after the fault", status == 200 and "<values_sum>6</values_sum>" in data)


if __name__ == "__main__":
    main_wrapper("max items", body, args=("--max-items", str(LIMIT)))
