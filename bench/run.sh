#!/usr/bin/env bash
# The throughput benchmark: bench/run.sh [SIZES_MIB] [BUILD_DIR]
#
# For each size (default 10,100,1024 MiB: comma-separated, or one number)
# it generates (or reuses) an Exchange IIS log, warms the page cache, times
# `wc -l`, bench_parse and `diagnose --json` on it in the same run (best of
# BENCH_REPS, the tools taking turns), measures diagnose's instructions per
# input byte with callgrind where valgrind is installed, and checks that
# the counts diagnose reports equal the ones the generator wrote. It ends
# with a summary against the performance targets (docs/performance.md).
#
# Exit status: 0 when every count matched, 1 on a mismatch, 2 when the
# runner could not run. Durations and instruction counts are printed and
# compared with the targets, never turned into a failure: they depend on
# the machine.
#
# Environment: BENCH_SEED (default 1), BENCH_IIS (6 or 8.5, default 6),
# BENCH_REPS (default 3), BENCH_DIR (where the logs are kept; default
# ${TMPDIR:-/tmp}/libdiag-bench), BENCH_CALLGRIND (0 skips callgrind).
set -euo pipefail
export LC_ALL=C

SIZES=${1:-10,100,1024}
BUILD_DIR=${2:-build}
SEED=${BENCH_SEED:-1}
IIS=${BENCH_IIS:-6}
REPS=${BENCH_REPS:-3}
DATA_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/libdiag-bench}
CALLGRIND=${BENCH_CALLGRIND:-1}

# The targets of docs/performance.md, for the 1 GiB log.
TARGET_RATIO=10   # at most 10x the wall time of wc -l
TARGET_IPB=9      # at most 9 instructions per input byte
TARGET_RSS_MIB=32 # peak RSS under 32 MiB at every size

die() {
  echo "run.sh: $*" >&2
  exit 2
}

