#!/usr/bin/env bash
# bench/instructions.sh - instructions per request of ladon-examples binaries,
# counted by valgrind's callgrind: a figure that does not depend on what else
# this shared machine is doing (bench/README.md).  Each binary runs under
# callgrind twice, --workers 1, answering N1 then N2 requests on one
# keep-alive connection (Calculator.add, each answer checked); the
# difference of the two totals divided by N2 - N1 is the cost of one request
# without start-up and shutdown.  Prints one line per binary and, with two,
# the ratio B/A.
#
#   bench/instructions.sh BIN_A [BIN_B] [N1 N2]       (default 200 1200)
# e.g. bench/instructions.sh /tmp/old/b/services/ladon-examples build/services/ladon-examples
# A binary is run with LD_LIBRARY_PATH set to its build's framework/ folder.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 BIN_A [BIN_B] [N1 N2]" >&2; exit 2; }
bins=("$1")
shift
if [ $# -ge 1 ] && [ -x "$1" ]; then bins+=("$1"); shift; fi
n1=${1:-200} n2=${2:-1200}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/ladon-instr.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
    rm -rf "$tmp"
}
trap cleanup EXIT

# total instructions of one run of BIN answering N requests
run() {
    local bin=$1 n=$2 lib port i
    lib=$(cd "$(dirname "$bin")/../framework" && pwd)
    LD_LIBRARY_PATH=$lib valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        "$bin" --listen 127.0.0.1:0 --workers 1 --log-level error >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    port=
    for i in $(seq 1 300); do
        port=$(sed -n 's|^Calculator: http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$tmp/err" >&2; echo "server did not start" >&2; exit 1; }
    /usr/bin/python3 - "$port" "$n" <<'PY'
import http.client, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
body = (b'<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/'
        b'soap/envelope/"><s:Body><c:add xmlns:c="urn:ladon:examples:calculator"><a>20</a><b>22</b>'
        b'</c:add></s:Body></s:Envelope>')
c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
for _ in range(n):
    c.request("POST", "/Calculator", body, {"Content-Type": "text/xml; charset=utf-8"})
    r = c.getresponse()
    d = r.read()
    if r.status != 200 or b"<result>42</result>" not in d:
        sys.exit("bad answer: %d %r" % (r.status, d[:200]))
PY
    kill -TERM "$pid"
    wait "$pid" || true
    pid=
    sed -n 's/^summary: //p' "$tmp/cg.out"
}

per=()
for b in "${bins[@]}"; do
    t1=$(run "$b" "$n1")
    t2=$(run "$b" "$n2")
    p=$(( (t2 - t1) / (n2 - n1) ))
    per+=("$p")
    printf '%-60s %9d instructions per add (%d and %d requests: %d, %d)\n' "$b" "$p" "$n1" "$n2" "$t1" "$t2"
done
if [ ${#per[@]} -eq 2 ]; then
    awk -v a="${per[0]}" -v b="${per[1]}" 'BEGIN { printf "B/A = %.3f\n", b / a }'
fi
