#!/usr/bin/python3
"""The client of bench/cost.sh: one workload sent to ladon-examples and to plain gSOAP
(bench/plain_gsoap), side by side, interleaved, on one keep-alive connection each.

It exists so that cost.sh can measure how the cost of a request grows with its work (issue 14):
the wall time of each request, the server's CPU time (utime + stime of /proc/PID/stat) over the
measured requests, and the growth of the server's peak RSS (VmHWM of /proc/PID/status) from just
before the workload's first request to just after its last, all on the same request bytes.

usage: cost_client.py WORKLOAD ROUNDS LADON_PORT LADON_PID PLAIN_PORT PLAIN_PID
  WORKLOAD: inspect:N (a record with N items in each of its 4 arrays) or echo:BYTES
Prints one line "RESULT key=value ..." (times in microseconds, memory in kB), or
"FAIL server=NAME ..." and exits 1 when a server's answer is wrong or missing.

Every answer is checked: the first one from each server semantically (echo: the text comes back
unchanged; inspect: values_sum, the tags reversed, the points swapped, every level), and the
two servers' first answers against each other (equal but for the prefix, calc/calculator); every
later answer must then be byte for byte the server's first.
"""

import http.client
import os
import re
import statistics
import sys
import time

NS = "urn:ladon:examples:calculator"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?><s:Envelope '
        'xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>')
TAIL = '</s:Body></s:Envelope>'
LEVELS = ("LEVEL_LOW", "LEVEL_MEDIUM", "LEVEL_HIGH")
ROUND_SECONDS = 0.5  # measured time per server per round (sets the requests per round)
MAX_REPS = 5000  # (CPU is counted in 10 ms ticks: enough requests that a tick is a few %)
TICK_US = 1e6 / os.sysconf("SC_CLK_TCK")


class Fail(Exception):
    pass


def inspect_request(n):
    parts = [HEAD, '<c:inspect xmlns:c="%s"><record><title>cost</title><count>%d</count>' % (NS, n),
             '<big>9000000000</big><ratio>1.5</ratio><enabled>true</enabled>',
             '<level>LEVEL_MEDIUM</level><when>2026-01-02T03:04:05Z</when>',
             '<payload>AQIDBA==</payload><limit>21</limit><origin><x>1</x><y>2</y></origin>',
             '<target><x>5</x><y>6</y></target>']
    parts += ['<values>%d</values>' % (i % 1000) for i in range(n)]
    parts += ['<tags>t%d</tags>' % i for i in range(n)]
    parts += ['<points><x>%d</x><y>%d</y></points>' % (i, -i) for i in range(n)]
    parts += ['<levels>%s</levels>' % LEVELS[i % 3] for i in range(n)]
    parts += ['</record></c:inspect>', TAIL]
    return ''.join(parts).encode()


def check_inspect(body, n):
    exp_sum = sum(i % 1000 for i in range(n))
    m = re.search(rb'<values_sum>(-?\d+)</values_sum>', body)
    if m is None or int(m.group(1)) != exp_sum:
        raise Fail("values_sum %r, expected %d" % (m and m.group(1), exp_sum))
    tags = re.findall(rb'<tags>([^<]*)</tags>', body)
    if tags != [b't%d' % i for i in range(n - 1, -1, -1)]:
        raise Fail("tags not the %d tags reversed (%d tags)" % (n, len(tags)))
    pts = re.findall(rb'<points><x>(-?\d+)</x><y>(-?\d+)</y></points>', body)
    if pts != [(b'%d' % -i, b'%d' % i) for i in range(n)]:
        raise Fail("points not the %d points swapped (%d points)" % (n, len(pts)))
    lv = re.findall(rb'<levels>([A-Z_]+)</levels>', body)
    if lv != [LEVELS[i % 3].encode() for i in range(n)]:
        raise Fail("levels not the %d levels (%d levels)" % (n, len(lv)))
    for frag in (b'<title>cost</title>', b'<big_plus_one>9000000001</big_plus_one>',
                 b'<next_level>LEVEL_HIGH</next_level>', b'<reversed>BAMCAQ==</reversed>',
                 b'<limit_doubled>42</limit_doubled>', b'<moved><x>2</x><y>3</y></moved>'):
        if frag not in body:
            raise Fail("no %r in the answer" % frag)


