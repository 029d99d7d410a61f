#!/bin/sh
# Compares the built library's ABI with the committed baseline of its SONAME:
#
#   tests/abi/check-abi.sh SOURCE_DIR LIBRARY.so SOVERSION
#
# abidiff sets ABIDIFF_ABI_INCOMPATIBLE_CHANGE (8) only for removed or
# changed symbols: a struct member inserted in the middle of a public struct
# shows as ABIDIFF_ABI_CHANGE (4) alone, like an added function. So abidiff
# runs with --no-added-syms (additions are compatible) and the suppressions
# in tests/abi/libdiag.abignore (the growth docs/api-stability.md allows,
# such as members appended to diag_error); anything it still reports, 4 or 8,
# fails. Exits 77 (ctest: skipped) when the library has no debug information
# (a Release build: the check needs -g) or when no baseline exists yet for
# this SONAME (a new 0.x minor before its first release).
set -u
src=$1 lib=$2 soversion=$3
baseline="$src/tests/abi/libdiag-$soversion.abi"

if ! command -v abidiff >/dev/null 2>&1; then
  echo "abidiff not found (apt-get install abigail-tools)" >&2
  exit 1
fi
if [ ! -f "$baseline" ]; then
  echo "no ABI baseline $baseline yet: nothing to compare (skipped)"
  exit 77
fi
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
  echo "$lib has no debug information; build with -DCMAKE_BUILD_TYPE=Debug to check the ABI (skipped)"
  exit 77
fi

headers="--headers-dir1 $src/include/libdiag --headers-dir2 $src/include/libdiag"
suppr="--suppressions $src/tests/abi/libdiag.abignore"
# shellcheck disable=SC2086 # the option strings are split on purpose
abidiff --no-added-syms $suppr $headers "$baseline" "$lib"
status=$?
if [ $((status & 3)) -ne 0 ]; then
  echo "abidiff failed (exit status $status)" >&2
  exit 1
fi
if [ $((status & 12)) -ne 0 ]; then
  echo "INCOMPATIBLE ABI change against $baseline (abidiff exit status $status)." >&2
  echo "Keep the old ABI, or move the SONAME as docs/api-stability.md describes." >&2
  exit 1
fi
# Report what was added, for the record; additions never fail.
# shellcheck disable=SC2086
abidiff $suppr $headers "$baseline" "$lib" >/dev/null
if [ $(($? & 4)) -ne 0 ]; then
  echo "compatible additions against $baseline (functions or allowed members): passes"
  # shellcheck disable=SC2086
  abidiff $suppr $headers "$baseline" "$lib" | sed -n '/Added function/,$p'
else
  echo "ABI identical to $baseline"
fi
exit 0
