"""``python3 -m libdiag``: the ``diagnose`` command, written with the Python binding.

It takes the same options as ``diagnose`` and exits with the same statuses
(2 for a usage error, a KB error, an unreadable file or an unsupported
input; else 1 when a finding reaches the minimum confidence; else 0). For
the same file arguments its ``--json`` output is byte for byte the C
command's, and so is its text report. Messages on standard error start with
``libdiag:`` instead of ``diagnose:``.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from typing import IO, Iterable, List, Optional, Sequence

from . import _ffi
from .codes import decode
from .errors import Error, KbError, LibraryError, NotFound, Status
from .kb import KbTestResult, KnowledgeBase
from .records import formats
from .session import CHUNK_SIZE, Session

__all__ = ["main", "Options", "parse_args", "UsageError", "EXIT_CLEAN", "EXIT_FOUND",
           "EXIT_TROUBLE"]

EXIT_CLEAN = 0
"""Nothing found, nothing wrong."""
EXIT_FOUND = 1
"""At least one finding reached the minimum confidence."""
EXIT_TROUBLE = 2
"""A usage error, a KB error, an unreadable file or an unsupported input."""

PROG = "libdiag"
"""The name messages on standard error start with."""

USAGE = """\
Usage: python3 -m libdiag [options] FILE...
Diagnoses documented problems from Microsoft server logs.
FILE may be a log file, a folder (its files are read) or - for standard input.

Options:
  --json                 print one JSON document instead of the text report
  --format NAME          read every FILE as format NAME (see --list-formats)
  --kb FILE              add the problems in a knowledge-base file (repeatable)
  --no-builtin           leave the built-in problems out
  --min-confidence X     confidence a finding needs (0..1, default 0.5)
  --list-problems        list the problems of the knowledge base
  --list-formats         list the input formats
  --check-kb FILE        validate a knowledge-base file and run its tests
  --decode CODE          explain an error code (2148074254, 0x800710DD, 401.5, ...)
  --version              print the version
  -h, --help             print this help

