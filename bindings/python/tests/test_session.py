"""Sessions and inputs: feeding, callbacks, findings, caps, rendering, errors."""

import io
import json
import threading

import pytest

import libdiag
from libdiag import Limit, UnparsedReason

from conftest import ARTICLE, E2E

DUET = "duet-rh-401-5-temp-acl"
DAY = E2E / "exchange_day.log"


def test_feed_file_and_read_findings(session):
    inp = session.feed_file(DAY)
    assert isinstance(inp, libdiag.Input) and inp.ended
    assert (inp.name, inp.format, inp.lines, inp.records, inp.unparsed) == (
        str(DAY), "w3c", 611, 607, 0)
    assert inp.bytes_fed == DAY.stat().st_size and inp.error is None
    assert session.inputs == [inp]
    assert session.found
    (f,) = session.findings
    assert isinstance(f, libdiag.Finding)
    assert f.id == DUET and f.problem.id == DUET and f.conclusive
    assert f.confidence == pytest.approx(0.72, abs=0.005)
    assert f.title == f.problem.title and f.cause == f.problem.cause
    assert f.resolutions == f.problem.resolutions and f.references == f.problem.references
    assert [s.rule for s in f.symptoms] == ["proppatch-drafts-401-5", "large-proppatch-refused"]
    s = f.symptoms[0]
    assert isinstance(s, libdiag.Match) and not s.benign
    assert s.problem == DUET and s.count == 3 and s.weight > 0 and s.group is None
    ev = s.evidence[0]
    assert isinstance(ev, libdiag.Evidence)
    assert ev.input == str(DAY) and ev.line == ev.end_line and ev.offset > 0
    assert "PROPPATCH" in ev.text and str(ev).startswith(f"{DAY}:{ev.line}: ")
    raw = DAY.read_bytes()
    assert raw[ev.offset:].startswith(ev.raw)
    assert session.inconclusive == [] and session.all_findings() == [f]
    (b,) = session.benign
    assert b.benign and b.rule == "anonymous-challenge" and b.why and b.weight == 0
    assert b.count == 205 and len(b.evidence) == 5
    assert session.limit_hits(Limit.EVIDENCE) == 200
    assert "findings=1" in repr(session) and "lines=611" in repr(inp)


def test_inconclusive_below_min_confidence(kb):
    with libdiag.Session(kb, min_confidence=0.7) as s:
        assert s.min_confidence == 0.7
        s.feed_file(ARTICLE)
        assert s.findings == [] and not s.found
        (f,) = s.inconclusive
        assert not f.conclusive and f.confidence == pytest.approx(0.65)
        s.min_confidence = 0.6  # applies at once
        assert [x.id for x in s.findings] == [DUET]


def test_min_confidence_out_of_range(session):
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(libdiag.InvalidArgument):
            session.min_confidence = bad
    assert session.min_confidence == 0.5


def summary(session):
    """What must not depend on chunking or interleaving (evidence order may)."""
    doc = json.loads(session.to_json())
    for f in doc["findings"] + doc["inconclusive"]:
        for sym in f["symptoms"]:
            sym["evidence"] = sorted((e["input"], e["line"]) for e in sym["evidence"])
    for b in doc["benign"]:
        b["evidence"] = len(b["evidence"])
    return doc


@pytest.mark.parametrize("chunk", [1, 13, 4096, 1 << 20])
def test_chunking_does_not_matter(kb, chunk):
    data = DAY.read_bytes()
    with libdiag.Session(kb) as ref:
        ref.feed_bytes(data, name="a")
        expected = ref.to_json()
    with libdiag.Session(kb) as s:
        with s.open_input("a") as a:
            for i in range(0, len(data), chunk):
                a.feed(memoryview(data)[i:i + chunk])
        assert s.to_json() == expected


