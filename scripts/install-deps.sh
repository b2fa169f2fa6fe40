#!/usr/bin/env bash
# Installs the Debian 12 packages Ladon-C needs, only those that are missing.
#   scripts/install-deps.sh build   - to build and run the server
#   scripts/install-deps.sh test    - also what the tests need (clients, sanitizers, chromium),
#                                     and the browser tests' playwright-core from the npm
#                                     registry (npm ci in tests/browser, as package-lock.json pins)
#   scripts/install-deps.sh bench   - build, plus what bench/run.sh needs (load generator, servers)
#   scripts/install-deps.sh fuzz    - build, plus clang and libFuzzer (scripts/fuzz.sh)
# Runs apt-get as root (directly, or through sudo when not root).
set -euo pipefail

what=${1:-build}
build_pkgs=(gcc libc6-dev pkg-config meson ninja-build gsoap libgsoap-dev libxml2-dev
            zlib1g-dev libssl-dev libmemcached-dev libhiredis-dev libcurl4-openssl-dev libjansson-dev
            libcrypt-dev)
fuzz_pkgs=(clang libclang-rt-14-dev)
test_pkgs=(libcunit1-dev python3 python3-zeep php-cli php-soap curl libxml2-utils valgrind
           memcached redis-server apache2 apache2-utils jaxws default-jdk-headless chromium nodejs jq
           "${fuzz_pkgs[@]}")
bench_pkgs=(wrk nginx-light memcached redis-server curl valgrind)

case "$what" in
    build) pkgs=("${build_pkgs[@]}") ;;
    test) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
    bench) pkgs=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
    fuzz) pkgs=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
    *) echo "usage: $0 build|test|bench|fuzz" >&2; exit 2 ;;
esac

# npm comes with NodeSource's nodejs package and is Debian's own package otherwise
if [ "$what" = test ] && ! command -v npm >/dev/null; then
    pkgs+=(npm)
fi

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
        as_root=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -q
    "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The browser tests drive Debian's chromium with playwright-core (never its own browsers:
# no `playwright install`), at the version tests/browser/package-lock.json pins; npm ci
# again whenever the lock file is newer than what it installed.
if [ "$what" = test ]; then
    browser_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
    if [ ! -f "$browser_dir/node_modules/playwright-core/package.json" ] ||
       [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ]; then
        echo "installing tests/browser's npm packages (npm ci)"
        (cd "$browser_dir" && npm ci --no-audit --no-fund)
    fi
fi