Exit status: 2 for a usage error, a KB error, an unreadable file or an
unsupported input; else 1 when a finding reaches the minimum confidence;
else 0.
"""


class UsageError(Exception):
    """A command-line mistake; its message is printed before the ``--help`` hint."""


@dataclass
class Options:
    """The parsed command line (the fields of ``diagnose``'s ``options`` struct)."""

    action: str = "diagnose"
    """One of diagnose, help, version, list-problems, list-formats, check-kb, decode."""
    json: bool = False
    """``--json``."""
    no_builtin: bool = False
    """``--no-builtin``."""
    min_confidence: float = 0.5
    """``--min-confidence``."""
    format: Optional[str] = None
    """``--format``, or None to detect."""
    kb_files: List[str] = field(default_factory=list)
    """``--kb`` files, in order."""
    argument: Optional[str] = None
    """The value of ``--check-kb`` or ``--decode``."""
    inputs: List[str] = field(default_factory=list)
    """The FILE arguments (``-`` is standard input)."""


def _confidence(text: str) -> float:
    """A number in [0, 1] written with digits and at most one '.', as diagnose accepts it."""
    value, scale, digits, dot = 0.0, 1.0, 0, False
    for c in text:
        if c == "." and not dot:
            dot = True
        elif "0" <= c <= "9":
            if dot:
                scale /= 10
                value += (ord(c) - 48) * scale
            else:
                value = value * 10 + (ord(c) - 48)
            digits += 1
        else:
            raise UsageError(f'--min-confidence needs a number from 0 to 1, not "{text}"')
    if not digits or value > 1.0:
        raise UsageError(f'--min-confidence needs a number from 0 to 1, not "{text}"')
    return value


def parse_args(argv: Sequence[str]) -> Options:
    """Parses the arguments after the program name exactly as ``diagnose`` does.

    Raises :class:`UsageError` for a mistake.
    """
    opts = Options()

    def set_action(action: str, name: str) -> None:
        if opts.action not in ("diagnose", action):
            raise UsageError(f"{name} cannot be combined with another action option")
        opts.action = action

    only_files = False
    i = 0
    while i < len(argv):
        a = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        i += 1
        if only_files or not a.startswith("-") or a == "-":
            opts.inputs.append(a)
        elif a == "--":
            only_files = True
        elif a == "--json":
            opts.json = True
        elif a == "--no-builtin":
            opts.no_builtin = True
        elif a in ("-h", "--help"):
            set_action("help", a)
        elif a == "--version":
            set_action("version", a)
        elif a == "--list-problems":
            set_action("list-problems", a)
        elif a == "--list-formats":
            set_action("list-formats", a)
        elif a in ("--format", "--kb", "--min-confidence", "--check-kb", "--decode"):
            if nxt is None:
                raise UsageError(f"{a} needs a value")
            i += 1
            if a == "--format":
                opts.format = nxt
            elif a == "--kb":
                opts.kb_files.append(nxt)
            elif a == "--min-confidence":
                opts.min_confidence = _confidence(nxt)
            else:
                set_action(a[2:], a)
                opts.argument = nxt
        else:
            raise UsageError(f'unknown option "{a}"')
    if opts.action == "diagnose" and not opts.inputs:
        raise UsageError("no FILE given (use - for standard input)")
    return opts


class _Cli:
    """One run of the command: its output streams and the helpers main.c has."""

    def __init__(self, out: IO[bytes], err: IO[str]) -> None:
        self.out = out
        self.err = err

    def say(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))

    def warn(self, text: str) -> None:
        self.err.write(text + "\n")

    # --kb files and the built-in problems -------------------------------

    def load_kb(self, opts: Options) -> tuple:
        """(knowledge base or None, ok) with every error printed, as load_kb() does."""
        try:
            kb = KnowledgeBase(builtin=not opts.no_builtin)
        except Error as e:
            self.print_errors(e)
            return None, False
        ok = True
        for path in opts.kb_files:
            try:
                kb.add_file(path)
            except Error as e:
                self.print_errors(e)
                ok = False
        return kb, ok

    def print_errors(self, e: Error) -> None:
        for info in (e.errors if isinstance(e, KbError) else [e.info]):
            self.warn(str(info))

    # actions --------------------------------------------------------------

    def list_formats(self) -> int:
        table = formats()
        for f in table:
            if f.supported:
                self.say(f"{f.name:<12} {f.description}\n")
        self.say("\nRecognised and explained, but not parsed:\n")
        for f in table:
            if not f.supported:
                self.say(f"{f.name:<12} {f.description}\n")
        return EXIT_CLEAN

    def list_problems(self, opts: Options) -> int:
        kb, ok = self.load_kb(opts)
        if kb is None:
            return EXIT_TROUBLE
        with kb:
            for p in kb:
                self.say(f"{p.id:<36} {p.title}\n")
        return EXIT_CLEAN if ok else EXIT_TROUBLE

    def check_kb(self, path: str) -> int:
        try:
            kb = KnowledgeBase(builtin=False)
        except Error as e:
            self.print_errors(e)
            return EXIT_TROUBLE
        with kb:
            try:
                kb.add_file(path)
            except Error as e:
                self.print_errors(e)
                self.warn(f"{path}: invalid knowledge base")
                return EXIT_TROUBLE
            def show(r: KbTestResult) -> None:
                self.say(f"{'ok  ' if r.passed else 'FAIL'} {r.problem} "
                         f"{'positive' if r.positive else 'negative'} sample: {r.detail}\n"
                         f"    {r.sample}\n")

            try:
                failed = not kb.test(show).passed
            except Error as e:
                self.warn(f"{path}: cannot run the tests: {e.message}")
                failed = True
            self.say(f"{path}: {len(kb)} problem(s), "
                     f"{'tests FAILED' if failed else 'valid, all tests pass'}\n")
        return EXIT_TROUBLE if failed else EXIT_CLEAN

    def decode(self, code: str) -> int:
        try:
            meanings = decode(code)
        except NotFound:
            self.warn(f"{PROG}: {code}: no table knows this code")
            return EXIT_TROUBLE
        except Error as e:
            self.warn(f"{PROG}: {code}: {e.message}")
            return EXIT_TROUBLE
        for m in meanings:
            self.say(f"{m.table:<16} {m.symbol or '-':<40} {m.message}\n")
            if m.is_hresult:
                self.say(f"{'':<16} severity {m.severity}, facility {m.facility} "
                         f"({m.facility_name or 'unknown'}), code {m.code} (0x{m.code:X}); "
                         f"read as {m.spelling} 0x{m.value:08X}\n")
        return EXIT_CLEAN

    # diagnosing -----------------------------------------------------------

    def feed_stream(self, session: Session, stream: IO[bytes], name: str,
                    fmt: Optional[str]) -> int:
        """1 when read and supported, 0 when not, -1 on a fatal error (as files.c)."""
        try:
            inp = session.open_input(name, fmt)
        except Error as e:
            self.warn(f"{PROG}: {name}: {e.message}")
            return -1 if e.status == Status.ENOMEM else 0
        try:
            while True:
                try:
                    chunk = stream.read(CHUNK_SIZE)
                except OSError as e:
                    self.warn(f"{PROG}: {name}: read error: {e.strerror or e}")
                    try:
                        inp.end()
                    except Error:
                        pass
                    return 0
                if not chunk:
                    break
                inp.feed(chunk)
            inp.end()
        except Error as e:
            self.warn(f"{PROG}: {name}: {e.message}")
            return -1 if e.status in (Status.ENOMEM, Status.ELIMIT) else 0
        return 1

    def feed_file(self, session: Session, path: str, fmt: Optional[str]) -> int:
        try:
            stream = open(path, "rb")
        except OSError as e:
            self.warn(f"{PROG}: {path}: cannot open: {e.strerror}")
            return 0
        with stream:
            return self.feed_stream(session, stream, path, fmt)

    def feed_folder(self, session: Session, path: str, fmt: Optional[str]) -> int:
        try:
            names = os.listdir(path)
        except OSError as e:
            self.warn(f"{PROG}: {path}: cannot open folder: {e.strerror}")
            return 0
        full = sorted((f"{path}/{n}" for n in names if not n.startswith(".")), key=os.fsencode)
        ok = 1
        for name in full:
            try:
                regular = stat.S_ISREG(os.stat(name).st_mode)
            except OSError:
                regular = False
            if ok >= 0 and regular:
                ok = min(ok, self.feed_file(session, name, fmt))
        return ok

    def feed_path(self, session: Session, path: str, fmt: Optional[str]) -> int:
        if path == "-":
            return self.feed_stream(session, sys.stdin.buffer, "-", fmt)
        try:
            mode = os.stat(path).st_mode
        except OSError as e:
            self.warn(f"{PROG}: {path}: cannot open: {e.strerror}")
            return 0
        if stat.S_ISDIR(mode):
            return self.feed_folder(session, path, fmt)
        return self.feed_file(session, path, fmt)

    def diagnose(self, opts: Options) -> int:
        kb, ok = self.load_kb(opts)
        if kb is None:
            return EXIT_TROUBLE
        with kb:
            try:
                session = Session(kb)
            except Error as e:
                self.warn(f"{PROG}: {e.message}")
                return EXIT_TROUBLE
            with session:
                session.min_confidence = opts.min_confidence
                for path in opts.inputs:
                    r = self.feed_path(session, path, opts.format)
                    if r <= 0:
                        ok = False
                    if r < 0:
                        break
                try:
                    if opts.json:
                        session.render_json(self.out.write)
                    else:
                        session.render_text(self.out.write)
                except (Error, OSError) as e:
                    self.warn(f"{PROG}: {e.message if isinstance(e, Error) else e}")
                    ok = False
                found = session.found
        try:
            self.out.flush()
        except OSError:
            ok = False
        return EXIT_TROUBLE if not ok else EXIT_FOUND if found else EXIT_CLEAN


