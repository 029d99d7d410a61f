#!/usr/bin/env bash
# Runs every ctest test of BUILD_DIR except those labelled pathological,
# fuzz, python, e2e or abi under valgrind memcheck: any memory error and any
# definite or indirect leak fails the run. Only programs built in BUILD_DIR
# are run under valgrind (a test whose command is the compiler, a shell or
# Python is not a libdiag program and is listed as not applicable). Needs a plain (non-sanitizer)
# build, e.g.
#   cmake -S . -B build-vg -DCMAKE_BUILD_TYPE=Debug -DDIAG_WERROR=ON
#   cmake --build build-vg -j2 && tests/hardening/memcheck.sh build-vg
# Each test's command, working directory and environment come from
# `ctest --show-only=json-v1`; a test that reports itself skipped (its
# SKIP_RETURN_CODE) passes. Logs go to BUILD_DIR/memcheck/.
set -euo pipefail
build=${1:?usage: memcheck.sh BUILD_DIR}
command -v valgrind >/dev/null || { echo "memcheck.sh: valgrind is not installed" >&2; exit 2; }
if grep -q '^DIAG_SANITIZE:STRING=..*' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "memcheck.sh: $build is a sanitizer build; valgrind needs a plain one" >&2
  exit 2
fi
log=$build/memcheck
rm -rf "$log" && mkdir -p "$log"
ctest --test-dir "$build" --show-only=json-v1 -LE 'pathological|fuzz|python|e2e|abi|heavy' >"$log/tests.json"
exec python3 - "$log" "$(cd "$build" && pwd)" <<'PY'
import json, os, subprocess, sys, time
log, build = sys.argv[1], sys.argv[2]
tests = json.load(open(os.path.join(log, "tests.json")))["tests"]
vg = ["valgrind", "--error-exitcode=99", "--leak-check=full",
      "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
      "--track-origins=yes", "--num-callers=30", "--quiet"]
failed = []
ran = 0
for t in tests:
    exe = os.path.realpath(t["command"][0])
    if not exe.startswith(build + os.sep):
        print("memcheck: %-28s not applicable (runs %s)" % (t["name"], os.path.basename(exe)))
        continue
    ran += 1
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    env = dict(os.environ)
    for kv in props.get("ENVIRONMENT", []):
        k, _, v = kv.partition("=")
        env[k] = v
    skip = props.get("SKIP_RETURN_CODE")
    path = os.path.join(log, t["name"] + ".log")
    start = time.time()
    with open(path, "w") as out:
        rc = subprocess.call(vg + ["--log-fd=1"] + t["command"], cwd=props.get("WORKING_DIRECTORY"),
                             env=env, stdout=out, stderr=subprocess.STDOUT)
    ok = rc == 0 or (skip is not None and rc == int(skip))
    print("memcheck: %-28s %s (%.0fs)" % (t["name"], "clean" if ok else "FAILED, exit %d: see %s" % (rc, path),
                                          time.time() - start), flush=True)
    if not ok:
        failed.append(t["name"])
if failed:
    print("memcheck: %d test(s) with valgrind errors, leaks or failures: %s" % (len(failed), " ".join(failed)))
    sys.exit(1)
if ran == 0:
    print("memcheck: no test programs found")
    sys.exit(2)
print("memcheck: all %d test programs clean under valgrind" % ran)
PY
