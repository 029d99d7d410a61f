"""Live use: the finding callback, reopening a rotated input, caller-built records,
and the graceful fallback on a libdiag 0.1 library that predates them."""

import ctypes
import gc
import json

import pytest

import libdiag
from libdiag import _ffi
from libdiag.features import _NEEDS

from conftest import ARTICLE, FIXTURES

ARTICLE_LINES = ARTICLE.read_bytes().splitlines(keepends=True)
BENIGN, DECISIVE = ARTICLE_LINES  # the 401.2 challenge, then the 401.5 that decides
DUET = "duet-rh-401-5-temp-acl"
EVENTS = FIXTURES / "events" / "owa42_oneline.xml"
SOURCE_OF_FORMAT = {"event-xml": "windows-event", "w3c": "w3c"}

NEW_SYMBOLS = sorted({s for symbols in _NEEDS.values() for s in symbols})

pytestmark = pytest.mark.skipif(
    not all(libdiag.has_feature(f) for f in libdiag.FEATURES),
    reason="this libdiag predates the live-use functions")


def decisive_fields():
    """The fields of the article's decisive line, as text."""
    with libdiag.parse(ARTICLE) as stream:
        record = list(stream)[1]
    return {f.name: f.text for f in record.fields}


class Recorder:
    """A finding callback that keeps what it hears."""

    def __init__(self):
        self.events = []

    def __call__(self, finding, event):
        assert isinstance(finding, libdiag.Finding)
        self.events.append((event, finding, finding.to_json()))

    @property
    def kinds(self):
        return [(event, finding.id) for event, finding, _ in self.events]


# --- the finding callback -----------------------------------------------------


def test_finding_callback_new_then_update(kb):
    heard = Recorder()
    with libdiag.Session(kb, on_finding=heard) as s:
        inp = s.open_input("article.log")
        inp.feed(BENIGN)
        assert heard.kinds == []
        inp.feed(DECISIVE)
        assert heard.kinds == [("new", DUET)]
        event, finding, line = heard.events[0]
        assert finding.conclusive and finding.confidence == pytest.approx(0.65)
        assert finding.symptoms[0].count == 1
        assert "\n" not in line and json.loads(line) == json.loads(s.to_json())["findings"][0]
        inp.feed(DECISIVE)  # the matching records doubled: 1 -> 2
        assert heard.kinds == [("new", DUET), ("update", DUET)]
        assert heard.events[1][1].symptoms[0].count == 2
        inp.feed(DECISIVE)  # 3 < 2 * 2: not material
        assert len(heard.events) == 2
        inp.end()
        assert len(heard.events) == 2
        # the copies outlive the C finding and the session
        kept = heard.events[0][1]
    assert kept.symptoms[0].evidence[0].line == 2 and kept.symptoms[0].count == 1
    assert json.loads(heard.events[1][2])["symptoms"][0]["count"] == 2


def test_finding_json_forms(session):
    session.feed_file(ARTICLE)
    (finding,) = session.findings
    compact, indented = finding.to_json(), finding.to_json(compact=False)
    assert compact.count("\n") == 0 and indented.count("\n") > 5
    assert not indented.endswith("\n")
    assert json.loads(compact) == json.loads(indented) == json.loads(
        session.to_json())["findings"][0]


def test_set_finding_callback_later_and_remove(kb):
    heard = Recorder()
    with libdiag.Session(kb) as s:
        s.set_finding_callback(heard)
        s.feed_file(ARTICLE)
        assert heard.kinds == [("new", DUET)]
        s.set_finding_callback(None)
        s.feed_bytes(DECISIVE * 4, name="more.log")
        assert len(heard.events) == 1


def test_findings_already_announced_are_not_announced_again(kb):
    heard = Recorder()
    with libdiag.Session(kb) as s:
        s.feed_file(ARTICLE)  # no callback yet: nobody hears it
        s.set_finding_callback(heard)
        s.feed_bytes(BENIGN, name="benign.log")
        assert heard.kinds == [("new", DUET)]  # first announcement at the next feed


def test_exception_in_finding_callback_propagates(kb):
    class Boom(Exception):
        pass

    calls = []

    def explode(finding, event):
        calls.append(event)
        raise Boom(finding.id)

    with libdiag.Session(kb, on_finding=explode) as s:
        inp = s.open_input("article.log")
        inp.feed(BENIGN)
        with pytest.raises(Boom, match=DUET):
            inp.feed(DECISIVE)
        assert calls == ["new"]
        inp.feed(BENIGN)  # the session carries on; the trap is empty again
        with pytest.raises(Boom):
            inp.feed(DECISIVE)  # the doubling is announced, and raises again
        assert calls == ["new", "update"]
        inp.end()
        assert [f.id for f in s.findings] == [DUET]


