#!/usr/bin/env bash
# bench/ab.sh - two ladon-examples binaries side by side (bench/README.md):
# before/after figures for a change to the runtime.  Both servers run at
# once on free ports (--log-level warn, other flags as given); wrk runs
# (-t2 -c32, keep-alive, Calculator.add, every answer checked by
# bench/wrk/soap.lua) alternate A B A B ...; prints each round and the median
# of the per-round ratios B/A.
#
#   bench/ab.sh ROUNDS SECONDS BIN_A BIN_B [FLAGS...]
# e.g. build the old tree in another folder, then
#   bench/ab.sh 5 5 /tmp/old/build/services/ladon-examples build-bench/services/ladon-examples
set -euo pipefail

[ $# -ge 4 ] || { echo "usage: $0 ROUNDS SECONDS BIN_A BIN_B [FLAGS...]" >&2; exit 2; }
n=$1 secs=$2 bin_a=$3 bin_b=$4
shift 4
lua=$(cd "$(dirname "$0")" && pwd)/wrk/soap.lua
tmp=$(mktemp -d /tmp/ladon-ab.XXXXXX)
pids=()
cleanup() {
    local p
    for p in "${pids[@]+"${pids[@]}"}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

printf '%s%s%s' '<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>' \
    '<c:add xmlns:c="urn:ladon:examples:calculator"><a>20</a><b>22</b></c:add>' \
    '</SOAP-ENV:Body></SOAP-ENV:Envelope>' >"$tmp/add.xml"

"$bin_a" --listen 127.0.0.1:0 --log-level warn "$@" >"$tmp/a.out" 2>"$tmp/a.err" &
pids+=($!)
"$bin_b" --listen 127.0.0.1:0 --log-level warn "$@" >"$tmp/b.out" 2>"$tmp/b.err" &
pids+=($!)
port() {
    local i p
    for i in $(seq 1 100); do
        p=$(sed -n 's|^Calculator: http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/$1.out")
        [ -n "$p" ] && { echo "$p"; return; }
        sleep 0.1
    done
    cat "$tmp/$1.err" >&2
    echo "server $1 did not start" >&2
    exit 1
}
pa=$(port a)
pb=$(port b)
run() { # PORT -> "rps p50_us p99_us"
    wrk -t2 -c32 -d"${secs}s" --timeout 10s -s "$lua" "http://127.0.0.1:$1/Calculator" -- \
        "$tmp/add.xml" '<result>42</result>' |
        sed -n 's/^BENCH requests=[0-9]* duration_us=[0-9]* rps=\([0-9.]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\).*/\1 \2 \3/p'
}
run "$pa" >/dev/null # warm-up
run "$pb" >/dev/null
echo "date: $(date)"
echo "A = $bin_a, B = $bin_b"
echo "   A req/s  p50 us   p99 us |  B req/s  p50 us   p99 us | B/A"
for i in $(seq 1 "$n"); do
    a=$(run "$pa")
    b=$(run "$pb")
    [ -n "$a" ] && [ -n "$b" ] || { echo "a wrk run failed" >&2; exit 1; }
    echo "$a | $b" | awk '{printf "%9.0f %7d %8d | %8.0f %7d %8d | %.3f\n", $1, $2, $3, $5, $6, $7, $5 / $1}'
done | tee "$tmp/rounds"
awk '{print $NF}' "$tmp/rounds" | sort -g |
    awk '{v[NR] = $1} END {printf "median B/A %.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
