#!/usr/bin/env bash
# CI check (.ci/run): the README's two commands work in either order on a fresh machine,
# i.e. scripts/test.sh never runs a build folder configured before the test set was
# installed, and a missing test dependency is an error, never fewer tests.
#   scripts/check-build-dirs.sh [REV]    (default: the tracked files of the working tree)
# Configure steps only (about 30 s on 2 busy cores): nothing is compiled, installed or served.
# In fresh copies of the tree (git archive of REV, or of `git stash create`, which records
# the working tree's tracked files without touching anything), with scripts/install-deps.sh
# and scripts/fuzz.sh replaced by no-ops and a `meson` first on PATH whose compile and
# test do nothing (every other command is meson itself), it runs the real scripts:
#   1. scripts/demo.sh with CUnit hidden (PKG_CONFIG_LIBDIR: a copy of the system's .pc
#      folders without cunit.pc), as on a fresh machine where demo.sh installed only the
#      build set; plus, when demo.sh left no build/, a build/ configured the same way (what
#      an older demo.sh, or a `meson setup build` by hand, leaves behind); then
#      scripts/test.sh with CUnit visible, as after its install-deps.sh.  Every folder
#      test.sh runs `meson test` in must register exactly the tests that a normal
#      configuration of the tree (plain `meson setup`, same b_sanitize) registers, by name.
#   2. scripts/test.sh with CUnit hidden, in another fresh copy: it must fail at configure
#      and name cunit.
# Needs the test set (scripts/install-deps.sh test): meson, pkg-config, CUnit, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-}
py=/usr/bin/python3
real_meson=$(command -v meson)
me=check-build-dirs
fail=0
bad() { echo "$me: FAIL: $*" >&2; fail=1; }

