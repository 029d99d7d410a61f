"""End-to-end tests of diag-agent: following, rotation, truncation, SIGHUP, SIGTERM.

Run: python3 test_agent.py PATH/TO/diag-agent PATH/TO/tests/fixtures

Nothing sleeps for a fixed time: every step waits (polling every 20 ms, up
to a generous timeout) for what the agent writes on its output or stderr.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

AGENT = None
FIXTURES = None
DUET = "duet-rh-401-5-temp-acl"
TIMEOUT = 60
FINDING_KEYS = {"id", "problem", "title", "confidence", "symptoms", "cause", "causes", "resolutions",
                "references"}

# The IIS 6 layout of tests/fixtures/e2e/exchange_day.log.
HEADER = ("#Software: Microsoft Internet Information Services 6.0\n#Version: 1.0\n"
          "#Date: 2009-01-15 00:00:00\n#Fields: date time s-sitename s-ip cs-method cs-uri-stem "
          "cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus "
          "sc-win32-status sc-bytes cs-bytes time-taken\n")
UA = "Microsoft+Data+Access+Internet+Publishing+Provider+DAV"


def ok_line(n):
    return (f"2009-01-15 06:{n % 60:02d}:00 W3SVC1 10.3.13.56 GET /owa/{n}.gif - 443 DE\\asmith "
            f"10.16.0.54 Mozilla 200 0 0 512 300 15\n")


def failing(n, large):
    """A PROPPATCH refused with 401.5 (the Duet article's error); large: over 25 KB sent."""
    return (f"2009-01-15 07:{n % 60:02d}:00 W3SVC1 10.3.13.56 PROPPATCH "
            f"/Exchange/DuetRH/Drafts/item{n}.EML - 80 DE\\DS91FE 10.16.0.95 {UA} 401 5 0 1656 "
            f"{38211 if large else 3821} 15\n")


def marker(n):
    return (f"2009-01-15 08:{n % 60:02d}:00 W3SVC1 10.3.13.56 GET /e2e-marker - 80 - "
            f"10.16.0.7 curl 500 0 0 100 100 1\n")


def user_kb(with_marker):
    """A user KB: a problem no line matches, plus (after the reload) one the marker lines match."""
    problems = [("e2e-never", "/e2e-never-written")]
    if with_marker:
        problems.append(("e2e-marker", "/e2e-marker"))
    text = "schema: libdiag/kb/1\nproblems:\n"
    for pid, stem in problems:
        text += (f"  - id: {pid}\n    title: {pid}\n    summary: s\n    symptoms:\n"
                 f"      - id: hit\n        source: w3c\n        where:\n"
                 f"          cs-uri-stem: {stem}\n          sc-status: 500\n"
                 f"        weight: 0.9\n        required: true\n    cause: c\n"
                 f"    resolutions:\n      - {{id: r, title: R, steps: [x]}}\n")
    return text


def append(path, text):
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write(text)


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


class Agent:
    """A running diag-agent whose JSON lines go to `out` and whose stderr goes to `err`."""

    def __init__(self, tmp, args, stdout_to_file=False):
        self.out = os.path.join(tmp, "events.jsonl")
        self.err = os.path.join(tmp, "agent.err")
        self._err = open(self.err, "wb")
        self._out = open(self.out, "wb") if stdout_to_file else subprocess.DEVNULL
        extra = [] if stdout_to_file else ["--output", self.out]
        self.proc = subprocess.Popen([AGENT, "--interval", "20", *extra, *args],
                                     stdout=self._out, stderr=self._err,
                                     env=dict(os.environ, LC_ALL="C"))

    def stderr(self):
        with open(self.err, encoding="utf-8", errors="replace") as f:
            return f.read()

    def events(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out, encoding="utf-8") as f:
            text = f.read()
        return [json.loads(l) for l in text.split("\n")[:-1]]  # complete lines only

    def wait(self, what, predicate):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise AssertionError(f"timed out waiting for {what}\nevents: {self.events()}\n"
                             f"stderr:\n{self.stderr()}")

    def wait_stderr(self, needle, count=1):
        self.wait(f"{needle!r} on stderr", lambda: self.stderr().count(needle) >= count)

    def wait_events(self, n):
        self.wait(f"{n} event(s)", lambda: len(self.events()) >= n)
        return self.events()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._err.close()
            if self._out is not subprocess.DEVNULL:
                self._out.close()
        return code


def evidence(event, symptom):
    for s in event["symptoms"]:
        if s["id"] == symptom:
            return s
    raise AssertionError(f"no symptom {symptom} in {event}")


class AgentTests(unittest.TestCase):
    def setUp(self):
        self.tmpdir = tempfile.TemporaryDirectory()
        self.tmp = self.tmpdir.name
        self.log = os.path.join(self.tmp, "ex.log")
        self.addCleanup(self.tmpdir.cleanup)

    def check_shape(self, events):
        for e in events:
            self.assertEqual(next(iter(e)), "event")  # "event" comes first
            self.assertIn(e["event"], ("new", "update"))
            self.assertEqual(set(e) - {"event"}, FINDING_KEYS)

    def test_follow_rotate_truncate_reload_stop(self):
        kb = os.path.join(self.tmp, "user.yaml")
        write(kb, user_kb(with_marker=False))
        write(self.log, HEADER + "".join(ok_line(i) for i in range(6)))
        agent = Agent(self.tmp, ["--from-start", "--kb", kb, self.log])
        agent.wait_stderr("following 1 file(s) from their start")

        # A failure appended to the file: one "new" event citing its real line.
        append(self.log, failing(1, large=False))
        ev = agent.wait_events(1)[0]
        self.assertEqual((ev["event"], ev["id"]), ("new", DUET))
        self.assertEqual(ev["confidence"], 0.65)
        self.assertEqual(evidence(ev, "proppatch-drafts-401-5")["evidence"][0]["line"], 11)

        # Rotation (mv, then a new file): the new file is read from its start
        # (its own header and line numbers) and the change is an update.
        os.rename(self.log, self.log + ".1")
        write(self.log, HEADER + failing(2, large=True))
        ev = agent.wait_events(2)[1]
        self.assertEqual((ev["event"], ev["id"]), ("update", DUET))
        self.assertEqual(ev["confidence"], 0.72)
        large = evidence(ev, "large-proppatch-refused")
        self.assertEqual((large["count"], large["evidence"][0]["line"]), (1, 5))
        self.assertIn("rotated", agent.stderr())

        # Truncation in place: noticed, and what is written next is read.
        write(self.log, "")
        agent.wait_stderr("truncated")
        append(self.log, HEADER + failing(3, True) + failing(4, True) + failing(5, True))
        ev = agent.wait_events(3)[2]
        self.assertEqual((ev["event"], ev["id"]), ("update", DUET))
        drafts = evidence(ev, "proppatch-drafts-401-5")
        self.assertEqual(drafts["count"], 5)
        self.assertIn(("item5.EML", 7), [(e["text"].split("/")[-1].split(" ")[0], e["line"])
                                         for e in drafts["evidence"]])

        # SIGHUP: the user KB is read again (it now has e2e-marker); the Duet
        # finding, rebuilt by the new session, is not announced again.
        write(kb, user_kb(with_marker=True))
        agent.proc.send_signal(signal.SIGHUP)
        agent.wait_stderr("reloaded the knowledge base")
        append(self.log, failing(6, True) + marker(1))
        agent.wait("the marker finding",
                   lambda: any(e["id"] == "e2e-marker" for e in agent.events()))

        # SIGTERM: a clean exit 0.
        self.assertEqual(agent.stop(), 0)
        events = agent.events()
        self.check_shape(events)
        self.assertEqual([(e["event"], e["id"]) for e in events],
                         [("new", DUET), ("update", DUET), ("update", DUET), ("new", "e2e-marker")])
        # Line 9 of the truncated file: the reloaded session caught up on it.
        self.assertEqual(evidence(events[3], "hit")["evidence"][0]["line"], 9)

    def test_starts_at_the_end(self):
        # What the file holds is not announced, but it gives the layout and the
        # line numbers; a line being written when the agent starts is read whole.
        half = failing(2, large=False)
        write(self.log, HEADER + failing(1, large=False) + ok_line(1) + half[:40])
        agent = Agent(self.tmp, [self.log], stdout_to_file=True)
        agent.wait_stderr("following 1 file(s) from their end")
        append(self.log, half[40:])
        ev = agent.wait_events(1)[0]
        self.assertEqual(agent.stop(signal.SIGINT), 0)
        self.assertEqual((ev["event"], ev["id"]), ("new", DUET))
        drafts = evidence(ev, "proppatch-drafts-401-5")
        self.assertEqual(drafts["count"], 2)
        self.assertEqual(drafts["evidence"][1], {"input": self.log, "line": 7, "end_line": 7,
                                                 "text": half.rstrip("\n")})
        self.assertEqual(len(agent.events()), 1)
        self.check_shape(agent.events())

    def test_existing_finding_announced_when_it_changes(self):
        # A finding in what the file held is silent until it changes; then it
        # is "new" to the output, though the library saw it before.
        kb = os.path.join(self.tmp, "user.yaml")
        write(kb, user_kb(with_marker=True))
        write(self.log, HEADER + failing(1, large=True))
        agent = Agent(self.tmp, ["--kb", kb, self.log])
        agent.wait_stderr("following")
        append(self.log, ok_line(2) + marker(1))
        agent.wait_events(1)
        append(self.log, failing(3, large=True))
        agent.wait_events(2)
        self.assertEqual(agent.stop(), 0)
        events = agent.events()
        self.assertEqual([(e["event"], e["id"]) for e in events],
                         [("new", "e2e-marker"), ("new", DUET)])
        self.assertEqual(evidence(events[1], "large-proppatch-refused")["count"], 2)

    def test_waits_for_a_missing_file(self):
        agent = Agent(self.tmp, [self.log])
        agent.wait_stderr("waiting for it")
        write(self.log, HEADER + failing(1, large=False))
        ev = agent.wait_events(1)[0]
        self.assertEqual(agent.stop(), 0)
        self.assertEqual((ev["event"], ev["id"]), ("new", DUET))

    def test_usage_and_kb_errors_exit_2(self):
        bad_kb = os.path.join(FIXTURES, "kb", "invalid", "misspelt-field.yaml")
        for args in ([], ["--interval", "0", "x.log"], ["--min-confidence", "2", "x.log"],
                     ["--format", "nope", "x.log"], ["--bogus", "x.log"], ["-"],
                     ["--kb", bad_kb, "x.log"]):
            p = subprocess.run([AGENT, *args], capture_output=True, timeout=TIMEOUT)
            self.assertEqual(p.returncode, 2, args)
            self.assertTrue(p.stderr, args)
        p = subprocess.run([AGENT, "--help"], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"--from-start", p.stdout)


if __name__ == "__main__":
    AGENT, FIXTURES = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
