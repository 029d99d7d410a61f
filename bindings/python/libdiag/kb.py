"""Knowledge bases: loading, validating and reading documented problems.

A :class:`KnowledgeBase` starts with the problems built into libdiag
(unless ``builtin=False``) and takes more from YAML files or strings
(``schema: libdiag/kb/1``, see ``docs/kb-schema.md``). A file is checked as a
whole: every error is collected into :attr:`~libdiag.KbError.errors`, with
file, line, column, key path and suggestion, and either every problem of
the file is added or none is.

Once a session uses it (or :meth:`KnowledgeBase.test` runs), a knowledge
base is frozen: it can be shared by any number of sessions, on any threads,
and adding to it raises :class:`~libdiag.StateError`. Close it after its
last session; closing it earlier raises :class:`~libdiag.StateError`.
"""

from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

from . import _ffi
from ._handle import Owned
from ._trap import Trap
from .allocator import Allocator
from .errors import ErrorInfo, KbError, StateError, check, from_info

__all__ = ["KnowledgeBase", "Problem", "Product", "Resolution", "Cause", "KbTestResult",
           "KbTestReport", "causes_supported"]

PathArg = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Resolution:
    """One way to fix a problem (``diag_resolution``)."""

    id: str
    """Its id within the problem."""
    title: str
    """What it does, in one line."""
    steps: Tuple[str, ...]
    """The steps, in order."""
    commands: Tuple[str, ...]
    """Exact commands or values to use."""
    warning: Optional[str]
    """The warning the source gives for it, or None."""

    @classmethod
    def from_c(cls, r: int) -> "Resolution":
        """Copies a ``diag_resolution *``."""
        lib = _ffi.lib()
        return cls(
            id=_ffi.text(lib.diag_resolution_id(r)) or "",
            title=_ffi.text(lib.diag_resolution_title(r)) or "",
            steps=tuple(_ffi.text(lib.diag_resolution_step_at(r, i)) or ""
                        for i in range(lib.diag_resolution_step_count(r))),
            commands=tuple(_ffi.text(lib.diag_resolution_command_at(r, i)) or ""
                           for i in range(lib.diag_resolution_command_count(r))),
            warning=_ffi.text(lib.diag_resolution_warning(r)))


@dataclass(frozen=True)
class Product:
    """A product a problem affects, with the versions it names."""

    name: str
    """The product, e.g. ``"Exchange Server"``."""
    versions: Optional[str]
    """The versions as the KB lists them, comma-separated (``"5.0, 6.0"``), or None."""

    @property
    def version_list(self) -> List[str]:
        """:attr:`versions` split into a list (empty when none are named)."""
        return [v.strip() for v in self.versions.split(",")] if self.versions else []


@dataclass(frozen=True)
class Cause:
    """One branch of a problem's cause, for a differential diagnosis (``diag_cause``)."""

    id: str
    """Its id within the problem."""
    title: str
    """What it is, in the article's terms."""
    indicated_by: Tuple[str, ...]
    """Ids of the symptoms that point to it."""
    ruled_out_by: Tuple[str, ...]
    """Ids of the symptoms that rule it out."""
    resolutions: Tuple[str, ...]
    """Ids of the problem's resolutions that address it."""

    @classmethod
    def from_c(cls, c: int, p: int) -> "Cause":
        """Copies a ``diag_cause *`` of the ``diag_problem *`` *p*."""
        lib = _ffi.lib()

        def ids(count: str, at: str) -> Tuple[str, ...]:
            get = getattr(lib, at)
            return tuple(_ffi.text(get(c, p, i)) or ""
                         for i in range(getattr(lib, count)(c)))

        return cls(id=_ffi.text(lib.diag_cause_id(c)) or "",
                   title=_ffi.text(lib.diag_cause_title(c)) or "",
                   indicated_by=ids("diag_cause_indicated_by_count", "diag_cause_indicated_by_at"),
                   ruled_out_by=ids("diag_cause_ruled_out_by_count", "diag_cause_ruled_out_by_at"),
                   resolutions=ids("diag_cause_resolution_count", "diag_cause_resolution_at"))


def causes_supported() -> bool:
    """Whether the loaded library has the differential-diagnosis functions (``diag_cause_*``)."""
    return hasattr(_ffi.lib(), "diag_problem_cause_count")