def main(argv: Optional[Iterable[str]] = None, *, stdout: Optional[IO[bytes]] = None,
         stderr: Optional[IO[str]] = None) -> int:
    """Runs the command with *argv* (default ``sys.argv[1:]``) and returns its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    out = stdout if stdout is not None else sys.stdout.buffer
    err = stderr if stderr is not None else sys.stderr
    cli = _Cli(out, err)
    try:
        opts = parse_args(args)
    except UsageError as e:
        err.write(f"{PROG}: {e}\nTry 'python3 -m libdiag --help'.\n")
        return EXIT_TROUBLE
    try:
        _ffi.lib()
        if opts.format is not None and not any(
                f.name == opts.format and f.supported for f in formats()):
            cli.warn(f'{PROG}: unknown or unsupported format "{opts.format}" '
                     f"(see --list-formats)")
            return EXIT_TROUBLE
        if opts.action == "help":
            cli.say(USAGE)
            status = EXIT_CLEAN
        elif opts.action == "version":
            cli.say(f"python3 -m libdiag (libdiag {_ffi.lib().version}, Python binding "
                    f"{_version()})\n")
            status = EXIT_CLEAN
        elif opts.action == "list-formats":
            status = cli.list_formats()
        elif opts.action == "list-problems":
            status = cli.list_problems(opts)
        elif opts.action == "check-kb":
            status = cli.check_kb(opts.argument or "")
        elif opts.action == "decode":
            status = cli.decode(opts.argument or "")
        else:
            status = cli.diagnose(opts)
        out.flush()
        return status
    except LibraryError as e:
        err.write(f"{PROG}: {e}\n")
        return EXIT_TROUBLE
    except BrokenPipeError:
        return EXIT_TROUBLE


def _version() -> str:
    from ._version import VERSION
    return VERSION