IFS=, read -r -a SIZE_LIST <<< "$SIZES"
[[ ${#SIZE_LIST[@]} -gt 0 ]] || die "no sizes given"
for s in "${SIZE_LIST[@]}"; do
  [[ $s =~ ^[1-9][0-9]*$ ]] || die "sizes are positive integers (MiB), not '$s'"
done
[[ $SEED =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a non-negative integer"
[[ $IIS == 6 || $IIS == 8.5 ]] || die "BENCH_IIS must be 6 or 8.5"
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer"
GEN=$BUILD_DIR/bench/gen_iis
PARSE=$BUILD_DIR/bench/bench_parse
SESSION=$BUILD_DIR/bench/bench_session
DIAGNOSE=$BUILD_DIR/examples/diagnose
for exe in "$GEN" "$PARSE" "$SESSION" "$DIAGNOSE"; do
  [[ -x $exe ]] || die "$exe not found; build first: cmake --build $BUILD_DIR"
done
command -v python3 > /dev/null || die "python3 is needed to check diagnose's JSON"

# Wall clock in seconds with microseconds, without forking where bash can.
if [[ -n ${EPOCHREALTIME:-} ]]; then
  now() { echo "$EPOCHREALTIME"; }
else
  now() { date +%s.%N; }
fi

# The optional tools: say what is missing and how to get it.
TIME_BIN=
if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M -o /dev/null true 2> /dev/null; then
  TIME_BIN=/usr/bin/time
else
  echo "note: GNU time is not installed at /usr/bin/time: peak RSS is not measured" \
    "(apt-get install time)"
fi
VALGRIND=
if [[ $CALLGRIND == 0 ]]; then
  echo "note: BENCH_CALLGRIND=0: instructions per byte are not measured"
elif command -v valgrind > /dev/null; then
  VALGRIND=$(command -v valgrind)
else
  echo "note: valgrind is not installed: instructions per byte are not measured" \
    "(apt-get install valgrind)"
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DATA_DIR"

# ---- helpers ----------------------------------------------------------------

# run_once NAME OK_CODES CMD...: runs CMD once with stdout to $WORK/NAME.out,
# keeps the best wall time in $WORK/NAME.sec and the highest peak RSS (KiB)
# in $WORK/NAME.rss. Every tool gets the same /usr/bin/time wrapper, if any.
run_once() {
  local name=$1 ok=$2 rc=0 t0 t1 r
  shift 2
  t0=$(now)
  if [[ -n $TIME_BIN ]]; then
    "$TIME_BIN" -f %M -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || rc=$?
  else
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || rc=$?
  fi
  t1=$(now)
  if [[ " $ok " != *" $rc "* ]]; then
    echo "run.sh: $name exited with status $rc:" >&2
    cat "$WORK/$name.err" >&2
    exit 2
  fi
  awk -v a="$t0" -v b="$t1" -v best="$(cat "$WORK/$name.sec" 2> /dev/null)" \
    'BEGIN { d = b - a; if (d < 1e-6) d = 1e-6; if (best == "" || d < best + 0) best = d; printf "%.6f\n", best }' \
    > "$WORK/$name.sec.new"
  mv "$WORK/$name.sec.new" "$WORK/$name.sec"
  if [[ -n $TIME_BIN ]]; then
    r=$(tail -n 1 "$WORK/$name.time")
    if ((r > $(cat "$WORK/$name.rss" 2> /dev/null || echo 0))); then echo "$r" > "$WORK/$name.rss"; fi
  fi
}

# instructions FILE: the instructions diagnose --json executes on FILE,
# counted by callgrind.
instructions() {
  local rc=0
  "$VALGRIND" --tool=callgrind --callgrind-out-file=/dev/null "$DIAGNOSE" --json "$1" \
    > /dev/null 2> "$WORK/callgrind.err" || rc=$?
  if ((rc > 1)); then
    echo "run.sh: diagnose under callgrind exited with status $rc:" >&2
    cat "$WORK/callgrind.err" >&2
    exit 2
  fi
  sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$WORK/callgrind.err"
}

# ---- one size -------------------------------------------------------------------

SUMMARY=$WORK/summary
: > "$SUMMARY"
MISMATCHES=0

bench_size() {
  local mib=$1
  local log=$DATA_DIR/iis${IIS}-${mib}MiB-seed${SEED}.log
  local counts=$log.counts header=$log.header t0 t1 bytes
  echo
  echo "=== ${mib} MiB ==="
  if [[ -s $log && -s $counts && ! $GEN -nt $log ]]; then
    echo "Reusing $log"
  else
    echo "Generating $log ($mib MiB, IIS $IIS, seed $SEED) ..."
    t0=$(now)
    "$GEN" $((mib * 1048576)) "$SEED" "$IIS" > "$log.tmp" 2> "$counts.tmp"
    t1=$(now)
    mv "$counts.tmp" "$counts"
    mv "$log.tmp" "$log"
    awk -v a="$t0" -v b="$t1" -v s="$mib" \
      'BEGIN { printf "  generated in %.2f s (%.0f MB/s)\n", b - a, s * 1.048576 / (b - a) }'
  fi
  # The header block alone: diagnose's start-up (KB load, JSON output) on
  # it is subtracted from the instruction count.
  head -n 4 "$log" > "$header"
  bytes=$(wc -c < "$log")
  cat "$log" > /dev/null # warm the page cache

  rm -f "$WORK"/*.sec "$WORK"/*.rss
  echo "Timing on $bytes bytes, best of $REPS, the tools taking turns ..."
  for ((i = 0; i < REPS; i++)); do
    run_once wc 0 wc -l "$log"
    run_once bench_parse 0 "$PARSE" "$log"
    run_once diagnose "0 1" "$DIAGNOSE" --json "$log" # 1: a finding was made
  done

  # The session's own peak, through a counting allocator: what the memory
  # cap bounds, without the process's code, stack and stdio buffers.
  "$SESSION" "$log" > "$WORK/session.out" || die "bench_session failed on $log"
  local session_mib
  session_mib=$(awk '$1 == "session_peak_bytes" { printf "%.2f", $2 / 1048576 }' "$WORK/session.out")
  local cap_mib
  cap_mib=$(awk '$1 == "session_cap_bytes" { printf "%.0f", $2 / 1048576 }' "$WORK/session.out")
  echo "Session peak memory: $session_mib MiB (cap $cap_mib MiB)"

  local ipb=
  if [[ -n $VALGRIND ]]; then
    echo "Counting diagnose's instructions with callgrind (under a minute a GiB) ..."
    local full start header_bytes
    full=$(instructions "$log")
    start=$(instructions "$header")
    header_bytes=$(wc -c < "$header")
    ipb=$(awk -v f="$full" -v s="$start" -v b="$bytes" -v h="$header_bytes" \
      'BEGIN { printf "%.2f", (f - s) / (b - h) }')
    echo "  $full instructions on the log, $start on its header alone: $ipb per byte"
  fi

  echo
  printf '%-18s %9s %9s %9s %9s %11s\n' tool seconds MB/s "x wc -l" "RSS MiB" "instr/byte"
  local wc_sec
  wc_sec=$(cat "$WORK/wc.sec")
  for t in "wc -l:wc" "bench_parse:bench_parse" "diagnose --json:diagnose"; do
    local label=${t%%:*} name=${t##*:}
    local rss=-
    [[ -n $TIME_BIN ]] && rss=$(awk -v r="$(cat "$WORK/$name.rss")" 'BEGIN { printf "%.1f", r / 1024 }')
    local this_ipb=-
    [[ $name == diagnose && -n $ipb ]] && this_ipb=$ipb
    awk -v label="$label" -v s="$(cat "$WORK/$name.sec")" -v w="$wc_sec" -v bytes="$bytes" \
      -v rss="$rss" -v ipb="$this_ipb" \
      'BEGIN { printf "%-18s %9.3f %9.1f %9.2f %9s %11s\n", label, s, bytes / 1e6 / s, s / w, rss, ipb }'
  done

  echo
  local verdict=OK
  if ! python3 "$(dirname "$0")/check_counts.py" "$counts" "$WORK/diagnose.out" \
    "$WORK/bench_parse.out" "$WORK/wc.out"; then
    verdict=MISMATCH
    MISMATCHES=$((MISMATCHES + 1))
  fi
  local rss_mib=-
  [[ -n $TIME_BIN ]] && rss_mib=$(awk -v r="$(cat "$WORK/diagnose.rss")" 'BEGIN { printf "%.1f", r / 1024 }')
  echo "$mib $bytes $(cat "$WORK/wc.sec") $(cat "$WORK/diagnose.sec") $rss_mib ${ipb:--} $verdict" \
    "$session_mib" >> "$SUMMARY"
}

for mib in "${SIZE_LIST[@]}"; do
  bench_size "$mib"
done

# ---- summary --------------------------------------------------------------------

echo
echo "=== diagnose --json, summary ($(nproc 2> /dev/null || echo ?) CPUs," \
  "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2> /dev/null | head -n 1)) ==="
printf '%-8s %9s %9s %9s %9s %11s %11s  %s\n' size seconds MB/s "x wc -l" "RSS MiB" \
  "session MiB" "instr/byte" counts
while read -r mib bytes wc_sec sec rss ipb verdict session; do
  awk -v mib="$mib" -v b="$bytes" -v w="$wc_sec" -v s="$sec" -v rss="$rss" -v ipb="$ipb" \
    -v v="$verdict" -v sm="$session" 'BEGIN {
      printf "%-8s %9.3f %9.1f %9.2f %9s %11s %11s  %s\n", mib " MiB", s, b / 1e6 / s, s / w, rss, sm,
        ipb, v
    }'
done < "$SUMMARY"

# The targets: the ratio and instructions on the largest log, the memory
# at every size.
echo
read -r mib bytes wc_sec sec rss ipb verdict _ < <(sort -n "$SUMMARY" | tail -n 1)
awk -v mib="$mib" -v w="$wc_sec" -v s="$sec" -v ipb="$ipb" -v tr="$TARGET_RATIO" -v ti="$TARGET_IPB" 'BEGIN {
  r = s / w
  printf "target: at most %gx wc -l on %s MiB: %.2fx, %s\n", tr, mib, r, r <= tr ? "held" : "MISSED"
  if (ipb == "-") printf "target: at most %g instructions/byte: not measured\n", ti
  else printf "target: at most %g instructions/byte on %s MiB: %s, %s\n", ti, mib, ipb,
              ipb + 0 <= ti ? "held" : "MISSED"
}'
if [[ -n $TIME_BIN ]]; then
  awk -v t="$TARGET_RSS_MIB" '{ if ($5 + 0 > max) max = $5 + 0 } END {
    printf "target: peak RSS under %g MiB at every size: %.1f MiB at most, %s\n", t, max,
           max < t ? "held" : "MISSED"
  }' "$SUMMARY"
else
  echo "target: peak RSS under $TARGET_RSS_MIB MiB: not measured"
fi
# The session's memory must not grow with its input, and stays under its cap.
awk '{ if ($8 + 0 > max) max = $8 + 0; if (min == "" || $8 + 0 < min) min = $8 + 0 } END {
  printf "session peak memory: %.2f to %.2f MiB across sizes (cap 256 MiB)\n", min, max
}' "$SUMMARY"
if ((MISMATCHES)); then
  echo "MISMATCH in $MISMATCHES of ${#SIZE_LIST[@]} sizes"
  exit 1
fi
echo "OK: the counts matched the generator's at every size"
