"""Rendering a session's diagnosis as JSON or as text for people.

The JSON document follows ``docs/json-output.md`` and is byte for byte what
``diagnose --json`` prints for the same inputs. Output arrives in pieces
through a write function, so a large document can be streamed.
"""

from __future__ import annotations

import ctypes
from typing import Any, Callable, List, Optional

from . import _ffi
from ._trap import Trap
from .errors import check

__all__ = ["render_json", "render_text", "render_finding_json", "Writer"]

Writer = Callable[[bytes], Any]
"""A function that receives output bytes (its return value is ignored), e.g. ``stream.write``."""


def _render(call: str, ptr: int, flags: int, write: Writer) -> None:
    trap = Trap()

    def on_write(data: "ctypes._Pointer[ctypes.c_char]", length: int,
                 _payload: Optional[int]) -> int:
        write(_ffi.chars(data, length))
        return 0

    fn = _ffi.WRITE_FN(trap.wrap(on_write, -1))
    err = _ffi.new_error()
    status = getattr(_ffi.lib(), call)(ptr, flags, fn, None, ctypes.byref(err))
    trap.reraise()  # the writer's own exception, e.g. BrokenPipeError, wins over EIO
    check(status, err, "rendering")


def render_json(session_ptr: int, write: Writer, *, compact: bool = False) -> None:
    """Writes the JSON document of a ``diag_session *`` to *write* (``diag_render_json``)."""
    _render("diag_render_json", session_ptr, _ffi.DIAG_RENDER_COMPACT if compact else 0, write)


def render_text(session_ptr: int, write: Writer) -> None:
    """Writes the text report of a ``diag_session *`` to *write* (``diag_render_text``)."""
    _render("diag_render_text", session_ptr, 0, write)


def render_finding_json(finding_ptr: int, write: Writer, *, compact: bool = False) -> None:
    """Writes one ``diag_finding *`` as the JSON object of the document's ``findings`` array,
    followed by a newline (``diag_render_finding_json``).

    The finding is borrowed from its session: call this only while it is
    valid, e.g. inside a finding callback. :class:`~libdiag.Finding` objects
    carry their JSON already (:meth:`~libdiag.Finding.to_json`).
    """
    _render("diag_render_finding_json", finding_ptr,
            _ffi.DIAG_RENDER_COMPACT if compact else 0, write)


def collect(render: Callable[[Writer], None]) -> bytes:
    """Runs *render* with a writer that collects the output, and returns it."""
    parts: List[bytes] = []
    render(parts.append)
    return b"".join(parts)