@pytest.mark.parametrize("chunk", [17, 4096])
def test_inputs_interleave(kb, chunk):
    data, other = DAY.read_bytes(), ARTICLE.read_bytes()
    with libdiag.Session(kb) as ref:
        ref.feed_bytes(data, name="a")
        ref.feed_bytes(other, name="b")
        expected = summary(ref)
    with libdiag.Session(kb) as s:
        a = s.open_input("a")
        b = s.open_input("b", format="w3c")
        for i in range(0, max(len(data), len(other)), chunk):
            a.feed(data[i:i + chunk])
            b.feed(bytearray(other[i:i + chunk]))
        a.end()
        b.end()
        assert summary(s) == expected


def test_inputs_as_context_managers(session):
    with session.open_input("ctx.log") as inp:
        inp.feed(ARTICLE.read_bytes())
        assert not inp.ended
    assert inp.ended and inp.records == 2
    with pytest.raises(libdiag.StateError) as info:
        inp.end()
    assert "already ended" in info.value.message
    with pytest.raises(libdiag.StateError):
        inp.feed(b"x")


def test_input_left_open_when_the_block_raises(session):
    with pytest.raises(KeyError):
        with session.open_input("x", format="w3c") as inp:
            inp.feed(b"2009-01-15 06:54:28 10.3.13.56 GET")
            raise KeyError
    assert not inp.ended
    inp.end()


def test_feed_file_sources(session, tmp_path):
    session.feed_file(str(ARTICLE))
    with open(ARTICLE, "rb") as f:
        session.feed_file(f, name="stream.log")
    session.feed_file(io.BytesIO(ARTICLE.read_bytes()))
    inp = session.open_input("by-hand")
    inp.feed_file(ARTICLE, chunk_size=7)
    inp.end()
    assert [i.name for i in session.inputs] == [str(ARTICLE), "stream.log", "<stream>", "by-hand"]
    assert all(i.records == 2 for i in session.inputs)
    with pytest.raises(libdiag.IoError):
        session.feed_file(tmp_path / "missing.log")
    with pytest.raises(libdiag.IoError):
        session.open_input("x").feed_file(tmp_path / "missing.log")


def test_unsupported_input_stays_listed(session):
    with pytest.raises(libdiag.UnsupportedInput) as info:
        session.feed_file(E2E / "not_a_log.bin")
    assert "unsupported input" in info.value.message
    (inp,) = session.inputs
    assert inp.format is None and inp.error.status == libdiag.Status.EUNSUPPORTED
    assert "error" in repr(inp)
    doc = json.loads(session.to_json())
    assert doc["inputs"][0]["error"] == inp.error.message


def test_binary_formats_are_explained(session):
    with pytest.raises(libdiag.UnsupportedInput) as info:
        session.feed_bytes(b"ElfFile\x00" + bytes(200), name="app.evtx")
    assert "EVTX" in info.value.message or "evtx" in info.value.message


def test_open_input_errors(session):
    with pytest.raises(libdiag.NotFound):
        session.open_input("x", format="nope")
    with pytest.raises(libdiag.UnsupportedInput):
        session.open_input("x", format="pml")
    assert session.inputs == []


def test_limits(session):
    assert session.limit(Limit.LINE_BYTES) == 65536
    assert session.limits[Limit.EVIDENCE] == 5
    assert set(session.hits.values()) == {0}
    session.set_limit(Limit.EVIDENCE, 1)
    session.set_limit(Limit.LINE_BYTES, 64)
    assert session.limit(Limit.EVIDENCE) == 1
    for which, bad in ((Limit.LINE_BYTES, 10), (Limit.EVIDENCE, 10 ** 7), (Limit.EVIDENCE, -1)):
        with pytest.raises(libdiag.InvalidArgument) as info:
            session.set_limit(which, bad)
        assert which.key in info.value.message
    with pytest.raises(ValueError):
        session.set_limit(99, 1)
    session.feed_file(DAY)
    assert session.limit_hits(Limit.LINE_BYTES) > 0
    assert session.inputs[0].unparsed_by_reason[UnparsedReason.TOO_LONG] > 0
    doc = json.loads(session.to_json())
    assert doc["limits"] == {w.key: n for w, n in session.hits.items() if n}
    assert "line_bytes" in doc["limits"]


