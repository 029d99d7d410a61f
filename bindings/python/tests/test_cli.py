"""Round trips: the Python session's JSON and ``python3 -m libdiag`` against the C CLI."""

import io
import os
import subprocess
import sys

import pytest

import libdiag
from libdiag import cli

from conftest import ARTICLE, BINDING, E2E, REPO, W3C

LOGS = sorted(p for p in E2E.iterdir() if p.suffix in (".log", ".txt"))


def run(argv, stdin=None, cwd=REPO):
    env = dict(os.environ, LC_ALL="C", PYTHONPATH=str(BINDING))
    return subprocess.run(argv, input=stdin, capture_output=True, env=env, cwd=cwd, timeout=120)


def run_python(*args, stdin=None, cwd=REPO):
    return run([sys.executable, "-m", "libdiag", *args], stdin=stdin, cwd=cwd)


def rel(path):
    return os.path.relpath(path, REPO)


@pytest.mark.parametrize("log", LOGS, ids=lambda p: p.name)
def test_session_json_equals_the_cli(diagnose, log):
    """The library used from Python gives byte for byte the CLI's document."""
    c = run([diagnose, "--json", rel(log)])
    with libdiag.KnowledgeBase() as kb, libdiag.Session(kb) as s:
        try:
            s.feed_file(rel(log))
        except libdiag.UnsupportedInput:
            pass
        assert s.to_json().encode("utf-8") == c.stdout


CASES = [
    ["--json", "tests/fixtures/e2e/article.log"],
    ["tests/fixtures/e2e/article.log"],
    ["--json", "tests/fixtures/e2e"],
    ["tests/fixtures/e2e/"],
    ["--json", "tests/fixtures/w3c", "tests/fixtures/e2e/exchange_day.log"],
    ["--json", "--min-confidence", "0.7", "tests/fixtures/e2e/article.log"],
    ["--json", "--min-confidence", ".65", "tests/fixtures/e2e/article.log"],
    ["--json", "--format", "w3c", "tests/fixtures/e2e/not_a_log.txt"],
    ["--json", "tests/fixtures/e2e/not_a_log.txt", "/nonexistent/file.log"],
    ["--json", "--no-builtin", "--kb", "tests/fixtures/kb/valid/full.yaml",
     "tests/fixtures/e2e/exchange_day.log"],
    ["--kb", "tests/fixtures/kb/invalid/bad-values.yaml", "--json",
     "tests/fixtures/e2e/article.log"],
    ["--json", "--", "tests/fixtures/e2e/article.log"],
    ["--format", "evtx", "x"],
    ["--format", "nope", "x"],
    ["--decode", "0x80070005"],
    ["--decode", "2148074254"],
    ["--decode", "401.5"],
    ["--decode", "12345"],
    ["--decode", "zzz"],
    ["--list-formats"],
    ["--list-problems"],
    ["--list-problems", "--no-builtin", "--kb", "tests/fixtures/kb/valid/full.yaml"],
    ["--list-problems", "--kb", "/nonexistent.yaml"],
    ["--check-kb", "tests/fixtures/kb/valid/full.yaml"],
    ["--check-kb", "tests/fixtures/kb/valid/bom-crlf.yaml"],
    ["--check-kb", "tests/fixtures/kb/invalid/misspelt-field.yaml"],
    ["--check-kb", "/nonexistent.yaml"],
    ["--help"],
    [],
    ["--bogus"],
    ["--decode"],
    ["--min-confidence", "1.5", "x"],
    ["--decode", "1", "--check-kb", "x"],
]


def normalise_stderr(text):
    return text.replace(b"diagnose: ", b"libdiag: ").replace(
        b"Try 'diagnose --help'", b"Try 'python3 -m libdiag --help'")


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a) or "(none)")
def test_cli_mirrors_diagnose(diagnose, args):
    c = run([diagnose, *args])
    p = run_python(*args)
    assert p.returncode == c.returncode
    if args == ["--help"]:
        assert p.stdout.decode().replace("python3 -m libdiag", "diagnose") == c.stdout.decode()
    else:
        assert p.stdout == c.stdout
    assert p.stderr == normalise_stderr(c.stderr)


def test_standard_input(diagnose):
    data = ARTICLE.read_bytes()
    c = run([diagnose, "--json", "-"], stdin=data)
    p = run_python("--json", "-", stdin=data)
    assert (p.returncode, p.stdout) == (c.returncode, c.stdout) and c.returncode == 1


def test_every_fixture_at_once(diagnose):
    args = ["--json", "--min-confidence", "0.6", rel(E2E), rel(W3C), rel(ARTICLE)]
    c = run([diagnose, *args])
    p = run_python(*args)
    assert (p.returncode, p.stdout) == (c.returncode, c.stdout)


def test_version():
    p = run_python("--version")
    assert p.returncode == 0
    assert p.stdout.decode() == (f"python3 -m libdiag (libdiag {libdiag.library_version()}, "
                                 f"Python binding {libdiag.__version__})\n")


def test_main_in_process():
    out, err = io.BytesIO(), io.StringIO()
    assert cli.main(["--json", str(ARTICLE)], stdout=out, stderr=err) == cli.EXIT_FOUND
    assert b'"duet-rh-401-5-temp-acl"' in out.getvalue() and err.getvalue() == ""
    out, err = io.BytesIO(), io.StringIO()
    assert cli.main(["--nope"], stdout=out, stderr=err) == cli.EXIT_TROUBLE
    assert err.getvalue().startswith('libdiag: unknown option "--nope"')


def test_parse_args():
    o = cli.parse_args(["--json", "--kb", "a.yaml", "--kb", "b.yaml", "-", "--format", "w3c",
                        "--min-confidence", "0.25", "--", "--json"])
    assert (o.action, o.json, o.kb_files, o.inputs, o.format, o.min_confidence) == (
        "diagnose", True, ["a.yaml", "b.yaml"], ["-", "--json"], "w3c", 0.25)
    assert cli.parse_args(["--decode", "5"]).argument == "5"
    for bad in (["--min-confidence", "1.01", "x"], ["--min-confidence", "", "x"],
                ["--min-confidence", "0.5.1", "x"], ["--version", "--help"], ["-x"]):
        with pytest.raises(cli.UsageError):
            cli.parse_args(bad)
