"""Checks what the tools saw on a generated log against what gen_iis wrote.

Usage: check_counts.py LOG.counts DIAGNOSE.json BENCH_PARSE.out WC.out

LOG.counts is gen_iis's standard error (key=value lines), DIAGNOSE.json the
output of `diagnose --json LOG`, BENCH_PARSE.out that of `bench_parse LOG`
and WC.out that of `wc -l LOG`. Prints one line per check and exits 1 on any
mismatch. Standard library only.
"""
import json
import sys

DUET = "duet-rh-401-5-temp-acl"


def read_counts(path):
    expected = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if sep:
                expected[key] = int(value) if value.isdigit() else value
    return expected


def read_bench_parse(path):
    parse = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().rpartition(" ")
            parse[key] = value
    return parse


def main(argv):
    counts_path, doc_path, parse_path, wc_path = argv[1:5]
    expected = read_counts(counts_path)
    with open(doc_path, encoding="utf-8") as f:
        doc = json.load(f)
    parse = read_bench_parse(parse_path)
    with open(wc_path) as f:
        wc_lines = int(f.read().split()[0])

    inp = doc["inputs"][0]
    duet = [f for f in doc["findings"] + doc["inconclusive"] if f["problem"] == DUET]
    symptoms = {s["id"]: s["count"] for f in duet for s in f["symptoms"]}
    benign = {b["rule"]: b["count"] for b in doc["benign"] if b["problem"] == DUET}
    decisive = expected["proppatch-drafts-401-5"]

    checks = [
        ("lines (wc -l)", expected["lines"], wc_lines),
        ("lines (bench_parse)", expected["lines"], int(parse["lines"])),
        ("records (bench_parse)", expected["records"], int(parse["records"])),
        ("unparsed (bench_parse)", 0, int(parse["unparsed"])),
        ("format (diagnose)", "w3c", inp["format"]),
        ("lines (diagnose)", expected["lines"], inp["lines"]),
        ("records (diagnose)", expected["records"], inp["records"]),
        ("unparsed (diagnose)", 0, inp["unparsed"]),
        ("duet findings", 1 if decisive else 0, len(duet)),
        ("proppatch-drafts-401-5", decisive, symptoms.get("proppatch-drafts-401-5", 0)),
        # Without the decisive symptom there is no finding to count under.
        ("large-proppatch-refused",
         expected["large-proppatch-refused"] if decisive else 0,
         symptoms.get("large-proppatch-refused", 0)),
        ("anonymous-challenge", expected["anonymous-challenge"],
         benign.get("anonymous-challenge", 0)),
    ]
    bad = 0
    print("%-26s %12s %12s" % ("check", "expected", "seen"))
    for name, want, got in checks:
        ok = want == got
        bad += not ok
        print("%-26s %12s %12s  %s" % (name, want, got, "ok" if ok else "MISMATCH"))
    if duet:
        print("duet confidence: %s (%s)" % (
            duet[0]["confidence"], "conclusive" if duet[0] in doc["findings"] else "inconclusive"))
    print("counts: OK" if bad == 0 else "counts: MISMATCH (%d)" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
