#!/usr/bin/env bash
# Sets up the meson build folder DIR with OPTIONS or, when DIR is set up already,
# reconfigures it with them, so a dependency installed since or a changed option always
# takes effect (scripts/test.sh never runs a folder configured before the test set was
# installed).  Quiet, except that meson's output is shown when it fails.
#   scripts/configure.sh DIR [OPTIONS...]    (DIR relative to the top of the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 DIR [OPTIONS...]" >&2; exit 2; }
dir=$1; shift
if [ -f "$dir/meson-private/coredata.dat" ]; then
    set -- --reconfigure "$dir" "$@"
else
    set -- "$dir" "$@" # also a folder whose first setup failed (it has no coredata.dat)
fi
if ! out=$(meson setup "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "configure failed: meson setup $*" >&2
    exit 1
fi
