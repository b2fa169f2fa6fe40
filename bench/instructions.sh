#!/usr/bin/env bash
# bench/instructions.sh - instructions per request of ladon-examples binaries
# and of the plain gSOAP baseline server, counted by valgrind's callgrind: a
# figure that does not depend on what else this shared machine is doing
# (bench/README.md).  Each server runs under callgrind twice, with one
# request thread (ladon-examples --workers 1, plain_gsoap 0 1), answering N1
# then N2 requests on one keep-alive connection (Calculator.add, each answer
# checked); the difference of the two totals divided by N2 - N1 is the cost
# of one request without start-up and shutdown.  Prints one line per
# server, the ratio B/A of two ladon binaries, the ratio ladon/plain with
# --plain, and with --top K the K functions with the most self (exclusive)
# instructions per request of each server: callgrind_annotate of both runs,
# the difference per function divided by N2 - N1 (so start-up is left out
# there too).
#
#   bench/instructions.sh [--plain PLAIN_BIN] [--top K] BIN_A [BIN_B] [N1 N2]
#                                                          (default 200 1200)
# e.g. bench/instructions.sh /tmp/old/b/services/ladon-examples build/services/ladon-examples
#      bench/instructions.sh --plain build-bench/bench/plain_gsoap --top 10 \
#          build-bench/services/ladon-examples
# A ladon binary is run with LD_LIBRARY_PATH set to its build's framework/ folder.
set -euo pipefail

usage() { echo "usage: $0 [--plain PLAIN_BIN] [--top K] BIN_A [BIN_B] [N1 N2]" >&2; exit 2; }
plain= top=0
while [ $# -gt 0 ]; do
    case $1 in
        --plain) [ $# -ge 2 ] || usage; plain=$2; shift 2 ;;
        --top) [ $# -ge 2 ] || usage; top=$2; shift 2 ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || usage
case $top in '' | *[!0-9]*) usage ;; esac
bins=("$1")
shift
if [ $# -ge 1 ] && [ -x "$1" ]; then bins+=("$1"); shift; fi
n1=${1:-200} n2=${2:-1200}
case $n1$n2 in *[!0-9]*) usage ;; esac
[ "$n2" -gt "$n1" ] || { echo "$0: N2 ($n2) must be larger than N1 ($n1)" >&2; exit 2; }
for b in "${bins[@]}" ${plain:+"$plain"}; do
    [ -x "$b" ] || { echo "$0: not an executable: $b" >&2; exit 2; }
done
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ "$top" -eq 0 ] || command -v callgrind_annotate >/dev/null ||
    { echo "--top needs callgrind_annotate (apt-get install valgrind)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/ladon-instr.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
    rm -rf "$tmp"
}
trap cleanup EXIT

# fail MESSAGE: from run (a subshell, without the EXIT trap): stops the
# server under valgrind, shows its stderr, exits
fail() {
    [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
    cat "$tmp/err" >&2
    echo "$0: $*" >&2
    exit 1
}

# run KIND BIN N OUT: total instructions of one run of BIN (KIND ladon or
# plain) answering N requests; callgrind's output file is OUT.
run() {
    local kind=$1 bin=$2 n=$3 out=$4 lib port i
    if [ "$kind" = plain ]; then
        valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" 0 1 >"$tmp/out" 2>"$tmp/err" &
    else
        lib=$(cd "$(dirname "$bin")/../framework" && pwd)
        LD_LIBRARY_PATH=$lib valgrind --tool=callgrind --callgrind-out-file="$out" \
            "$bin" --listen 127.0.0.1:0 --workers 1 --log-level error >"$tmp/out" 2>"$tmp/err" &
    fi
    pid=$!
    port=
    for i in $(seq 1 600); do
        if [ "$kind" = plain ]; then
            port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/out")
        else
            port=$(sed -n 's|^Calculator: http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
        fi
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] || fail "$bin did not start"
    /usr/bin/python3 - "$port" "$n" <<'PY' || fail "$bin: the requests failed"
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
    # ladon-examples exits on SIGTERM; plain_gsoap dies of it (no handler),
    # and callgrind writes its output either way
    kill -TERM "$pid"
    wait "$pid" || true
    pid=
    [ -s "$out" ] || fail "callgrind wrote no output for $bin"
    sed -n 's/^summary: //p' "$out"
}

# self instructions per function of a callgrind output: lines COUNT<TAB>NAME
fn_costs() {
    callgrind_annotate --inclusive=no --threshold=100 "$1" |
        awk '/^ *[0-9][0-9,]* / && !/PROGRAM TOTALS/ {
                 n = $1; gsub(",", "", n); sub(/^ *[0-9][0-9,]* +(\([^)]*\) +)?/, "")
                 print n "\t" $0 }'
}

# top_fns LABEL OUT1 OUT2 PER: the top K functions by self instructions per request
top_fns() {
    local label=$1 o1=$2 o2=$3 per=$4
    fn_costs "$o1" >"$tmp/f1"
    fn_costs "$o2" >"$tmp/f2"
    printf 'top %d functions of %s by self (exclusive) instructions per add (of %d):\n' "$top" "$label" "$per"
    awk -F'\t' -v d=$(( n2 - n1 )) '
        FNR == NR {a[$2] = $1; next}
        {c = ($1 - a[$2]) / d; if (c > 0) print c "\t" $2}' "$tmp/f1" "$tmp/f2" |
        sort -t"$(printf '\t')" -k1,1gr |
        awk -F'\t' -v per="$per" -v k="$top" 'NR <= k {
            name = $2; obj = ""
            if (match(name, / \[[^]]*\]$/)) { obj = substr(name, RSTART + 2, RLENGTH - 3); name = substr(name, 1, RSTART - 1) }
            sub(/^.*\//, "", obj)
            if (index(name, ":") > 0) name = substr(name, index(name, ":") + 1)
            printf "  %9.0f %5.1f%%  %s%s\n", $1, 100 * $1 / per, name, (obj == "" ? "" : "  [" obj "]") }'
}

# count KIND BIN: prints the line of BIN, sets PER (instructions per add)
count() {
    local kind=$1 bin=$2 t1 t2
    t1=$(run "$kind" "$bin" "$n1" "$tmp/cg.$kind.1")
    t2=$(run "$kind" "$bin" "$n2" "$tmp/cg.$kind.2")
    PER=$(( (t2 - t1) / (n2 - n1) ))
    printf '%-6s %-55s %9d instructions per add (%d and %d requests: %d, %d)\n' \
        "$kind" "$bin" "$PER" "$n1" "$n2" "$t1" "$t2"
    [ "$top" -eq 0 ] || TOPS+=("$(top_fns "$bin" "$tmp/cg.$kind.1" "$tmp/cg.$kind.2" "$PER")")
}

per=() TOPS=()
for i in "${!bins[@]}"; do
    count ladon "${bins[$i]}"
    per+=("$PER")
done
if [ ${#per[@]} -eq 2 ]; then
    awk -v a="${per[0]}" -v b="${per[1]}" 'BEGIN { printf "B/A = %.3f\n", b / a }'
fi
if [ -n "$plain" ]; then
    count plain "$plain"
    awk -v a="${per[${#per[@]} - 1]}" -v p="$PER" 'BEGIN { printf "ladon / plain = %.3f (instructions per add; below 1: ladon executes fewer)\n", a / p }'
fi
for t in "${TOPS[@]+"${TOPS[@]}"}"; do printf '%s\n' "$t"; done
