#!/bin/sh
# Static analysis of lib/, clean in CI:
#
#   scripts/static-analysis.sh BUILD_DIR
#
# 1. clang-tidy with the committed .clang-tidy (bugprone, cert,
#    clang-analyzer, performance) over every lib/**/*.c, using BUILD_DIR's
#    compile_commands.json (any configured build: CMake writes it);
# 2. cppcheck --enable=warning,performance,portability over lib/.
# Findings are errors. Suppress only inline, with a one-line reason:
#   // NOLINT(check-name): reason            (clang-tidy)
#   // cppcheck-suppress id ; reason         (cppcheck, on the line above)
set -eu
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/static-analysis.sh BUILD_DIR}
if [ ! -f "$build/compile_commands.json" ]; then
  echo "static-analysis: $build/compile_commands.json is missing (configure with cmake first)" >&2
  exit 2
fi
# The generated KB source is part of the objects; make sure it exists.
cmake --build "$build" --target diag_objects -j2 >/dev/null

status=0
jobs=${JOBS:-2}
echo "== clang-tidy"
find lib -name '*.c' | LC_ALL=C sort | xargs -P "$jobs" -n 4 clang-tidy -p "$build" --quiet \
  2>/dev/null || status=1

echo "== cppcheck"
cppcheck --quiet --std=c11 --enable=warning,performance,portability --error-exitcode=1 \
  --inline-suppr -I include -I lib -j "$jobs" lib/ || status=1

[ "$status" -eq 0 ] && echo "static-analysis: clean"
exit "$status"