def test_limit_and_reason_names():
    assert [w.key for w in Limit] == [libdiag.limit_name(w) for w in Limit]
    assert Limit.LINE_BYTES.key == "line_bytes"
    assert UnparsedReason.TOO_LONG.key == "too-long"
    assert UnparsedReason.FIELD_COUNT.key == libdiag.unparsed_reason_name(1) == "field-count"
    with pytest.raises(ValueError):
        libdiag.limit_name(99)
    with pytest.raises(ValueError):
        libdiag.unparsed_reason_name(99)


def test_limits_in_the_constructor(kb):
    with libdiag.Session(kb, limits={Limit.EVIDENCE: 2}) as s:
        s.feed_file(DAY)
        assert all(len(m.evidence) <= 2 for f in s.findings for m in f.symptoms)


def test_memory_budget_is_a_limit_error(kb):
    with libdiag.Session(kb, limits={Limit.MEMORY_BYTES: 20000}) as s:
        with pytest.raises(libdiag.LimitError):
            s.feed_file(DAY, chunk_size=1 << 20)
        assert s.limit_hits(Limit.MEMORY_BYTES) > 0


# --- callbacks ----------------------------------------------------------------


def test_record_callback_receives_copies(kb):
    got = []
    with libdiag.Session(kb, on_record=got.append) as s:
        s.feed_file(ARTICLE)
    assert [r.line for r in got] == [1, 2]
    assert got[1]["cs-username"] == "DE\\DS91FE"  # still valid after the session closed


def test_record_callback_can_be_replaced_and_removed(session):
    a, b = [], []
    session.set_record_callback(a.append)
    session.feed_bytes(ARTICLE.read_bytes(), name="1")
    session.set_record_callback(b.append)
    session.feed_bytes(ARTICLE.read_bytes(), name="2")
    session.set_record_callback(None)
    session.feed_bytes(ARTICLE.read_bytes(), name="3")
    assert len(a) == 2 and len(b) == 2 and session.inputs[2].records == 2


def test_true_return_stops_the_feed(session):
    seen = []

    def stop(record):
        seen.append(record)
        return True

    session.set_record_callback(stop)
    inp = session.open_input("x")
    with pytest.raises(libdiag.CallbackError) as info:
        inp.feed(DAY.read_bytes())
    assert info.value.status == libdiag.Status.ECALLBACK and len(seen) == 1


def test_exception_in_callback_propagates_unchanged(session):
    class Boom(Exception):
        pass

    calls = []

    def boom(record):
        calls.append(record)
        raise Boom("from the callback")

    session.set_record_callback(boom)
    with pytest.raises(Boom, match="from the callback"):
        session.feed_bytes(DAY.read_bytes(), name="x")
    assert len(calls) == 1  # the feed stopped at the first record
    # the session is still usable
    session.set_record_callback(None)
    session.feed_bytes(ARTICLE.read_bytes(), name="y")
    assert session.inputs[-1].records == 2


def test_keyboard_interrupt_in_callback_does_not_cross_c(session):
    def interrupt(record):
        raise KeyboardInterrupt

    session.set_record_callback(interrupt)
    with pytest.raises(KeyboardInterrupt):
        session.feed_bytes(ARTICLE.read_bytes(), name="x")


