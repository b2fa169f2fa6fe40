#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is missing, build, run every
# test: once in a normal build, once with -fsanitize=address,undefined, the
# concurrency suites under -fsanitize=thread, and every libFuzzer harness
# briefly over its seed corpus (scripts/fuzz.sh --ci).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

# Each build folder is set up, or reconfigured when it exists (a folder configured before
# the test set was installed, by hand or by an older demo.sh, would register fewer
# tests), with every test and its dependencies required: -Dtests=enabled makes a missing
# CUnit, client or server a configure error, never fewer tests.  scripts/demo.sh builds
# in build-demo/ and never touches these folders.
configure() { # DIR OPTIONS...
    local dir=$1; shift
    scripts/configure.sh "$dir" -Dtests=enabled -Dintegration=true "$@"
}
run() {
    local dir=$1; shift
    configure "$dir" "$@"
    meson compile -C "$dir"
    meson test -C "$dir" --print-errorlogs --num-processes 2
}

echo "== normal build"
run build -Db_sanitize=none
echo "== sanitizer build (address,undefined)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run build-asan -Db_sanitize=address,undefined -Db_lundef=false
echo "== libFuzzer harnesses (clang, address,undefined): seed corpus + 30000 inputs each"
scripts/fuzz.sh --ci
echo "== ThreadSanitizer build (concurrency suites: runtime server, task engine, stores)"
configure build-tsan -Db_sanitize=thread -Db_lundef=false
meson compile -C build-tsan
TSAN_OPTIONS=halt_on_error=1 meson test -C build-tsan --print-errorlogs --num-processes 2 --suite runtime --suite task
echo "== ThreadSanitizer: the server under real clients (request pool, tasks, shared store)"
# a race reported in the server makes it exit non-zero, which these tests check
TSAN_OPTIONS=halt_on_error=1 meson test -C build-tsan --print-errorlogs --num-processes 2 \
    test_store_waits test_zeep_tasks test_zeep_task_busy test_task_shutdown test_shared_store_memcached \
    test_zeep_lifecycle test_shared_lifecycle_redis
