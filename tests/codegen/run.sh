#!/bin/bash
# run.sh MODE - golden tests of ladon-gen (see README.md).
#   golden   generate every case, diff against expected/, check determinism
#   bad      every bad/ input fails with exactly its expected message and
#            leaves the output folder empty; a failing soapcpp2 leaves it empty
#   compile  compile generated code (glue with -Werror), link with a stub
#            runtime and implementations, serve requests from requests/
#   contract every WSDL ladon-gen writes (each case, the example services)
#            describes what soapcpp2's WSDL of the same NAME.gsoap.h does
#   regen    rewrite expected/ from the current ladon-gen (review the diff!)
# Environment (meson sets it; defaults for running by hand from the build dir):
#   LADON_GEN SOAPCPP2 CC PYTHON SRCDIR LADON_INC CALCULATOR_DIR SERVICES_DIR WORKDIR
set -u
mode=${1:?usage: run.sh golden|bad|compile|contract|regen}
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")" && pwd)}
LADON_GEN=${LADON_GEN:?set LADON_GEN to the ladon-gen binary}
SOAPCPP2=${SOAPCPP2:-soapcpp2}
CC=${CC:-cc}
LADON_INC=${LADON_INC:-$SRCDIR/../../framework/include}
CALCULATOR_DIR=${CALCULATOR_DIR:-$SRCDIR/../../services/calculator}
SERVICES_DIR=${SERVICES_DIR:-$SRCDIR/../../services}
PYTHON=${PYTHON:-python3}
WORKDIR=${WORKDIR:-$(mktemp -d)}
GSOAP_CFLAGS=$(pkg-config --cflags gsoapssl) || exit 1
GSOAP_LIBS=$(pkg-config --libs gsoapssl) || exit 1

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The headers of a case: cases/NAME.h, or the *.h of cases/NAME/ (sorted).
case_headers() {
    local c=$1
    if [ -d "$c" ]; then ls "$c"/*.h | LC_ALL=C sort; else echo "$c"; fi
}
case_name() { basename "$1" .h; }
# Every case: cases/NAME.h and cases/NAME/ (not the implementations cases/NAME.c).
cases() {
    local c
    for c in "$SRCDIR"/cases/*; do
        if [ -d "$c" ] || [ "${c%.h}" != "$c" ]; then echo "$c"; fi
    done
}
# Files of ours compared with expected/: everything but soapcpp2's C output.
compared_files() { (cd "$1" && ls | grep -v -E '^soap(Stub\.h|H\.h|C\.c|Server\.c)$' | LC_ALL=C sort); }

generate() { # case outdir
    local c=$1 out=$2
    rm -rf "$out"
    # shellcheck disable=SC2046
    "$LADON_GEN" --name "$(case_name "$c")" --outdir "$out" --soapcpp2 "$SOAPCPP2" $(case_headers "$c")
}

run_golden() {
    for c in $(cases); do
        local n; n=$(case_name "$c")
        local before=$failures
        if ! generate "$c" "$WORKDIR/golden/$n" 2>"$WORKDIR/golden-$n.err"; then
            fail "$n: ladon-gen failed: $(cat "$WORKDIR/golden-$n.err")"; continue
        fi
        local exp="$SRCDIR/expected/$n"
        if [ ! -d "$exp" ]; then fail "$n: no expected/$n (run: run.sh regen)"; continue; fi
        if [ "$(compared_files "$exp")" != "$(compared_files "$WORKDIR/golden/$n")" ]; then
            fail "$n: file lists differ: expected [$(compared_files "$exp" | tr '\n' ' ')] got [$(compared_files "$WORKDIR/golden/$n" | tr '\n' ' ')]"
        fi
        for f in $(compared_files "$exp"); do
            diff -u "$exp/$f" "$WORKDIR/golden/$n/$f" || fail "$n: $f differs from expected/$n/$f"
        done
        # determinism: a second run gives byte-identical output, soapcpp2's too
        generate "$c" "$WORKDIR/golden/$n.again" 2>/dev/null || fail "$n: second run failed"
        diff -r "$WORKDIR/golden/$n" "$WORKDIR/golden/$n.again" >/dev/null || fail "$n: output is not deterministic"
        ls -A "$WORKDIR/golden/$n" | grep -q '^\.ladon-gen' && fail "$n: temporary folder left behind"
        [ $failures -eq "$before" ] && echo "ok: golden $n"
    done
}

run_regen() {
    for c in $(cases); do
        local n; n=$(case_name "$c")
        generate "$c" "$WORKDIR/regen/$n" || { fail "$n: ladon-gen failed"; continue; }
        rm -rf "$SRCDIR/expected/$n"
        mkdir -p "$SRCDIR/expected/$n"
        for f in $(compared_files "$WORKDIR/regen/$n"); do cp "$WORKDIR/regen/$n/$f" "$SRCDIR/expected/$n/$f"; done
        echo "regenerated expected/$n"
    done
}

# The expected message of a bad case: "/* expect: L:C: error: MSG */" in one
# of its headers; prints "PATH:L:C: error: MSG".
expected_message() {
    local h
    for h in $(case_headers "$1"); do
        local e; e=$(sed -n 's|^/\* expect: \(.*\) \*/$|\1|p' "$h" | head -1)
        if [ -n "$e" ]; then echo "$h:$e"; return 0; fi
    done
    return 1
}

run_bad() {
    # run from bad/ with relative names, as the expected messages are written
    cd "$SRCDIR/bad" || exit 1
    for c in *; do
        local n; n=$(case_name "$c")
        local before=$failures
        local want; want=$(expected_message "$c") || { fail "$n: no /* expect: ... */ line"; continue; }
        local out="$WORKDIR/bad/$n"
        rm -rf "$out"; mkdir -p "$out"
        # shellcheck disable=SC2046
        "$LADON_GEN" --name bad --outdir "$out" --soapcpp2 "$SOAPCPP2" $(case_headers "$c") 2>"$out.err" >/dev/null
        local rc=$?
        local got; got=$(cat "$out.err")
        [ $rc -eq 1 ] || fail "$n: exit status $rc, expected 1"
        [ "$got" = "$want" ] || fail "$n: message differs
   got: $got
  want: $want"
        [ -z "$(ls -A "$out")" ] || fail "$n: wrote into the output folder: $(ls -A "$out" | tr '\n' ' ')"
        # --check reports the same
        # shellcheck disable=SC2046
        got=$("$LADON_GEN" --check $(case_headers "$c") 2>&1 >/dev/null)
        [ "$got" = "$want" ] || fail "$n: --check message differs: $got"
        [ $failures -eq "$before" ] && echo "ok: bad $n"
    done
    # a failing soapcpp2 (or one that is missing) leaves nothing behind
    local out="$WORKDIR/bad/soapcpp2-fails"
    rm -rf "$out"; mkdir -p "$out"
    if "$LADON_GEN" --name x --outdir "$out" --soapcpp2 /bin/false "$SRCDIR/cases/scalars.h" 2>"$out.err"; then
        fail "soapcpp2-fails: ladon-gen succeeded with /bin/false as soapcpp2"
    fi
    [ -z "$(ls -A "$out")" ] || fail "soapcpp2-fails: left files: $(ls -A "$out" | tr '\n' ' ')"
    grep -q 'failed with exit status 1' "$out.err" || fail "soapcpp2-fails: message: $(cat "$out.err")"
    if "$LADON_GEN" --name x --outdir "$out" --soapcpp2 /nonexistent/soapcpp2 "$SRCDIR/cases/scalars.h" 2>"$out.err"; then
        fail "soapcpp2-missing: ladon-gen succeeded"
    fi
    [ -z "$(ls -A "$out")" ] || fail "soapcpp2-missing: left files"
    # usage errors exit 2
    "$LADON_GEN" --outdir "$out" "$SRCDIR/cases/scalars.h" 2>/dev/null; [ $? -eq 2 ] || fail "usage: missing --name should exit 2"
    "$LADON_GEN" --name 'a-b' --outdir "$out" "$SRCDIR/cases/scalars.h" 2>/dev/null; [ $? -eq 2 ] || fail "usage: bad --name should exit 2"
    "$LADON_GEN" --bogus 2>/dev/null; [ $? -eq 2 ] || fail "usage: unknown option should exit 2"
    "$LADON_GEN" --check "$SRCDIR/cases/scalars.h" || fail "--check of a good header failed"
    echo "ok: bad soapcpp2 failures and usage"
}

# compile DIR NAME IMPL... : builds DIR/serve from the generated code
compile_case() {
    local dir=$1 name=$2; shift 2
    local inc=("-I$dir" "-I$LADON_INC")
    local h
    for h in "$@"; do inc+=("-I$(dirname "$h")"); done
    # shellcheck disable=SC2086
    $CC -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror "${inc[@]}" $GSOAP_CFLAGS -c "$dir/${name}_ladon.c" -o "$dir/glue.o" &&
    $CC -std=c17 -D_GNU_SOURCE -Wall -Wno-unused-parameter -Wno-unused-variable "${inc[@]}" $GSOAP_CFLAGS -c "$dir/soapC.c" -o "$dir/soapC.o" &&
    $CC -std=c17 -D_GNU_SOURCE -Wall -Wno-unused-parameter "${inc[@]}" $GSOAP_CFLAGS -c "$dir/soapServer.c" -o "$dir/soapServer.o" &&
    $CC -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror "${inc[@]}" $GSOAP_CFLAGS \
        -DBINDING_HEADER="\"${name}_ladon.h\"" -DBINDING="ladon_binding_${name}" \
        "$SRCDIR/serve_main.c" "$SRCDIR/stub_runtime.c" "${IMPLS[@]}" \
        "$dir/glue.o" "$dir/soapC.o" "$dir/soapServer.o" $GSOAP_LIBS -o "$dir/serve"
}

# serve_requests DIR NAME : requests/NAME-*.xml -> compare with .out
serve_requests() {
    local dir=$1 name=$2 r
    for r in "$SRCDIR"/requests/"$name"-*.xml; do
        [ -e "$r" ] || continue
        local want="${r%.xml}.out"
        local got; got=$("$dir/serve" <"$r" | sed -n '/^<?xml/,$p')
        if [ "$got" != "$(cat "$want")" ]; then
            fail "$name: response to $(basename "$r") differs
   got: $got
  want: $(cat "$want")"
        fi
    done
}

run_compile() {
    for c in $(cases); do
        local n; n=$(case_name "$c")
        local dir="$WORKDIR/compile/$n"
        local before=$failures
        generate "$c" "$dir" || { fail "$n: ladon-gen failed"; continue; }
        if [ -d "$c" ]; then IMPLS=("$c"/*.c); else IMPLS=("${c%.h}.c"); fi
        # shellcheck disable=SC2046
        compile_case "$dir" "$n" $(case_headers "$c") || { fail "$n: generated code does not compile"; continue; }
        # the descriptor's WSDL (head + address + tail) is the WSDL file
        for w in "$dir"/*.wsdl; do
            local s; s=$(basename "$w" .wsdl)
            "$dir/serve" --wsdl "$s" | cmp -s - "$w" || fail "$n: descriptor WSDL of $s differs from $s.wsdl"
        done
        serve_requests "$dir" "$n"
        [ $failures -eq "$before" ] && echo "ok: compile $n"
    done
    # the example service with its real implementation
    local dir="$WORKDIR/compile/examples"
    rm -rf "$dir"
    if "$LADON_GEN" --name examples --outdir "$dir" --soapcpp2 "$SOAPCPP2" "$CALCULATOR_DIR/calculator.h"; then
        IMPLS=("$CALCULATOR_DIR/calculator.c")
        if compile_case "$dir" examples "$CALCULATOR_DIR/calculator.h"; then
            serve_requests "$dir" examples
            echo "ok: compile examples (services/calculator)"
        else
            fail "examples: generated code does not compile"
        fi
    else
        fail "examples: ladon-gen failed"
    fi
}

# contract_case NAME OUTDIR HEADER... : generates NAME, has soapcpp2 write its
# WSDLs from the same NAME.gsoap.h and compares each service's two WSDLs
contract_case() {
    local n=$1 dir=$2; shift 2
    local ref="$dir.soapcpp2" w
    rm -rf "$dir" "$ref"
    "$LADON_GEN" --name "$n" --outdir "$dir" --soapcpp2 "$SOAPCPP2" "$@" || { fail "$n: ladon-gen failed"; return; }
    if ! mkdir -p "$ref" || ! cp "$dir/$n.gsoap.h" "$ref/"; then fail "$n: cannot copy $n.gsoap.h"; return; fi
    (cd "$ref" && "$SOAPCPP2" -c -S -L -x -d . "$n.gsoap.h") >"$ref.log" 2>&1 ||
        { fail "$n: soapcpp2 failed: $(cat "$ref.log")"; return; }
    local found=0
    for w in "$dir"/*.wsdl; do
        [ -e "$w" ] || continue
        found=$((found + 1))
        if [ ! -e "$ref/$(basename "$w")" ]; then fail "$n: soapcpp2 wrote no $(basename "$w")"; continue; fi
        "$PYTHON" "$SRCDIR/wsdl_contract.py" "$w" "$ref/$(basename "$w")" || fail "$n: $(basename "$w") differs from soapcpp2's contract"
    done
    [ "$found" -eq "$#" ] || fail "$n: $found WSDLs for $# services"
}

run_contract() {
    for c in $(cases); do
        local n; n=$(case_name "$c")
        local before=$failures
        # shellcheck disable=SC2046
        contract_case "$n" "$WORKDIR/contract/$n" $(case_headers "$c")
        [ $failures -eq "$before" ] && echo "ok: contract $n"
    done
    # the example services, one binding as services/meson.build generates them
    local before=$failures
    contract_case examples "$WORKDIR/contract/examples" "$SERVICES_DIR/calculator/calculator.h" \
        "$SERVICES_DIR/tasks/tasks.h" "$SERVICES_DIR/instances/instances.h"
    [ $failures -eq "$before" ] && echo "ok: contract examples (services/)"
}

mkdir -p "$WORKDIR"
case $mode in
golden) run_golden ;;
bad) run_bad ;;
compile) run_compile ;;
contract) run_contract ;;
regen) run_regen ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
if [ $failures -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
exit 0
