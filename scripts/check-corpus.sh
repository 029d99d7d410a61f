#!/usr/bin/env bash
# Checks the parsers against the real files in ../shared/corpus (a folder the
# tests must not depend on; this is a developer's check, not a test):
#   scripts/check-corpus.sh [BUILD_DIR] [CORPUS_DIR]
# Every file in a format folder must be detected as a format (or recognised
# and refused, as ISA 2000's native log is), with no unparsed line and no
# finding: the corpus holds healthy logs only. Prints one line per file and
# exits 1 when any file breaks a rule.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
corpus=${2:-$root/../shared/corpus}
diagnose=$build/examples/diagnose
[ -x "$diagnose" ] || { echo "check-corpus: build first ($diagnose)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "check-corpus: no corpus at $corpus" >&2; exit 2; }
bad=0
for f in "$corpus"/*/*; do
  out=$("$diagnose" --json "$f" 2> /dev/null)
  line=$(python3 -c '
import json, sys
d = json.loads(sys.argv[1]); i = d["inputs"][0]
ok = (i["format"] is not None or "recognised" in (i["error"] or "")) and i["unparsed"] == 0 \
     and not d["findings"] and not d["inconclusive"]
print(("ok  " if ok else "BAD ") + "%-18s records=%-5d unparsed=%-3d findings=%d %s" % (
      i["format"] or "(refused)", i["records"], i["unparsed"],
      len(d["findings"]) + len(d["inconclusive"]), sys.argv[2]))
' "$out" "${f#"$corpus"/}")
  echo "$line"
  case $line in BAD*) bad=1 ;; esac
done
exit $bad