def test_exception_in_finding_callback_propagates_from_end_and_feed_record(kb):
    def explode(finding, event):
        raise KeyError(event)

    with libdiag.Session(kb, on_finding=explode) as s:
        inp = s.open_input("article.log")
        inp.feed(ARTICLE.read_bytes().rstrip(b"\n"))  # the decisive line is still partial
        with pytest.raises(KeyError, match="new"):
            inp.end()
    with libdiag.Session(kb, on_finding=explode) as s:
        with pytest.raises(KeyError, match="new"):
            s.feed_fields("w3c", decisive_fields())


def test_a_callback_cannot_feed_its_own_session(kb):
    with libdiag.Session(kb) as s:
        inp = s.open_input("article.log")
        s.set_finding_callback(lambda finding, event: inp.feed(BENIGN))
        with pytest.raises(libdiag.StateError, match="inside one of its callbacks"):
            inp.feed(ARTICLE.read_bytes())
        s.set_finding_callback(None)
        s.set_record_callback(lambda record: s.feed_fields("w3c", {"sc-status": 1}))
        with pytest.raises(libdiag.StateError, match="inside one of its callbacks"):
            inp.feed(BENIGN)
        s.set_record_callback(None)
        inp.feed(BENIGN)  # usable again


def test_finding_callback_in_a_parse_only_session_never_fires():
    heard = Recorder()
    with libdiag.Session(None, on_finding=heard) as s:
        s.feed_file(ARTICLE)
    assert heard.events == []


# --- reopening an input ---------------------------------------------------------


def test_reopen_restarts_line_numbers(kb):
    lines = []
    heard = Recorder()
    with libdiag.Session(kb, on_finding=heard) as s:
        s.set_record_callback(lambda r: lines.append((r.input, r.line)))
        inp = s.open_input("live.log")
        inp.feed(BENIGN + DECISIVE.rstrip(b"\n"))  # the last line has no newline yet
        assert lines == [("live.log", 1)] and heard.kinds == []
        inp.reopen()  # the partial line is processed first, then numbering restarts
        assert lines == [("live.log", 1), ("live.log", 2)]
        assert heard.kinds == [("new", DUET)]  # announced at the end of reopen()
        assert not inp.ended
        inp.feed(DECISIVE)
        assert lines[-1] == ("live.log", 1)
        inp.end()
        assert inp.ended and inp.lines == 3 and inp.records == 3
        inp.reopen()  # an ended input starts over too
        assert not inp.ended
        inp.feed(BENIGN + DECISIVE)
        inp.end()
        assert lines[-2:] == [("live.log", 1), ("live.log", 2)]
        assert inp.lines == 5 and len(s.inputs) == 1
        (finding,) = s.findings
        evidence = [(e.input, e.line) for e in finding.symptoms[0].evidence]
        assert evidence == [("live.log", 2), ("live.log", 1), ("live.log", 2)]
        assert heard.kinds == [("new", DUET), ("update", DUET)]


def test_reopen_detects_the_format_afresh(session):
    inp = session.open_input("rotating")
    inp.feed(ARTICLE.read_bytes())
    assert inp.format == "w3c"
    inp.reopen()
    assert inp.format is None  # not detected yet
    inp.feed(EVENTS.read_bytes())
    inp.end()
    assert inp.format == "event-xml"
    assert sorted(f.id for f in session.findings) == sorted([DUET, "owa-42-proxy-ssl"])


def test_reopen_of_a_closed_session(kb):
    s = libdiag.Session(kb)
    inp = s.open_input("x")
    s.close()
    with pytest.raises(libdiag.StateError):
        inp.reopen()


# --- caller-built records -------------------------------------------------------