def echo_text(nbytes):
    unit = b'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_'  # 64 bytes
    return (unit * (nbytes // len(unit) + 1))[:nbytes]


def echo_request(text):
    return (HEAD + '<c:echo xmlns:c="%s"><text>' % NS).encode() + text + \
        ('</text></c:echo>' + TAIL).encode()


def check_echo(body, text):
    start = body.find(b'<result>')
    end = body.rfind(b'</result>')
    if start < 0 or end < 0 or body[start + 8:end] != text:
        raise Fail("the echoed text is not the %d bytes sent" % len(text))


def as_ladon(plain_body):
    return re.sub(rb'(xmlns:|</?)calc([:=])', rb'\1calculator\2', plain_body)


def cpu_ticks(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def hwm_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    raise Fail("no VmHWM for pid %d" % pid)


class Server:
    def __init__(self, name, port, pid):
        self.name, self.port, self.pid = name, port, pid
        self.conn = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
        self.times = []         # per round: list of wall times (s)
        self.ticks = 0
        self.requests = 0
        self.first = None

    def call(self, body):
        t0 = time.perf_counter()
        try:
            self.conn.request('POST', '/Calculator', body,
                              {'Content-Type': 'text/xml; charset=utf-8', 'SOAPAction': '""'})
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            raise Fail("%s: %s" % (type(e).__name__, e))
        dt = time.perf_counter() - t0
        if r.status != 200:
            raise Fail("HTTP %d: %r" % (r.status, data[:400]))
        if r.getheader('Connection', '').lower() == 'close':
            raise Fail("the server closed the keep-alive connection")
        return data, dt


def main():
    workload, rounds = sys.argv[1], int(sys.argv[2])
    servers = [Server('ladon', int(sys.argv[3]), int(sys.argv[4])),
               Server('plain', int(sys.argv[5]), int(sys.argv[6]))]
    kind, _, arg = workload.partition(':')
    if kind == 'inspect':
        n = int(arg)
        req = inspect_request(n)
        check = lambda body: check_inspect(body, n)  # noqa: E731
        work = 4 * n  # items
    elif kind == 'echo':
        text = echo_text(int(arg))
        req = echo_request(text)
        check = lambda body: check_echo(body, text)  # noqa: E731
        work = len(text)  # bytes of text
    else:
        raise SystemExit("unknown workload " + workload)

    cur = None
    try:
        # a tiny request first, so that the baseline holds what any request touches
        add = (HEAD + '<c:add xmlns:c="%s"><a>1</a><b>2</b></c:add>' % NS + TAIL).encode()
        for s in servers:
            cur = s
            data, _ = s.call(add)
            if b'<result>3</result>' not in data:
                raise Fail("add: %r" % data[:400])
        hwm0 = {s.name: hwm_kb(s.pid) for s in servers}
        probe = 0.0
        for s in servers:  # the first answers: checked, compared
            cur = s
            s.first, dt = s.call(req)
            probe = max(probe, dt)
            check(s.first)
        cur = servers[0]
        if servers[0].first != as_ladon(servers[1].first):
            raise Fail("ladon's answer (%d bytes) is not plain gSOAP's (%d bytes) but for the "
                       "prefix" % (len(servers[0].first), len(servers[1].first)))
        reps = max(1, min(MAX_REPS, int(ROUND_SECONDS / max(probe, 1e-6))))
        for r in range(rounds):
            order = servers if r % 2 == 0 else servers[::-1]
            for s in order:
                cur = s
                t0 = cpu_ticks(s.pid)
                ts = []
                for _ in range(reps):
                    data, dt = s.call(req)
                    if data != s.first:
                        raise Fail("round %d: an answer differs from the first (%d bytes, %d)" %
                                   (r + 1, len(data), len(s.first)))
                    ts.append(dt)
                s.ticks += cpu_ticks(s.pid) - t0
                s.requests += reps
                s.times.append(ts)
        hwm1 = {s.name: hwm_kb(s.pid) for s in servers}
    except Fail as e:
        print("FAIL server=%s workload=%s %s" % (cur.name if cur else '?', workload, e))
        return 1

    out = ['RESULT', 'workload=' + workload, 'req_bytes=%d' % len(req),
           'resp_bytes=%d' % len(servers[0].first), 'work=%d' % work, 'rounds=%d' % rounds,
           'reps=%d' % reps]
    meds = {}
    for s in servers:
        meds[s.name] = [statistics.median(ts) for ts in s.times]
        alltimes = [t for ts in s.times for t in ts]
        out += ['%s_med_us=%.1f' % (s.name, statistics.median(alltimes) * 1e6),
                '%s_cpu_us=%.1f' % (s.name, s.ticks * TICK_US / s.requests),
                '%s_hwm0_kb=%d' % (s.name, hwm0[s.name]),
                '%s_hwm1_kb=%d' % (s.name, hwm1[s.name])]
    ratios = [p / l for l, p in zip(meds['ladon'], meds['plain'])]
    out.append('ratio=%.3f' % statistics.median(ratios))
    print(' '.join(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
