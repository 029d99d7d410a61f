"""Knowledge bases: built-in and user problems, every KB error, sample tests."""

import re

import pytest

import libdiag

from conftest import KB_INVALID, KB_VALID

DUET = "duet-rh-401-5-temp-acl"


def test_builtin_problems(kb):
    assert len(kb) >= 1 and DUET in kb
    duet = kb[DUET]
    assert isinstance(duet, libdiag.Problem)
    assert duet is kb.find(DUET) is kb[[p.id for p in kb].index(DUET)]  # cached copies
    assert duet.title.startswith("Duet 1.5 Request Handler")
    assert duet.summary and duet.cause and duet.origin
    assert any("KB318380" in r for r in duet.references)
    assert [r.id for r in duet.resolutions][:2] == ["grant-tmp-rights", "repoint-tmp"]
    grant = duet.resolutions[0]
    assert isinstance(grant, libdiag.Resolution)
    assert grant.steps and grant.commands and grant.warning is None
    assert kb.problems == list(kb)
    assert kb[-1] == kb[len(kb) - 1]
    assert repr(duet) == f"Problem({DUET!r}, {duet.title!r})"


def test_lookup_misses(kb):
    assert kb.find("nope") is None and "nope" not in kb and 42 not in kb
    with pytest.raises(KeyError):
        kb["nope"]
    with pytest.raises(IndexError):
        kb[len(kb)]


def test_no_builtin_and_add_file():
    with libdiag.KnowledgeBase(builtin=False) as kb:
        assert len(kb) == 0 and repr(kb) == "<KnowledgeBase problems=0>"
        kb.add_file(KB_VALID / "full.yaml")  # a pathlib.Path
        assert [p.id for p in kb] == ["full-example", "second-problem"]
        full = kb["full-example"]
        assert full.origin == str(KB_VALID / "full.yaml")
        assert full.products == (libdiag.Product("IIS", "5.0, 6.0"),
                                 libdiag.Product("Exchange Server", None))
        assert full.products[0].version_list == ["5.0", "6.0"]
        assert full.products[1].version_list == []
        assert full.resolutions[0].warning == "Do not grant Full Control."
        assert full.references == ("KB318380", "https://example.invalid/article")
        kb.add_file(str(KB_VALID / "bom-crlf.yaml"))  # a str
        assert len(kb) == 3


def test_add_string():
    yaml = (KB_VALID / "full.yaml").read_text(encoding="utf-8")
    with libdiag.KnowledgeBase(builtin=False) as kb:
        kb.add_string(yaml, name="inline.yaml")
        assert kb["full-example"].origin == "inline.yaml"
    with libdiag.KnowledgeBase(builtin=False) as kb:
        kb.add_string(yaml.encode("utf-8"))
        assert len(kb) == 2


def parse_expected(line):
    """LINE:COLUMN: KEY_PATH: MESSAGE-SUBSTRING[ | SUGGESTION], as tests/unit/test_kb.c reads it."""
    m = re.match(r"(\d+):(\d+): ", line)
    rest = line[m.end():]
    key_path, message = rest.split(": ", 1)
    suggestion = ""
    if " | " in message:
        message, suggestion = message.split(" | ", 1)
    return int(m.group(1)), int(m.group(2)), key_path, message, suggestion


INVALID = sorted(p.name for p in KB_INVALID.glob("*.yaml"))


@pytest.mark.parametrize("name", INVALID)
def test_every_kb_error_is_reported(name):
    path = KB_INVALID / name
    expected = [parse_expected(line) for line in
                path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")]
    with libdiag.KnowledgeBase(builtin=False) as kb:
        with pytest.raises(libdiag.KbError) as info:
            kb.add_file(path)
        assert len(kb) == 0  # all or nothing
    e = info.value
    assert e.status == libdiag.Status.EKB
    assert len(e.errors) == len(expected), str(e)
    for got, (line, column, key_path, message, suggestion) in zip(e.errors, expected):
        assert isinstance(got, libdiag.ErrorInfo)
        assert (got.line, got.column, got.key_path, got.suggestion) == (
            line, column, key_path, suggestion), str(got)
        assert message in got.message
        assert got.file == got.input == str(path)
        assert got.status == libdiag.Status.EKB
    # the exception's own members are the first error's
    first = e.errors[0]
    assert (e.message, e.input, e.line, e.column, e.key_path, e.suggestion) == (
        first.message, first.input, first.line, first.column, first.key_path, first.suggestion)
    assert str(e).splitlines() == [str(x) for x in e.errors]


def test_kb_error_in_a_string_names_it():
    with libdiag.KnowledgeBase(builtin=False) as kb:
        with pytest.raises(libdiag.KbError) as info:
            kb.add_string("schema: libdiag/kb/1\nproblem: []\n", name="mine.yaml")
    e = info.value
    assert e.input == "mine.yaml" and len(e.errors) == 2
    unknown = next(x for x in e.errors if x.key_path == "problem")
    assert unknown.line == 2 and unknown.suggestion == 'did you mean "problems"?'
    assert str(unknown) == ('mine.yaml:2:1: error: problem: unknown key "problem" '
                            '(did you mean "problems"?)')


def test_unreadable_kb_file_is_an_io_error(tmp_path):
    with libdiag.KnowledgeBase(builtin=False) as kb:
        with pytest.raises(libdiag.IoError) as info:
            kb.add_file(tmp_path / "missing.yaml")
    assert info.value.input == str(tmp_path / "missing.yaml")
    assert "No such file" in info.value.message
    assert isinstance(info.value, OSError)


def test_frozen_kb_refuses_additions(kb):
    assert not kb.frozen
    with libdiag.Session(kb):
        assert kb.frozen and "frozen" in repr(kb)
        with pytest.raises(libdiag.StateError) as info:
            kb.add_file(KB_VALID / "full.yaml")
        assert "in use by a session" in info.value.message


def test_kb_outlives_its_sessions():
    kb = libdiag.KnowledgeBase()
    s = libdiag.Session(kb)
    with pytest.raises(libdiag.StateError):
        kb.close()
    s.close()
    kb.close()
    kb.close()  # twice is fine
    assert kb.closed and repr(kb) == "<KnowledgeBase closed>"
    with pytest.raises(libdiag.StateError):
        len(kb)
    with pytest.raises(libdiag.StateError):
        libdiag.Session(kb)


def test_sample_tests():
    seen = []
    with libdiag.KnowledgeBase(builtin=False) as kb:
        kb.add_file(KB_VALID / "full.yaml")
        report = kb.test(seen.append)
        assert kb.frozen
    assert isinstance(report, libdiag.KbTestReport)
    assert list(report.results) == seen and len(seen) == 3
    first = seen[0]
    assert isinstance(first, libdiag.KbTestResult)
    assert first.problem == "full-example" and first.positive
    assert first.sample.startswith("2009-01-15 06:54:30 PROPPATCH")
    assert report.failures == sum(not r.passed for r in seen)
    assert report.passed == (report.failures == 0)
    assert [r.positive for r in seen] == [True, False, False]


def test_builtin_samples_pass(kb):
    report = kb.test()
    assert report.passed and report.results


def test_exception_in_test_callback_is_reraised():
    with libdiag.KnowledgeBase() as kb:
        def boom(result):
            raise RuntimeError("stop")
        with pytest.raises(RuntimeError, match="stop"):
            kb.test(boom)
