"""Ownership of C handles: each is freed exactly once, by ``close()`` or when collected."""

from __future__ import annotations

import weakref
from typing import Any, Callable, Optional, Tuple

from . import _ffi

__all__ = ["Owned"]


def _release(free: Callable[[int], None], ptr: int, on_free: Optional[Callable[[], None]],
             keepalive: Tuple[Any, ...]) -> None:
    # keepalive (allocator, knowledge base) stays referenced until the C
    # handle is gone: the allocator's hooks are called by free() itself.
    del keepalive
    free(ptr)
    _ffi.handle_closed()
    if on_free is not None:
        on_free()


class Owned:
    """A C handle owned by *owner*.

    The handle is freed with *free* exactly once: by :meth:`close`, or when
    *owner* is garbage-collected, or at interpreter exit (in reverse order of
    creation, so a session goes before the knowledge base it uses). Objects
    in *keepalive* stay alive until then.
    """

    __slots__ = ("ptr", "_finalizer")

    def __init__(self, owner: object, ptr: int, free: Callable[[int], None], *,
                 on_free: Optional[Callable[[], None]] = None,
                 keepalive: Tuple[Any, ...] = ()) -> None:
        """Takes ownership of *ptr* (a non-NULL address)."""
        self.ptr: Optional[int] = ptr
        _ffi.handle_opened()
        self._finalizer = weakref.finalize(owner, _release, free, ptr, on_free, keepalive)

    @property
    def alive(self) -> bool:
        """Whether the handle is still open."""
        return self._finalizer.alive

    def close(self) -> None:
        """Frees the handle now; later calls do nothing."""
        self.ptr = None
        self._finalizer()