def test_builder_errors(session):
    with pytest.raises(libdiag.NotFound, match="unknown source"):
        libdiag.RecordBuilder("windows-evnt")
    with libdiag.RecordBuilder("windows-event") as b:
        assert b.source == "windows-event" and "windows-event" in repr(b)
        with pytest.raises(libdiag.NotFound) as info:
            b.set("EvntID", 42)
        assert info.value.suggestion == 'did you mean "EventID"?'
        assert "EvntID" in info.value.message
        with pytest.raises(libdiag.NotFound) as info:
            b.set("Completely-unrelated", "x")
        assert info.value.suggestion == ""
        b.set("eventid", 42)  # names are case-insensitive
        for bad in (None, 4.2, True, ["x"]):
            with pytest.raises(TypeError):
                b.set("EventID", bad)
        with pytest.raises(libdiag.InvalidArgument):
            b.set_provenance(line=-1)
        with pytest.raises(TypeError, match="feed_fields"):
            session.feed_record({"EventID": 42})
    assert b.closed and "closed" in repr(b)
    for call in (lambda: b.set("EventID", 1), b.clear, lambda: session.feed_record(b),
                 lambda: b.set_provenance("x")):
        with pytest.raises(libdiag.StateError):
            call()
    b.close()  # idempotent
    with pytest.raises(libdiag.NotFound, match="unknown field"):
        session.feed_fields("w3c", {"sc-statuss": 401})
    with pytest.raises(libdiag.NotFound, match="unknown source"):
        session.feed_fields("nope", {})


def test_builder_values(session):
    seen = []
    session.set_record_callback(seen.append)
    with libdiag.RecordBuilder("w3c") as b:
        b.set("sc-status", 401).set("sc-win32-status", 2148074254).set("cs-method", b"PROPPATCH")
        b.set("cs-uri-stem", "/Exchange/DuetRH/Drafts/\u00e9.EML").set("time-taken", -5)
        b.set("sc-bytes", 1 << 70)  # past int64: written in decimal all the same
        session.feed_record(b)
        b.set_provenance(input="pasted", line=7, text="the original line")
        session.feed_record(b)
        b.clear()
        session.feed_record(b)  # an empty record is a record
    first, second, empty = seen
    assert first["sc-status"] == 401 and first["cs-method"] == "PROPPATCH"
    assert first["sc-win32-status"].symbol == "SEC_E_NO_CREDENTIALS"
    assert first["cs-uri-stem"] == "/Exchange/DuetRH/Drafts/\u00e9.EML"
    assert first.field("sc-bytes").text == str(1 << 70) and first.field("time-taken").text == "-5"
    assert (first.input, first.line, first.format) == ("w3c", 0, "w3c")
    assert "sc-status=401" in first.text  # no text given: the fields stand in
    assert (second.input, second.line, second.text) == ("pasted", 7, "the original line")
    assert len(empty) == 0
    assert {i.name: (i.format, i.records) for i in session.inputs} == {
        "w3c": ("w3c", 2), "pasted": ("w3c", 1)}


def rebuild(records, session, use_builder=True):
    """Feeds parsed *records* to *session* through a builder (or feed_fields)."""
    with libdiag.RecordBuilder(SOURCE_OF_FORMAT[records[0].format]) as b:
        for r in records:
            fields = {f.name: f.raw for f in r.fields}
            if use_builder:
                b.clear().update(fields).set_provenance(r.input, r.line, r.raw)
                session.feed_record(b)
            else:
                session.feed_fields(b.source, fields, input=r.input, line=r.line, text=r.raw)


def summary(findings):
    return [(f.id, round(f.confidence, 9), f.conclusive,
             [(m.rule, m.count, m.group, [(e.input, e.line, e.end_line, e.raw)
                                          for e in m.evidence]) for m in f.symptoms],
             [(c.id, c.status) for c in f.causes]) for f in findings]


@pytest.mark.parametrize("path", [EVENTS, ARTICLE, FIXTURES / "e2e" / "exchange_day.log"])
@pytest.mark.parametrize("use_builder", [True, False])
def test_built_records_give_the_findings_of_parsing(kb, path, use_builder):
    with libdiag.parse(path) as stream:
        records = list(stream)
    assert records
    with libdiag.Session(kb) as parsed, libdiag.Session(kb) as built:
        parsed.feed_file(path)
        rebuild(records, built, use_builder)
        assert parsed.all_findings(), path
        assert summary(built.all_findings()) == summary(parsed.all_findings())
        assert [(m.rule, m.count) for m in built.benign] == [
            (m.rule, m.count) for m in parsed.benign]
        assert [f.to_json() for f in built.all_findings()] == [
            f.to_json() for f in parsed.all_findings()]
        (inp,) = built.inputs
        assert (inp.name, inp.records) == (str(path), len(records))