def test_unparsed_callback(kb):
    lines = []
    data = ARTICLE.read_bytes() + b"a broken line\n"
    with libdiag.Session(kb, on_unparsed=lines.append) as s:
        inp = s.feed_bytes(data, name="u.log")
        (u,) = lines
        assert (u.input, u.line, u.reason, u.raw) == ("u.log", 3, UnparsedReason.NO_LAYOUT,
                                                     b"a broken line")
        assert u.offset == len(ARTICLE.read_bytes()) and u.text == "a broken line"
        assert inp.unparsed_samples == [libdiag.UnparsedSample(3, UnparsedReason.NO_LAYOUT)]
        s.set_unparsed_callback(lambda line: True)
        with pytest.raises(libdiag.CallbackError):
            s.feed_bytes(data, name="v.log")
        s.set_unparsed_callback(None)
        s.feed_bytes(data, name="w.log")


def test_unparsed_samples_are_capped(kb):
    data = b"#Fields: date time cs-method\n" + b"x\n" * 30
    with libdiag.Session(kb, limits={Limit.UNPARSED_SAMPLES: 3}) as s:
        inp = s.feed_bytes(data, name="x", format="w3c")
        assert inp.unparsed == 30 and len(inp.unparsed_samples) == 3
        assert s.limit_hits(Limit.UNPARSED_SAMPLES) == 27


def test_features_are_truthful():
    from libdiag import _ffi
    from libdiag.features import _NEEDS
    assert set(libdiag.FEATURES) == {"finding_callback", "record_builder", "input_reopen"}
    for name, symbol in libdiag.FEATURES.items():
        assert symbol in _NEEDS[name] and all(s in _ffi.PROTOTYPES for s in _NEEDS[name])
        assert libdiag.has_feature(name) == all(_ffi.has_symbol(s) for s in _NEEDS[name])
    with pytest.raises(ValueError):
        libdiag.has_feature("nope")
    # (test_live.py exercises them, and the fallback on a library without them)


# --- rendering ------------------------------------------------------------------


def test_json_and_text(session):
    session.feed_file(ARTICLE)
    doc = json.loads(session.to_json())
    assert doc["schema"] == 1 and doc["libdiag"] == libdiag.library_version()
    assert doc["findings"][0]["id"] == DUET
    compact = session.to_json(compact=True)
    assert "\n" not in compact.strip() and json.loads(compact) == doc
    text = session.to_text()
    assert "1 known problem found." in text
    chunks = []
    session.render_json(chunks.append)
    assert b"".join(chunks).decode() == session.to_json()
    out = io.BytesIO()
    session.render_text(out.write)
    assert out.getvalue().decode() == text


def test_findings_agree_with_the_json(session):
    session.feed_file(DAY)
    doc = json.loads(session.to_json())
    for f, j in zip(session.findings, doc["findings"]):
        assert (f.id, f.problem.id, f.title, f.cause) == (j["id"], j["problem"], j["title"],
                                                          j["cause"])
        assert round(f.confidence, 2) == j["confidence"]
        assert [(s.rule, s.count, s.group, [(e.input, e.line, e.end_line, e.text)
                                            for e in s.evidence]) for s in f.symptoms] == [
            (s["id"], s["count"], s["group"], [(e["input"], e["line"], e["end_line"], e["text"])
                                               for e in s["evidence"]]) for s in j["symptoms"]]
        assert [(r.id, r.title, list(r.steps), list(r.commands), r.warning)
                for r in f.resolutions] == [
            (r["id"], r["title"], r["steps"], r["commands"], r["warning"])
            for r in j["resolutions"]]
        assert list(f.references) == j["references"]
    assert [(b.problem, b.rule, b.why, b.count) for b in session.benign] == [
        (b["problem"], b["rule"], b["why"], b["count"]) for b in doc["benign"]]


def test_writer_exception_propagates(session):
    def broken(data):
        raise BrokenPipeError("reader went away")

    with pytest.raises(BrokenPipeError):
        session.render_json(broken)
    with pytest.raises(BrokenPipeError):
        session.render_text(broken)


# --- lifetime -------------------------------------------------------------------


