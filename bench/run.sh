#!/usr/bin/env bash
# bench/run.sh - issue 6's benchmarks in one command (bench/README.md):
# installs what it needs, builds with meson (buildtype=release, own build
# folder) and prints one table of figures and ratios measured side by side
# in this one run.  Everything runs on 127.0.0.1, on free ports, with
# servers this script starts and stops by PID (nginx with its own config,
# prefix and pid file in a temp folder; nothing under /etc is touched).
#
#   bench/run.sh                     # all sections, ~20 minutes
#   BENCH_SECTIONS="sync" bench/run.sh
#
# Environment (defaults in brackets):
#   BENCH_SECTIONS   sync tasks scale polls instr cost   which sections to run
#                    (polls: polls with 0, 100,000 and BENCH_POLLS_MAX stored
#                    tasks; instr: bench/instructions.sh, callgrind; cost:
#                    inspect and echo of growing size, bench/cost_client.py)
#   BENCH_COST       [inspect:10 inspect:1000 inspect:100000 echo:1024
#                    echo:1048576 echo:16777216]   the cost section's workloads
#   BENCH_ROUNDS     [3]    interleaved rounds; the table shows medians
#   BENCH_DURATION   [10]   seconds of one wrk run (sync, idle)
#   BENCH_TASK_DURATION [5] seconds of one wrk run (tasks)
#   BENCH_IDLE       [1000] idle keep-alive connections of the idle row
#   BENCH_SCALE_TASKS [100000] finished tasks of the scale section
#   BENCH_SCALE_TTL  [30]   --task-ttl of the scale section (seconds)
#   BENCH_POLLS_MAX  [1000000] stored tasks of the polls section's last row
#   BENCH_BUILD_DIR  [build-bench]
#   BENCH_KEEP       [0]    1: keep the temp folder (logs of every server)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECTIONS=${BENCH_SECTIONS:-sync tasks scale polls instr cost}
COST_WORKLOADS=${BENCH_COST:-inspect:10 inspect:1000 inspect:100000 echo:1024 echo:1048576 echo:16777216}
ROUNDS=${BENCH_ROUNDS:-3}
DUR=${BENCH_DURATION:-10}
TDUR=${BENCH_TASK_DURATION:-5}
IDLE_N=${BENCH_IDLE:-1000}
SCALE_N=${BENCH_SCALE_TASKS:-100000}
SCALE_TTL=${BENCH_SCALE_TTL:-30}
POLLS_MAX=${BENCH_POLLS_MAX:-1000000}
BUILD=${BENCH_BUILD_DIR:-build-bench}
HOP_US=${BENCH_HOP_US:-1000}
THREADS=2
CONNS=32

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# --- install and build ------------------------------------------------------
scripts/install-deps.sh bench
# set up, or reconfigured (so `meson compile TARGET` knows targets added or moved since)
scripts/configure.sh "$BUILD" --buildtype=release
meson compile -C "$BUILD" ladon-examples plain_gsoap idle_conns mc_get delay_hop >/dev/null ||
    die "build (run: meson compile -C $BUILD)"
LADON=$ROOT/$BUILD/services/ladon-examples
PLAIN=$ROOT/$BUILD/bench/plain_gsoap
IDLE=$ROOT/$BUILD/bench/idle_conns
MCGET=$ROOT/$BUILD/bench/mc_get
HOP=$ROOT/$BUILD/tests/tools/delay_hop
LUA=$ROOT/bench/wrk/soap.lua

# 1,000 idle connections + wrk + servers need descriptors.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 8192 ]; then
    hard=$(ulimit -Hn)
    if [ "$hard" = unlimited ] || [ "$hard" -ge 8192 ]; then ulimit -n 8192; else ulimit -n "$hard"; fi
fi

TMP=$(mktemp -d /tmp/ladon-bench.XXXXXX)
PIDS=()
# lines: LABEL ROUND RPS P50_US P99_US BYTES_PER_RESP CPU_US_PER_REQ VCSW_PER_REQ FIRST_CPU_US_PER_REQ
# (the last two: voluntary context switches of the measured processes, and the CPU of the
# first of them alone - ladon's, where a store's is counted too)
RESULTS=$TMP/results
: >"$RESULTS"

