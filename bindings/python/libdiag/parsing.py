"""Parsing without diagnosing: iterate the typed records of a file or stream.

:func:`parse` runs a parse-only session (no knowledge base) with a record
callback, feeding the source a chunk at a time and handing out the records
of each chunk as it goes, so memory stays bounded whatever the file size::

    with libdiag.parse("ex090115.log") as records:
        for r in records:
            if r["sc-status"] == 401:
                print(r.line, r["cs-uri-stem"], r["sc-win32-status"].symbol)
        print(records.input.unparsed, "lines not parsed")
"""

from __future__ import annotations

import collections
import os
from typing import IO, Deque, Iterator, Mapping, Optional, Union

from .allocator import Allocator
from .errors import IoError
from .records import Record
from .session import CHUNK_SIZE, Input, Limit, Session, Source, UnparsedCallback, _name_of

__all__ = ["parse", "RecordStream"]


class RecordStream(Iterator[Record]):
    """An iterator over the :class:`~libdiag.Record` objects of one source.

    A context manager: leaving the block (or :meth:`close`) frees the
    session behind it. :attr:`input` gives the input's statistics (lines,
    unparsed lines, detected format) until then.
    """

    def __init__(self, source: Union[Source, bytes], *, format: Optional[str] = None,
                 name: Optional[str] = None, chunk_size: int = CHUNK_SIZE,
                 on_unparsed: Optional[UnparsedCallback] = None,
                 limits: Optional[Mapping[Limit, int]] = None,
                 allocator: Optional[Allocator] = None) -> None:
        """Opens *source* (see :func:`parse`) and the session that parses it."""
        self._stream: Optional[IO[bytes]] = None
        self._owns_stream = False
        if isinstance(source, (bytes, bytearray, memoryview)):
            label = name if name is not None else "<bytes>"
        else:
            label = name if name is not None else _name_of(source)
            if isinstance(source, (str, os.PathLike)):
                try:
                    self._stream = open(source, "rb")
                except OSError as e:
                    raise IoError(f"cannot open: {e.strerror}", input=label) from e
                self._owns_stream = True
            else:
                self._stream = source
        self._pending: Deque[Record] = collections.deque()
        try:
            self._session = Session(None, allocator=allocator, limits=limits,
                                    on_record=self._pending.append, on_unparsed=on_unparsed)
            self._input = self._session.open_input(label, format)
        except BaseException:
            self._close_stream()
            raise
        self._data: Optional[memoryview] = None
        if self._stream is None:
            self._data = memoryview(bytes(source))  # type: ignore[arg-type]
        self._chunk_size = chunk_size
        self._records = self._run()

    def _chunks(self) -> Iterator[bytes]:
        if self._data is not None:
            for start in range(0, len(self._data), self._chunk_size):
                yield bytes(self._data[start:start + self._chunk_size])
            return
        assert self._stream is not None
        while True:
            try:
                chunk = self._stream.read(self._chunk_size)
            except OSError as e:
                raise IoError(f"read error: {e.strerror or e}", input=self._input.name) from e
            if not chunk:
                return
            yield chunk

    def _run(self) -> Iterator[Record]:
        try:
            for chunk in self._chunks():
                self._input.feed(chunk)
                while self._pending:
                    yield self._pending.popleft()
            self._input.end()
            while self._pending:
                yield self._pending.popleft()
        finally:
            self._close_stream()

    def _close_stream(self) -> None:
        if self._owns_stream and self._stream is not None:
            self._stream.close()
        self._stream = None

    def __iter__(self) -> "RecordStream":
        """The stream itself."""
        return self

    def __next__(self) -> Record:
        """The next record; raises the feed's error (e.g. UnsupportedInput) when there is one."""
        return next(self._records)

    @property
    def input(self) -> Input:
        """The input being parsed: format, lines, records, unparsed lines (live until closed)."""
        return self._input

    @property
    def session(self) -> Session:
        """The parse-only session behind the stream."""
        return self._session

    def close(self) -> None:
        """Stops parsing and frees the session; idempotent."""
        self._records.close()
        self._close_stream()
        self._session.close()

    def __enter__(self) -> "RecordStream":
        """Returns the stream itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Closes the stream."""
        self.close()

    def __repr__(self) -> str:
        """``<RecordStream 'ex.log'>`` or ``<RecordStream closed>``."""
        if self._session.closed:
            return "<RecordStream closed>"
        return f"<RecordStream {self._input.name!r} format={self._input.format or '-'}>"


def parse(source: Union[Source, bytes], *, format: Optional[str] = None,
          name: Optional[str] = None, chunk_size: int = CHUNK_SIZE,
          on_unparsed: Optional[UnparsedCallback] = None,
          limits: Optional[Mapping[Limit, int]] = None,
          allocator: Optional[Allocator] = None) -> RecordStream:
    """Parses *source* with a typed parser and iterates its records.

    *source* is a path (``str`` or ``pathlib.Path``), a binary stream, or the
    ``bytes`` themselves. *format* forces a format (see
    :func:`libdiag.formats`); otherwise it is detected. *name* is what the
    records' :attr:`~libdiag.Record.input` says (default: the path as given,
    the stream's name, or ``"<bytes>"``). *on_unparsed* receives each line that
    produced no record. A path that cannot be opened raises
    :class:`~libdiag.IoError` here; an unsupported input raises
    :class:`~libdiag.UnsupportedInput` during iteration.
    """
    return RecordStream(source, format=format, name=name, chunk_size=chunk_size,
                        on_unparsed=on_unparsed, limits=limits, allocator=allocator)
