#!/usr/bin/env python3
"""Checks libdiag's exported symbols against tests/abi/symbols.txt.

usage: check_exports.py SYMBOLS_TXT INCLUDE_DIR [LIBRARY.so]

1. Every function declared DIAG_API in INCLUDE_DIR/libdiag/*.h is listed in
   SYMBOLS_TXT and every listed name is declared there, so the list cannot
   drift from the headers.
2. With LIBRARY.so: the dynamic symbols it defines (nm -D --defined-only) are
   exactly SYMBOLS_TXT; no more (a leaked internal) and no less.
Exits 1 with the added/missing names on any difference.
"""
import glob
import os
import re
import subprocess
import sys

# DIAG_API <return type> name( ... ; the name is the last identifier before
# the first parenthesis. Declarations may span lines; comments are removed.
DECL = re.compile(r"\bDIAG_API\b([^;{}()]*?)\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def header_functions(include_dir):
    names = {}
    for path in sorted(glob.glob(os.path.join(include_dir, "libdiag", "*.h"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r"//[^\n]*", " ", text)
        # The definitions of the macro itself are not declarations.
        text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
        # DIAG_DEPRECATED("...") may precede or follow DIAG_API.
        text = re.sub(r"\bDIAG_DEPRECATED\s*\((?:[^()\"]|\"[^\"]*\")*\)", " ", text)
        for m in DECL.finditer(text):
            names[m.group(2)] = os.path.basename(path)
    return names


def listed(symbols_txt):
    with open(symbols_txt, encoding="utf-8") as f:
        return {l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")}


def exported(library):
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            names.add(parts[2].split("@")[0])
    # The version node name (LIBDIAG_0.1) is an absolute symbol, not API.
    return {n for n in names if not n.startswith("LIBDIAG_")}


def report(what, expected_name, expected, actual_name, actual):
    missing = sorted(expected - actual)
    added = sorted(actual - expected)
    for n in missing:
        print(f"{what}: missing from {actual_name} (listed in {expected_name}): {n}")
    for n in added:
        print(f"{what}: added in {actual_name} (not in {expected_name}): {n}")
    return not missing and not added


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    symbols_txt, include_dir = argv[1], argv[2]
    want = listed(symbols_txt)
    decl = header_functions(include_dir)
    ok = report("headers", "symbols.txt", want, "the DIAG_API declarations", set(decl))
    if len(argv) == 4:
        ok = report("exports", "symbols.txt", want, os.path.basename(argv[3]),
                    exported(argv[3])) and ok
    if not ok:
        print("\nIf the change is intended, update tests/abi/symbols.txt (and the "
              "ABI baseline: tests/abi/update-baseline.sh); see docs/api-stability.md.")
        return 1
    print(f"{len(want)} symbols: headers, symbols.txt"
          + (" and the library agree" if len(argv) == 4 else " agree"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
