#!/usr/bin/env bash
# The libFuzzer harnesses of tests/fuzz (docs/security.md), built with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer in build-fuzz/.
#   scripts/fuzz.sh TARGET SECONDS   fuzz one harness (fuzz_http, fuzz_xml, fuzz_body,
#                                    fuzz_router, fuzz_codegen, fuzz_mcrecord, fuzz_store_url,
#                                    fuzz_request, fuzz_lc_wsdl, fuzz_lc_response) for SECONDS;
#                                    new inputs go to build-fuzz/corpus/TARGET, a crash to
#                                    build-fuzz/artifacts/ (add it to tests/fuzz/corpus/)
#   scripts/fuzz.sh all SECONDS      every harness, one after the other
#   scripts/fuzz.sh --ci [RUNS]      what scripts/test.sh runs: every harness over its seed
#                                    corpus plus RUNS mutations (default 30000) each; fails
#                                    on any crash, leak or sanitizer report
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh fuzz

targets=(fuzz_http fuzz_xml fuzz_body fuzz_router fuzz_codegen fuzz_mcrecord fuzz_store_url fuzz_request
         fuzz_lc_wsdl fuzz_lc_response)
build=build-fuzz
# set up, or reconfigured when it exists (a target added or moved since is then known)
CC=clang scripts/configure.sh "$build" -Dfuzz=true -Dintegration=false \
    -Db_sanitize=address,undefined -Db_lundef=false
meson compile -C "$build" "${targets[@]}" >/dev/null

# the seed corpus of a harness (read only), and its dictionary
seeds() {
    case "$1" in
        fuzz_codegen) echo tests/fuzz/corpus/codegen tests/codegen/cases tests/codegen/bad ;;
        fuzz_request) echo tests/fuzz/corpus/request tests/fuzz/corpus/http ;;
        fuzz_lc_wsdl) echo tests/fuzz/corpus/lc_wsdl tests/unit/ladon-call/data ;;
        *) echo "tests/fuzz/corpus/${1#fuzz_}" ;;
    esac
}
dict() {
    case "$1" in
        fuzz_http | fuzz_router | fuzz_store_url) echo tests/fuzz/http.dict ;;
        fuzz_mcrecord) echo tests/fuzz/mcrecord.dict ;;
        fuzz_codegen) echo tests/fuzz/codegen.dict ;;
        *) echo tests/fuzz/xml.dict ;;
    esac
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build/artifacts"

fuzz_one() { # TARGET EXTRA-ARGS...
    local t=$1; shift
    local work="$build/corpus/$t"
    mkdir -p "$work"
    # shellcheck disable=SC2046
    "$build/tests/fuzz/$t" -dict="$(dict "$t")" -artifact_prefix="$build/artifacts/$t-" \
        -max_len=65536 -print_final_stats=1 "$@" "$work" $(seeds "$t")
}

case "${1:-}" in
    --ci)
        runs=${2:-30000}
        for t in "${targets[@]}"; do
            log="$build/$t.log"
            if fuzz_one "$t" -runs="$runs" >"$log" 2>&1; then
                echo "ok   $t: seed corpus + $(grep -oE 'number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+') inputs"
            else
                tail -n 60 "$log"
                echo "FAIL $t (log $log, the input in $build/artifacts)"
                exit 1
            fi
        done
        echo "fuzz: all ${#targets[@]} harnesses ran clean"
        ;;
    all)
        for t in "${targets[@]}"; do fuzz_one "$t" -max_total_time="${2:?seconds}"; done ;;
    fuzz_*)
        fuzz_one "$1" -max_total_time="${2:?seconds}" ;;
    *)
        sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
