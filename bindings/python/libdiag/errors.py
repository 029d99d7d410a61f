"""Exceptions: one class per C status code, all under :class:`Error`.

Every failing libdiag call returns a negative ``diag_status`` and fills a
``diag_error``; the binding raises the class of that status, carrying every
member of the struct. The classes also derive from the built-in exception a
Python programmer would expect (``ValueError``, ``MemoryError``, ``OSError``,
``LookupError``), so ``except ValueError`` still works.

=====================  =======================  ==========================
C status               exception                also a
=====================  =======================  ==========================
``DIAG_EINVAL``        :class:`InvalidArgument`  ``ValueError``
``DIAG_ENOMEM``        :class:`OutOfMemory`      ``MemoryError``
``DIAG_ELIMIT``        :class:`LimitError`
``DIAG_EKB``           :class:`KbError`
``DIAG_EUNSUPPORTED``  :class:`UnsupportedInput`
``DIAG_ESTATE``        :class:`StateError`
``DIAG_ENOTFOUND``     :class:`NotFound`         ``LookupError``
``DIAG_EIO``           :class:`IoError`          ``OSError``
``DIAG_ECALLBACK``     :class:`CallbackError`
=====================  =======================  ==========================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable, List, Optional, Type

from . import _ffi

__all__ = [
    "Status", "ErrorInfo", "Error", "InvalidArgument", "OutOfMemory", "LimitError", "KbError",
    "UnsupportedInput", "StateError", "NotFound", "IoError", "CallbackError", "status_name",
    "LibraryError",
]

LibraryError = _ffi.LibraryError


class Status(enum.IntEnum):
    """``diag_status``: the result of every fallible C call (0 or negative)."""

    OK = 0
    EINVAL = -1
    ENOMEM = -2
    ELIMIT = -3
    EKB = -4
    EUNSUPPORTED = -5
    ESTATE = -6
    ENOTFOUND = -7
    EIO = -8
    ECALLBACK = -9


def status_name(status: int) -> str:
    """The C library's short name of a status, such as ``"ENOMEM"`` (``"EUNKNOWN"`` if unknown)."""
    return _ffi.text(_ffi.lib().diag_status_name(int(status))) or "EUNKNOWN"


@dataclass(frozen=True)
class ErrorInfo:
    """Everything a ``diag_error`` says about one error.

    ``str()`` gives the form compilers use and ``diagnose`` prints:
    ``file:line:column: error: key.path: message (suggestion)``.
    """

    status: int
    """The status (a :class:`Status` value when known)."""
    message: str
    """What is wrong, in one English sentence."""
    input: str = ""
    """Input or file name the error is about, or ``""``."""
    line: int = 0
    """1-based line in that input, 0 when not applicable."""
    column: int = 0
    """1-based column (in bytes), 0 when not applicable."""
    offset: int = 0
    """0-based byte offset in that input."""
    key_path: str = ""
    """Knowledge-base key path such as ``problems[0].symptoms[1].where``, or ``""``."""
    suggestion: str = ""
    """A likely fix (``did you mean ...``), or ``""``."""

    @property
    def file(self) -> str:
        """The file the error is about: the same as :attr:`input`."""
        return self.input

    @classmethod
    def from_c(cls, err: _ffi.DiagError) -> "ErrorInfo":
        """Copies a ``diag_error`` struct."""
        def s(raw: bytes) -> str:
            return raw.decode("utf-8", "replace")

        status = int(err.status)
        try:
            status = Status(status)
        except ValueError:
            pass
        return cls(status=status, message=s(err.message), input=s(err.input), line=int(err.line),
                   column=int(err.column), offset=int(err.offset), key_path=s(err.key_path),
                   suggestion=s(err.suggestion))

    def __str__(self) -> str:
        """``file:line:column: error: key.path: message (suggestion)``."""
        out = self.input or "<kb>"
        if self.line:
            out += f":{self.line}:{self.column}"
        out += ": error: "
        if self.key_path:
            out += f"{self.key_path}: "
        out += self.message
        if self.suggestion:
            out += f" ({self.suggestion})"
        return out


