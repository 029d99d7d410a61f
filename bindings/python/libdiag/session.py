"""Sessions and their inputs: feeding evidence in, reading the diagnosis out.

A :class:`Session` holds one diagnosis. It has any number of inputs, each
opened with a name and an optional forced format and fed independently, in
chunks of any size, interleaved with the others; each input keeps its own
partial line, encoding, detected format and header state, and is ended
explicitly (an :class:`Input` used as a context manager ends itself).

A session created without a knowledge base only parses: register a record
callback (or use :func:`libdiag.parse`) to receive the typed records.

Callbacks run during :meth:`Input.feed`, :meth:`Input.end`,
:meth:`Input.reopen` and :meth:`Session.feed_record`. A record or unparsed
callback that returns a true value stops the feed, which then raises
:class:`~libdiag.CallbackError`; a callback that raises stops it too, and
its own exception propagates once the C call has returned. A finding
callback (``on_finding``) is told about each finding as it reaches the
minimum confidence ("new") and as it changes materially ("update"); it
cannot stop the feed, but an exception it raises propagates the same way.
A callback must not feed the session it is called from.

A session and its inputs must be used by one thread at a time.
"""

from __future__ import annotations

import contextlib
import ctypes
import enum
import os
from dataclasses import dataclass
from typing import IO, Any, Callable, Dict, Iterator, List, Literal, Mapping, Optional, Union

from . import _ffi
from ._handle import Owned
from ._trap import Trap
from .allocator import Allocator
from .errors import ErrorInfo, IoError, StateError, check
from .features import require_feature
from .findings import Finding, Match
from .kb import KnowledgeBase
from .records import BuiltValue, Record, RecordBuilder, RecordView
from .render import Writer, collect, render_json, render_text

__all__ = [
    "Session", "Input", "Limit", "UnparsedReason", "UnparsedSample", "UnparsedLine",
    "RecordCallback", "UnparsedCallback", "FindingCallback", "FindingEvent", "Source",
    "CHUNK_SIZE",
    "limit_name", "unparsed_reason_name",
]

CHUNK_SIZE = 256 * 1024
"""Bytes read and fed at a time by :meth:`Input.feed_file` (as the CLI does)."""

Source = Union[str, "os.PathLike[str]", IO[bytes]]
"""A path to a file, or a binary stream opened by the caller."""


class Limit(enum.IntEnum):
    """``diag_limit``: the caps that bound a session's work and memory."""

    LINE_BYTES = 0
    """Longest line kept (default 65536, minimum 64); longer ones are unparsed ``too-long``."""
    EVIDENCE = 1
    """Evidence lines kept per symptom or benign rule (default 5)."""
    UNPARSED_SAMPLES = 2
    """Unparsed-line samples kept per input (default 10)."""
    MEMORY_BYTES = 3
    """Bytes the session may hold at once (default 256 MiB; 0: no budget)."""
    EVIDENCE_TEXT_BYTES = 4
    """Bytes of text kept per evidence line (default 4096)."""
    REGEX_STEPS = 5
    """Backtracking steps one KB regex may take on one field (default 100000, minimum 100)."""
    TRACKED_KEYS = 6
    """Aggregation entries (groups, open keys, records in a window) held at once (default 10000)."""

    @property
    def key(self) -> str:
        """The name the JSON ``limits`` object uses, e.g. ``"line_bytes"`` (``diag_limit_name``)."""
        return limit_name(self)


class UnparsedReason(enum.IntEnum):
    """``diag_unparsed_reason``: why a line produced no record."""

    TOO_LONG = 0
    """Longer than :attr:`Limit.LINE_BYTES`."""
    FIELD_COUNT = 1
    """Field count differs from the layout."""
    NO_LAYOUT = 2
    """No layout is known for the line."""
    BAD_DIRECTIVE = 3
    """A malformed header or directive line."""
    BAD_ENCODING = 4
    """Text that is not valid in the input's encoding."""

    @property
    def key(self) -> str:
        """The stable name, e.g. ``"too-long"`` (``diag_unparsed_reason_name``)."""
        return unparsed_reason_name(self)


