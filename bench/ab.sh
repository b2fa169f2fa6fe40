#!/usr/bin/env bash
# bench/ab.sh - two ladon-examples binaries side by side (bench/README.md):
# before/after figures for a change to the runtime.  Both servers run at
# once on free ports (--log-level warn, other flags as given); wrk runs
# (-t2 -c32, keep-alive, Calculator.add, every answer checked by
# bench/wrk/soap.lua) alternate A B A B ...; prints each round (req/s,
# latency, the server's CPU and voluntary context switches per request) and
# the median of the per-round ratios B/A.
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
tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
# CPU ticks (utime + stime) and voluntary context switches of every thread of PID
usage() {
    echo "$(awk '{print $14 + $15}' "/proc/$1/stat") $(cat /proc/"$1"/task/*/status |
        awk '$1 == "voluntary_ctxt_switches:" {t += $2} END {print t + 0}')"
}
run() { # PORT PID -> "rps p50_us p99_us cpu_us_per_req vcsw_per_req"
    local u0 u1 line
    u0=$(usage "$2")
    line=$(wrk -t2 -c32 -d"${secs}s" --timeout 10s -s "$lua" "http://127.0.0.1:$1/Calculator" -- \
        "$tmp/add.xml" '<result>42</result>' | grep '^BENCH ') || return 0
    u1=$(usage "$2")
    echo "$line $u0 $u1" | awk -v u="$tick_us" '{
        for (i = 2; i <= NF; i++) if (split($i, kv, "=") == 2) f[kv[1]] = kv[2]
        n = f["requests"]; c0 = $(NF - 3); v0 = $(NF - 2); c1 = $(NF - 1); v1 = $NF
        printf "%s %s %s %.1f %.3f\n", f["rps"], f["p50_us"], f["p99_us"], (c1 - c0) * u / n, (v1 - v0) / n }'
}
run "$pa" "${pids[0]}" >/dev/null # warm-up
run "$pb" "${pids[1]}" >/dev/null
echo "date: $(date)"
echo "A = $bin_a, B = $bin_b"
echo "   A req/s  p50 us   p99 us CPU us/r vcsw/r |  B req/s  p50 us   p99 us CPU us/r vcsw/r | B/A"
for i in $(seq 1 "$n"); do
    a=$(run "$pa" "${pids[0]}")
    b=$(run "$pb" "${pids[1]}")
    [ -n "$a" ] && [ -n "$b" ] || { echo "a wrk run failed" >&2; exit 1; }
    echo "$a | $b" | awk '{printf "%9.0f %7d %8d %8.1f %6.3f | %8.0f %7d %8d %8.1f %6.3f | %.3f\n",
        $1, $2, $3, $4, $5, $7, $8, $9, $10, $11, $7 / $1}'
done | tee "$tmp/rounds"
awk '{print $NF}' "$tmp/rounds" | sort -g |
    awk '{v[NR] = $1} END {printf "median B/A %.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
