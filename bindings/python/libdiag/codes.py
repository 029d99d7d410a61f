"""Decoding Windows, IIS and Exchange error codes in any common spelling.

One value can mean different things to different components (0x80070005 is
both ``E_ACCESSDENIED`` and ``MAPI_E_NO_ACCESS``), so :func:`decode` returns
one :class:`CodeMeaning` per table that knows it. Record fields of type CODE
are :class:`Code` values: ints that decode themselves on demand.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

from . import _ffi
from ._trap import Trap
from .errors import NotFound, check

__all__ = ["CodeMeaning", "Code", "decode", "parse_code"]


@dataclass(frozen=True)
class CodeMeaning:
    """One meaning of a code, as one table knows it (``diag_code_match``)."""

    table: str
    """Table name: ``"hresult"``, ``"win32"``, ``"sspi"``, ``"iis"``, ..."""
    symbol: Optional[str]
    """Symbolic name such as ``"SEC_E_NO_CREDENTIALS"``, or ``"401.5"`` for IIS."""
    message: str
    """The documented meaning in English."""
    value: int
    """The value as the table keys it (for IIS: status * 1000 + substatus)."""
    spelling: str
    """How the text was read: ``"decimal"``, ``"hex"``, ``"negative-decimal"``, ``"name"``, ..."""
    is_hresult: bool
    """Whether :attr:`severity`, :attr:`facility` and :attr:`code` describe an HRESULT."""
    severity: int
    """HRESULT bit 31 (1 = failure)."""
    facility: int
    """HRESULT facility, ``(value >> 16) & 0x1fff``."""
    facility_name: Optional[str]
    """Facility name such as ``"WIN32"``, or None when unknown."""
    code: int
    """HRESULT code (bits 0-15)."""

    @classmethod
    def from_c(cls, m: _ffi.DiagCodeMatch) -> "CodeMeaning":
        """Copies a ``diag_code_match``."""
        return cls(table=_ffi.text(m.table) or "", symbol=_ffi.text(m.symbol),
                   message=_ffi.text(m.message) or "", value=int(m.value),
                   spelling=_ffi.text(m.spelling) or "", is_hresult=bool(m.is_hresult),
                   severity=int(m.severity), facility=int(m.facility),
                   facility_name=_ffi.text(m.facility_name), code=int(m.code))

    def __str__(self) -> str:
        """``table SYMBOL: message``."""
        return f"{self.table} {self.symbol or '-'}: {self.message}"


def _spelling(code: Union[str, int]) -> bytes:
    if isinstance(code, bool) or not isinstance(code, (str, int)):
        raise TypeError(f"a code is a str or an int, not {type(code).__name__}")
    if isinstance(code, int):
        if not -(1 << 31) <= code < (1 << 32):
            raise ValueError(f"{code} does not fit in 32 bits")
        return b"0x%08X" % (code & 0xFFFFFFFF)  # one unambiguous reading
    return code.encode("utf-8")


def decode(code: Union[str, int]) -> List[CodeMeaning]:
    """Every meaning of *code*, from every table that knows it, in a stable order.

    *code* is a spelling (``"2148074254"``, ``"0x800710DD"``, ``"800710dd"``,
    ``"-2147023651"``, ``"401.5"``, ``"SEC_E_NO_CREDENTIALS"``) or an int
    (read as a 32-bit value; negative ints as two's complement). Raises
    :class:`~libdiag.NotFound` for a well-formed code no table knows and
    :class:`~libdiag.InvalidArgument` for text that is not a code.
    """
    text = _spelling(code)
    lib = _ffi.lib()
    found: List[CodeMeaning] = []
    trap = Trap()

    def on_match(match: "ctypes._Pointer[_ffi.DiagCodeMatch]", _payload: Optional[int]) -> int:
        found.append(CodeMeaning.from_c(match.contents))
        return 0

    fn = _ffi.CODE_FN(trap.wrap(on_match, 1))
    err = _ffi.new_error()
    status = lib.diag_code_lookup(text, len(text), fn, None, ctypes.byref(err))
    trap.reraise()
    check(status, err, f"decoding {text.decode('utf-8', 'replace')!r}")
    return found


def parse_code(text: str) -> int:
    """The 32-bit value of a numeric or symbolic code spelling (``diag_code_parse``).

    IIS ``status.substatus`` is not one value and is rejected with
    :class:`~libdiag.InvalidArgument`.
    """
    raw = text.encode("utf-8")
    value = ctypes.c_uint32()
    check(_ffi.lib().diag_code_parse(raw, len(raw), ctypes.byref(value)), None,
          f"{text!r} is not a code")
    return int(value.value)


class Code(int):
    """An error code from a record field: an ``int`` that knows its meanings.

    ``Code(0x8009030E).meanings`` decodes the value with :func:`decode` the
    first time it is asked (an unknown value has no meanings); :attr:`text`
    is the field as written in the log.
    """

    def __new__(cls, value: int, text: Optional[str] = None) -> "Code":
        """A code of *value* (32-bit), written as *text* in its source."""
        self = super().__new__(cls, value)
        self._text = text if text is not None else str(value)
        self._meanings: Optional[Tuple[CodeMeaning, ...]] = None
        return self

    @property
    def text(self) -> str:
        """The code as its source wrote it."""
        return self._text

    @property
    def meanings(self) -> Tuple[CodeMeaning, ...]:
        """Every meaning of the value (empty when no table knows it)."""
        if self._meanings is None:
            try:
                self._meanings = tuple(decode(int(self)))
            except NotFound:
                self._meanings = ()
        return self._meanings

    @property
    def symbol(self) -> Optional[str]:
        """The first known symbolic name, such as ``"SEC_E_NO_CREDENTIALS"``, or None."""
        return next((m.symbol for m in self.meanings if m.symbol), None)

    def __repr__(self) -> str:
        """``Code(0x8009030E, SEC_E_NO_CREDENTIALS)``."""
        symbol = self.symbol
        return f"Code({int(self):#010x}{', ' + symbol if symbol else ''})"

    def __reduce__(self) -> Tuple[type, Tuple[int, str]]:
        """Pickles value and text."""
        return (Code, (int(self), self._text))