@dataclass(frozen=True)
class Problem:
    """A documented problem of a knowledge base (``diag_problem``), copied."""

    id: str
    """Stable id, e.g. ``"duet-rh-401-5-temp-acl"``."""
    title: str
    """One-line title."""
    summary: str
    """One-paragraph summary."""
    cause: str
    """The cause, in the source article's terms."""
    origin: str
    """The file or string name it was loaded from."""
    references: Tuple[str, ...]
    """Articles and KB numbers."""
    products: Tuple[Product, ...]
    """Affected products."""
    resolutions: Tuple[Resolution, ...]
    """Ways to fix it, in the order to try them."""
    causes: Tuple[Cause, ...] = ()
    """The branches of its cause a differential diagnosis tells apart (empty when the
    cause is undivided, or the library predates causes)."""

    def resolution(self, id: str) -> Resolution:
        """The resolution with this id (e.g. one a :class:`Cause` names); KeyError if none."""
        for r in self.resolutions:
            if r.id == id:
                return r
        raise KeyError(id)

    @classmethod
    def from_c(cls, p: int) -> "Problem":
        """Copies a ``diag_problem *``."""
        lib = _ffi.lib()
        products = []
        for i in range(lib.diag_problem_product_count(p)):
            versions = ctypes.c_char_p()
            name = lib.diag_problem_product_at(p, i, ctypes.byref(versions))
            products.append(Product(_ffi.text(name) or "", _ffi.text(versions.value) or None))
        return cls(
            id=_ffi.text(lib.diag_problem_id(p)) or "",
            title=_ffi.text(lib.diag_problem_title(p)) or "",
            summary=_ffi.text(lib.diag_problem_summary(p)) or "",
            cause=_ffi.text(lib.diag_problem_cause(p)) or "",
            origin=_ffi.text(lib.diag_problem_origin(p)) or "",
            references=tuple(_ffi.text(lib.diag_problem_reference_at(p, i)) or ""
                             for i in range(lib.diag_problem_reference_count(p))),
            products=tuple(products),
            resolutions=tuple(Resolution.from_c(lib.diag_problem_resolution_at(p, i))
                              for i in range(lib.diag_problem_resolution_count(p))),
            causes=tuple(Cause.from_c(lib.diag_problem_cause_at(p, i), p)
                         for i in range(lib.diag_problem_cause_count(p)))
            if causes_supported() else ())

    def __repr__(self) -> str:
        """``Problem('id', 'title')``."""
        return f"Problem({self.id!r}, {self.title!r})"


@dataclass(frozen=True)
class KbTestResult:
    """The outcome of one ``tests:`` sample of a problem."""

    problem: str
    """The id of the problem the sample belongs to."""
    positive: bool
    """True for a sample that must match, False for one that must not."""
    sample: str
    """The sample line."""
    passed: bool
    """Whether it behaved as declared."""
    detail: str
    """Why it failed, or what it matched."""


@dataclass(frozen=True)
class KbTestReport:
    """Everything :meth:`KnowledgeBase.test` found."""

    results: Tuple[KbTestResult, ...]
    """Every sample's outcome, problem by problem, positive samples first."""
    failures: int
    """How many samples did not behave as declared."""

    @property
    def passed(self) -> bool:
        """True when every sample behaved as declared."""
        return self.failures == 0


