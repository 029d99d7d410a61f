"""libdiag for Python: diagnose documented Microsoft-server problems from logs.

A ctypes binding of the libdiag C library (standard library only). It
answers the question an on-call engineer has: which known problem is this,
how sure are we, which lines prove it, and what is the fix?

::

    import libdiag

    with libdiag.KnowledgeBase() as kb, libdiag.Session(kb) as session:
        session.feed_file("ex090115.log")
        for finding in session.findings:
            print(finding.title, finding.confidence)
        print(session.to_json())

The shared library is found at the path in ``LIBDIAG_LIBRARY``, else on the
system search path, else at a path given to :func:`load_library` before
first use. Its major and minor version must be this binding's
(:data:`__version__`); importing the package raises
:class:`LibraryError` (an ``ImportError``) when the library found is
another release.

Modules: :mod:`libdiag.errors` (exceptions), :mod:`libdiag.codes` (error
codes), :mod:`libdiag.records` (typed records, formats), :mod:`libdiag.parsing`
(parsing only), :mod:`libdiag.kb` (knowledge bases), :mod:`libdiag.session`
(sessions, inputs), :mod:`libdiag.findings` (findings, evidence),
:mod:`libdiag.render` (JSON, text), :mod:`libdiag.allocator` (memory hooks),
:mod:`libdiag.features` (optional C features), :mod:`libdiag.cli` (the
``python3 -m libdiag`` command).
"""

from __future__ import annotations

import os
from typing import Tuple, Union

from . import _ffi
from ._version import VERSION as __version__
from ._version import VERSION_INFO as version_info
from .allocator import Allocator, CountingAllocator
from .codes import Code, CodeMeaning, decode, parse_code
from .errors import (CallbackError, Error, ErrorInfo, InvalidArgument, IoError, KbError,
                     LibraryError, LimitError, NotFound, OutOfMemory, StateError, Status,
                     UnsupportedInput, status_name)
from .features import FEATURES, has_feature
from .findings import CauseStatus, CauseVerdict, Evidence, Finding, Match
from .kb import Cause, KbTestReport, KbTestResult, KnowledgeBase, Problem, Product, Resolution
from .parsing import RecordStream, parse
from .records import Field, FieldType, Format, Record, RecordBuilder, RecordView, formats
from .session import (FindingEvent, Input, Limit, Session, UnparsedLine, UnparsedReason,
                      UnparsedSample, limit_name, unparsed_reason_name)

__all__ = [
    "__version__", "version_info", "library_version", "library_version_info", "library_path",
    "load_library", "live_handles",
    "Error", "ErrorInfo", "Status", "InvalidArgument", "OutOfMemory", "LimitError", "KbError",
    "UnsupportedInput", "StateError", "NotFound", "IoError", "CallbackError", "LibraryError",
    "status_name",
    "decode", "parse_code", "Code", "CodeMeaning",
    "formats", "Format", "FieldType", "Field", "Record", "RecordView", "parse", "RecordStream",
    "RecordBuilder",
    "KnowledgeBase", "Problem", "Product", "Resolution", "Cause", "KbTestResult", "KbTestReport",
    "Session", "Input", "Limit", "UnparsedReason", "UnparsedSample", "UnparsedLine",
    "limit_name", "unparsed_reason_name", "FindingEvent",
    "Finding", "Match", "Evidence", "CauseStatus", "CauseVerdict",
    "Allocator", "CountingAllocator",
    "FEATURES", "has_feature",
]


def library_version() -> str:
    """The version of the loaded C library (``diag_version``), e.g. ``"0.1.0"``."""
    return _ffi.lib().diag_version().decode()


def library_version_info() -> Tuple[int, int, int]:
    """``(major, minor, patch)`` of the loaded C library (from ``diag_version_number``)."""
    return _ffi.lib().version_info


def library_path() -> str:
    """The path or name the C library was loaded from."""
    return _ffi.lib().path


def live_handles() -> int:
    """How many knowledge bases, sessions and record builders are open: 0 once everything
    is closed."""
    return _ffi.live_handles()


def load_library(path: Union[str, "os.PathLike[str]"]) -> None:
    """Loads the C library from *path* and uses it from now on.

    Raises :class:`LibraryError` when it cannot be loaded or has a version
    this binding does not support, and :class:`StateError` while knowledge
    bases, sessions or record builders of the library loaded before are open.
    """
    if _ffi.live_handles():
        raise StateError(f"{_ffi.live_handles()} knowledge base(s), session(s) or record "
                         f"builder(s) of {_ffi.current()} are open: close them before loading "
                         f"another library")
    _ffi.load(path)


_ffi.autoload()
