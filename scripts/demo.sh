#!/usr/bin/env bash
# README command 1: install what is missing (the build set only), build the example
# server, run it.
#   scripts/demo.sh [ladon-examples flags...]   (default --listen 127.0.0.1:8080)
# It builds in build-demo/, a folder of its own configured without the tests
# (-Dtests=disabled -Dintegration=false), and compiles only ladon-examples: it needs no
# test dependency and never configures the folders of scripts/test.sh (build/,
# build-asan/, build-tsan/), so the two commands work in either order.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/configure.sh build-demo -Dtests=disabled -Dintegration=false
meson compile -C build-demo ladon-examples
exec build-demo/services/ladon-examples "$@"