stop_pid() { # PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 30)
    local pid=$1 t=$(( ${2:-30} * 10 ))
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

forget_pid() { # PID: no longer ours to stop (it exited)
    local keep=() p
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}

cleanup() {
    local p
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$p" 10; done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then log "logs kept in $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nothing listens on, outside the ephemeral range (so wrk's own
# client ports cannot take it).
free_port() {
    local p i
    for i in $(seq 1 200); do
        p=$(( 20000 + RANDOM % 12000 ))
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
    done
    die "no free port"
}

wait_port() { # PORT PID
    local i
    for i in $(seq 1 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# start_ladon NAME [VAR=VALUE...] -- [FLAGS...]: sets LPID, LPORT.
start_ladon() {
    local name=$1 envs=() i
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    env "${envs[@]+"${envs[@]}"}" "$LADON" --listen 127.0.0.1:0 --log-level warn "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    LPID=$!
    PIDS+=("$LPID")
    for i in $(seq 1 100); do
        LPORT=$(sed -n 's|^Calculator: http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/$name.out")
        [ -n "$LPORT" ] && return 0
        kill -0 "$LPID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$TMP/$name.err" >&2
    die "ladon-examples ($name) did not start"
}

# start_plain NAME THREADS: the plain gSOAP server (bench/plain_gsoap) on
# a free port; sets PPID_, PPORT.
start_plain() {
    local i
    "$PLAIN" 0 "$2" >"$TMP/$1.out" 2>"$TMP/$1.err" &
    PPID_=$!
    PIDS+=("$PPID_")
    PPORT=
    for i in $(seq 1 100); do
        PPORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/$1.out")
        [ -n "$PPORT" ] && return 0
        kill -0 "$PPID_" 2>/dev/null || break
        sleep 0.1
    done
    cat "$TMP/$1.err" >&2
    die "plain_gsoap ($1) did not start"
}

# CPU time (utime + stime, clock ticks) used so far by the processes
# PIDS and their children (nginx's workers): less sensitive to the other
# load on this shared machine than req/s, so the table shows it per request.
cpu_ticks() {
    local p t=0 c
    for p in "$@"; do
        for c in "$p" $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
            t=$(( t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0) ))
        done
    done
    echo "$t"
}
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

# Voluntary context switches so far of every thread of the processes PIDS
# and their children: a thread that blocks (a futex, epoll_wait with
# nothing to do, a socket read that would block) and is woken counts one.
vcsw() {
    local p c
    for p in "$@"; do
        for c in "$p" $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
            cat /proc/"$c"/task/*/status 2>/dev/null
        done
    done | awk '$1 == "voluntary_ctxt_switches:" {t += $2} END {print t + 0}'
}

# wrk_run LABEL ROUND URL BODY EXPECT [DURATION]: records one result line;
# the server CPU per request is measured over the processes in CPU_PIDS.
CPU_PIDS=()
wrk_run() {
    local label=$1 round=$2 url=$3 body=$4 expect=$5 d=${6:-$DUR} out line t0 v0 f0
    out=$TMP/$label.$round.wrk
    t0=$(cpu_ticks "${CPU_PIDS[@]}")
    v0=$(vcsw "${CPU_PIDS[@]}")
    f0=$(cpu_ticks "${CPU_PIDS[0]}")
    if ! wrk -t$THREADS -c$CONNS -d"${d}s" --timeout 10s -s "$LUA" "$url" -- "$body" "$expect" \
            >"$out" 2>&1; then
        cat "$out" >&2
        die "$label (round $round): wrk failed or a response was wrong (see above)"
    fi
    line=$(grep '^BENCH ' "$out") || die "$label: no BENCH line in $out"
    record "$label" "$round" "$line" $(( $(cpu_ticks "${CPU_PIDS[@]}") - t0 )) \
        $(( $(vcsw "${CPU_PIDS[@]}") - v0 )) $(( $(cpu_ticks "${CPU_PIDS[0]}") - f0 ))
}

record() { # LABEL ROUND "BENCH k=v ..." CPU_TICKS [VCSW [FIRST_CPU_TICKS]]
    local kv n
    kv=$(echo "$3" | tr ' ' '\n')
    n=$(echo "$kv" | sed -n 's/^requests=//p')
    printf '%s %s %s %s %s %s %s %s %s\n' "$1" "$2" \
        "$(echo "$kv" | sed -n 's/^rps=//p')" "$(echo "$kv" | sed -n 's/^p50_us=//p')" \
        "$(echo "$kv" | sed -n 's/^p99_us=//p')" "$(echo "$kv" | sed -n 's/^bytes_per_resp=//p')" \
        "$(awk -v t="$4" -v n="$n" -v u="$TICK_US" 'BEGIN {printf "%.1f", (n > 0 ? t * u / n : 0)}')" \
        "$(awk -v v="${5:-}" -v n="$n" 'BEGIN {if (v == "" || n <= 0) print "nan"; else printf "%.3f", v / n}')" \
        "$(awk -v t="${6:-}" -v n="$n" -v u="$TICK_US" 'BEGIN {if (t == "" || n <= 0) print "nan"; else printf "%.1f", t * u / n}')" \
        | sed 's/  / - /' >>"$RESULTS"
    log "$1 round $2: $(echo "$kv" | sed -n 's/^rps=//p') req/s"
}

soap_post() { # URL BODYFILE -> response body on stdout
    curl -sS --max-time 10 -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: ""' \
        --data-binary @"$2" "$1"
}

# --- request bodies ---------------------------------------------------------
ENV_HEAD='<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
ENV_TAIL='</SOAP-ENV:Body></SOAP-ENV:Envelope>'
printf '%s<c:add xmlns:c="urn:ladon:examples:calculator"><a>20</a><b>22</b></c:add>%s' \
    "$ENV_HEAD" "$ENV_TAIL" >"$TMP/add.xml"
printf '%s<t:taskExample xmlns:t="urn:ladon:examples:tasks"><session_id>bench</session_id><counter>7</counter></t:taskExample>%s' \
    "$ENV_HEAD" "$ENV_TAIL" >"$TMP/start.xml"
progress_body() { # ID FILE
    printf '%s<t:taskExample_progress xmlns:t="urn:ladon:examples:tasks"><task_id>%s</task_id></t:taskExample_progress>%s' \
        "$ENV_HEAD" "$1" "$ENV_TAIL" >"$2"
}
start_task() { # PORT -> task id
    local r id
    r=$(soap_post "http://127.0.0.1:$1/TaskService" "$TMP/start.xml") || die "task start failed"
    id=$(echo "$r" | sed -n 's|.*<task_id>\(-\{0,1\}[0-9]*\)</task_id>.*|\1|p')
    [ -n "$id" ] || die "task start: no task_id in: $r"
    echo "$id"
}

DATE=$(date)
START_S=$(date +%s)
log "results in $TMP; sections: $SECTIONS; $ROUNDS rounds"

# --- 1+2. sync calls, idle connections ---------------------------------------
run_sync() {
    local r i idle_pid resp nport

    # (a) ladon-examples, defaults but without the per-request log line;
    #     idle connections must outlive the run (--idle-timeout)
    start_ladon sync_a -- --idle-timeout 3600000
    local A_PID=$LPID A_URL=http://127.0.0.1:$LPORT/Calculator A_PORT=$LPORT
    # (a-log) the same with the default --log-level info (a line per request, to a file)
    start_ladon sync_alog -- --log-level info
    local L_PID=$LPID L_URL=http://127.0.0.1:$LPORT/Calculator
    # (b) the plain gSOAP pool, 32 threads (one per wrk connection)
    start_plain plain 32
    local B_PID=$PPID_ B_PORT=$PPORT
    local B_URL=http://127.0.0.1:$B_PORT/Calculator
    # (c) nginx: a static response with the body ladon-examples sends
    resp=$(soap_post "$A_URL" "$TMP/add.xml")
    case $resp in *'<result>42</result>'*) ;; *) die "ladon-examples answered: $resp" ;; esac
    case $resp in *"'"*|*'$'*|*'\'*) die "response not quotable in nginx.conf" ;; esac
    nport=$(free_port)
    mkdir -p "$TMP/nginx/logs"
    cat >"$TMP/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:$nport;
        server_tokens off;
        location / {
            default_type "text/xml; charset=utf-8";
            return 200 '$resp';
        }
    }
}
EOF
    nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" \
        >"$TMP/nginx.out" 2>&1 &
    local C_PID=$!
    PIDS+=("$C_PID")
    wait_port "$nport" "$C_PID" || { cat "$TMP/nginx.out" >&2; die "nginx did not start"; }
    local C_URL=http://127.0.0.1:$nport/Calculator
    [ "$(soap_post "$C_URL" "$TMP/add.xml")" = "$resp" ] || die "nginx answers another body"

    log "sync: warm-up"
    for u in "$A_URL" "$L_URL" "$B_URL" "$C_URL"; do
        wrk -t$THREADS -c$CONNS -d2s -s "$LUA" "$u" -- "$TMP/add.xml" '<result>42</result>' \
            >/dev/null || die "warm-up of $u failed"
    done
    for r in $(seq 1 "$ROUNDS"); do
        CPU_PIDS=("$A_PID"); wrk_run a "$r" "$A_URL" "$TMP/add.xml" '<result>42</result>'
        CPU_PIDS=("$B_PID"); wrk_run b "$r" "$B_URL" "$TMP/add.xml" '<result>42</result>'
        CPU_PIDS=("$C_PID"); wrk_run c "$r" "$C_URL" "$TMP/add.xml" '<result>42</result>'
        # (a) again while IDLE_N idle keep-alive connections are open
        "$IDLE" "$A_PORT" "$IDLE_N" /Calculator "$TMP/add.xml" >"$TMP/idle.$r.out" 2>&1 &
        idle_pid=$!
        PIDS+=("$idle_pid")
        for i in $(seq 1 300); do
            grep -q '^ready' "$TMP/idle.$r.out" && break
            kill -0 "$idle_pid" 2>/dev/null || { cat "$TMP/idle.$r.out" >&2; die "idle_conns failed"; }
            sleep 0.1
        done
        grep -q '^ready' "$TMP/idle.$r.out" || die "idle_conns not ready"
        CPU_PIDS=("$A_PID"); wrk_run a_idle "$r" "$A_URL" "$TMP/add.xml" '<result>42</result>'
        stop_pid "$idle_pid" 10
        grep -q "^still open $IDLE_N of $IDLE_N" "$TMP/idle.$r.out" ||
            die "idle connections were closed during the run: $(cat "$TMP/idle.$r.out")"
        CPU_PIDS=("$L_PID"); wrk_run a_log "$r" "$L_URL" "$TMP/add.xml" '<result>42</result>'
    done
    stop_pid "$C_PID"
    stop_pid "$B_PID"
    stop_pid "$A_PID"
    stop_pid "$L_PID"
}

# --- 3. tasks ----------------------------------------------------------------
run_tasks() {
    local r mport mpid mem_id mc_id pm pc pm_port pc_port store hport hpid ph ph_port hop_id
    mport=$(free_port)
    local mc_user=()
    [ "$(id -u)" = 0 ] && mc_user=(-u root)
    memcached -l 127.0.0.1 -p "$mport" -U 0 -m 1024 -c 4096 -t 2 "${mc_user[@]}" \
        >"$TMP/memcached.log" 2>&1 &
    mpid=$!
    PIDS+=("$mpid")
    wait_port "$mport" "$mpid" || die "memcached did not start"
    store=memcached://127.0.0.1:$mport
    # redis, without persistence (a cache of tasks, as memcached)
    local rport rpid rstore pr pr_port rd_id
    rport=$(free_port)
    redis-server --bind 127.0.0.1 --port "$rport" --save '' --appendonly no --daemonize no \
        >"$TMP/redis.log" 2>&1 &
    rpid=$!
    PIDS+=("$rpid")
    wait_port "$rport" "$rpid" || die "redis-server did not start: $(cat "$TMP/redis.log")"
    rstore=redis://127.0.0.1:$rport/0
    local TASKENV=(LADON_EXAMPLE_STEP_MS=60000) TASKFLAGS=(--task-queue 1000000 --shutdown-grace 0)

    # pollers: one server per store, one running task each (60 steps of 60 s)
    start_ladon poll_mem "${TASKENV[@]}" -- "${TASKFLAGS[@]}"
    pm=$LPID; pm_port=$LPORT
    start_ladon poll_mc "${TASKENV[@]}" -- "${TASKFLAGS[@]}" --store "$store"
    pc=$LPID; pc_port=$LPORT
    start_ladon poll_rd "${TASKENV[@]}" -- "${TASKFLAGS[@]}" --store "$rstore"
    pr=$LPID; pr_port=$LPORT
    # the same memcached behind a slow network hop (every request HOP_US
    # later): polls and raw gets where the round trip, not CPU, is the limit
    "$HOP" "$mport" "$HOP_US" >"$TMP/hop.out" 2>&1 &
    hpid=$!
    PIDS+=("$hpid")
    for r in $(seq 1 50); do
        hport=$(sed -n 's/^PORT //p' "$TMP/hop.out")
        [ -n "$hport" ] && break
        sleep 0.1
    done
    [ -n "$hport" ] || die "delay_hop did not start: $(cat "$TMP/hop.out")"
    start_ladon poll_hop "${TASKENV[@]}" -- "${TASKFLAGS[@]}" --store memcached://127.0.0.1:$hport
    ph=$LPID; ph_port=$LPORT
    mem_id=$(start_task "$pm_port")
    mc_id=$(start_task "$pc_port")
    rd_id=$(start_task "$pr_port")
    progress_body "$rd_id" "$TMP/progress_rd.xml"
    hop_id=$(start_task "$ph_port")
    progress_body "$mem_id" "$TMP/progress_mem.xml"
    progress_body "$mc_id" "$TMP/progress_mc.xml"
    progress_body "$hop_id" "$TMP/progress_hop.xml"
    sleep 1 # both tasks running
    # the raw get reads the very record a poll reads
    "$MCGET" "$mport" "ladon:$mc_id" 1 1 1 >/dev/null ||
        die "memcached has no record 'ladon:$mc_id' (store key format changed?)"

    for r in $(seq 1 "$ROUNDS"); do
        CPU_PIDS=("$pm"); wrk_run poll_mem "$r" "http://127.0.0.1:$pm_port/TaskService" "$TMP/progress_mem.xml" \
            "<task_id>$mem_id</task_id>" "$TDUR"
        CPU_PIDS=("$pc" "$mpid"); wrk_run poll_mc "$r" "http://127.0.0.1:$pc_port/TaskService" "$TMP/progress_mc.xml" \
            "<task_id>$mc_id</task_id>" "$TDUR"
        CPU_PIDS=("$pr" "$rpid"); wrk_run poll_rd "$r" "http://127.0.0.1:$pr_port/TaskService" "$TMP/progress_rd.xml" \
            "<task_id>$rd_id</task_id>" "$TDUR"
        local line t0
        t0=$(cpu_ticks "$mpid")
        line=$("$MCGET" "$mport" "ladon:$mc_id" "$TDUR" $THREADS $CONNS) || die "mc_get failed: $line"
        record raw_get "$r" "$line" $(( $(cpu_ticks "$mpid") - t0 ))
        CPU_PIDS=("$ph" "$mpid"); wrk_run poll_hop "$r" "http://127.0.0.1:$ph_port/TaskService" "$TMP/progress_hop.xml" \
            "<task_id>$hop_id</task_id>" "$TDUR"
        t0=$(cpu_ticks "$mpid")
        line=$("$MCGET" "$hport" "ladon:$hop_id" "$TDUR" $THREADS $CONNS) || die "mc_get (hop) failed: $line"
        record raw_hop "$r" "$line" $(( $(cpu_ticks "$mpid") - t0 ))
        # starts: a fresh server each time (queued tasks pile up: 60 s steps)
        start_ladon start_mem.$r "${TASKENV[@]}" -- "${TASKFLAGS[@]}"
        CPU_PIDS=("$LPID"); wrk_run start_mem "$r" "http://127.0.0.1:$LPORT/TaskService" "$TMP/start.xml" \
            '<task_id>' "$TDUR"
        stop_pid "$LPID" 120
        start_ladon start_mc.$r "${TASKENV[@]}" -- "${TASKFLAGS[@]}" \
            --store "$store"
        CPU_PIDS=("$LPID" "$mpid"); wrk_run start_mc "$r" "http://127.0.0.1:$LPORT/TaskService" "$TMP/start.xml" \
            '<task_id>' "$TDUR"
        stop_pid "$LPID" 120
        start_ladon start_rd.$r "${TASKENV[@]}" -- "${TASKFLAGS[@]}" \
            --store "$rstore"
        CPU_PIDS=("$LPID" "$rpid"); wrk_run start_rd "$r" "http://127.0.0.1:$LPORT/TaskService" "$TMP/start.xml" \
            '<task_id>' "$TDUR"
        stop_pid "$LPID" 120
    done
    stop_pid "$pm"
    stop_pid "$pc"
    stop_pid "$pr"
    stop_pid "$rpid"
    stop_pid "$ph"
    stop_pid "$hpid"
    stop_pid "$mpid"
}

# --- 4. scale ----------------------------------------------------------------
rss_kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }

# fill_tasks PORT N NAME: starts N tasks (at least) with wrk; sets FILLED (how many started)
fill_tasks() {
    local port=$1 n=$2 name=$3 per marker wpid i started
    per=$(( (n + THREADS - 1) / THREADS ))
    marker=$TMP/$name.marker
    wrk -t$THREADS -c$CONNS -d3600s --timeout 10s -s "$LUA" "http://127.0.0.1:$port/TaskService" -- \
        "$TMP/start.xml" '<task_id>' "$per" "$marker" >"$TMP/$name.wrk" 2>&1 &
    wpid=$!
    PIDS+=("$wpid")
    for i in $(seq 1 36000); do
        [ -e "$marker.1" ] && [ -e "$marker.2" ] && break
        kill -0 "$wpid" 2>/dev/null || break
        sleep 0.1
    done
    kill -INT "$wpid" 2>/dev/null || true
    wait "$wpid" || { forget_pid "$wpid"; cat "$TMP/$name.wrk" >&2; die "$name: task starts failed"; }
    forget_pid "$wpid"
    started=$(sed -n 's/^BENCH requests=\([0-9]*\).*/\1/p' "$TMP/$name.wrk")
    [ -n "$started" ] && [ "$started" -ge "$n" ] || die "$name: only $started of $n tasks started"
    FILLED=$started
}

# finished_task PORT PROGRESS_FILE: starts one more task and waits until it
# has finished (FIFO queue: then every task started before it has too);
# prints its id, PROGRESS_FILE polls it
finished_task() {
    local port=$1 file=$2 id r i
    id=$(start_task "$port")
    progress_body "$id" "$file"
    for i in $(seq 1 2400); do
        r=$(soap_post "http://127.0.0.1:$port/TaskService" "$file")
        case $r in *'<progress>1</progress>'*) echo "$id"; return 0 ;; esac
        sleep 0.25
    done
    log "task $id did not finish: $r"
    return 1
}

run_scale() {
    local pid port i r id done_at started
    start_ladon scale LADON_EXAMPLE_STEP_MS=0 -- --task-ttl "$SCALE_TTL" --task-queue 1000000
    pid=$LPID; port=$LPORT
    # warm every worker up, then the baseline
    wrk -t$THREADS -c$CONNS -d2s -s "$LUA" "http://127.0.0.1:$port/Calculator" -- \
        "$TMP/add.xml" '<result>42</result>' >/dev/null || die "scale warm-up failed"
    sleep 2
    SC_BASE=$(rss_kb "$pid" VmRSS)
    log "scale: baseline VmRSS $SC_BASE kB; starting $SCALE_N tasks"

    fill_tasks "$port" "$SCALE_N" scale
    started=$FILLED
    SC_STARTED=$started
    id=$(finished_task "$port" "$TMP/scale_progress.xml") || die "scale: tasks did not finish"
    done_at=$(date +%s)
    sleep 1
    SC_PEAK=$(rss_kb "$pid" VmRSS)
    SC_HWM=$(rss_kb "$pid" VmHWM)
    log "scale: $started tasks finished; VmRSS $SC_PEAK kB (VmHWM $SC_HWM kB); waiting for expiry"
    # expiry: --task-ttl after the last finish, plus sweeps
    while [ $(( $(date +%s) - done_at )) -lt $(( SCALE_TTL + 5 )) ]; do sleep 1; done
    r=$(soap_post "http://127.0.0.1:$port/TaskService" "$TMP/scale_progress.xml")
    case $r in *'<progress>'*) die "scale: task $id has not expired after ${SCALE_TTL}s + 5 s" ;; esac
    SC_AFTER=$(rss_kb "$pid" VmRSS)
    log "scale: after expiry VmRSS $SC_AFTER kB"
    # Diagnostic: how much of that is free heap glibc keeps (not a leak):
    # ask the process to malloc_trim(0) through gdb, when gdb is installed.
    SC_TRIM=
    if command -v gdb >/dev/null &&
        gdb -p "$pid" -batch -ex 'call (int)malloc_trim(0)' >"$TMP/gdb.log" 2>&1; then
        SC_TRIM=$(rss_kb "$pid" VmRSS)
        log "scale: after malloc_trim(0) VmRSS $SC_TRIM kB"
    fi
    stop_pid "$pid"
}

# --- 5. polls with many stored tasks --------------------------------------------
# Three servers side by side (memory store): one holding a single finished
# task, one 100,000 and one POLLS_MAX; each round polls a finished task on
# each.  A poll is a hash lookup: the rate should not depend on how many
# tasks are stored.
run_polls() {
    local p0 p0_port pk pk_port pm pm_port r
    local q=$(( POLLS_MAX + 1000 ))
    (( q > 1000000 )) && q=1000000      # --task-queue's upper bound
    local FLAGS=(--task-ttl 86400 --task-queue "$q")
    start_ladon polls_0 LADON_EXAMPLE_STEP_MS=0 -- "${FLAGS[@]}"
    p0=$LPID; p0_port=$LPORT
    start_ladon polls_100k LADON_EXAMPLE_STEP_MS=0 -- "${FLAGS[@]}"
    pk=$LPID; pk_port=$LPORT
    start_ladon polls_max LADON_EXAMPLE_STEP_MS=0 -- "${FLAGS[@]}"
    pm=$LPID; pm_port=$LPORT
    log "polls: starting 100000 and $POLLS_MAX tasks"
    fill_tasks "$pk_port" 100000 polls_fill_k
    PL_K=$FILLED
    fill_tasks "$pm_port" "$POLLS_MAX" polls_fill_m
    PL_M=$FILLED
    finished_task "$p0_port" "$TMP/polls_0.xml" >/dev/null || die "polls: a task did not finish"
    finished_task "$pk_port" "$TMP/polls_k.xml" >/dev/null || die "polls: tasks did not finish"
    finished_task "$pm_port" "$TMP/polls_m.xml" >/dev/null || die "polls: tasks did not finish"
    PL_RSS_M=$(rss_kb "$pm" VmRSS)
    for r in $(seq 1 "$ROUNDS"); do
        CPU_PIDS=("$p0"); wrk_run polls_0 "$r" "http://127.0.0.1:$p0_port/TaskService" "$TMP/polls_0.xml" \
            '<progress>1</progress>' "$TDUR"
        CPU_PIDS=("$pk"); wrk_run polls_100k "$r" "http://127.0.0.1:$pk_port/TaskService" "$TMP/polls_k.xml" \
            '<progress>1</progress>' "$TDUR"
        CPU_PIDS=("$pm"); wrk_run polls_max "$r" "http://127.0.0.1:$pm_port/TaskService" "$TMP/polls_m.xml" \
            '<progress>1</progress>' "$TDUR"
    done
    stop_pid "$p0"
    stop_pid "$pk"
    stop_pid "$pm" 120
}

# --- 6. instructions per request (callgrind) -------------------------------------
run_instr() {
    meson compile -C "$BUILD" plain_gsoap >/dev/null || die "build plain_gsoap"
    bench/instructions.sh --plain "$PLAIN" --top 10 "$LADON" >"$TMP/instr.txt" 2>&1 ||
        { cat "$TMP/instr.txt" >&2; die "bench/instructions.sh failed"; }
}

# --- 7. cost that grows with the work -----------------------------------------
# bench/cost_client.py sends one workload to ladon-examples and to plain
# gSOAP (built for the same operations, bench/plain_gsoap) on one keep-alive
# connection each, interleaved rounds, every answer checked; one RESULT line
# per workload in $TMP/cost.txt.  Limits are raised for the largest
# requests: 16 MB strings, 100,000-item arrays (4 arrays of inspect).
run_cost() {
    local w pp cpid cport
    : >"$TMP/cost.txt"
    for w in $COST_WORKLOADS; do
        log "cost: $w"
        # a fresh pair of servers per workload: a peak RSS (VmHWM) or heap an
        # earlier, larger workload left must not hide this one's growth
        start_ladon cost -- --max-request-size 64M --max-response-size 64M \
            --max-string-length 32M --max-items 1000000 --workers 2
        cpid=$LPID; cport=$LPORT
        start_plain plain_cost 2
        pp=$PPID_
        /usr/bin/python3 bench/cost_client.py "$w" "$ROUNDS" "$cport" "$cpid" "$PPORT" "$pp" \
            >>"$TMP/cost.txt" 2>&1 || { cat "$TMP/cost.txt" >&2; die "cost: $w"; }
        stop_pid "$cpid"
        stop_pid "$pp"
    done
}

for s in $SECTIONS; do
    case $s in
        sync) run_sync ;;
        tasks) run_tasks ;;
        scale) run_scale ;;
        polls) run_polls ;;
        instr) run_instr ;;
        cost) run_cost ;;
        *) die "unknown section '$s' (sync tasks scale polls instr cost)" ;;
    esac
