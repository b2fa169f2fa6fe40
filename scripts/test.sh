#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is missing, build, run every
# test: once in a normal build, once with -fsanitize=address,undefined.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

run() {
    local dir=$1; shift
    [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
    meson compile -C "$dir"
    meson test -C "$dir" --print-errorlogs --num-processes 2
}

echo "== normal build"
run build
echo "== sanitizer build (address,undefined)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run build-asan -Db_sanitize=address,undefined -Db_lundef=false