def limit_name(which: int) -> str:
    """The JSON name of a cap (``diag_limit_name``); ValueError for an unknown cap."""
    name = _ffi.lib().diag_limit_name(int(which))
    if name is None:
        raise ValueError(f"unknown limit {which}")
    return name.decode()


def unparsed_reason_name(reason: int) -> str:
    """The stable name of an unparsed reason (``diag_unparsed_reason_name``)."""
    name = _ffi.lib().diag_unparsed_reason_name(int(reason))
    if name is None:
        raise ValueError(f"unknown unparsed reason {reason}")
    return name.decode()


@dataclass(frozen=True)
class UnparsedSample:
    """A kept sample of a line that produced no record."""

    line: int
    """Its line number."""
    reason: UnparsedReason
    """Why it was not parsed."""


@dataclass(frozen=True)
class UnparsedLine:
    """A line that produced no record, as the unparsed callback receives it."""

    input: str
    """The name of the input it came from."""
    line: int
    """1-based line number."""
    offset: int
    """Byte offset of the line."""
    reason: UnparsedReason
    """Why it was not parsed."""
    raw: bytes
    """The line (cut to the line limit)."""

    @property
    def text(self) -> str:
        """:attr:`raw` as text (UTF-8; invalid bytes become U+FFFD)."""
        return self.raw.decode("utf-8", "replace")


RecordCallback = Callable[[Record], Any]
"""Receives each parsed record (a :class:`RecordView` with ``copy=False``); true stops."""
UnparsedCallback = Callable[[UnparsedLine], Any]
"""Receives each line that produced no record; a true return value stops the feed."""
FindingEvent = Literal["new", "update"]
"""Why a finding callback fires (``diag_finding_event``): ``"new"`` when the finding first
reaches the minimum confidence, ``"update"`` when an announced one changed materially."""
FindingCallback = Callable[[Finding, FindingEvent], Any]
"""Receives each new or updated finding, as a copy, and why; its return value is ignored."""

_EVENTS: Dict[int, FindingEvent] = {_ffi.DIAG_FINDING_NEW: "new",
                                    _ffi.DIAG_FINDING_UPDATE: "update"}