def test_built_records_fire_the_finding_callback(kb):
    heard = Recorder()
    fields = {"Channel": "Application", "Provider": "MSExchange OWA", "EventID": 42,
              "Level": "Error", "Computer": "CAS01.contoso.com", "Data1": "cas01.contoso.com",
              "Data2": "https://cas02.contoso.com/owa"}
    with libdiag.Session(kb, on_finding=heard) as s:
        s.feed_fields("windows-event", fields, input="Application", line=104211)
        assert heard.kinds == [("new", "owa-42-proxy-ssl")]
        evidence = heard.events[0][1].symptoms[0].evidence[0]
        assert (evidence.input, evidence.line) == ("Application", 104211)
        assert "EventID=42" in evidence.text


# --- memory -----------------------------------------------------------------------


def test_builder_and_session_cycles_leak_nothing():
    alloc = libdiag.CountingAllocator()
    with libdiag.parse(EVENTS) as stream:
        records = list(stream)
    for i in range(60):
        with libdiag.KnowledgeBase(allocator=alloc) as kb:
            heard = Recorder()
            with libdiag.Session(kb, allocator=alloc, on_finding=heard) as s, \
                    libdiag.RecordBuilder("windows-event", allocator=alloc) as b:
                for r in records:
                    b.clear().update({f.name: f.raw for f in r.fields})
                    b.set_provenance(r.input, r.line, r.raw if i % 2 else None)
                    s.feed_record(b)
                s.feed_fields("w3c", {"sc-status": 401, "cs-method": "PROPPATCH"})
                with pytest.raises(libdiag.NotFound):
                    b.set("nope", 1)
                inp = s.open_input("live.log")
                inp.feed(ARTICLE.read_bytes())
                inp.reopen()
                inp.feed(DECISIVE)
                inp.end()
                assert [e for e, _, _ in heard.events][:1] == ["new"]
            if i % 3 == 0:  # one left to the garbage collector
                b2 = libdiag.RecordBuilder("w3c", allocator=alloc)
                b2.set("sc-status", 1)
                del b2
                gc.collect()
        assert (alloc.live, alloc.live_bytes) == (0, 0), i
    assert alloc.bad_frees == 0 and libdiag.live_handles() == 0


def test_out_of_memory_while_building_raises_and_leaks_nothing():
    failures = 0
    for n in range(0, 200):
        alloc = libdiag.CountingAllocator(fail_after=n)
        try:
            with libdiag.RecordBuilder("w3c", allocator=alloc) as b:
                for k in range(12):
                    b.set("cs-uri-stem", "/x" * (10 * k)).set("sc-status", 401 + k)
                    b.set_provenance("in", k, "t" * (100 * k))
        except libdiag.OutOfMemory:
            failures += 1
        else:
            assert n > 0
            break
        finally:
            assert (alloc.live, alloc.bad_frees) == (0, 0), n
    assert failures > 0


# --- an older 0.1 library -----------------------------------------------------------


class _HidingCDLL:
    """The real library, minus the functions added late in the 0.1 series."""

    def __init__(self, real: ctypes.CDLL):
        self._real = real

    def __getattr__(self, name):
        if name in NEW_SYMBOLS:
            raise AttributeError(name)
        return getattr(self._real, name)


@pytest.fixture
def old_library(monkeypatch):
    current = _ffi.lib()
    old = _ffi.Library(current.path, _HidingCDLL(current.cdll))
    monkeypatch.setattr(_ffi, "_current", old)
    return old


def test_an_older_library_loads_and_says_what_it_lacks(kb, old_library):
    assert not any(libdiag.has_feature(f) for f in libdiag.FEATURES)
    with pytest.raises(NotImplementedError, match="not yet available in this libdiag version"):
        libdiag.Session(kb, on_finding=print)
    with pytest.raises(NotImplementedError, match="caller-built records.*diag_record_builder_new"):
        libdiag.RecordBuilder("w3c")
    with libdiag.Session(kb) as s:
        with pytest.raises(NotImplementedError, match="live finding callbacks"):
            s.set_finding_callback(print)
        with pytest.raises(NotImplementedError, match="caller-built records"):
            s.feed_fields("w3c", {"sc-status": 401})
        inp = s.feed_file(ARTICLE)
        with pytest.raises(NotImplementedError, match="reopening an input"):
            inp.reopen()
        (finding,) = s.findings  # findings themselves still work
        assert finding.id == DUET
        with pytest.raises(NotImplementedError, match="diag_render_finding_json"):
            finding.to_json()
