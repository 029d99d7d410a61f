"""Typed records produced by the parsers, and the format table.

A record is one log entry: its fields, named as the format names them
(W3C ``#Fields`` identifiers), each typed by its meaning, plus where it came
from. In C a record lives only for the callback that receives it; the
binding hands callbacks a :class:`Record`, a complete Python copy whose
field values are Python objects:

==============  ============================================================
C type          Python value
==============  ============================================================
ABSENT          ``None``
STRING          ``str`` (as written; W3C keeps ``+`` for spaces)
INT             ``int``
CODE            :class:`~libdiag.Code` (an ``int`` that decodes itself)
DURATION        ``datetime.timedelta``
ADDRESS         ``ipaddress.IPv4Address`` or ``ipaddress.IPv6Address``
DATE            ``datetime.date``
TIME            ``datetime.time`` (UTC-aware when the format says so)
==============  ============================================================

A record's :attr:`Record.time` joins its date and time: an aware UTC
``datetime`` when the format gives the zone, a naive one otherwise.

The other way round, a :class:`RecordBuilder` builds a record of a source
(``"windows-event"``, ``"w3c"``, ...) field by field, for an agent that
reads evidence itself; :meth:`Session.feed_record` matches it exactly as a
parsed one.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import enum
import functools
import ipaddress
from dataclasses import dataclass
from typing import Dict, Iterator, List, Mapping, NamedTuple, Optional, Tuple, Union

from . import _ffi
from ._handle import Owned
from .allocator import Allocator
from .codes import Code
from .errors import NotFound, StateError, check
from .features import require_feature

__all__ = [
    "FieldType", "Field", "Record", "RecordView", "Format", "formats", "TimeValue", "FieldValue",
    "RecordBuilder", "BuiltValue",
]

TimeValue = Union[_dt.datetime, _dt.date, _dt.time]
"""What a C ``diag_time`` becomes: a datetime, a date or a time of day."""

FieldValue = Union[None, str, int, Code, _dt.timedelta, ipaddress.IPv4Address,
                   ipaddress.IPv6Address, _dt.date, _dt.time]
"""The Python value of a field (see the module's table)."""

_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_EPOCH = _dt.datetime(1970, 1, 1)


class FieldType(enum.IntEnum):
    """``diag_type``: the type of a field, given by its meaning."""

    ABSENT = 0
    STRING = 1
    INT = 2
    CODE = 3
    DURATION = 4
    ADDRESS = 5
    DATE = 6
    TIME = 7


def time_value(t: _ffi.DiagTime) -> Optional[TimeValue]:
    """Converts a ``diag_time`` by its flags (None when it knows nothing or is out of range).

    Date and time: a ``datetime``, aware (UTC) when the zone is known. Date
    only: a ``date``. Time only: a ``time``, aware (UTC) when the zone is
    known. Nanoseconds are cut to microseconds.
    """
    flags = int(t.flags)
    has_date = bool(flags & _ffi.DIAG_TIME_HAS_DATE)
    has_time = bool(flags & _ffi.DIAG_TIME_HAS_TIME)
    utc = bool(flags & _ffi.DIAG_TIME_HAS_ZONE)
    try:
        delta = _dt.timedelta(seconds=int(t.seconds), microseconds=int(t.nanoseconds) // 1000)
        if has_date and has_time:
            return (_EPOCH_UTC if utc else _EPOCH) + delta
        if has_date:
            return (_EPOCH + delta).date()
        if has_time:
            moment = (_EPOCH + delta).time()
            return moment.replace(tzinfo=_dt.timezone.utc) if utc else moment
    except OverflowError:
        return None
    return None


class Field(NamedTuple):
    """One field of a record: name, type, text as written, and typed value."""

    name: str
    """The name the format gives it, e.g. ``"sc-status"``."""
    type: FieldType
    """Its type in this record (ABSENT when the record leaves it empty)."""
    raw: bytes
    """Its text as written, in bytes."""
    value: FieldValue
    """Its typed value; None when absent or when the text is not valid for the type."""

    @property
    def text(self) -> str:
        """Its text as written (UTF-8; invalid bytes become U+FFFD)."""
        return self.raw.decode("utf-8", "replace")

    @property
    def valid(self) -> bool:
        """False when the field is present but its text is not a value of its type."""
        return self.type in (FieldType.ABSENT, FieldType.STRING) or self.value is not None


def _fold(name: str) -> str:
    """ASCII-only case folding, as ``diag_record_field_find`` compares names."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


@functools.lru_cache(maxsize=256)
def _layout_index(names: Tuple[str, ...]) -> Dict[str, int]:
    """Folded name -> position, shared by every record of one layout."""
    index: Dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(_fold(name), i)
    return index


class Record(Mapping[str, FieldValue]):
    """A parsed log entry, copied out of the library: safe to keep.

    A record is a read-only mapping from field name (ASCII case ignored) to
    typed value, in the layout's order; :attr:`fields` has the details.
    """

    __slots__ = ("format", "input", "line", "end_line", "offset", "raw", "fields", "time",
                 "_index")

    def __init__(self, *, format: str, input: str, line: int, end_line: int, offset: int,
                 raw: bytes, fields: Tuple[Field, ...], time: Optional[TimeValue]) -> None:
        """Builds a record (the binding does this inside the record callback)."""
        self.format: str = format
        """The name of the format that produced it, e.g. ``"w3c"``."""
        self.input: str = input
        """The name of the input it came from."""
        self.line: int = line
        """Its first line (1-based)."""
        self.end_line: int = end_line
        """Its last line."""
        self.offset: int = offset
        """Byte offset of its first byte in the input (a BOM counts)."""
        self.raw: bytes = raw
        """Its text as read, without the line terminator."""
        self.fields: Tuple[Field, ...] = fields
        """Its fields in layout order."""
        self.time: Optional[TimeValue] = time
        """Its timestamp from its date and time fields, or None when it has none."""
        self._index: Optional[Dict[str, int]] = None

    @property
    def text(self) -> str:
        """Its text as read (UTF-8; invalid bytes become U+FFFD)."""
        return self.raw.decode("utf-8", "replace")

    def field(self, name: str) -> Field:
        """The :class:`Field` called *name* (ASCII case ignored); KeyError when there is none."""
        if self._index is None:
            self._index = _layout_index(tuple(f.name for f in self.fields))
        return self.fields[self._index[_fold(name)]]

    def __getitem__(self, name: str) -> FieldValue:
        """The typed value of field *name* (ASCII case ignored)."""
        return self.field(name).value

    def __iter__(self) -> Iterator[str]:
        """The field names, in layout order."""
        return (f.name for f in self.fields)

    def __len__(self) -> int:
        """The number of fields."""
        return len(self.fields)

    def __repr__(self) -> str:
        """``<Record w3c ex.log:2 date=... sc-status=401 ...>`` (the first fields)."""
        shown = " ".join(f"{f.name}={f.text if f.type != FieldType.ABSENT else '-'}"
                         for f in self.fields[:8])
        more = " ..." if len(self.fields) > 8 else ""
        return f"<Record {self.format} {self.input}:{self.line} {shown}{more}>"


class RecordView:
    """A borrowed record, valid only during the callback that receives it.

    This is the C record itself, read field by field without copying (the
    zero-copy path for callbacks registered with ``copy=False``). Every method
    raises :class:`~libdiag.StateError` once the callback has returned; call
    :meth:`copy` to keep a record.
    """

    __slots__ = ("_ptr", "_lib")

    def __init__(self, ptr: int) -> None:
        """Wraps the ``diag_record *`` a callback received."""
        self._ptr: Optional[int] = ptr
        self._lib = _ffi.lib()

    def _p(self) -> int:
        if self._ptr is None:
            raise StateError("a record is only valid during the callback that received it; "
                             "keep record.copy() instead")
        return self._ptr

    def invalidate(self) -> None:
        """Ends the view's validity (done by the binding when the callback returns)."""
        self._ptr = None

    @property
    def format(self) -> str:
        """The format that produced the record (``diag_record_format``)."""
        return _ffi.text(self._lib.diag_record_format(self._p())) or ""

    @property
    def input(self) -> str:
        """The input's name (``diag_record_input``)."""
        return _ffi.text(self._lib.diag_record_input(self._p())) or ""

    @property
    def line(self) -> int:
        """First line (``diag_record_line``)."""
        return int(self._lib.diag_record_line(self._p()))

    @property
    def end_line(self) -> int:
        """Last line (``diag_record_end_line``)."""
        return int(self._lib.diag_record_end_line(self._p()))

    @property
    def offset(self) -> int:
        """Byte offset in the input (``diag_record_offset``)."""
        return int(self._lib.diag_record_offset(self._p()))

    @property
    def raw(self) -> bytes:
        """The record's text (``diag_record_text``)."""
        n = ctypes.c_size_t()
        ptr = self._lib.diag_record_text(self._p(), ctypes.byref(n))
        return _ffi.chars(ptr, n.value)

    @property
    def time(self) -> Optional[TimeValue]:
        """The timestamp (``diag_record_time``), or None when the record has none."""
        t = _ffi.DiagTime()
        status = self._lib.diag_record_time(self._p(), ctypes.byref(t))
        if status == NotFound.status_code:
            return None
        check(status, None, "reading the record's time")
        return time_value(t)

    @property
    def field_count(self) -> int:
        """Number of fields in the layout (``diag_record_field_count``)."""
        return int(self._lib.diag_record_field_count(self._p()))

    def field_name(self, index: int) -> str:
        """Name of field *index* (``diag_record_field_name``); IndexError when out of range."""
        name = self._lib.diag_record_field_name(self._p(), index)
        if name is None:
            raise IndexError(f"field index {index} out of range")
        return name.decode("utf-8", "replace")

    def find(self, name: str) -> int:
        """Index of the field called *name*, ASCII case ignored (``diag_record_field_find``).

        Raises :class:`~libdiag.NotFound` when the layout has no such field.
        """
        index = ctypes.c_size_t()
        check(self._lib.diag_record_field_find(self._p(), name.encode("utf-8"),
                                               ctypes.byref(index)),
              None, f"no field {name!r} in this record")
        return int(index.value)

    def field_type(self, index: int) -> FieldType:
        """Type of field *index* in this record (``diag_record_field_type``)."""
        return FieldType(self._lib.diag_record_field_type(self._p(), index))

    def field_raw(self, index: int) -> bytes:
        """Text of field *index* as written (``diag_record_field_text``)."""
        n = ctypes.c_size_t()
        ptr = self._lib.diag_record_field_text(self._p(), index, ctypes.byref(n))
        if not ptr and index >= self.field_count:
            raise IndexError(f"field index {index} out of range")
        return _ffi.chars(ptr, n.value)

    def value(self, index: int) -> FieldValue:
        """Typed value of field *index* (see the module's table); None when absent or invalid."""
        p = self._p()
        kind = self.field_type(index)
        lib = self._lib
        if kind == FieldType.ABSENT:
            return None
        if kind == FieldType.STRING:
            return self.field_raw(index).decode("utf-8", "replace")
        if kind in (FieldType.INT, FieldType.CODE):
            out = ctypes.c_int64()
            if lib.diag_record_field_int(p, index, ctypes.byref(out)) != 0:
                return None
            if kind == FieldType.CODE:
                return Code(out.value, self.field_raw(index).decode("utf-8", "replace"))
            return int(out.value)
        if kind == FieldType.DURATION:
            ns = ctypes.c_int64()
            if lib.diag_record_field_duration(p, index, ctypes.byref(ns)) != 0:
                return None
            return _dt.timedelta(microseconds=ns.value // 1000)
        if kind == FieldType.ADDRESS:
            a = _ffi.DiagAddress()
            if lib.diag_record_field_address(p, index, ctypes.byref(a)) != 0:
                return None
            return _address(a)
        if kind in (FieldType.DATE, FieldType.TIME):
            t = _ffi.DiagTime()
            if lib.diag_record_field_time(p, index, ctypes.byref(t)) != 0:
                return None
            return time_value(t)
        return None

    def field(self, index: int) -> Field:
        """Field *index* as a :class:`Field` copy."""
        return Field(self.field_name(index), self.field_type(index), self.field_raw(index),
                     self.value(index))

    def copy(self) -> Record:
        """A :class:`Record` holding everything in this one, valid after the callback."""
        return copy_record(self._lib, self._p())

    def __repr__(self) -> str:
        """``<RecordView w3c ex.log:2>``, or ``<RecordView (expired)>``."""
        if self._ptr is None:
            return "<RecordView (expired)>"
        return f"<RecordView {self.format} {self.input}:{self.line}>"


_TYPES = tuple(FieldType)
_ABSENT, _STRING, _INT, _CODE, _DURATION, _ADDRESS, _DATE, _TIME = range(8)
_names: Dict[bytes, str] = {}


def copy_record(lib: "_ffi.Library", p: int) -> Record:
    """Copies the ``diag_record *`` *p* into a :class:`Record` (the fast path of callbacks).

    Calls the same C accessors as :class:`RecordView`, once per field.
    """
    size = ctypes.c_size_t()
    rsize = ctypes.byref(size)
    num = ctypes.c_int64()
    rnum = ctypes.byref(num)
    when = _ffi.DiagTime()
    rwhen = ctypes.byref(when)
    string_at = ctypes.string_at
    field_name, field_type = lib.diag_record_field_name, lib.diag_record_field_type
    field_text = lib.diag_record_field_text
    fields = []
    for i in range(lib.diag_record_field_count(p)):
        raw_name = field_name(p, i)
        name = _names.get(raw_name)
        if name is None:
            name = _names[raw_name] = raw_name.decode("utf-8", "replace")
        kind = field_type(p, i)
        ptr = field_text(p, i, rsize)
        raw = string_at(ptr, size.value) if size.value else b""
        value: FieldValue = None
        if kind == _STRING:
            value = raw.decode("utf-8", "replace")
        elif kind == _INT or kind == _CODE:
            if lib.diag_record_field_int(p, i, rnum) == 0:
                value = Code(num.value, raw.decode("utf-8", "replace")) if kind == _CODE \
                    else num.value
        elif kind == _DURATION:
            if lib.diag_record_field_duration(p, i, rnum) == 0:
                value = _dt.timedelta(microseconds=num.value // 1000)
        elif kind == _ADDRESS:
            a = _ffi.DiagAddress()
            if lib.diag_record_field_address(p, i, ctypes.byref(a)) == 0:
                value = _address(a)
        elif kind == _DATE or kind == _TIME:
            if lib.diag_record_field_time(p, i, rwhen) == 0:
                value = time_value(when)
        fields.append(Field(name, _TYPES[kind], raw, value))
    ptr = lib.diag_record_text(p, rsize)
    text = string_at(ptr, size.value) if size.value else b""
    stamp = time_value(when) if lib.diag_record_time(p, rwhen) == 0 else None
    return Record(format=_ffi.text(lib.diag_record_format(p)) or "",
                  input=_ffi.text(lib.diag_record_input(p)) or "",
                  line=lib.diag_record_line(p), end_line=lib.diag_record_end_line(p),
                  offset=lib.diag_record_offset(p), raw=text, fields=tuple(fields), time=stamp)


def _address(a: _ffi.DiagAddress) -> Union[ipaddress.IPv4Address, ipaddress.IPv6Address]:
    raw = bytes(a.bytes)
    if a.family == 4:
        return ipaddress.IPv4Address(raw[:4])
    return ipaddress.IPv6Address(raw)


@dataclass(frozen=True)
class Format:
    """One entry of the format table."""

    name: str
    """The name, usable as a forced format, e.g. ``"w3c"``."""
    description: str
    """One-line description."""
    supported: bool
    """True when parsed; False when only recognised and explained."""


def formats() -> List[Format]:
    """The format table: every format libdiag parses or recognises, in table order."""
    lib = _ffi.lib()
    return [Format(_ffi.text(lib.diag_format_name(i)) or "",
                   _ffi.text(lib.diag_format_description(i)) or "",
                   bool(lib.diag_format_is_supported(i)))
            for i in range(lib.diag_format_count())]


BuiltValue = Union[str, int, bytes]
"""A value :meth:`RecordBuilder.set` takes: text as the source writes it, or an integer."""

_INT64 = (-(1 << 63), (1 << 63) - 1)


def _text_arg(value: Union[str, bytes]) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")


class RecordBuilder:
    """Builds records of one source, field by field (``diag_record_builder``).

    For a caller that reads evidence itself (the Windows Event Log API, a
    format of its own): name the source as knowledge-base rules write it,
    :meth:`set` its fields, say where the record came from with
    :meth:`set_provenance`, and give the builder to
    :meth:`Session.feed_record`; the knowledge base matches it exactly as if
    it had been parsed. :meth:`clear` it and reuse it for the next record
    (its memory is kept). A context manager that closes it::

        with libdiag.RecordBuilder("windows-event") as event:
            event.set("Provider", "MSExchange OWA").set("EventID", 42)
            event.set_provenance(input="Application", line=104211)
            session.feed_record(event)

    Raises :class:`~libdiag.NotFound` for an unknown source. A builder is
    used by one thread at a time; it may feed any number of sessions.
    """

    def __init__(self, source: str, *, allocator: Optional[Allocator] = None) -> None:
        """Creates a builder for records of *source* (``diag_record_builder_new``)."""
        require_feature("record_builder")
        lib = _ffi.lib()
        out = ctypes.c_void_p()
        err = _ffi.new_error()
        status = lib.diag_record_builder_new(ctypes.byref(out), source.encode("utf-8"),
                                             allocator.as_parameter() if allocator else None,
                                             ctypes.byref(err))
        check(status, err, f"creating a record builder for {source}")
        self._source = source
        self._handle = Owned(self, out.value, lib.diag_record_builder_free,
                             keepalive=(allocator,))

    def _p(self) -> int:
        ptr = self._handle.ptr
        if ptr is None:
            raise StateError("the record builder is closed")
        return ptr

    @property
    def source(self) -> str:
        """The source its records belong to, as given."""
        return self._source

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has freed the builder."""
        return self._handle.ptr is None

    def close(self) -> None:
        """Frees the builder (``diag_record_builder_free``); idempotent."""
        self._handle.close()

    def __enter__(self) -> "RecordBuilder":
        """Returns the builder itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Closes the builder."""
        self.close()

    def set(self, field: str, value: BuiltValue) -> "RecordBuilder":
        """Sets *field* to *value* and returns the builder; setting a field twice keeps the
        last value.

        A ``str`` (or ``bytes``) is text written the way the source writes it
        (``"42"``, ``"MSExchange OWA"``, ``"2148074254"``)
        (``diag_record_builder_set``); an ``int`` is written in decimal
        (``diag_record_builder_set_int``). Field names are the source's, in
        any case; a name the source does not have raises
        :class:`~libdiag.NotFound`, whose ``suggestion`` names a close one.
        """
        p = self._p()
        lib = _ffi.lib()
        name = field.encode("utf-8")
        err = _ffi.new_error()
        if isinstance(value, bool) or not isinstance(value, (str, bytes, int)):
            raise TypeError(f"field {field}: a value is a str, bytes or int, "
                            f"not {type(value).__name__}")
        if isinstance(value, int) and _INT64[0] <= value <= _INT64[1]:
            status = lib.diag_record_builder_set_int(p, name, int(value), ctypes.byref(err))
        else:
            data = str(value).encode("ascii") if isinstance(value, int) else _text_arg(value)
            status = lib.diag_record_builder_set(p, name, data, len(data), ctypes.byref(err))
        check(status, err, f"setting {field}")
        return self

    def update(self, fields: Mapping[str, BuiltValue]) -> "RecordBuilder":
        """Sets every field of *fields* (see :meth:`set`) and returns the builder."""
        for name, value in fields.items():
            self.set(name, value)
        return self

    def set_provenance(self, input: Optional[str] = None, line: int = 0,
                       text: Union[str, bytes, None] = None) -> "RecordBuilder":
        """Says where the record came from, for its evidence
        (``diag_record_builder_set_provenance``), and returns the builder.

        *input* is the input name evidence cites (e.g. ``"Application"``);
        None keeps the default, the source name. Records fed with the same
        input name count under one input of the session. *line* is the line
        (or event record id) evidence cites, 0 for none. *text* is the text
        evidence shows (e.g. the rendered event); None shows the fields as
        ``name=value`` pairs.
        """
        if line < 0:
            check(-1, None, f"line must not be negative, not {line}")
        data = None if text is None else _text_arg(text)
        err = _ffi.new_error()
        status = _ffi.lib().diag_record_builder_set_provenance(
            self._p(), None if input is None else _text_arg(input), int(line), data,
            len(data) if data else 0, ctypes.byref(err))
        check(status, err, "setting the provenance")
        return self

    def clear(self) -> "RecordBuilder":
        """Forgets the fields and provenance of the record being built, keeping the memory
        (``diag_record_builder_clear``); returns the builder."""
        _ffi.lib().diag_record_builder_clear(self._p())
        return self

    def __repr__(self) -> str:
        """``<RecordBuilder 'windows-event'>`` (or ``... closed>``)."""
        return f"<RecordBuilder {self._source!r}{' closed' if self.closed else ''}>"
