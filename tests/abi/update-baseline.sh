#!/bin/sh
# Regenerates the ABI baseline tests/abi/libdiag-<soversion>.abi from a Debug
# build (-g: abidw reads the types from DWARF) of the current tree:
#
#   tests/abi/update-baseline.sh [BUILD_DIR]      (default: build-abi)
#
# which configures and builds BUILD_DIR if needed, then runs
#
#   abidw --headers-dir include/libdiag --no-corpus-path \
#         --out-file tests/abi/libdiag-0.1.abi BUILD_DIR/libdiag.so
#
# --headers-dir keeps only the types the public headers define;
# --no-corpus-path keeps the build directory out of the file. Run it at each
# release and commit the result with tests/abi/symbols.txt (see
# docs/api-stability.md). Needs abigail-tools.
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build-abi}

major=$(sed -n 's/^#define DIAG_VERSION_MAJOR \([0-9]*\).*/\1/p' include/libdiag/version.h)
minor=$(sed -n 's/^#define DIAG_VERSION_MINOR \([0-9]*\).*/\1/p' include/libdiag/version.h)
# The SONAME's version: 0.<minor> during 0.x, <major> from 1.0 (CMakeLists.txt).
if [ "$major" = 0 ]; then soversion="0.$minor"; else soversion="$major"; fi
out="tests/abi/libdiag-$soversion.abi"

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug >/dev/null
fi
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Debug$' "$build/CMakeCache.txt"; then
  echo "update-baseline.sh: $build is not a Debug build (the baseline needs -g)" >&2
  exit 1
fi
cmake --build "$build" --target diag_shared -j2 >/dev/null
abidw --headers-dir include/libdiag --no-corpus-path --out-file "$out" "$build/libdiag.so"

# The exported symbol list, for review against the headers.
{
  sed -n '/^#/p' tests/abi/symbols.txt
  nm -D --defined-only "$build/libdiag.so" | awk '{print $3}' | sed 's/@.*//' | grep '^diag_' | LC_ALL=C sort
} > tests/abi/symbols.txt.new
mv tests/abi/symbols.txt.new tests/abi/symbols.txt
python3 tests/abi/check_exports.py tests/abi/symbols.txt include "$build/libdiag.so"
echo "wrote $out and tests/abi/symbols.txt; review with git diff and commit both"
