"""ctypes declarations of the libdiag C API, and loading of the shared library.

This module mirrors ``include/libdiag/*.h``: the structs, the callback types
and the prototype of every exported function. Nothing else in the package
declares C types. The library is found, in this order, at an explicit path
given to :func:`load`, at the path in the ``LIBDIAG_LIBRARY`` environment
variable, or on the system search path (by its SONAME, then by
``ctypes.util.find_library("diag")``). Whichever is used, its version must
have the binding's major and minor version.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_int, c_int64,
                    c_size_t, c_uint, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p)
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from ._version import VERSION, VERSION_INFO

__all__ = [
    "LibraryError", "Library", "load", "lib", "current", "autoload", "live_handles",
    "handle_opened", "handle_closed", "has_symbol",
]

# --- common.h ---------------------------------------------------------------

DIAG_ERROR_MESSAGE_SIZE = 256
DIAG_ERROR_INPUT_SIZE = 256
DIAG_ERROR_KEY_PATH_SIZE = 128
DIAG_ERROR_SUGGESTION_SIZE = 128


class DiagError(Structure):
    """``diag_error``; create it with :func:`new_error` so ``size`` is set."""

    _fields_ = [
        ("size", c_size_t),
        ("status", c_int),
        ("message", c_char * DIAG_ERROR_MESSAGE_SIZE),
        ("input", c_char * DIAG_ERROR_INPUT_SIZE),
        ("line", c_uint64),
        ("column", c_uint64),
        ("offset", c_uint64),
        ("key_path", c_char * DIAG_ERROR_KEY_PATH_SIZE),
        ("suggestion", c_char * DIAG_ERROR_SUGGESTION_SIZE),
    ]


def new_error() -> DiagError:
    """A ``diag_error`` initialised as ``DIAG_ERROR_INIT`` does."""
    return DiagError(size=ctypes.sizeof(DiagError))


ALLOCATE_FN = CFUNCTYPE(c_void_p, c_size_t, c_void_p)
REALLOCATE_FN = CFUNCTYPE(c_void_p, c_void_p, c_size_t, c_void_p)
DEALLOCATE_FN = CFUNCTYPE(None, c_void_p, c_void_p)


class DiagAllocator(Structure):
    """``diag_allocator``."""

    _fields_ = [
        ("allocate", ALLOCATE_FN),
        ("reallocate", REALLOCATE_FN),
        ("deallocate", DEALLOCATE_FN),
        ("user_data", c_void_p),
    ]


DiagAllocatorPointer = POINTER(DiagAllocator)
"""``const diag_allocator *``."""


# --- codes.h ----------------------------------------------------------------


class DiagCodeMatch(Structure):
    """``diag_code_match``."""

    _fields_ = [
        ("table", c_char_p),
        ("symbol", c_char_p),
        ("message", c_char_p),
        ("value", c_uint32),
        ("spelling", c_char_p),
        ("is_hresult", c_int),
        ("severity", c_uint),
        ("facility", c_uint),
        ("facility_name", c_char_p),
        ("code", c_uint),
    ]


CODE_FN = CFUNCTYPE(c_int, POINTER(DiagCodeMatch), c_void_p)

# --- record.h ---------------------------------------------------------------

DIAG_TIME_HAS_DATE = 0x1
DIAG_TIME_HAS_TIME = 0x2
DIAG_TIME_HAS_ZONE = 0x4


class DiagTime(Structure):
    """``diag_time``."""

    _fields_ = [
        ("seconds", c_int64),
        ("nanoseconds", c_uint32),
        ("flags", c_uint16),
        ("precision", c_uint16),
    ]


class DiagAddress(Structure):
    """``diag_address``."""

    _fields_ = [("family", c_uint8), ("bytes", c_uint8 * 16)]


# --- kb.h -------------------------------------------------------------------

DIAG_KB_NO_BUILTIN = 0x1
KB_ERROR_FN = CFUNCTYPE(None, POINTER(DiagError), c_void_p)
KB_TEST_FN = CFUNCTYPE(None, c_void_p, c_int, c_char_p, c_int, c_char_p, c_void_p)

# --- session.h --------------------------------------------------------------

RECORD_FN = CFUNCTYPE(c_int, c_void_p, c_void_p)
UNPARSED_FN = CFUNCTYPE(c_int, c_void_p, c_uint64, c_uint64, c_int, POINTER(c_char), c_size_t,
                        c_void_p)

# --- finding.h --------------------------------------------------------------

DIAG_FINDING_NEW = 0
DIAG_FINDING_UPDATE = 1
FINDING_FN = CFUNCTYPE(None, c_void_p, c_int, c_void_p)

# --- render.h ---------------------------------------------------------------

DIAG_RENDER_COMPACT = 0x1
WRITE_FN = CFUNCTYPE(c_int, POINTER(c_char), c_size_t, c_void_p)

# --- prototypes -------------------------------------------------------------

_P = c_void_p  # every opaque handle
_STATUS = c_int
_ERR = POINTER(DiagError)
_CHARS = POINTER(c_char)  # text that is not NUL-terminated or may hold NUL bytes

PROTOTYPES: Dict[str, Tuple[Any, Sequence[Any]]] = {
    # common.h
    "diag_status_name": (c_char_p, [c_int]),
    "diag_error_init": (None, [_ERR]),
    # version.h
    "diag_version": (c_char_p, []),
    "diag_version_number": (c_uint, []),
    # codes.h
    "diag_code_lookup": (_STATUS, [c_char_p, c_size_t, CODE_FN, c_void_p, _ERR]),
    "diag_code_parse": (_STATUS, [c_char_p, c_size_t, POINTER(c_uint32)]),
    # record.h
    "diag_record_format": (c_char_p, [_P]),
    "diag_record_input": (c_char_p, [_P]),
    "diag_record_line": (c_uint64, [_P]),
    "diag_record_end_line": (c_uint64, [_P]),
    "diag_record_offset": (c_uint64, [_P]),
    "diag_record_text": (_CHARS, [_P, POINTER(c_size_t)]),
    "diag_record_time": (_STATUS, [_P, POINTER(DiagTime)]),
    "diag_record_field_count": (c_size_t, [_P]),
    "diag_record_field_name": (c_char_p, [_P, c_size_t]),
    "diag_record_field_find": (_STATUS, [_P, c_char_p, POINTER(c_size_t)]),
    "diag_record_field_type": (c_int, [_P, c_size_t]),
    "diag_record_field_text": (_CHARS, [_P, c_size_t, POINTER(c_size_t)]),
    "diag_record_field_int": (_STATUS, [_P, c_size_t, POINTER(c_int64)]),
    "diag_record_field_duration": (_STATUS, [_P, c_size_t, POINTER(c_int64)]),
    "diag_record_field_address": (_STATUS, [_P, c_size_t, POINTER(DiagAddress)]),
    "diag_record_field_time": (_STATUS, [_P, c_size_t, POINTER(DiagTime)]),
    "diag_format_count": (c_size_t, []),
    "diag_format_name": (c_char_p, [c_size_t]),
    "diag_format_description": (c_char_p, [c_size_t]),
    "diag_format_is_supported": (c_int, [c_size_t]),
    "diag_record_builder_new": (_STATUS, [POINTER(c_void_p), c_char_p, POINTER(DiagAllocator),
                                          _ERR]),
    "diag_record_builder_free": (None, [_P]),
    "diag_record_builder_clear": (None, [_P]),
    "diag_record_builder_set": (_STATUS, [_P, c_char_p, c_char_p, c_size_t, _ERR]),
    "diag_record_builder_set_int": (_STATUS, [_P, c_char_p, c_int64, _ERR]),
    "diag_record_builder_set_provenance": (_STATUS, [_P, c_char_p, c_uint64, c_char_p, c_size_t,
                                                     _ERR]),
    # kb.h
    "diag_kb_new": (_STATUS, [POINTER(c_void_p), c_uint, POINTER(DiagAllocator), _ERR]),
    "diag_kb_free": (None, [_P]),
    "diag_kb_add_file": (_STATUS, [_P, c_char_p, KB_ERROR_FN, c_void_p, _ERR]),
    "diag_kb_add_string": (_STATUS, [_P, c_char_p, c_char_p, c_size_t, KB_ERROR_FN, c_void_p,
                                     _ERR]),
    "diag_kb_test": (_STATUS, [_P, KB_TEST_FN, c_void_p, POINTER(c_size_t), _ERR]),
    "diag_kb_problem_count": (c_size_t, [_P]),
    "diag_kb_problem_at": (_P, [_P, c_size_t]),
    "diag_kb_problem_find": (_P, [_P, c_char_p]),
    "diag_problem_id": (c_char_p, [_P]),
    "diag_problem_title": (c_char_p, [_P]),
    "diag_problem_summary": (c_char_p, [_P]),
    "diag_problem_cause": (c_char_p, [_P]),
    "diag_problem_origin": (c_char_p, [_P]),
    "diag_problem_reference_count": (c_size_t, [_P]),
    "diag_problem_reference_at": (c_char_p, [_P, c_size_t]),
    "diag_problem_product_count": (c_size_t, [_P]),
    "diag_problem_product_at": (c_char_p, [_P, c_size_t, POINTER(c_char_p)]),
    "diag_problem_resolution_count": (c_size_t, [_P]),
    "diag_problem_resolution_at": (_P, [_P, c_size_t]),
    "diag_resolution_id": (c_char_p, [_P]),
    "diag_resolution_title": (c_char_p, [_P]),
    "diag_resolution_warning": (c_char_p, [_P]),
    "diag_resolution_step_count": (c_size_t, [_P]),
    "diag_resolution_step_at": (c_char_p, [_P, c_size_t]),
    "diag_resolution_command_count": (c_size_t, [_P]),
    "diag_resolution_command_at": (c_char_p, [_P, c_size_t]),
    "diag_problem_cause_count": (c_size_t, [_P]),
    "diag_problem_cause_at": (_P, [_P, c_size_t]),
    "diag_cause_id": (c_char_p, [_P]),
    "diag_cause_title": (c_char_p, [_P]),
    "diag_cause_indicated_by_count": (c_size_t, [_P]),
    "diag_cause_indicated_by_at": (c_char_p, [_P, _P, c_size_t]),
    "diag_cause_ruled_out_by_count": (c_size_t, [_P]),
    "diag_cause_ruled_out_by_at": (c_char_p, [_P, _P, c_size_t]),
    "diag_cause_resolution_count": (c_size_t, [_P]),
    "diag_cause_resolution_at": (c_char_p, [_P, _P, c_size_t]),
    # session.h
    "diag_session_new": (_STATUS, [POINTER(c_void_p), _P, POINTER(DiagAllocator), _ERR]),
    "diag_session_free": (None, [_P]),
    "diag_session_set_limit": (_STATUS, [_P, c_int, c_uint64]),
    "diag_session_limit": (c_uint64, [_P, c_int]),
    "diag_session_limit_hits": (c_uint64, [_P, c_int]),
    "diag_limit_name": (c_char_p, [c_int]),
    "diag_unparsed_reason_name": (c_char_p, [c_int]),
    "diag_session_set_min_confidence": (_STATUS, [_P, c_double]),
    "diag_session_min_confidence": (c_double, [_P]),
    "diag_session_set_record_callback": (None, [_P, RECORD_FN, c_void_p]),
    "diag_session_set_unparsed_callback": (None, [_P, UNPARSED_FN, c_void_p]),
    "diag_input_open": (_STATUS, [POINTER(c_void_p), _P, c_char_p, c_char_p, _ERR]),
    "diag_input_feed": (_STATUS, [_P, c_char_p, c_size_t, _ERR]),
    "diag_input_end": (_STATUS, [_P, _ERR]),
    "diag_input_reopen": (_STATUS, [_P, _ERR]),
    "diag_session_feed_record": (_STATUS, [_P, _P, _ERR]),
    "diag_session_input_count": (c_size_t, [_P]),
    "diag_session_input_at": (_P, [_P, c_size_t]),
    "diag_input_name": (c_char_p, [_P]),
    "diag_input_format": (c_char_p, [_P]),
    "diag_input_bytes": (c_uint64, [_P]),
    "diag_input_lines": (c_uint64, [_P]),
    "diag_input_records": (c_uint64, [_P]),
    "diag_input_unparsed": (c_uint64, [_P]),
    "diag_input_unparsed_by_reason": (c_uint64, [_P, c_int]),
    "diag_input_unparsed_sample_count": (c_size_t, [_P]),
    "diag_input_unparsed_sample_at": (_STATUS, [_P, c_size_t, POINTER(c_uint64), POINTER(c_int)]),
    "diag_input_error": (_ERR, [_P]),
    # finding.h
    "diag_session_finding_count": (c_size_t, [_P]),
    "diag_session_finding_at": (_P, [_P, c_size_t]),
    "diag_session_benign_count": (c_size_t, [_P]),
    "diag_session_benign_at": (_P, [_P, c_size_t]),
    "diag_finding_id": (c_char_p, [_P]),
    "diag_finding_problem": (_P, [_P]),
    "diag_finding_confidence": (c_double, [_P]),
    "diag_finding_is_conclusive": (c_int, [_P]),
    "diag_finding_symptom_count": (c_size_t, [_P]),
    "diag_finding_symptom_at": (_P, [_P, c_size_t]),
    "diag_finding_cause_count": (c_size_t, [_P]),
    "diag_finding_cause_at": (_P, [_P, c_size_t, POINTER(c_int)]),
    "diag_cause_status_name": (c_char_p, [c_int]),
    "diag_session_set_finding_callback": (None, [_P, FINDING_FN, c_void_p]),
    "diag_match_rule": (c_char_p, [_P]),
    "diag_match_problem": (_P, [_P]),
    "diag_match_why": (c_char_p, [_P]),
    "diag_match_weight": (c_double, [_P]),
    "diag_match_count": (c_uint64, [_P]),
    "diag_match_group": (c_char_p, [_P]),
    "diag_match_evidence_count": (c_size_t, [_P]),
    "diag_match_evidence_at": (_P, [_P, c_size_t]),
    "diag_evidence_input": (c_char_p, [_P]),
    "diag_evidence_line": (c_uint64, [_P]),
    "diag_evidence_end_line": (c_uint64, [_P]),
    "diag_evidence_offset": (c_uint64, [_P]),
    "diag_evidence_text": (_CHARS, [_P, POINTER(c_size_t)]),
    # render.h
    "diag_render_json": (_STATUS, [_P, c_uint, WRITE_FN, c_void_p, _ERR]),
    "diag_render_text": (_STATUS, [_P, c_uint, WRITE_FN, c_void_p, _ERR]),
    "diag_render_finding_json": (_STATUS, [_P, c_uint, WRITE_FN, c_void_p, _ERR]),
}
"""Every function of the C API this binding calls: name -> (restype, argtypes)."""

OPTIONAL = frozenset([
    "diag_problem_cause_count", "diag_problem_cause_at", "diag_cause_id", "diag_cause_title",
    "diag_cause_indicated_by_count", "diag_cause_indicated_by_at",
    "diag_cause_ruled_out_by_count", "diag_cause_ruled_out_by_at",
    "diag_cause_resolution_count", "diag_cause_resolution_at", "diag_finding_cause_count",
    "diag_finding_cause_at", "diag_cause_status_name",
    # live findings
    "diag_session_set_finding_callback", "diag_render_finding_json",
    # caller-built records
    "diag_record_builder_new", "diag_record_builder_free", "diag_record_builder_clear",
    "diag_record_builder_set", "diag_record_builder_set_int",
    "diag_record_builder_set_provenance", "diag_session_feed_record",
    # rotated logs
    "diag_input_reopen",
])
"""Functions added during the 0.1 series (the differential diagnosis of causes, live
finding callbacks, caller-built records, reopening an input): a library built before
them still loads; the binding then reports no causes, and the features of
:mod:`libdiag.features` that need the others raise ``NotImplementedError``."""

# --- loading ----------------------------------------------------------------

ENV_VAR = "LIBDIAG_LIBRARY"


class LibraryError(ImportError):
    """The libdiag shared library cannot be found, cannot be loaded, lacks a
    function, or has a version this binding does not support."""


class Library:
    """A loaded libdiag shared library with every prototype of :data:`PROTOTYPES` set.

    Each C function is an attribute named as in C (``lib.diag_kb_new``).
    Functions of later libdiag versions are attributes only when the loaded
    library exports them, so ``hasattr(lib, name)`` detects them.
    """

    def __init__(self, path: str, cdll: Optional[ctypes.CDLL] = None) -> None:
        """Loads the library at *path* (a file path or a name the dynamic loader resolves)."""
        if cdll is None:
            try:
                cdll = ctypes.CDLL(path)
            except OSError as e:
                raise LibraryError(f"cannot load libdiag from {path}: {e}") from None
        self.cdll = cdll
        self.path = path
        missing: List[str] = []
        for name, (restype, argtypes) in PROTOTYPES.items():
            try:
                fn = getattr(cdll, name)
            except AttributeError:
                missing.append(name)
                continue
            fn.restype = restype
            fn.argtypes = list(argtypes)
            setattr(self, name, fn)
        if "diag_version_number" in missing:
            raise LibraryError(f"{path} is not a libdiag library (it lacks diag_version_number)")
        number = int(self.diag_version_number())
        self.version_number = number
        self.version_info = (number // 10000, number // 100 % 100, number % 100)
        self.version = "%d.%d.%d" % self.version_info
        if self.version_info[:2] != VERSION_INFO[:2]:
            raise LibraryError(
                f"libdiag at {path} is version {self.version}, but this Python binding ({VERSION}) "
                f"supports libdiag {VERSION_INFO[0]}.{VERSION_INFO[1]}.x only; point {ENV_VAR} at "
                f"a libdiag {VERSION_INFO[0]}.{VERSION_INFO[1]} library or use the binding of "
                f"that release")
        missing = [name for name in missing if name not in OPTIONAL]
        if missing:
            raise LibraryError(f"libdiag at {path} lacks {', '.join(missing)}")

    def __repr__(self) -> str:
        """``<Library 0.1.0 at PATH>``."""
        return f"<Library {self.version} at {self.path}>"


def _system_candidates() -> Iterator[str]:
    """Names the dynamic loader may resolve, most specific first (find_library runs last,
    and only when the SONAME is not found, as it may start ldconfig)."""
    major, minor = VERSION_INFO[0], VERSION_INFO[1]
    if sys.platform == "darwin":
        yield f"libdiag.{major}.{minor}.dylib" if major == 0 else f"libdiag.{major}.dylib"
    elif sys.platform == "win32":
        yield "diag.dll"
    else:
        yield f"libdiag.so.{major}.{minor}" if major == 0 else f"libdiag.so.{major}"
    found = ctypes.util.find_library("diag")
    if found:
        yield found


_lock = threading.Lock()
_current: Optional[Library] = None
_live = 0


def live_handles() -> int:
    """How many knowledge bases, sessions and record builders are open (created and not
    yet freed)."""
    return _live


def handle_opened() -> None:
    """Counts a handle the binding created."""
    global _live
    with _lock:
        _live += 1


def handle_closed() -> None:
    """Counts a handle the binding freed."""
    global _live
    with _lock:
        _live -= 1


def load(path: Union[str, "os.PathLike[str]"]) -> Library:
    """Loads libdiag from *path* and makes it the library every later call uses.

    Raises :class:`LibraryError` when it cannot be loaded or its version is
    not supported; the library in use until then stays in use.
    """
    global _current
    library = Library(os.fspath(path))
    _current = library
    return library


def autoload() -> Optional[Library]:
    """Loads the library from ``LIBDIAG_LIBRARY`` or the system search path.

    Returns None when neither names a library (a later :func:`load` may still
    give one); raises :class:`LibraryError` when ``LIBDIAG_LIBRARY`` is set but
    unusable, or when the library found has an unsupported version.
    """
    global _current
    env = os.environ.get(ENV_VAR)
    if env:
        if not Path(env).exists():
            raise LibraryError(f"{ENV_VAR}={env}: no such file")
        _current = Library(env)
        return _current
    for name in _system_candidates():
        try:
            cdll = ctypes.CDLL(name)
        except OSError:
            continue
        _current = Library(name, cdll)
        return _current
    return None


def current() -> Optional[Library]:
    """The library in use, or None when none is loaded yet."""
    return _current


def lib() -> Library:
    """The library in use; raises :class:`LibraryError` with the ways to give one."""
    if _current is None:
        raise LibraryError(
            f"libdiag's shared library was not found: set {ENV_VAR} to its path (for example "
            f"build/libdiag.so), install it where the dynamic loader finds it, or call "
            f"libdiag.load_library(path)")
    return _current


def has_symbol(name: str) -> bool:
    """Whether the loaded library exports the C function *name* (False when none is loaded)."""
    if _current is None:
        return False
    try:
        getattr(_current.cdll, name)
    except AttributeError:
        return False
    return True


def text(value: Optional[bytes]) -> Optional[str]:
    """Decodes a C string the library returned (UTF-8; invalid bytes become U+FFFD)."""
    return None if value is None else value.decode("utf-8", "replace")


def chars(pointer: Any, length: int) -> bytes:
    """Copies *length* bytes from a ``char *`` that may hold NUL bytes."""
    if not pointer or length == 0:
        return b""
    return ctypes.string_at(pointer, length)