pkg-config --exists cunit || { echo "$me: CUnit (cunit.pc) is not installed" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ladon-$me.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# the tree
if [ -z "$rev" ]; then
    rev=$(git stash create)
    rev=${rev:-HEAD}
fi
mkdir "$tmp/src"
git archive "$rev" | tar -x -C "$tmp/src"
for s in install-deps.sh fuzz.sh; do
    printf '#!/bin/sh\n# replaced by %s.sh\nexit 0\n' "$me" >"$tmp/src/scripts/$s"
done
cp -a "$tmp/src" "$tmp/a"
cp -a "$tmp/src" "$tmp/b"

# the .pc files pkg-config sees, without cunit.pc (the first folder's file wins, as in
# pkg-config's own search)
mkdir "$tmp/pc"
IFS=: read -ra pcdirs <<<"${PKG_CONFIG_PATH:+$PKG_CONFIG_PATH:}$(pkg-config --variable pc_path pkg-config)"
for ((i = ${#pcdirs[@]} - 1; i >= 0; i--)); do
    [ -d "${pcdirs[i]}" ] && find "${pcdirs[i]}" -maxdepth 1 -name '*.pc' -exec cp -L -f {} "$tmp/pc/" \;
done
rm -f "$tmp/pc/cunit.pc"
hidden=(env -u PKG_CONFIG_PATH PKG_CONFIG_LIBDIR="$tmp/pc")
if "${hidden[@]}" pkg-config --exists cunit; then
    echo "$me: could not hide cunit.pc from pkg-config" >&2
    exit 1
fi

# meson as the scripts see it
mkdir "$tmp/bin"
cat >"$tmp/bin/meson" <<'EOF'
#!/usr/bin/env bash
# meson during scripts/check-build-dirs.sh: compile and test do nothing (test records the
# folder it would run in); every other command is meson itself (setup records its status).
case "${1:-}" in
    compile) exit 0 ;;
    test)
        dir=.
        while [ $# -gt 0 ]; do
            if [ "$1" = -C ]; then dir=$2; break; fi
            shift
        done
        case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
        echo "$dir" >>"$CHECK_TEST_DIRS"
        exit 0 ;;
esac
status=0
"$CHECK_REAL_MESON" "$@" || status=$?
[ "${1:-}" != setup ] || echo "$status meson $*" >>"$CHECK_SETUPS"
exit $status
EOF
chmod +x "$tmp/bin/meson"
export CHECK_REAL_MESON=$real_meson CHECK_TEST_DIRS=$tmp/test-dirs CHECK_SETUPS=$tmp/setups
export PATH=$tmp/bin:$PATH

names() { # build folder -> its tests' names, sorted
    "$real_meson" introspect "$1" --tests |
        "$py" -c 'import json, sys; print("\n".join(sorted(t["name"] for t in json.load(sys.stdin))))'
}
sanitize_of() {
    "$real_meson" introspect "$1" --buildoptions |
        "$py" -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"][0])'
}

# 1. demo.sh before test.sh
: >"$CHECK_SETUPS"
# demo.sh ends by exec-ing the server, which was not built here: its status says nothing
(cd "$tmp/a" && "${hidden[@]}" scripts/demo.sh) >"$tmp/demo.log" 2>&1 || true
if ! [ -s "$CHECK_SETUPS" ] || grep -qv '^0 ' "$CHECK_SETUPS"; then
    bad "scripts/demo.sh did not configure (with the build set only):"
    cat "$CHECK_SETUPS" "$tmp/demo.log" >&2
fi
if [ ! -e "$tmp/a/build" ]; then
    (cd "$tmp/a" && "${hidden[@]}" "$real_meson" setup build >/dev/null)
fi
: >"$CHECK_SETUPS"
: >"$CHECK_TEST_DIRS"
if ! (cd "$tmp/a" && scripts/test.sh) >"$tmp/test.log" 2>&1; then
    bad "scripts/test.sh failed with every dependency installed:"
    tail -n 30 "$tmp/test.log" >&2
fi
[ -s "$CHECK_TEST_DIRS" ] || bad "scripts/test.sh ran meson test in no folder"
mapfile -t test_dirs < <(sort -u "$CHECK_TEST_DIRS")
for dir in "${test_dirs[@]}"; do
    s=$(sanitize_of "$dir")
    ref=$tmp/ref-${s//,/_}
    if [ ! -d "$ref" ]; then
        opts=()
        [ "$s" = none ] || opts=(-Db_sanitize="$s" -Db_lundef=false)
        "$real_meson" setup "$ref" "$tmp/a" "${opts[@]}" >/dev/null
    fi
    names "$ref" >"$ref.names"
    names "$dir" >"$tmp/dir.names"
    if ! diff -u "$ref.names" "$tmp/dir.names" >"$tmp/names.diff"; then
        bad "${dir#"$tmp/a/"}/ (after demo.sh, then test.sh) does not register the tests of a" \
            "normal configuration (b_sanitize=$s; - missing, + extra):"
        tail -n +3 "$tmp/names.diff" | grep '^[-+]' >&2
    else
        echo "$me: ${dir#"$tmp/a/"}/ registers all $(wc -l <"$ref.names") tests (b_sanitize=$s)"
    fi
done

# 2. test.sh without CUnit
: >"$CHECK_SETUPS"
if (cd "$tmp/b" && "${hidden[@]}" scripts/test.sh) >"$tmp/test-hidden.log" 2>&1; then
    bad "scripts/test.sh succeeded with CUnit missing (its $(wc -l <"$CHECK_SETUPS") meson setup calls too)"
elif ! grep -qv '^0 ' "$CHECK_SETUPS" || ! grep -qi cunit "$tmp/test-hidden.log"; then
    bad "scripts/test.sh with CUnit missing failed, but not at configure naming cunit:"
    tail -n 30 "$tmp/test-hidden.log" >&2
else
    echo "$me: scripts/test.sh with CUnit missing fails at configure: $(grep -i -m1 'error.*cunit' "$tmp/test-hidden.log")"
fi

[ $fail -eq 0 ] && echo "$me: OK"
exit $fail
