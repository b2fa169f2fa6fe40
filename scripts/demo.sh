#!/usr/bin/env bash
# README command 1: install what is missing, build, run the example server.
#   scripts/demo.sh [ladon-examples flags...]   (default --listen 127.0.0.1:8080)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build
exec build/services/ladon-examples "$@"
