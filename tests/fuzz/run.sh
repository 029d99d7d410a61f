#!/usr/bin/env bash
# Runs every libFuzzer target, two at a time, under ASan+UBSan.
#   tests/fuzz/run.sh SECONDS_TOTAL [BUILD_DIR]
# Each target gets SECONDS_TOTAL / number-of-targets * 2 seconds (two run at
# once), its seed corpus and dictionary. New interesting inputs go to a
# temporary folder, never into the repository. Exits nonzero on any crash,
# leak, sanitizer report or timeout; the reproducer is left in the log
# folder it prints. Builds BUILD_DIR (default build-fuzz) with clang first.
set -uo pipefail
total=${1:?usage: run.sh SECONDS_TOTAL [BUILD_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${2:-build-fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac
jobs=${FUZZ_JOBS:-2}

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=${FUZZ_CC:-clang} cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDIAG_FUZZ=ON -DDIAG_SANITIZE=address,undefined -DDIAG_BUILD_EXAMPLES=OFF \
    -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
mapfile -t targets < "$build/tests/fuzz/targets.txt" || exit 1
# Only the fuzzers: the shared library does not link with clang's ASan.
cmake --build "$build" -j"$jobs" $(printf -- '--target fuzzer_%s ' "${targets[@]}") >/dev/null \
  || { echo "run.sh: build failed" >&2; exit 1; }

n=${#targets[@]}
each=$((total * jobs / n))
[ "$each" -ge 5 ] || each=5
work=$(mktemp -d "${TMPDIR:-/tmp}/libdiag-fuzz.XXXXXX")
echo "run.sh: $n targets, ${each}s each, $jobs at a time; logs and new inputs in $work"

run_one() {
  local t=$1 dict=()
  mkdir -p "$work/$t/new" "$work/$t/artifacts"
  [ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/fuzzer_$t" "$work/$t/new" "$here/corpus/$t" "${dict[@]}" \
    -max_total_time="$each" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/$t/artifacts/" -print_final_stats=1 >"$work/$t/log" 2>&1
  local rc=$?
  local stats
  stats=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "$work/$t/log" | tail -1)
  if [ $rc -eq 0 ]; then
    echo "ok    $t: $stats"
  else
    echo "FAIL  $t (exit $rc): see $work/$t/log"
    grep -E 'ERROR|SUMMARY|fuzz:|runtime error' "$work/$t/log" | head -5
    ls "$work/$t/artifacts/"
  fi
  return $rc
}

failed=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ $failed -eq 0 ] && echo "run.sh: no crash" || echo "run.sh: CRASHES FOUND (logs in $work)"
exit $failed