class Error(Exception):
    """Base class of every error a libdiag call reports.

    The attributes are those of the C ``diag_error``: :attr:`status`,
    :attr:`message`, :attr:`input`, :attr:`line`, :attr:`column`,
    :attr:`offset`, :attr:`key_path` and :attr:`suggestion`. ``str()`` of the
    exception is its message.
    """

    status_code: Optional[Status] = None
    """The C status this class stands for (None for the base class)."""

    def __init__(self, message: str, *, status: Optional[int] = None, input: str = "",
                 line: int = 0, column: int = 0, offset: int = 0, key_path: str = "",
                 suggestion: str = "") -> None:
        """Creates the error; *status* defaults to the class's :attr:`status_code`."""
        super().__init__(message)
        if status is None:
            status = self.status_code if self.status_code is not None else 0
        self.status: int = status
        """The status, a :class:`Status` when known."""
        self.message: str = message
        """What is wrong, in one English sentence."""
        self.input: str = input
        """Input or file name the error is about, or ``""``."""
        self.line: int = line
        """1-based line, 0 when not applicable."""
        self.column: int = column
        """1-based column (in bytes), 0 when not applicable."""
        self.offset: int = offset
        """0-based byte offset in the input."""
        self.key_path: str = key_path
        """Knowledge-base key path, or ``""``."""
        self.suggestion: str = suggestion
        """A likely fix, or ``""``."""

    @property
    def file(self) -> str:
        """The file the error is about: the same as :attr:`input`."""
        return self.input

    @property
    def info(self) -> ErrorInfo:
        """The error's members as an :class:`ErrorInfo`."""
        return ErrorInfo(self.status, self.message, self.input, self.line, self.column,
                         self.offset, self.key_path, self.suggestion)

    def __repr__(self) -> str:
        """``KbError(status=EKB, message='...', input='x.yaml', line=3, ...)``, set members only."""
        parts = [f"status={status_label(self.status)}", f"message={self.message!r}"]
        for name in ("input", "line", "column", "offset", "key_path", "suggestion"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class InvalidArgument(Error, ValueError):
    """``DIAG_EINVAL``: an argument was invalid (a bad name, a value out of range, ...)."""

    status_code = Status.EINVAL


class OutOfMemory(Error, MemoryError):
    """``DIAG_ENOMEM``: an allocation failed; the handle stays usable or closable."""

    status_code = Status.ENOMEM


class LimitError(Error):
    """``DIAG_ELIMIT``: a configured cap, such as the session's memory budget, was reached."""

    status_code = Status.ELIMIT


class KbError(Error):
    """``DIAG_EKB``: a knowledge-base file or string is invalid.

    :attr:`errors` lists every error the loader found (not only the first,
    which the exception's own attributes describe), each an
    :class:`ErrorInfo` with file, line, column, key path and suggestion.
    ``str()`` gives them all, one per line, as ``diagnose`` prints them.
    """

    status_code = Status.EKB

    def __init__(self, message: str, *, errors: Iterable[ErrorInfo] = (),
                 status: Optional[int] = None, input: str = "", line: int = 0, column: int = 0, offset: int = 0,
                 key_path: str = "", suggestion: str = "") -> None:
        """Creates the error; *errors* lists every error found (the first one by default)."""
        super().__init__(message, status=status, input=input, line=line, column=column,
                         offset=offset, key_path=key_path, suggestion=suggestion)
        self.errors: List[ErrorInfo] = list(errors) or [self.info]
        """Every error found while loading, in the order found."""

    def __str__(self) -> str:
        """Every error in :attr:`errors`, one per line, in compiler form."""
        return "\n".join(str(e) for e in self.errors)


class UnsupportedInput(Error):
    """``DIAG_EUNSUPPORTED``: the input is in a format libdiag does not read.

    The message names the format and, where one exists, the command that
    converts it.
    """

    status_code = Status.EUNSUPPORTED


class StateError(Error):
    """``DIAG_ESTATE``: the call is not valid in the handle's current state
    (an ended input, a frozen knowledge base, a closed session, ...)."""

    status_code = Status.ESTATE


class NotFound(Error, LookupError):
    """``DIAG_ENOTFOUND``: a looked-up name or value is unknown."""

    status_code = Status.ENOTFOUND


class IoError(Error, OSError):
    """``DIAG_EIO``: a file could not be opened or read, or output could not be written."""

    status_code = Status.EIO

    def __str__(self) -> str:
        """The message (not ``OSError``'s ``[Errno]`` form)."""
        return self.message


class CallbackError(Error):
    """``DIAG_ECALLBACK``: a callback asked to stop (it returned a true value).

    When a Python callback *raises*, that original exception propagates
    instead of this one.
    """

    status_code = Status.ECALLBACK


_BY_STATUS = {
    cls.status_code: cls
    for cls in (InvalidArgument, OutOfMemory, LimitError, KbError, UnsupportedInput, StateError,
                NotFound, IoError, CallbackError)
    if cls.status_code is not None
}


def status_label(status: int) -> str:
    """``"EKB"`` for a known status, the number otherwise."""
    try:
        return Status(status).name
    except ValueError:
        return str(status)


def exception_class(status: int) -> Type[Error]:
    """The exception class of a negative status (:class:`Error` for an unknown one)."""
    return _BY_STATUS.get(status, Error)


def from_info(info: ErrorInfo, errors: Iterable[ErrorInfo] = ()) -> Error:
    """The exception for an :class:`ErrorInfo`; *errors* is used by :class:`KbError`."""
    cls = exception_class(info.status)
    kwargs = dict(status=info.status, input=info.input, line=info.line, column=info.column,
                  offset=info.offset, key_path=info.key_path, suggestion=info.suggestion)
    if cls is KbError:
        return KbError(info.message, errors=errors, **kwargs)  # type: ignore[arg-type]
    return cls(info.message, **kwargs)  # type: ignore[arg-type]


def check(status: int, err: Optional[_ffi.DiagError] = None, what: str = "") -> None:
    """Raises the exception of *status* when it is negative.

    The message comes from *err* when the call filled it; otherwise (the C
    function takes no ``diag_error``, or left it empty) it is built from
    *what* and the status name.
    """
    if status >= 0:
        return
    if err is not None and err.status == status and err.message:
        raise from_info(ErrorInfo.from_c(err))
    name = status_label(status)
    message = f"{what}: {name}" if what else name
    try:
        status = Status(status)
    except ValueError:
        pass
    raise from_info(ErrorInfo(status, message))