done

# --- the table -----------------------------------------------------------------
# medians over rounds of each figure, and of each per-round ratio
med() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
col() { awk -v l="$1" -v c="$2" '$1 == l {print $c}' "$RESULTS" | med; }
ratio() { # LABEL1 LABEL2: median over rounds of rps(L1)/rps(L2) in the same round
    awk -v a="$1" -v b="$2" '$1 == a {x[$2]=$3} $1 == b {y[$2]=$3}
        END {for (r in x) if (r in y && y[r] > 0) print x[r]/y[r]}' "$RESULTS" | med
}
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
    if (v == "nan") print "-"; else if ((op == ">=" && v >= t) || (op == "<" && v < t)) print "met";
    else print "MISSED" }'; }
row() { # LABEL TEXT
    awk -v l="$1" '$1 == l' "$RESULTS" | grep -q . || return 0
    printf '%-44s %10.0f %9.2f %9.2f %6s %9.1f %7s\n' "$2" "$(col "$1" 3)" \
        "$(echo "$(col "$1" 4)" | awk '{print $1/1000}')" \
        "$(echo "$(col "$1" 5)" | awk '{print $1/1000}')" "$(col "$1" 6)" "$(col "$1" 7)" \
        "$(col "$1" 8 | awk '{if ($1 == "nan") print "-"; else printf "%.3f", $1}')"
}
# the median of column C of LABEL's rounds, or nan when there is none
num() { awk -v l="$1" '$1 == l' "$RESULTS" | grep -q . && col "$1" "$2" || echo nan; }
cpu_ratio() { # LABEL1 LABEL2: median over rounds of cpu/req(L2) / cpu/req(L1)
    awk -v a="$1" -v b="$2" '$1 == a {x[$2]=$7} $1 == b {y[$2]=$7}
        END {for (r in x) if (r in y && x[r] > 0) print y[r]/x[r]}' "$RESULTS" | med
}