class KnowledgeBase:
    """A set of documented problems (``diag_kb``); a context manager that closes it.

    ``KnowledgeBase()`` has the built-in problems; ``builtin=False`` starts
    empty. *allocator* routes every allocation of the knowledge base through
    an :class:`~libdiag.Allocator`. The knowledge base is a read-only sequence
    of :class:`Problem` (indexable by position or by id).
    """

    def __init__(self, *, builtin: bool = True, allocator: Optional[Allocator] = None) -> None:
        """Creates the knowledge base (``diag_kb_new``)."""
        lib = _ffi.lib()
        out = ctypes.c_void_p()
        err = _ffi.new_error()
        flags = 0 if builtin else _ffi.DIAG_KB_NO_BUILTIN
        status = lib.diag_kb_new(ctypes.byref(out), flags,
                                 allocator.as_parameter() if allocator else None, ctypes.byref(err))
        check(status, err, "creating a knowledge base")
        self._lib = lib
        self._handle = Owned(self, out.value, lib.diag_kb_free, keepalive=(allocator,))
        self._allocator = allocator
        self._sessions = 0
        self._sessions_lock = threading.Lock()
        self._frozen = False
        self._problems: Dict[int, Problem] = {}
        self._causes: Dict[int, Cause] = {}

    # -- lifetime ----------------------------------------------------------

    def _p(self) -> int:
        ptr = self._handle.ptr
        if ptr is None:
            raise StateError("the knowledge base is closed")
        return ptr

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has freed the knowledge base."""
        return self._handle.ptr is None

    @property
    def frozen(self) -> bool:
        """Whether a session or a test has used it, so nothing more can be added."""
        return self._frozen

    def close(self) -> None:
        """Frees the knowledge base (``diag_kb_free``); closing twice does nothing.

        Raises :class:`~libdiag.StateError` while a session created on it is open.
        """
        if self._sessions:
            raise StateError(f"the knowledge base is in use by {self._sessions} open session(s): "
                             f"close them first")
        self._handle.close()

    def __enter__(self) -> "KnowledgeBase":
        """Returns the knowledge base itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Closes the knowledge base."""
        self.close()

    def _session_opened(self) -> None:
        with self._sessions_lock:
            self._sessions += 1
            self._frozen = True

    def _session_closed(self) -> None:
        with self._sessions_lock:
            self._sessions -= 1

    # -- adding ------------------------------------------------------------

    def _load(self, call: str, *args: object) -> None:
        found: List[ErrorInfo] = []
        trap = Trap()

        def on_error(e: "ctypes._Pointer[_ffi.DiagError]", _payload: Optional[int]) -> None:
            found.append(ErrorInfo.from_c(e.contents))

        fn = _ffi.KB_ERROR_FN(trap.wrap(on_error))
        err = _ffi.new_error()
        status = getattr(self._lib, call)(self._p(), *args, fn, None, ctypes.byref(err))
        trap.reraise()
        if status < 0 and err.status == KbError.status_code:
            raise from_info(ErrorInfo.from_c(err), found)
        check(status, err, "loading a knowledge base")

    def add_file(self, path: PathArg) -> None:
        """Adds the problems of the YAML file at *path* (``diag_kb_add_file``).

        Raises :class:`~libdiag.KbError` (with every error in ``.errors``) when
        the file is invalid, :class:`~libdiag.IoError` when it cannot be read,
        :class:`~libdiag.StateError` when the knowledge base is frozen.
        """
        self._load("diag_kb_add_file", os.fsencode(path))

    def add_string(self, yaml: Union[str, bytes], name: Optional[str] = None) -> None:
        """Adds the problems of YAML text (``diag_kb_add_string``).

        *name* is what errors and :attr:`Problem.origin` call the text. Raises
        as :meth:`add_file` does, without :class:`~libdiag.IoError`.
        """
        data = yaml.encode("utf-8") if isinstance(yaml, str) else bytes(yaml)
        self._load("diag_kb_add_string", None if name is None else name.encode("utf-8"), data,
                   len(data))

    # -- testing -----------------------------------------------------------

    def test(self, on_result: Optional[Callable[[KbTestResult], Any]] = None) -> KbTestReport:
        """Runs the ``tests:`` samples of every problem (``diag_kb_test``); freezes the KB.

        *on_result*, when given, receives each :class:`KbTestResult` as soon as
        its sample has run (an exception it raises stops nothing in C, but is
        re-raised once the tests return).
        """
        lib = self._lib
        results: List[KbTestResult] = []
        trap = Trap()

        def on_test(problem: int, positive: int, sample: bytes, passed: int, detail: bytes,
                    _payload: Optional[int]) -> None:
            result = KbTestResult(
                problem=_ffi.text(lib.diag_problem_id(problem)) or "", positive=bool(positive),
                sample=_ffi.text(sample) or "", passed=bool(passed), detail=_ffi.text(detail) or "")
            results.append(result)
            if on_result is not None:
                on_result(result)

        fn = _ffi.KB_TEST_FN(trap.wrap(on_test))
        failures = ctypes.c_size_t()
        err = _ffi.new_error()
        self._frozen = True
        status = lib.diag_kb_test(self._p(), fn, None, ctypes.byref(failures), ctypes.byref(err))
        trap.reraise()
        check(status, err, "testing the knowledge base")
        return KbTestReport(tuple(results), int(failures.value))

    # -- reading -----------------------------------------------------------

    def problem(self, ptr: int) -> Problem:
        """The :class:`Problem` copy of a ``diag_problem *`` of this knowledge base (cached)."""
        problem = self._problems.get(ptr)
        if problem is None:
            problem = self._problems[ptr] = Problem.from_c(ptr)
            for i, cause in enumerate(problem.causes):
                self._causes[self._lib.diag_problem_cause_at(ptr, i)] = cause
        return problem

    def cause(self, problem_ptr: int, ptr: int) -> Cause:
        """The :class:`Cause` copy of a ``diag_cause *`` of the ``diag_problem *`` *problem_ptr*."""
        self.problem(problem_ptr)
        return self._causes[ptr]

    def find(self, id: str) -> Optional[Problem]:
        """The problem with this id (``diag_kb_problem_find``), or None."""
        ptr = self._lib.diag_kb_problem_find(self._p(), id.encode("utf-8"))
        return self.problem(ptr) if ptr else None

    @property
    def problems(self) -> List[Problem]:
        """Every problem, in load order (built-in first)."""
        return list(self)

    def __len__(self) -> int:
        """Number of problems (``diag_kb_problem_count``)."""
        return int(self._lib.diag_kb_problem_count(self._p()))

    def __getitem__(self, key: Union[int, str]) -> Problem:
        """Problem by position (``diag_kb_problem_at``) or by id; IndexError or KeyError if none."""
        if isinstance(key, str):
            found = self.find(key)
            if found is None:
                raise KeyError(key)
            return found
        n = len(self)
        index = key + n if key < 0 else key
        ptr = self._lib.diag_kb_problem_at(self._p(), index) if 0 <= index < n else None
        if not ptr:
            raise IndexError(f"problem index {key} out of range")
        return self.problem(ptr)

    def __iter__(self) -> Iterator[Problem]:
        """The problems, in load order."""
        for i in range(len(self)):
            yield self[i]

    def __contains__(self, id: object) -> bool:
        """Whether a problem has this id."""
        return isinstance(id, str) and self.find(id) is not None

    def __repr__(self) -> str:
        """``<KnowledgeBase problems=5 frozen>``."""
        if self.closed:
            return "<KnowledgeBase closed>"
        return f"<KnowledgeBase problems={len(self)}{' frozen' if self._frozen else ''}>"
