#!/bin/sh
# The installed package works for a user who has only the installed files:
# installs BUILD_DIR into a temporary prefix, then builds examples/embed out
# of the source tree twice, with pkg-config and with find_package(libdiag),
# and runs both on a fixture.
#
#   tests/e2e/embed_out_of_tree.sh BUILD_DIR
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix
fixture=$src/tests/fixtures/e2e/exchange_day.log
expected="duet-rh-401-5-temp-acl 0.72"

cmake --install "$build" --prefix "$prefix" >/dev/null
# The embed sources are copied out too: nothing of the source tree is used.
cp -R "$src/examples/embed" "$tmp/embed"
# The library directory the build chose (lib, or lib/<multiarch> for /usr).
pcfile=$(find "$prefix" -name libdiag.pc | head -n 1)
[ -n "$pcfile" ] || { echo "embed_out_of_tree: no libdiag.pc installed" >&2; exit 1; }
libdir=$(dirname "$(dirname "$pcfile")")

check() { # NAME PROGRAM
  out=$("$2" "$fixture")
  if [ "$out" != "$expected" ]; then
    echo "embed_out_of_tree: $1 printed \"$out\", expected \"$expected\"" >&2
    exit 1
  fi
  echo "embed_out_of_tree: $1: ok ($out)"
}

# 1. pkg-config, as README's "cc app.c $(pkg-config --cflags --libs libdiag)".
mkdir "$tmp/pc"
(cd "$tmp/pc" && PKG_CONFIG_PATH=$(dirname "$pcfile") \
  make -s -f "$tmp/embed/Makefile" CFLAGS="-O2 -Wall -Wextra -Werror" \
  LDFLAGS="-Wl,-rpath,$libdir")
check pkg-config "$tmp/pc/embed"

# 2. CMake: find_package(libdiag 0.1 REQUIRED) and libdiag::diag.
cmake -S "$tmp/embed" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >/dev/null
cmake --build "$tmp/cm" >/dev/null
check find_package "$tmp/cm/embed"

# The version file refuses what the installed ABI does not provide: a later
# version, and in 0.x an earlier minor one (SameMinorVersion; see the
# top-level CMakeLists.txt).
version_h=$prefix/include/libdiag/version.h
major=$(sed -n 's/^#define DIAG_VERSION_MAJOR \([0-9]*\).*/\1/p' "$version_h")
minor=$(sed -n 's/^#define DIAG_VERSION_MINOR \([0-9]*\).*/\1/p' "$version_h")
refused="$major.$((minor + 1))"
if [ "$major" -eq 0 ] && [ "$minor" -ge 1 ]; then refused="$refused 0.$((minor - 1))"; fi
for v in $refused; do
  if cmake -S "$tmp/embed" -B "$tmp/cm-$v" -DCMAKE_PREFIX_PATH="$prefix" \
    -DLIBDIAG_EMBED_VERSION="$v" >"$tmp/cm-$v.log" 2>&1; then
    echo "embed_out_of_tree: find_package(libdiag $v) accepted the installed $major.$minor" >&2
    exit 1
  fi
  grep -q 'compatible with requested version' "$tmp/cm-$v.log" || {
    cat "$tmp/cm-$v.log" >&2
    exit 1
  }
done
echo "embed_out_of_tree: find_package refuses $refused: ok"
