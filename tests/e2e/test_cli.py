"""End-to-end tests of the diagnose CLI on the fixtures (stdlib only).

Run: python3 test_cli.py PATH/TO/diagnose PATH/TO/tests/fixtures
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

DIAGNOSE = None
FIXTURES = None
DUET = "duet-rh-401-5-temp-acl"


def fixture(name):
    return os.path.join(FIXTURES, "e2e", name)


def run(*args, stdin=None, env=None):
    e = dict(os.environ, LC_ALL="C")
    if env:
        e.update(env)
    p = subprocess.run([DIAGNOSE, *args], input=stdin, capture_output=True, env=e, timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def run_json(*args, **kw):
    code, out, err = run("--json", *args, **kw)
    return code, json.loads(out), err


def lines_with(path, needle):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [i + 1 for i, l in enumerate(f.read().split("\n")) if needle in l]


INPUT_KEYS = {"name", "format", "lines", "records", "unparsed", "unparsed_by_reason",
              "unparsed_samples", "error"}
FINDING_KEYS = {"id", "problem", "title", "confidence", "symptoms", "cause", "causes", "resolutions",
                "references"}
SYMPTOM_KEYS = {"id", "count", "group", "evidence"}
EVIDENCE_KEYS = {"input", "line", "end_line", "text"}
RESOLUTION_KEYS = {"id", "title", "steps", "commands", "warning"}
BENIGN_KEYS = {"problem", "rule", "why", "count", "evidence"}


class Contract(unittest.TestCase):
    """The JSON document has exactly the keys of DESIGN.md's contract."""

    def check_document(self, doc):
        self.assertEqual(set(doc), {"libdiag", "schema", "inputs", "findings", "inconclusive",
                                    "benign", "limits"})
        self.assertEqual(doc["schema"], 1)
        self.assertRegex(doc["libdiag"], r"^\d+\.\d+\.\d+$")
        self.assertIsInstance(doc["limits"], dict)
        for i in doc["inputs"]:
            self.assertEqual(set(i), INPUT_KEYS)
            for s in i["unparsed_samples"]:
                self.assertEqual(set(s), {"line", "reason"})
        for f in doc["findings"] + doc["inconclusive"]:
            self.assertEqual(set(f), FINDING_KEYS)
            self.assertTrue(0 <= f["confidence"] <= 1)
            for s in f["symptoms"]:
                self.assertEqual(set(s), SYMPTOM_KEYS)
                for e in s["evidence"]:
                    self.assertEqual(set(e), EVIDENCE_KEYS)
            for r in f["resolutions"]:
                self.assertEqual(set(r), RESOLUTION_KEYS)
        for b in doc["benign"]:
            self.assertEqual(set(b), BENIGN_KEYS)
            for e in b["evidence"]:
                self.assertEqual(set(e), EVIDENCE_KEYS)

    def test_article_lines(self):
        code, doc, _ = run_json(fixture("article.log"))
        self.check_document(doc)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertEqual(f["problem"], DUET)
        self.assertEqual(f["id"], DUET)
        self.assertGreaterEqual(f["confidence"], 0.6)
        [s] = f["symptoms"]
        self.assertEqual(s["id"], "proppatch-drafts-401-5")
        self.assertEqual([e["line"] for e in s["evidence"]], [2])
        self.assertIn("401 5 0", s["evidence"][0]["text"])
        self.assertEqual([r["id"] for r in f["resolutions"]], ["grant-tmp-rights", "repoint-tmp"])
        self.assertIn("TMP", f["cause"])
        [b] = doc["benign"]
        self.assertEqual((b["problem"], b["rule"], b["count"]), (DUET, "anonymous-challenge", 1))
        self.assertEqual(b["evidence"][0]["line"], 1)
        self.assertIn("401 2 2148074254", b["evidence"][0]["text"])
        [i] = doc["inputs"]
        self.assertEqual((i["format"], i["lines"], i["records"], i["unparsed"], i["error"]),
                         ("w3c", 2, 2, 0, None))

    def test_day_log_among_normal_traffic(self):
        path = fixture("exchange_day.log")
        code, doc, _ = run_json(path)
        self.check_document(doc)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertEqual(f["problem"], DUET)
        by_id = {s["id"]: s for s in f["symptoms"]}
        expected = lines_with(path, " 401 5 0 ")
        self.assertEqual(by_id["proppatch-drafts-401-5"]["count"], len(expected))
        self.assertEqual([e["line"] for e in by_id["proppatch-drafts-401-5"]["evidence"]], expected)
        self.assertEqual(by_id["large-proppatch-refused"]["count"], len(expected))
        self.assertAlmostEqual(f["confidence"], 1 - 0.35 * 0.8, places=3)
        [i] = doc["inputs"]
        self.assertEqual(i["unparsed"], 0)
        self.assertEqual(i["records"], i["lines"] - 4)
        [b] = doc["benign"]
        self.assertEqual(b["count"], len(lines_with(path, " 401 2 2148074254 ")))

    def test_crlf_and_bom_give_the_same_findings(self):
        _, lf, _ = run_json(fixture("exchange_day.log"))
        _, crlf, _ = run_json(fixture("exchange_day_crlf_bom.log"))
        strip = lambda d: json.dumps([d["findings"], d["benign"]]).replace(
            "exchange_day_crlf_bom.log", "exchange_day.log")
        self.assertEqual(strip(lf), strip(crlf))
        self.assertEqual(crlf["inputs"][0]["unparsed"], 0)

    def test_utf16_input(self):
        code, doc, _ = run_json(fixture("article_utf16le.log"))
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        [e] = f["symptoms"][0]["evidence"]
        self.assertEqual(e["line"], 2)
        self.assertTrue(e["text"].endswith("401 5 0"))
        self.assertEqual(doc["inputs"][0]["unparsed"], 0)

    def test_fields_change_mid_file(self):
        path = fixture("fields_change.log")
        code, doc, _ = run_json(path)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        by_id = {s["id"]: s for s in f["symptoms"]}
        self.assertEqual([e["line"] for e in by_id["proppatch-drafts-401-5"]["evidence"]],
                         lines_with(path, " 401 5 0 "))
        # cs-bytes only exists in the second block, and there it is 38211
        self.assertIn("large-proppatch-refused", by_id)
        self.assertEqual(doc["inputs"][0]["unparsed"], 0)

    def test_healthy_logs_give_no_finding(self):
        for name in ("healthy_exchange_day.log", "healthy_lookalikes.log"):
            with self.subTest(name=name):
                code, doc, _ = run_json(fixture(name))
                self.check_document(doc)
                self.assertEqual(code, 0)
                self.assertEqual(doc["findings"], [])
                self.assertEqual(doc["inconclusive"], [])
                self.assertEqual(doc["inputs"][0]["unparsed"], 0)

    def test_text_of_no_known_shape_is_read_as_text(self):
        code, doc, err = run_json(fixture("not_a_log.txt"))
        self.check_document(doc)
        self.assertEqual(code, 0)
        self.assertEqual(err, "")
        [inp] = doc["inputs"]
        self.assertEqual((inp["format"], inp["records"], inp["unparsed"], inp["error"]),
                         ("text", 3, 0, None))

    def test_binary_of_no_known_shape_exits_2_naming_it(self):
        code, doc, err = run_json(fixture("not_a_log.bin"))
        self.assertEqual(code, 2)
        self.assertIn("not_a_log.bin", err)
        self.assertIn("unsupported input: binary data", err)
        self.assertIn("unsupported input", doc["inputs"][0]["error"])

    def test_other_inputs_still_diagnosed_beside_a_bad_one(self):
        code, doc, err = run_json(fixture("not_a_log.bin"), fixture("article.log"),
                                  "/nonexistent/x.log")
        self.check_document(doc)
        self.assertEqual(code, 2)
        self.assertEqual([f["problem"] for f in doc["findings"]], [DUET])
        self.assertIn("/nonexistent/x.log", err)

    def test_folder_and_stdin(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(fixture("article.log"), d)
            shutil.copy(fixture("healthy_lookalikes.log"), d)
            code, doc, _ = run_json(d)
            self.assertEqual(code, 1)
            self.assertEqual(sorted(os.path.basename(i["name"]) for i in doc["inputs"]),
                             ["article.log", "healthy_lookalikes.log"])
        with open(fixture("article.log"), "rb") as f:
            code, doc, _ = run_json("-", stdin=f.read())
        self.assertEqual(code, 1)
        self.assertEqual(doc["inputs"][0]["name"], "-")
        self.assertEqual(doc["findings"][0]["symptoms"][0]["evidence"][0]["input"], "-")

    def test_recognised_binary_gets_its_conversion_command(self):
        with tempfile.NamedTemporaryFile(suffix=".evtx", delete=False) as f:
            f.write(b"ElfFile\x00" + bytes(range(256)) * 8)
        try:
            code, doc, err = run_json(f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(code, 2)
        self.assertIn("wevtutil qe", err)
        self.assertIsNone(doc["inputs"][0]["format"])

    def test_min_confidence_moves_finding_to_inconclusive(self):
        code, doc, _ = run_json("--min-confidence", "0.9", fixture("article.log"))
        self.assertEqual(code, 0)
        self.assertEqual(doc["findings"], [])
        self.assertEqual([f["problem"] for f in doc["inconclusive"]], [DUET])

    def test_numbers_ignore_the_locale(self):
        _, out, _ = run("--json", fixture("article.log"), env={"LC_ALL": "de_DE.UTF-8"})
        self.assertIn('"confidence": 0.65', out)

    def test_text_report(self):
        code, out, _ = run(fixture("article.log"))
        self.assertEqual(code, 1)
        self.assertIn("Duet 1.5 Request Handler PROPPATCH requests fail with HTTP 401.5", out)
        self.assertIn("article.log:2: 2009-01-15 06:54:30", out)
        self.assertIn("system TMP environment variable", out)
        self.assertIn("Give the impersonated account rights on the system TMP folder", out)
        self.assertIn("Point the system TMP variable at a folder the account can use", out)
        self.assertIn("anonymous-challenge", out)
        code, out, _ = run(fixture("healthy_lookalikes.log"))
        self.assertEqual(code, 0)
        self.assertIn("No known problem found.", out)


WSUS = "wsus-401-0x800710dd-acl"


class WsusProblem(unittest.TestCase):
    """Problem 2: client WindowsUpdate.log and server Process Monitor evidence."""

    def test_client_log_alone_is_decisive(self):
        path = fixture("wsus_client_WindowsUpdate.log")
        code, doc, _ = run_json(path)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertEqual(f["problem"], WSUS)
        self.assertGreaterEqual(f["confidence"], 0.6)
        self.assertLess(f["confidence"], 0.75)
        by_id = {s["id"]: s for s in f["symptoms"]}
        self.assertEqual([e["line"] for e in by_id["proxy-send-401"]["evidence"]],
                         lines_with(path, "Last proxy send request failed with hr = 0x800710DD"))
        self.assertEqual(doc["inputs"][0]["format"], "windowsupdate")
        self.assertEqual(doc["inputs"][0]["unparsed"], 0)

    def test_client_and_server_together_are_stronger(self):
        procmon = fixture("wsus_server_procmon.csv")
        code, doc, _ = run_json(fixture("wsus_client_WindowsUpdate.log"), procmon)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertGreaterEqual(f["confidence"], 0.75)
        by_id = {s["id"]: s for s in f["symptoms"]}
        denied = by_id["w3wp-denied-windows-folder"]
        # w3wp.exe on Microsoft.NET only: not svchost.exe, not the Temp folder
        self.assertEqual([e["line"] for e in denied["evidence"]],
                         [n for n in lines_with(procmon, "ACCESS DENIED")
                          if n not in lines_with(procmon, "svchost.exe") + lines_with(procmon, "Temp")])
        self.assertTrue(all(e["input"].endswith("wsus_server_procmon.csv") for e in denied["evidence"]))

    def test_server_iis_401s_corroborate(self):
        iis = fixture("wsus_server_iis.log")
        code, doc, _ = run_json(fixture("wsus_client_WindowsUpdate.log"), iis)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        by_id = {s["id"]: s for s in f["symptoms"]}
        self.assertEqual([e["line"] for e in by_id["wsus-web-service-401"]["evidence"]],
                         lines_with(iis, "WebService/"))
        self.assertGreaterEqual(f["confidence"], 0.75)

    def test_server_evidence_alone_is_not_a_finding(self):
        code, doc, _ = run_json(fixture("wsus_server_procmon.csv"))
        self.assertEqual(code, 0)
        self.assertEqual(doc["findings"], [])
        self.assertEqual(doc["inputs"][0]["format"], "procmon-csv")

    def test_other_windows_update_failures_are_not_this_problem(self):
        code, doc, _ = run_json(fixture("healthy_client_WindowsUpdate.log"))
        self.assertEqual(code, 0)
        self.assertEqual(doc["findings"] + doc["inconclusive"], [])

    def test_mixed_bundle_gives_each_problem_once(self):
        code, doc, _ = run_json(fixture("exchange_day.log"), fixture("wsus_client_WindowsUpdate.log"),
                                fixture("wsus_server_procmon.csv"), fixture("article.log"),
                                other("events", "owa42_copy_details.txt"),
                                other("events", "owa42_oneline.xml"))
        self.assertEqual(code, 1)
        self.assertEqual(sorted(f["problem"] for f in doc["findings"]),
                         sorted([DUET, WSUS, "owa-42-proxy-ssl"]))


OWA = "owa-42-proxy-ssl"


def other(folder, name):
    return os.path.join(FIXTURES, folder, name)


class OwaProblem(unittest.TestCase):
    """Problem 3: event 42 in every export shape, and the differential."""

    def finding(self, *paths):
        code, doc, _ = run_json(*paths)
        self.assertEqual(code, 1)
        self.assertEqual([i["unparsed"] for i in doc["inputs"]], [0] * len(paths))
        [f] = [f for f in doc["findings"] if f["problem"] == OWA]
        return f, doc

    def test_event_42_in_every_shape(self):
        for name in ("owa42_oneline.xml", "owa42_pretty.xml", "owa42_rendered.xml",
                     "owa42_copy_details.txt", "owa42_2003.txt", "owa42_wevtutil.txt",
                     "owa42.csv"):
            with self.subTest(name=name):
                f, doc = self.finding(other("events", name))
                self.assertGreaterEqual(f["confidence"], 0.6)
                self.assertTrue(doc["inputs"][0]["format"].startswith("event-"))
                [s] = f["symptoms"]
                for e in s["evidence"]:
                    self.assertTrue(0 < e["line"] <= e["end_line"])
                self.assertEqual([c["status"] for c in f["causes"]], ["possible", "possible"])

    def test_kernel_power_42_is_set_aside(self):
        _, doc = self.finding(other("events", "owa42_oneline.xml"))
        self.assertIn(("owa-42-proxy-ssl", "kernel-power-42"),
                      [(b["problem"], b["rule"]) for b in doc["benign"]])

    def test_http_internalurl_names_its_branch(self):
        f, _ = self.finding(other("events", "owa42_oneline.xml"),
                            other("powershell", "owa_vdir_console.txt"))
        self.assertGreaterEqual(f["confidence"], 0.75)
        first = f["causes"][0]
        self.assertEqual((first["id"], first["status"], first["for"]),
                         ("internalurl-http", "indicated", ["target-internalurl-http"]))
        self.assertEqual(first["resolutions"], ["internalurl-https", "allow-proxying-without-ssl"])

    def test_registry_rules_the_http_branch_out(self):
        f, _ = self.finding(other("events", "owa42_oneline.xml"),
                            other("powershell", "owa_vdir_console.txt"),
                            other("registry", "owa_allow_proxying_utf16.reg"))
        by_id = {c["id"]: c for c in f["causes"]}
        self.assertEqual(by_id["internalurl-http"]["status"], "ruled-out")
        self.assertEqual(by_id["internalurl-http"]["against"], ["proxying-without-ssl-allowed"])
        self.assertEqual(f["causes"][-1]["id"], "internalurl-http")  # ruled out ranks last
        # evidence for a ruled-out cause adds no confidence
        self.assertAlmostEqual(f["confidence"], 0.65, places=3)

    def test_target_403_names_its_branch(self):
        f, _ = self.finding(other("events", "owa42_pretty.xml"), fixture("owa_target_iis.log"))
        self.assertGreaterEqual(f["confidence"], 0.75)
        self.assertEqual((f["causes"][0]["id"], f["causes"][0]["status"]),
                         ("target-returns-403", "indicated"))

    def test_supporting_evidence_alone_is_no_finding(self):
        code, doc, _ = run_json(other("powershell", "owa_vdir_console.txt"),
                                fixture("owa_target_iis.log"))
        self.assertEqual(code, 0)
        self.assertEqual([f for f in doc["findings"] + doc["inconclusive"]
                          if f["problem"] == OWA], [])

    def test_text_report_names_the_cause(self):
        code, out, _ = run(other("events", "owa42_oneline.xml"),
                           other("powershell", "owa_vdir_console.txt"),
                           other("registry", "owa_allow_proxying_utf16.reg"))
        self.assertEqual(code, 1)
        self.assertIn("Which cause:", out)
        self.assertIn("ruled out: The target's Outlook Web App virtual directory uses an http://", out)
        self.assertIn("(because of proxying-without-ssl-allowed)", out)


class Options(unittest.TestCase):
    def test_usage_errors_exit_2(self):
        for args in ([], ["--bogus"], ["--min-confidence", "1.5", "x"], ["--kb"],
                     ["--format", "nope", fixture("article.log")]):
            with self.subTest(args=args):
                code, _, err = run(*args)
                self.assertEqual(code, 2)
                self.assertTrue(err.startswith("diagnose: "), err)

    def test_forced_format(self):
        code, doc, _ = run_json("--format", "w3c", fixture("article.log"))
        self.assertEqual(code, 1)

    def test_lists_and_version(self):
        code, out, _ = run("--list-formats")
        self.assertEqual(code, 0)
        self.assertRegex(out, r"(?m)^w3c ")
        self.assertIn("evtx", out)
        code, out, _ = run("--list-problems")
        self.assertEqual(code, 0)
        self.assertIn(DUET, out)
        code, out, _ = run("--no-builtin", "--list-problems")
        self.assertNotIn(DUET, out)
        code, out, _ = run("--version")
        self.assertRegex(out, r"libdiag\) \d+\.\d+\.\d+")

    def test_decode(self):
        code, out, _ = run("--decode", "2148074254")
        self.assertEqual(code, 0)
        self.assertIn("SEC_E_NO_CREDENTIALS", out)
        code, out, _ = run("--decode", "401.5")
        self.assertEqual(code, 0)
        self.assertIn("ISAPI/CGI", out)
        code, _, err = run("--decode", "not-a-code")
        self.assertEqual(code, 2)

    def test_check_kb_builtin_file_passes(self):
        src = os.path.join(os.path.dirname(FIXTURES), "..", "lib", "kb", "builtin",
                           DUET + ".yaml")
        code, out, err = run("--check-kb", src)
        self.assertEqual(code, 0, out + err)
        self.assertIn("all tests pass", out)
        self.assertNotIn("FAIL", out)

    def test_check_kb_reports_every_error_with_position(self):
        kb = ("schema: libdiag/kb/1\n"
              "problems:\n"
              "  - id: my-problem\n"
              "    title: t\n"
              "    summary: s\n"
              "    cause: c\n"
              "    symptoms:\n"
              "      - id: s1\n"
              "        source: w3c\n"
              "        where: {cs-methd: GET}\n"
              "        weight: 0.7\n"
              "        required: true\n"
              "    resolutions:\n"
              "      - id: r1\n"
              "        title: r\n"
              "        steps: [do it]\n"
              "    referencs: [x]\n")
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(kb)
        try:
            code, out, err = run("--check-kb", f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(code, 2)
        self.assertRegex(err, re.escape(f.name) + r":10:\d+: error: problems\[0\]\.symptoms\[0\]\.where\.cs-methd: .*cs-method")
        self.assertRegex(err, re.escape(f.name) + r":17:5: error: problems\[0\]\.referencs: .*references")

    def test_kb_error_while_diagnosing_exits_2_but_still_diagnoses(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("schema: libdiag/kb/2\nproblems: []\n")
        try:
            code, doc, err = run_json("--kb", f.name, fixture("article.log"))
        finally:
            os.unlink(f.name)
        self.assertEqual(code, 2)
        self.assertIn(f.name, err)
        self.assertEqual([x["problem"] for x in doc["findings"]], [DUET])


MAPI = "mapi-async-notify-impersonation"
ISA = "isa-rpc-reconnect-24h"


class MapiProblem(unittest.TestCase):
    """Problem 4: the server's RCA log decides, the client's own log corroborates."""

    def test_rca_failure_alone_is_decisive(self):
        rca = fixture("RCA_20140120-1.LOG")
        code, doc, _ = run_json(rca)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertEqual(f["problem"], MAPI)
        self.assertGreaterEqual(f["confidence"], 0.6)
        self.assertLess(f["confidence"], 0.75)
        by_id = {s["id"]: s for s in f["symptoms"]}
        self.assertEqual([e["line"] for e in by_id["association-guid-failed"]["evidence"]],
                         lines_with(rca, "Registration of the Association GUID failed"))
        self.assertIn("mapi-cdo-client", by_id)
        self.assertEqual(doc["inputs"][0]["format"], "exchange-log")
        self.assertEqual(doc["inputs"][0]["unparsed"], 0)

    def test_client_log_corroborates_across_inputs(self):
        app = fixture("syncapp.log")
        code, doc, _ = run_json(fixture("RCA_20140120-1.LOG"), app)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertGreaterEqual(f["confidence"], 0.75)
        by_id = {s["id"]: s for s in f["symptoms"]}
        client = by_id["client-mapi-network-error"]
        self.assertEqual(sorted({e["line"] for e in client["evidence"]}),
                         lines_with(app, "0x80040115"))
        self.assertTrue(all(e["input"].endswith("syncapp.log") for e in client["evidence"]))
        self.assertEqual(doc["inputs"][1]["format"], "text")

    def test_any_exchange_log_carrying_the_message_is_decisive(self):
        log = fixture("HttpProxy_guid_failed.LOG")
        code, doc, _ = run_json(log)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertEqual(f["problem"], MAPI)
        self.assertEqual([e["line"] for e in f["symptoms"][0]["evidence"]],
                         lines_with(log, "Association GUID"))

    def test_client_network_errors_of_an_outage_are_not_this_problem(self):
        code, doc, _ = run_json(fixture("syncapp_outage.log"), fixture("RCA_20140121-1.LOG"))
        self.assertEqual(code, 0)
        self.assertEqual(doc["findings"] + doc["inconclusive"], [])


class IsaProblem(unittest.TestCase):
    """Problem 5: connections held open through ISA, counted by client."""

    def test_held_connections_are_decisive(self):
        log = fixture("ISALOG_20061027_FWS_000.w3c")
        code, doc, _ = run_json(log)
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertEqual(f["problem"], ISA)
        self.assertGreaterEqual(f["confidence"], 0.6)
        self.assertLess(f["confidence"], 0.75)
        [held] = f["symptoms"]
        # 36 opened, 2 closed; the busy client closed all 40 of its own.
        self.assertEqual(held["count"], 34)
        self.assertEqual(held["group"], "source ip=172.16.5.20")
        opened = [n for n in lines_with(log, "172.16.5.20:") if n in lines_with(log, "Initiated")]
        self.assertEqual([e["line"] for e in held["evidence"]], [opened[0], opened[-1]])
        self.assertEqual(doc["inputs"][0]["format"], "isa-w3c")
        self.assertEqual(doc["inputs"][0]["unparsed"], 0)

    def test_event_9646_corroborates(self):
        code, doc, _ = run_json(fixture("ISALOG_20061027_FWS_000.w3c"),
                                fixture("exch01-application-9646.xml"))
        self.assertEqual(code, 1)
        [f] = doc["findings"]
        self.assertGreaterEqual(f["confidence"], 0.75)
        self.assertEqual(sorted(s["id"] for s in f["symptoms"]),
                         ["rpc-connections-held", "session-limit-9646"])

    def test_busy_client_whose_connections_close_is_not_this_problem(self):
        code, doc, _ = run_json(fixture("ISALOG_20061028_FWS_busy.w3c"))
        self.assertEqual(code, 0)
        self.assertEqual(doc["findings"] + doc["inconclusive"], [])

    def test_event_9646_alone_is_not_a_finding(self):
        code, doc, _ = run_json(fixture("exch01-application-9646.xml"))
        self.assertEqual(code, 0)
        self.assertEqual(doc["findings"], [])

    def test_text_report_names_the_group(self):
        code, out, _ = run(fixture("ISALOG_20061027_FWS_000.w3c"))
        self.assertEqual(code, 1)
        self.assertIn("34 records in group source ip=172.16.5.20 (first and last shown)", out)


if __name__ == "__main__":
    DIAGNOSE = os.path.abspath(sys.argv.pop(1))
    FIXTURES = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