{
echo
echo "Ladon-C bench/run.sh, $DATE, $(nproc) cores, $(( $(date +%s) - START_S )) s"
echo "wrk -t$THREADS -c$CONNS keep-alive; medians of $ROUNDS interleaved rounds ($DUR s each, tasks $TDUR s)"
echo
[ -s "$RESULTS" ] && printf '%-44s %10s %9s %9s %6s %9s %7s\n' "" "req/s" "p50 ms" "p99 ms" "B/resp" \
    "CPU us/r" "vcsw/r"
row a "(a) ladon-examples Calculator.add"
row b "(b) plain gSOAP pool, 32 threads"
row c "(c) nginx static response"
row a_idle "(a) with $IDLE_N idle keep-alive connections"
row a_log "(a) with --log-level info (default)"
row poll_mem "taskExample_progress polls, memory store"
row poll_mc "taskExample_progress polls, memcached store*"
row raw_get "raw memcached gets (mc_get)**"
row poll_hop "polls, memcached behind a ${HOP_US} us hop*"
row raw_hop "raw gets through the same hop**"
row start_mem "taskExample starts, memory store"
row start_mc "taskExample starts, memcached store*"
row poll_rd "taskExample_progress polls, redis store*"
row start_rd "taskExample starts, redis store*"
row polls_0 "polls, memory store holding 1 task"
row polls_100k "polls, memory store holding ${PL_K:-100000} tasks"
row polls_max "polls, memory store holding ${PL_M:-$POLLS_MAX} tasks"
[ -s "$RESULTS" ] && echo "CPU us/r: server CPU per request; vcsw/r: its threads' voluntary context switches per request"
grep -q '^poll_mc ' "$RESULTS" && echo "* with the store's CPU and switches; ** memcached's CPU alone"
[ -s "$RESULTS" ] && echo && echo "ratios (median of the per-round ratios)        value  target"
if grep -q '^a ' "$RESULTS" 2>/dev/null; then
    v=$(ratio a b); printf '%-44s %6.3f  >= 1.5  %s\n' "ladon / plain gSOAP" "$v" "$(verdict "$v" 1.5 '>=')"
    v=$(ratio a c); printf '%-44s %6.3f  >= 0.7  %s\n' "ladon / nginx" "$v" "$(verdict "$v" 0.7 '>=')"
    v=$(num a 5 | awk '{print ($1 == "nan") ? "nan" : $1 / 1000}')
    printf '%-44s %6.3f  < 2     %s\n' "ladon p99 latency, ms" "$v" "$(verdict "$v" 2 '<')"
    v=$(num a 8); printf '%-44s %6.3f  < 0.1   %s\n' "ladon voluntary context switches per request" "$v" \
        "$(verdict "$v" 0.1 '<')"
    v=$(cpu_ratio a b); printf '%-44s %6.3f  (CPU per request of plain / of ladon)\n' "ladon / plain gSOAP, by CPU" "$v"
    v=$(ratio a_idle a); printf '%-44s %6.3f  >= 0.9  %s\n' "ladon with idle conns / ladon" "$v" "$(verdict "$v" 0.9 '>=')"
    v=$(ratio a_log a); printf '%-44s %6.3f\n' "ladon --log-level info / ladon" "$v"
fi
if grep -q '^poll_mc ' "$RESULTS" 2>/dev/null; then
    v=$(ratio poll_mc raw_get); printf '%-44s %6.3f  >= 0.5  %s\n' "memcached polls / raw gets" "$v" "$(verdict "$v" 0.5 '>=')"
    v=$(ratio poll_mem raw_get); printf '%-44s %6.3f  (no store round trip: the bound)\n' "memory polls / raw gets" "$v"
    if grep -q '^c ' "$RESULTS"; then
        v=$(ratio raw_get c); printf '%-44s %6.3f  (a raw get vs the HTTP ceiling)\n' "raw gets / nginx static response" "$v"
    fi
    v=$(ratio poll_mc poll_mem); printf '%-44s %6.3f  >= 0.75 %s\n' "memcached polls / memory polls" "$v" \
        "$(verdict "$v" 0.75 '>=')"
    v=$(ratio poll_rd poll_mem); printf '%-44s %6.3f  >= 0.75 %s\n' "redis polls / memory polls" "$v" \
        "$(verdict "$v" 0.75 '>=')"
    v=$(ratio poll_hop raw_hop); printf '%-44s %6.3f  >= 0.5  %s (round trips, not CPU, the limit)\n' \
        "polls / raw gets, both through the hop" "$v" "$(verdict "$v" 0.5 '>=')"
    v=$(ratio start_mc start_mem); printf '%-44s %6.3f  >= 0.75 %s\n' "memcached starts / memory starts" "$v" \
        "$(verdict "$v" 0.75 '>=')"
    v=$(ratio start_rd start_mem); printf '%-44s %6.3f  >= 0.75 %s\n' "redis starts / memory starts" "$v" \
        "$(verdict "$v" 0.75 '>=')"
    echo
    echo "CPU per request, by process (us; the store's = all - ladon's)      ladon   store"
    for l in poll_mem poll_mc poll_rd start_mem start_mc start_rd; do
        awk -v l="$l" '$1 == l' "$RESULTS" | grep -q . || continue
        printf '%-62s %7.1f %7.1f\n' "$l" "$(col "$l" 9)" \
            "$(awk -v a="$(col "$l" 7)" -v b="$(col "$l" 9)" 'BEGIN {print a - b}')"
    done
fi
if grep -q '^polls_0 ' "$RESULTS" 2>/dev/null; then
    v=$(ratio polls_100k polls_0); printf '%-44s %6.3f  >= 0.9  %s\n' "polls, 100,000 stored / 1 stored" "$v" \
        "$(verdict "$v" 0.9 '>=')"
    v=$(ratio polls_max polls_0); printf '%-44s %6.3f  >= 0.9  %s\n' "polls, ${PL_M:-$POLLS_MAX} stored / 1 stored" "$v" \
        "$(verdict "$v" 0.9 '>=')"
    printf '%-44s %8d kB\n' "VmRSS holding ${PL_M:-$POLLS_MAX} tasks" "${PL_RSS_M:-0}"
fi
if [ -n "${SC_BASE:-}" ]; then
    echo
    echo "scale: ladon-examples, memory store, $SC_STARTED finished tasks (--task-ttl $SCALE_TTL)"
    printf '%-44s %8d kB\n' "VmRSS baseline (after a warm-up)" "$SC_BASE"
    printf '%-44s %8d kB  <= 40 MB %s\n' "VmRSS holding the finished tasks" "$SC_PEAK" \
        "$(verdict "$SC_PEAK" 40961 '<')"
    printf '%-44s %8d kB\n' "VmHWM (peak while starting them)" "$SC_HWM"
    printf '%-44s %8d kB  (%+d kB from the baseline)\n' "VmRSS after they expired" "$SC_AFTER" \
        $(( SC_AFTER - SC_BASE ))
    [ -z "$SC_TRIM" ] || printf '%-44s %8d kB  (%+d kB from the baseline)\n' \
        "  the same after malloc_trim(0) (gdb)" "$SC_TRIM" $(( SC_TRIM - SC_BASE ))
fi
if [ -s "$TMP/cost.txt" ]; then
    echo
    echo "cost that grows with the work: ladon-examples vs plain gSOAP, the same requests, one connection each"
    echo "(medians of $ROUNDS interleaved rounds; per unit = per item for inspect (4 arrays), per byte of text for echo)"
    printf '%-16s %10s %9s %9s %9s %7s %9s %9s %8s %7s %7s\n' workload "req bytes" "ladon us" "plain us" \
        "ladon ns/u" "MB/s" "ladon CPU" "plain CPU" "RSS+ kB" "time" "CPU"
    awk '$1 == "RESULT" {
        delete f
        for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
        per = f["ladon_med_us"] / f["work"]
        cr = f["ladon_cpu_us"] > 0 ? f["plain_cpu_us"] / f["ladon_cpu_us"] : 0
        printf "%-16s %10d %9.1f %9.1f %9.1f %7.1f %9.1f %9.1f %8d %7.3f %7.3f  %s\n", f["workload"], f["req_bytes"],
            f["ladon_med_us"], f["plain_med_us"], per * 1000,
            f["req_bytes"] / f["ladon_med_us"], f["ladon_cpu_us"], f["plain_cpu_us"],
            f["ladon_hwm1_kb"] - f["ladon_hwm0_kb"], f["ratio"], cr, (cr >= 1.0) ? "met" : "MISSED"
        if (f["req_bytes"] < 1000000) next
        rss[f["workload"]] = (f["ladon_hwm1_kb"] - f["ladon_hwm0_kb"]) * 1024 / f["req_bytes"]
        prss[f["workload"]] = (f["plain_hwm1_kb"] - f["plain_hwm0_kb"]) * 1024 / f["req_bytes"]
    } END {
        print "peak RSS growth / request bytes (target <= 3; requests of 1 MB and more):"
        for (w in rss) printf "  %-16s ladon %6.2f  plain %6.2f\n", w, rss[w], prss[w]
    }' "$TMP/cost.txt"
    echo "ladon ns/u: ladon's wall time per unit (an item of inspect's 4 arrays, a byte of echo's text); MB/s: request bytes per ladon wall second;"
    echo "CPU: each server's CPU us per request; RSS+: growth of ladon's VmHWM over the workload (fresh servers);"
    echo "time, CPU: plain / ladon, by wall time (the client's own time in both) and by server CPU (the verdict, >= 1.0)"
fi
if [ -s "$TMP/instr.txt" ]; then
    echo
    echo "instructions per Calculator.add under callgrind (bench/instructions.sh; lower is better)"
    cat "$TMP/instr.txt"
fi
} | tee "$TMP/table"
mkdir -p "$BUILD/bench-results"
cp "$TMP/table" "$BUILD/bench-results/table-$(date +%Y%m%d-%H%M%S).txt"
cp "$RESULTS" "$BUILD/bench-results/raw-$(date +%Y%m%d-%H%M%S).txt" 2>/dev/null || true