def test_closed_session_refuses_everything(kb):
    s = libdiag.Session(kb)
    inp = s.open_input("x")
    s.close()
    s.close()
    assert s.closed and repr(s) == "<Session closed>" and repr(inp) == "<Input (session closed)>"
    for call in (lambda: s.findings, lambda: s.to_json(), lambda: s.open_input("y"),
                 lambda: inp.feed(b"x"), lambda: inp.name, lambda: s.min_confidence,
                 lambda: s.set_record_callback(print), lambda: s.feed_record({})):
        with pytest.raises(libdiag.StateError):
            call()


def test_parse_only_session():
    records = []
    with libdiag.Session(None, on_record=records.append) as s:
        assert s.kb is None and "parse-only" in repr(s)
        s.feed_file(DAY)
        assert s.findings == [] and s.benign == [] and not s.found
        assert len(records) == 607
        assert json.loads(s.to_json())["findings"] == []


def test_sessions_share_a_kb_across_threads(kb):
    data = DAY.read_bytes()
    results = []

    def work():
        with libdiag.Session(kb) as s:
            s.feed_bytes(data, name="day")
            results.append(s.to_json())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len(set(results)) == 1


BRANCHING = """schema: libdiag/kb/1
problems:
  - id: branching
    title: Branching problem
    summary: S
    symptoms:
      - {id: decisive, source: w3c, where: {sc-status: 500}, weight: 0.7, required: true}
      - {id: branch-a, source: w3c, where: {sc-status: 403}, weight: 0.3}
      - {id: not-b, source: w3c, where: {sc-status: 404}, weight: 0.1}
      - {id: branch-c, source: w3c, where: {sc-status: 418}, weight: 0.1}
    cause: C
    resolutions:
      - {id: fix-a, title: A, steps: [x]}
      - {id: fix-b, title: B, steps: [y]}
    causes:
      - {id: a, title: Branch A, indicated_by: [branch-a], resolutions: [fix-a]}
      - {id: b, title: Branch B, ruled_out_by: [not-b], resolutions: [fix-b]}
      - {id: c, title: Branch C, indicated_by: [branch-c]}
"""


def test_differential_diagnosis_of_causes():
    if not libdiag.kb.causes_supported():
        pytest.skip("this libdiag predates diag_cause_*")
    log = (b"#Fields: date time cs-method sc-status\n2009-01-15 06:54:28 GET 500\n"
           b"2009-01-15 06:54:29 GET 403\n2009-01-15 06:54:30 GET 404\n")
    with libdiag.KnowledgeBase(builtin=False) as kb:
        kb.add_string(BRANCHING, name="branching.yaml")
        problem = kb["branching"]
        assert [c.id for c in problem.causes] == ["a", "b", "c"]
        a = problem.causes[0]
        assert isinstance(a, libdiag.Cause)
        assert (a.title, a.indicated_by, a.ruled_out_by, a.resolutions) == (
            "Branch A", ("branch-a",), (), ("fix-a",))
        assert problem.resolution("fix-a").title == "A"
        with pytest.raises(KeyError):
            problem.resolution("nope")
        with libdiag.Session(kb) as s:
            s.feed_bytes(log, name="x.log")
            (finding,) = s.findings
            doc = json.loads(s.to_json())["findings"][0]["causes"]
    verdicts = finding.causes
    assert all(isinstance(v, libdiag.CauseVerdict) for v in verdicts)
    assert [(v.id, v.status) for v in verdicts] == [
        ("a", libdiag.CauseStatus.INDICATED), ("c", libdiag.CauseStatus.POSSIBLE),
        ("b", libdiag.CauseStatus.RULED_OUT)]
    assert [{"id": v.id, "title": v.title, "status": v.status.key, "for": list(v.evidence_for),
             "against": list(v.evidence_against), "resolutions": list(v.cause.resolutions)}
            for v in verdicts] == doc
    assert verdicts[0].cause is problem.causes[0]  # the knowledge base's copy


def test_undivided_cause_has_no_verdicts(session):
    session.feed_file(ARTICLE)
    (finding,) = session.findings
    assert finding.causes == () and finding.problem.causes == ()