def _name_of(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fsdecode(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def _encode_name(name: str) -> bytes:
    """A name as C gets it: UTF-8, with the undecodable bytes of an OS path restored."""
    return name.encode("utf-8", "surrogateescape")


class Input:
    """One input of a session (``diag_input``), owned by the session.

    Feed it bytes with :meth:`feed` or a whole file with :meth:`feed_file`,
    then :meth:`end` it. Its statistics are live. As a context manager it
    ends itself when the block completes.
    """

    def __init__(self, session: "Session", ptr: int) -> None:
        """Wraps a ``diag_input *`` of *session* (use :meth:`Session.open_input`)."""
        self._session = session
        self._ptr = ptr
        self._ended = False

    def _p(self) -> int:
        self._session._p()  # raises once the session is closed
        return self._ptr

    @property
    def session(self) -> "Session":
        """The session the input belongs to."""
        return self._session

    # -- feeding -----------------------------------------------------------

    def feed(self, data: Union[bytes, bytearray, memoryview]) -> None:
        """Feeds the next bytes (``diag_input_feed``); chunks may split lines anywhere.

        Raises :class:`~libdiag.UnsupportedInput` once the input is known to be
        in a format libdiag does not read, :class:`~libdiag.StateError` after
        :meth:`end`, :class:`~libdiag.LimitError` or
        :class:`~libdiag.OutOfMemory` when memory ran out, and
        :class:`~libdiag.CallbackError` (or the callback's exception) when a
        callback stopped it. Lines that cannot be parsed never raise.
        """
        chunk = data if isinstance(data, bytes) else bytes(data)
        err = _ffi.new_error()
        with self._session._calling("feed"):
            status = _ffi.lib().diag_input_feed(self._p(), chunk, len(chunk), ctypes.byref(err))
        check(status, err, f"feeding {self.name}")

    def feed_file(self, source: Source, *, chunk_size: int = CHUNK_SIZE) -> None:
        """Feeds everything in *source* (a path or a binary stream), without ending the input.

        A path that cannot be opened or read raises :class:`~libdiag.IoError`.
        """
        if isinstance(source, (str, os.PathLike)):
            try:
                stream = open(source, "rb")
            except OSError as e:
                raise IoError(f"cannot open: {e.strerror}", input=_name_of(source)) from e
            with stream:
                self._feed_stream(stream, chunk_size, _name_of(source))
        else:
            self._feed_stream(source, chunk_size, _name_of(source))

    def _feed_stream(self, stream: IO[bytes], chunk_size: int, name: str) -> None:
        while True:
            try:
                chunk = stream.read(chunk_size)
            except OSError as e:
                raise IoError(f"read error: {e.strerror or e}", input=name) from e
            if not chunk:
                return
            self.feed(chunk)

    def end(self) -> None:
        """Ends the input (``diag_input_end``): its last partial line is processed.

        Raises as :meth:`feed`; :class:`~libdiag.StateError` when already ended.
        """
        err = _ffi.new_error()
        ptr = self._p()
        with self._session._calling("end an input"):
            self._ended = True
            status = _ffi.lib().diag_input_end(ptr, ctypes.byref(err))
        check(status, err, f"ending {self.name}")

    def reopen(self) -> None:
        """Starts the input over on a new file of the same name, such as a log that was
        rotated (``diag_input_reopen``); the input may be ended or not.

        The old file's partial last line is processed first (as by
        :meth:`end`); then line numbers restart at 1, the format is detected
        afresh (or stays forced) and header state is forgotten. The session's
        matches and findings are kept and the input's statistics keep
        counting. Afterwards the input is fed again and ended as usual. Raises
        as :meth:`end` would for the old file.
        """
        require_feature("input_reopen")
        err = _ffi.new_error()
        ptr = self._p()
        with self._session._calling("reopen an input"):
            self._ended = False
            status = _ffi.lib().diag_input_reopen(ptr, ctypes.byref(err))
        check(status, err, f"reopening {self.name}")

    @property
    def ended(self) -> bool:
        """Whether :meth:`end` was called (and :meth:`reopen` not since)."""
        return self._ended

    def __enter__(self) -> "Input":
        """Returns the input itself."""
        return self

    def __exit__(self, exc_type: Optional[type], exc: Optional[BaseException],
                 tb: Any) -> None:
        """Ends the input unless it was ended or the block raised (then it is left as it is:
        ending would run the callbacks again)."""
        if exc_type is None and not self._ended and not self._session.closed:
            self.end()

    # -- statistics ----------------------------------------------------------

    @property
    def name(self) -> str:
        """The name evidence and errors cite (``diag_input_name``)."""
        return _ffi.text(_ffi.lib().diag_input_name(self._p())) or ""

    @property
    def format(self) -> Optional[str]:
        """The format's name, or None while undetected or when unsupported."""
        return _ffi.text(_ffi.lib().diag_input_format(self._p()))

    @property
    def bytes_fed(self) -> int:
        """Bytes fed so far (``diag_input_bytes``)."""
        return int(_ffi.lib().diag_input_bytes(self._p()))

    @property
    def lines(self) -> int:
        """Complete lines seen so far (the partial last line counts once ended)."""
        return int(_ffi.lib().diag_input_lines(self._p()))

    @property
    def records(self) -> int:
        """Records parsed so far."""
        return int(_ffi.lib().diag_input_records(self._p()))

    @property
    def unparsed(self) -> int:
        """Lines that produced no record, all reasons together."""
        return int(_ffi.lib().diag_input_unparsed(self._p()))

    @property
    def unparsed_by_reason(self) -> Dict[UnparsedReason, int]:
        """Unparsed lines per reason, for every reason (zeros included)."""
        lib, p = _ffi.lib(), self._p()
        return {r: int(lib.diag_input_unparsed_by_reason(p, r)) for r in UnparsedReason}

    @property
    def unparsed_samples(self) -> List[UnparsedSample]:
        """The unparsed lines kept as samples, in line order."""
        lib, p = _ffi.lib(), self._p()
        out = []
        for i in range(lib.diag_input_unparsed_sample_count(p)):
            line, reason = ctypes.c_uint64(), ctypes.c_int()
            check(lib.diag_input_unparsed_sample_at(p, i, ctypes.byref(line), ctypes.byref(reason)),
                  None, f"unparsed sample {i}")
            out.append(UnparsedSample(int(line.value), UnparsedReason(reason.value)))
        return out

    @property
    def error(self) -> Optional[ErrorInfo]:
        """Why the input could not be read (e.g. an unsupported format), or None."""
        e = _ffi.lib().diag_input_error(self._p())
        return ErrorInfo.from_c(e.contents) if e else None

    def __repr__(self) -> str:
        """``<Input 'ex.log' w3c lines=611 records=607 unparsed=0>``."""
        if self._session.closed:
            return "<Input (session closed)>"
        state = " ended" if self._ended else ""
        error = " error" if self.error else ""
        return (f"<Input {self.name!r} {self.format or '-'} lines={self.lines} "
                f"records={self.records} unparsed={self.unparsed}{state}{error}>")


class Session:
    """A diagnosis in progress (``diag_session``); a context manager that closes it.

    *kb* is the knowledge base to diagnose with, or None to only parse; it is
    frozen, and must stay open until the session is closed (the session keeps
    a reference). *allocator* routes the session's allocations through an
    :class:`~libdiag.Allocator`. *min_confidence*, *limits*, *on_record*,
    *on_unparsed* and *on_finding* do what the methods of the same names do.
    """

    def __init__(self, kb: Optional[KnowledgeBase] = None, *,
                 allocator: Optional[Allocator] = None,
                 min_confidence: Optional[float] = None,
                 limits: Optional[Mapping[Limit, int]] = None,
                 on_record: Optional[RecordCallback] = None,
                 on_unparsed: Optional[UnparsedCallback] = None,
                 on_finding: Optional[FindingCallback] = None) -> None:
        """Creates the session (``diag_session_new``)."""
        if on_finding is not None:
            require_feature("finding_callback")
        lib = _ffi.lib()
        out = ctypes.c_void_p()
        err = _ffi.new_error()
        kb_ptr = kb._p() if kb is not None else None
        status = lib.diag_session_new(ctypes.byref(out), kb_ptr,
                                      allocator.as_parameter() if allocator else None,
                                      ctypes.byref(err))
        check(status, err, "creating a session")
        if kb is not None:
            kb._session_opened()
        self._kb = kb
        self._trap = Trap()
        self._inputs: Dict[int, Input] = {}
        self._record_thunk: Any = None
        self._unparsed_thunk: Any = None
        self._finding_thunk: Any = None
        self._busy = False
        self._allocator = allocator
        self._builders: Dict[str, RecordBuilder] = {}
        self._handle = Owned(self, out.value, lib.diag_session_free,
                             on_free=kb._session_closed if kb is not None else None,
                             keepalive=(allocator, kb))
        if min_confidence is not None:
            self.min_confidence = min_confidence
        for which, value in (limits or {}).items():
            self.set_limit(which, value)
        if on_record is not None:
            self.set_record_callback(on_record)
        if on_unparsed is not None:
            self.set_unparsed_callback(on_unparsed)
        if on_finding is not None:
            self.set_finding_callback(on_finding)

    # -- lifetime ----------------------------------------------------------

    def _p(self) -> int:
        ptr = self._handle.ptr
        if ptr is None:
            raise StateError("the session is closed")
        return ptr

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has freed the session."""
        return self._handle.ptr is None

    def close(self) -> None:
        """Frees the session, its inputs and findings (``diag_session_free``); idempotent."""
        self._handle.close()
        self._record_thunk = self._unparsed_thunk = self._finding_thunk = None
        for builder in self._builders.values():
            builder.close()
        self._builders.clear()

    @contextlib.contextmanager
    def _calling(self, what: str) -> Iterator[None]:
        """Brackets a C call that may run callbacks: refuses a call from inside one of them,
        and re-raises a callback's exception once the C call has returned."""
        if self._busy:
            raise StateError(f"cannot {what} of a session from inside one of its callbacks")
        self._busy = True
        try:
            yield
        finally:
            self._busy = False
        self._trap.reraise()

    def __enter__(self) -> "Session":
        """Returns the session itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Closes the session."""
        self.close()

    @property
    def kb(self) -> Optional[KnowledgeBase]:
        """The knowledge base, or None for a parse-only session."""
        return self._kb

    # -- settings ----------------------------------------------------------

    @property
    def min_confidence(self) -> float:
        """The confidence a finding needs to be conclusive (default 0.5), in [0, 1]."""
        return float(_ffi.lib().diag_session_min_confidence(self._p()))

    @min_confidence.setter
    def min_confidence(self, value: float) -> None:
        check(_ffi.lib().diag_session_set_min_confidence(self._p(), float(value)), None,
              f"min_confidence must be a number from 0 to 1, not {value!r}")

    def set_limit(self, which: Limit, value: int) -> None:
        """Sets a cap (``diag_session_set_limit``) before feeding; inputs already open keep
        their line limit. Raises :class:`~libdiag.InvalidArgument` when out of range."""
        which = Limit(which)
        if value < 0:
            check(-1, None, f"invalid value {value} for limit {which.key}")
        check(_ffi.lib().diag_session_set_limit(self._p(), which, int(value)), None,
              f"invalid value {value} for limit {which.key}")

    def limit(self, which: Limit) -> int:
        """A cap's current value (``diag_session_limit``)."""
        return int(_ffi.lib().diag_session_limit(self._p(), Limit(which)))

    def limit_hits(self, which: Limit) -> int:
        """How many times a cap was hit so far (``diag_session_limit_hits``)."""
        return int(_ffi.lib().diag_session_limit_hits(self._p(), Limit(which)))

    @property
    def limits(self) -> Dict[Limit, int]:
        """Every cap and its value."""
        return {w: self.limit(w) for w in Limit}

    @property
    def hits(self) -> Dict[Limit, int]:
        """Every cap and how often it was hit (the JSON ``limits`` object lists nonzero ones)."""
        return {w: self.limit_hits(w) for w in Limit}

    # -- callbacks ---------------------------------------------------------

    def set_record_callback(self, fn: Optional[RecordCallback], *, copy: bool = True) -> None:
        """Calls *fn* for every parsed record, before it is matched (None removes it).

        With *copy* (the default) *fn* receives a :class:`~libdiag.Record` it
        may keep; with ``copy=False`` it receives the zero-copy
        :class:`~libdiag.RecordView`, valid only during the call. A true
        return value stops the feed with :class:`~libdiag.CallbackError`.
        """
        p = self._p()
        if fn is None:
            _ffi.lib().diag_session_set_record_callback(p, _ffi.RECORD_FN(), None)
            self._record_thunk = None
            return

        def on_record(record: int, _payload: Optional[int]) -> int:
            view = RecordView(record)
            try:
                return 1 if fn(view.copy() if copy else view) else 0
            finally:
                view.invalidate()

        thunk = _ffi.RECORD_FN(self._trap.wrap(on_record, 1))
        _ffi.lib().diag_session_set_record_callback(p, thunk, None)
        self._record_thunk = thunk

    def set_unparsed_callback(self, fn: Optional[UnparsedCallback]) -> None:
        """Calls *fn* with an :class:`UnparsedLine` for every line that produced no record
        (None removes it). A true return value stops the feed."""
        p = self._p()
        lib = _ffi.lib()
        if fn is None:
            lib.diag_session_set_unparsed_callback(p, _ffi.UNPARSED_FN(), None)
            self._unparsed_thunk = None
            return

        def on_unparsed(input: int, line: int, offset: int, reason: int,
                        text: "ctypes._Pointer[ctypes.c_char]", length: int,
                        _payload: Optional[int]) -> int:
            item = UnparsedLine(_ffi.text(lib.diag_input_name(input)) or "", int(line),
                                int(offset), UnparsedReason(reason), _ffi.chars(text, length))
            return 1 if fn(item) else 0

        thunk = _ffi.UNPARSED_FN(self._trap.wrap(on_unparsed, 1))
        lib.diag_session_set_unparsed_callback(p, thunk, None)
        self._unparsed_thunk = thunk

    def set_finding_callback(self, fn: Optional[FindingCallback]) -> None:
        """Calls ``fn(finding, event)`` as findings happen (None removes it;
        ``diag_session_set_finding_callback``).

        At the end of a :meth:`Input.feed`, :meth:`Input.end`,
        :meth:`Input.reopen` or :meth:`feed_record` call that changed it, *fn*
        receives a :class:`~libdiag.Finding` copied while the C finding was
        valid (so it may be kept, and its :meth:`~libdiag.Finding.to_json` is
        the line an agent prints) and the :data:`FindingEvent`: ``"new"`` when
        the finding first reaches the minimum confidence, ``"update"`` when an
        announced finding's confidence moves by 0.01 or more, a symptom
        matches for the first time, a cause's status changes, or its matching
        records have doubled since the last announcement. Its id is stable:
        de-duplicate alerts on it. Findings already announced are not
        announced again, so set it before feeding.

        The return value is ignored. An exception raised by *fn* skips the
        later announcements of that call and propagates from it. Raises
        ``NotImplementedError`` with a library that predates the callback
        (see :mod:`libdiag.features`).
        """
        p = self._p()
        require_feature("finding_callback")
        lib = _ffi.lib()
        if fn is None:
            lib.diag_session_set_finding_callback(p, _ffi.FINDING_FN(), None)
            self._finding_thunk = None
            return
        kb = self._kb

        def on_finding(finding: int, event: int, _payload: Optional[int]) -> None:
            if kb is None:  # a parse-only session has no findings
                return
            copy = Finding.from_c(finding, kb)  # before fn: the C finding dies with this call
            fn(copy, _EVENTS.get(event, "update"))

        thunk = _ffi.FINDING_FN(self._trap.wrap(on_finding, None))
        lib.diag_session_set_finding_callback(p, thunk, None)
        self._finding_thunk = thunk

    # -- inputs ------------------------------------------------------------

    def open_input(self, name: str, format: Optional[str] = None) -> Input:
        """Opens an input (``diag_input_open``) named *name* (what evidence cites).

        *format* forces a format from :func:`libdiag.formats`; None detects it
        from the first 64 KiB. Raises :class:`~libdiag.NotFound` for an unknown
        format and :class:`~libdiag.UnsupportedInput` for one only recognised.
        """
        out = ctypes.c_void_p()
        err = _ffi.new_error()
        status = _ffi.lib().diag_input_open(ctypes.byref(out), self._p(), _encode_name(name),
                                            None if format is None else format.encode("utf-8"),
                                            ctypes.byref(err))
        check(status, err, f"opening {name}")
        return self._input(out.value)

    def _input(self, ptr: int) -> Input:
        found = self._inputs.get(ptr)
        if found is None:
            found = self._inputs[ptr] = Input(self, ptr)
        return found

    def feed_bytes(self, data: Union[bytes, bytearray, memoryview], *, name: str,
                   format: Optional[str] = None) -> Input:
        """Opens an input called *name*, feeds it *data* and ends it; returns the input."""
        with self.open_input(name, format) as inp:
            inp.feed(data)
        return inp

    def feed_file(self, source: Source, *, name: Optional[str] = None,
                  format: Optional[str] = None, chunk_size: int = CHUNK_SIZE) -> Input:
        """Opens an input, feeds it the whole of *source* (a path or a binary stream), ends it.

        *name* defaults to the path as given (or the stream's ``name``). A
        file that cannot be opened raises :class:`~libdiag.IoError` before any
        input is opened; an unsupported one raises
        :class:`~libdiag.UnsupportedInput` and stays listed, with its error,
        in :attr:`inputs`.
        """
        label = name if name is not None else _name_of(source)
        if isinstance(source, (str, os.PathLike)):
            try:
                stream = open(source, "rb")
            except OSError as e:
                raise IoError(f"cannot open: {e.strerror}", input=label) from e
            with stream:
                return self.feed_file(stream, name=label, format=format, chunk_size=chunk_size)
        with self.open_input(label, format) as inp:
            inp.feed_file(source, chunk_size=chunk_size)
        return inp

    def feed_record(self, record: RecordBuilder) -> None:
        """Feeds the record *record* holds, as if a parser had read it
        (``diag_session_feed_record``); the builder is not changed.

        The record counts under an input named after its provenance (see
        :meth:`RecordBuilder.set_provenance`; the source name by default),
        opened on first use and listed in :attr:`inputs`. Record and finding
        callbacks run as for :meth:`Input.feed`, and raise the same way.
        Raises ``NotImplementedError`` with a library that predates
        caller-built records (see :mod:`libdiag.features`).
        """
        p = self._p()
        require_feature("record_builder")
        if not isinstance(record, RecordBuilder):
            raise TypeError(f"feed_record takes a RecordBuilder, not {type(record).__name__}; "
                            f"feed_fields() takes a mapping")
        err = _ffi.new_error()
        with self._calling("feed a record"):
            status = _ffi.lib().diag_session_feed_record(p, record._p(), ctypes.byref(err))
        check(status, err, f"feeding a {record.source} record")

    def feed_fields(self, source: str, fields: Mapping[str, BuiltValue], *,
                    input: Optional[str] = None, line: int = 0,
                    text: Union[str, bytes, None] = None) -> None:
        """Builds a record of *source* from *fields* and feeds it (see :meth:`feed_record`).

        *input*, *line* and *text* are its provenance
        (:meth:`RecordBuilder.set_provenance`). The session keeps one builder
        per source for these calls, so a stream of records allocates little.
        Raises :class:`~libdiag.NotFound` for an unknown source or field.
        """
        self._p()
        require_feature("record_builder")
        builder = self._builders.get(source)
        if builder is None:
            builder = RecordBuilder(source, allocator=self._allocator)
            self._builders[source] = builder
        builder.clear().update(fields)
        builder.set_provenance(input, line, text)
        self.feed_record(builder)

    @property
    def inputs(self) -> List[Input]:
        """Every input opened, in opening order."""
        lib, p = _ffi.lib(), self._p()
        return [self._input(lib.diag_session_input_at(p, i))
                for i in range(lib.diag_session_input_count(p))]

    # -- findings ----------------------------------------------------------

    def all_findings(self) -> List[Finding]:
        """Every finding, conclusive or not, most confident first (then by id)."""
        lib, p = _ffi.lib(), self._p()
        if self._kb is None:
            return []
        return [Finding.from_c(lib.diag_session_finding_at(p, i), self._kb)
                for i in range(lib.diag_session_finding_count(p))]

    @property
    def findings(self) -> List[Finding]:
        """The findings that reach the minimum confidence, most confident first."""
        return [f for f in self.all_findings() if f.conclusive]

    @property
    def inconclusive(self) -> List[Finding]:
        """The findings below the minimum confidence."""
        return [f for f in self.all_findings() if not f.conclusive]

    @property
    def benign(self) -> List[Match]:
        """The benign look-alikes set aside, one per rule that matched, in KB order."""
        lib, p = _ffi.lib(), self._p()
        return [Match.from_c(lib.diag_session_benign_at(p, i))
                for i in range(lib.diag_session_benign_count(p))]

    @property
    def found(self) -> bool:
        """True when at least one finding is conclusive (``diagnose`` then exits 1)."""
        return any(f.conclusive for f in self.all_findings())

    # -- rendering ---------------------------------------------------------

    def render_json(self, write: Writer, *, compact: bool = False) -> None:
        """Streams the JSON document to *write*, e.g. ``sys.stdout.buffer.write``."""
        render_json(self._p(), write, compact=compact)

    def render_text(self, write: Writer) -> None:
        """Streams the text report to *write*."""
        render_text(self._p(), write)

    def to_json(self, compact: bool = False) -> str:
        """The JSON document ``diagnose --json`` prints (``diag_render_json``)."""
        return collect(lambda w: self.render_json(w, compact=compact)).decode("utf-8")

    def to_text(self) -> str:
        """The text report ``diagnose`` prints (``diag_render_text``)."""
        return collect(self.render_text).decode("utf-8", "replace")

    def __repr__(self) -> str:
        """``<Session inputs=1 findings=1 kb=5 problems>`` or ``<Session closed>``."""
        if self.closed:
            return "<Session closed>"
        kb = f"kb={len(self._kb)} problems" if self._kb is not None else "parse-only"
        return (f"<Session inputs={len(self.inputs)} findings={len(self.findings)} "
                f"inconclusive={len(self.inconclusive)} {kb}>")
