"""End-to-end tests of check_libdiag, the monitoring plugin: exit codes 0/1/2/3
on the fixtures, the status line with its performance data, the evidence lines.

Run: python3 test_check.py PATH/TO/check_libdiag PATH/TO/tests/fixtures
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

CHECK = None
FIXTURES = None
STATUS = re.compile(r"^LIBDIAG (OK|WARNING|CRITICAL|UNKNOWN) - (.+) \| findings=(\d+);;; "
                    r"lines=(\d+);;;$")


def e2e(name):
    return os.path.join(FIXTURES, "e2e", name)


def run(*args):
    p = subprocess.run([CHECK, *args], capture_output=True, timeout=120,
                       env=dict(os.environ, LC_ALL="C"))
    lines = p.stdout.decode("utf-8").split("\n")
    return p.returncode, lines[0], [l for l in lines[1:] if l]


class Thresholds(unittest.TestCase):
    def status(self, first):
        m = STATUS.match(first)
        self.assertTrue(m, first)
        return m.group(1), m.group(2), int(m.group(3)), int(m.group(4))

    def test_ok(self):
        code, first, rest = run(e2e("healthy_exchange_day.log"))
        self.assertEqual(code, 0)
        self.assertEqual(self.status(first), ("OK", "no known problem found", 0, 621))
        self.assertEqual(rest, [])

    def test_warning_by_default(self):
        # 0.72: at or above -w 0.5, below -c 0.8.
        code, first, rest = run(e2e("exchange_day.log"))
        self.assertEqual(code, 1)
        self.assertEqual(self.status(first),
                         ("WARNING", "duet-rh-401-5-temp-acl (0.72)", 1, 611))
        self.assertRegex(rest[0], r"^duet-rh-401-5-temp-acl \(0\.72\): Duet 1\.5 ")
        self.assertIn("  proppatch-drafts-401-5: 3 records", rest)
        self.assertIn("    " + e2e("exchange_day.log") + ":164: 2009-01-15 06:24:01 W3SVC1 "
                      "10.3.13.56 PROPPATCH", "\n".join(rest))

    def test_critical(self):
        # The WSUS client, server IIS log and Process Monitor export together: 0.88.
        code, first, rest = run(e2e("wsus_client_WindowsUpdate.log"), e2e("wsus_server_iis.log"),
                                e2e("wsus_server_procmon.csv"))
        self.assertEqual(code, 2)
        self.assertEqual(self.status(first)[:3],
                         ("CRITICAL", "wsus-401-0x800710dd-acl (0.88)", 1))

    def test_thresholds_move_the_state(self):
        log = e2e("exchange_day.log")
        self.assertEqual(run("-w", "0.5", "-c", "0.72", log)[0], 2)  # at the threshold counts
        self.assertEqual(run("-w", "0.73", "-c", "0.9", log)[0], 0)
        code, first, rest = run("--warning", "0.8", "--critical", "0.9", log)
        self.assertEqual(self.status(first)[:3], ("OK", "no known problem found", 0))
        self.assertEqual(rest, ["below the warning threshold: duet-rh-401-5-temp-acl (0.72)"])

    def test_unknown(self):
        bad_kb = os.path.join(FIXTURES, "kb", "invalid", "misspelt-field.yaml")
        cases = [
            ([e2e("not_a_log.bin")], "not_a_log.bin: unsupported input"),
            ([e2e("no-such-file.log")], "no-such-file.log: cannot open"),
            (["--kb", bad_kb, e2e("exchange_day.log")], "knowledge base error: "),
            ([], "no FILE given"),
            (["-w", "0.9", "-c", "0.8", e2e("exchange_day.log")], "above the critical"),
            (["-w", "high", e2e("exchange_day.log")], "needs a confidence"),
            (["--bogus", e2e("exchange_day.log")], "unknown option"),
        ]
        for args, needle in cases:
            code, first, _ = run(*args)
            self.assertEqual(code, 3, args)
            self.assertTrue(first.startswith("LIBDIAG UNKNOWN - "), first)
            self.assertIn(needle, first)

    def test_unknown_still_names_the_findings(self):
        code, first, rest = run(e2e("no-such-file.log"), e2e("exchange_day.log"))
        self.assertEqual(code, 3)
        self.assertIn("found duet-rh-401-5-temp-acl (0.72)", first)
        self.assertEqual(self.status(first)[2:], (1, 611))
        self.assertTrue(any("no-such-file.log: cannot open" in l for l in rest))

    def test_evidence_cannot_break_the_status_format(self):
        # '|' starts performance data in the plugin convention: evidence shows
        # it as U+00A6 instead.
        with open(e2e("exchange_day.log"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        failing = lines[163].replace(".EML - 80", ".EML a|b 80")
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write("\n".join(lines[:4] + [failing]) + "\n")
        self.addCleanup(os.unlink, f.name)
        code, first, rest = run(f.name)
        self.assertEqual(code, 1)
        self.assertEqual(first.count("|"), 1)
        self.assertTrue(all("|" not in l for l in rest))
        self.assertIn(".EML a\u00a6b 80", "\n".join(rest))

if __name__ == "__main__":
    CHECK, FIXTURES = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
