#!/usr/bin/env bash
# The smoke benchmark: bench/run.sh [SIZE_MIB] [BUILD_DIR]
#
# Generates (or reuses) a SIZE_MIB MiB Exchange IIS log, warms the page
# cache, then times `wc -l`, bench_parse and `diagnose --json` on it in the
# same run, best of 3 each, and prints a table. It then checks that the
# counts diagnose reports equal the ones the generator wrote, and exits 1 on
# a mismatch. Durations are printed, never checked.
#
# Environment: BENCH_SEED (default 1), BENCH_IIS (6 or 8.5, default 6),
# BENCH_REPS (default 3), BENCH_DIR (where the logs are kept; default
# ${TMPDIR:-/tmp}/libdiag-bench).
set -euo pipefail
export LC_ALL=C

SIZE_MIB=${1:-100}
BUILD_DIR=${2:-build}
SEED=${BENCH_SEED:-1}
IIS=${BENCH_IIS:-6}
REPS=${BENCH_REPS:-3}
DATA_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/libdiag-bench}

die() { echo "run.sh: $*" >&2; exit 2; }

[[ $SIZE_MIB =~ ^[1-9][0-9]*$ ]] || die "SIZE_MIB must be a positive integer, not '$SIZE_MIB'"
[[ $SEED =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a non-negative integer"
[[ $IIS == 6 || $IIS == 8.5 ]] || die "BENCH_IIS must be 6 or 8.5"
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer"
GEN=$BUILD_DIR/bench/gen_iis
PARSE=$BUILD_DIR/bench/bench_parse
DIAGNOSE=$BUILD_DIR/examples/diagnose
for exe in "$GEN" "$PARSE" "$DIAGNOSE"; do
  [[ -x $exe ]] || die "$exe not found; build first: cmake --build $BUILD_DIR"
done
command -v python3 > /dev/null || die "python3 is needed to check diagnose's JSON"

# Wall clock in seconds with microseconds, without forking where bash can.
if [[ -n ${EPOCHREALTIME:-} ]]; then
  now() { echo "$EPOCHREALTIME"; }
else
  now() { date +%s.%N; }
fi

TIME_BIN=
if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M -o /dev/null true 2> /dev/null; then
  TIME_BIN=/usr/bin/time
fi

# ---- the input ---------------------------------------------------------------
mkdir -p "$DATA_DIR"
LOG=$DATA_DIR/iis${IIS}-${SIZE_MIB}MiB-seed${SEED}.log
COUNTS=$LOG.counts
if [[ -s $LOG && -s $COUNTS && ! $GEN -nt $LOG ]]; then
  echo "Reusing $LOG"
else
  echo "Generating $LOG ($SIZE_MIB MiB, IIS $IIS, seed $SEED) ..."
  t0=$(now)
  "$GEN" $((SIZE_MIB * 1048576)) "$SEED" "$IIS" > "$LOG.tmp" 2> "$COUNTS.tmp"
  t1=$(now)
  mv "$COUNTS.tmp" "$COUNTS"
  mv "$LOG.tmp" "$LOG"
  awk -v a="$t0" -v b="$t1" -v s="$SIZE_MIB" \
    'BEGIN { printf "  generated in %.2f s (%.0f MB/s)\n", b - a, s * 1.048576 / (b - a) }'
fi
BYTES=$(wc -c < "$LOG")
cat "$LOG" > /dev/null # warm the page cache

# ---- timing --------------------------------------------------------------------
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# timed NAME OK_CODES CMD...: runs CMD REPS times with stdout to $WORK/NAME.out
# and records the best wall time in $WORK/NAME.sec and the peak RSS (KiB) in
# $WORK/NAME.rss. Every tool gets the same /usr/bin/time wrapper, if any.
timed() {
  local name=$1 ok=$2 best='' rss=0 rc t0 t1 r
  shift 2
  for ((i = 0; i < REPS; i++)); do
    rc=0
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
    best=$(awk -v a="$t0" -v b="$t1" -v best="$best" \
      'BEGIN { d = b - a; if (d < 1e-6) d = 1e-6; if (best == "" || d < best + 0) best = d; printf "%.6f", best }')
    if [[ -n $TIME_BIN ]]; then
      r=$(tail -n 1 "$WORK/$name.time")
      if ((r > rss)); then rss=$r; fi
    fi
  done
  echo "$best" > "$WORK/$name.sec"
  echo "$rss" > "$WORK/$name.rss"
}

echo "Timing on $BYTES bytes, best of $REPS ..."
timed wc 0 wc -l "$LOG"
timed bench_parse 0 "$PARSE" "$LOG"
timed diagnose "0 1" "$DIAGNOSE" --json "$LOG" # 1: a finding was made

echo
if [[ -n $TIME_BIN ]]; then
  printf '%-22s %10s %10s %12s %14s\n' tool seconds MB/s "x wc -l" "peak RSS MiB"
else
  printf '%-22s %10s %10s %12s\n' tool seconds MB/s "x wc -l"
fi
wc_sec=$(cat "$WORK/wc.sec")
for t in "wc -l:wc" "bench_parse:bench_parse" "diagnose --json:diagnose"; do
  label=${t%%:*} name=${t##*:}
  awk -v label="$label" -v s="$(cat "$WORK/$name.sec")" -v w="$wc_sec" -v bytes="$BYTES" \
    -v rss="$(cat "$WORK/$name.rss")" -v show_rss="${TIME_BIN:+1}" 'BEGIN {
      printf "%-22s %10.3f %10.1f %12.2f", label, s, bytes / 1e6 / s, s / w
      if (show_rss) printf " %14.1f", rss / 1024
      printf "\n"
    }'
done
if [[ -z $TIME_BIN ]]; then
  echo "(peak RSS not shown: GNU time is not installed at /usr/bin/time)"
fi

# ---- the counts ---------------------------------------------------------------
echo
python3 - "$COUNTS" "$WORK/diagnose.out" "$WORK/bench_parse.out" "$WORK/wc.out" << 'EOF'
import json
import sys

DUET = "duet-rh-401-5-temp-acl"
counts_path, doc_path, parse_path, wc_path = sys.argv[1:5]

expected = {}
with open(counts_path) as f:
    for line in f:
        key, sep, value = line.strip().partition("=")
        if sep:
            expected[key] = int(value) if value.isdigit() else value

with open(doc_path, encoding="utf-8") as f:
    doc = json.load(f)
parse = {}
with open(parse_path) as f:
    for line in f:
        key, _, value = line.strip().rpartition(" ")
        parse[key] = value
wc_lines = int(open(wc_path).read().split()[0])

inp = doc["inputs"][0]
duet = [f for f in doc["findings"] + doc["inconclusive"] if f["problem"] == DUET]
symptoms = {s["id"]: s["count"] for f in duet for s in f["symptoms"]}
benign = {b["rule"]: b["count"] for b in doc["benign"] if b["problem"] == DUET}

checks = [
    ("lines (wc -l)", expected["lines"], wc_lines),
    ("lines (bench_parse)", expected["lines"], int(parse["lines"])),
    ("records (bench_parse)", expected["records"], int(parse["records"])),
    ("unparsed (bench_parse)", 0, int(parse["unparsed"])),
    ("format (diagnose)", "w3c", inp["format"]),
    ("lines (diagnose)", expected["lines"], inp["lines"]),
    ("records (diagnose)", expected["records"], inp["records"]),
    ("unparsed (diagnose)", 0, inp["unparsed"]),
    ("duet findings", 1 if expected["proppatch-drafts-401-5"] else 0, len(duet)),
    ("proppatch-drafts-401-5", expected["proppatch-drafts-401-5"],
     symptoms.get("proppatch-drafts-401-5", 0)),
    ("large-proppatch-refused",
     expected["large-proppatch-refused"] if expected["proppatch-drafts-401-5"] else 0,
     symptoms.get("large-proppatch-refused", 0)),
    ("anonymous-challenge", expected["anonymous-challenge"],
     benign.get("anonymous-challenge", 0)),
]
bad = 0
print("%-26s %12s %12s" % ("check", "expected", "diagnosed"))
for name, want, got in checks:
    ok = want == got
    bad += not ok
    print("%-26s %12s %12s  %s" % (name, want, got, "ok" if ok else "MISMATCH"))
if duet:
    print("duet confidence: %s (%s)" % (duet[0]["confidence"],
          "conclusive" if duet[0] in doc["findings"] else "inconclusive"))
print("OK" if bad == 0 else "MISMATCH (%d)" % bad)
sys.exit(1 if bad else 0)
EOF
