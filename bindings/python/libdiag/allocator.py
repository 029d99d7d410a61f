"""Memory hooks: route every allocation of a knowledge base or session through Python.

libdiag takes a ``diag_allocator`` (``allocate``, ``reallocate``,
``deallocate``) when a knowledge base or session is created.
:class:`Allocator` builds that struct from three Python methods; the default
methods call the C library's ``malloc``, ``realloc`` and ``free``.
:class:`CountingAllocator` counts live blocks and bytes and can fail on
purpose, which is how the test suite proves that nothing leaks and that
out-of-memory is reported as :class:`~libdiag.OutOfMemory`.

Hooks run on whichever thread uses the handle and are slow compared with
the C library's; use them for accounting and tests, not for speed. A hook
must not raise: an exception in ``allocate`` or ``reallocate`` is reported
to libdiag as a failed allocation, and one in ``deallocate`` is swallowed.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Dict, Optional

from . import _ffi

__all__ = ["Allocator", "CountingAllocator"]

_libc = ctypes.CDLL(None)
_malloc = _libc.malloc
_malloc.restype = ctypes.c_void_p
_malloc.argtypes = [ctypes.c_size_t]
_realloc = _libc.realloc
_realloc.restype = ctypes.c_void_p
_realloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_free = _libc.free
_free.restype = None
_free.argtypes = [ctypes.c_void_p]


class Allocator:
    """Memory hooks for :class:`~libdiag.KnowledgeBase` and :class:`~libdiag.Session`.

    Subclass it and override :meth:`allocate`, :meth:`reallocate` and
    :meth:`deallocate`; addresses are Python ints and a failed allocation is
    ``None``. Pass the same instance to any number of handles: each keeps a
    reference until it is closed.
    """

    def __init__(self) -> None:
        """Builds the C struct whose hooks call this object's methods."""
        def allocate(size: int, _user: Optional[int]) -> Optional[int]:
            try:
                return self.allocate(size)
            except BaseException:  # never let an exception cross into C
                return None

        def reallocate(ptr: Optional[int], size: int, _user: Optional[int]) -> Optional[int]:
            try:
                return self.reallocate(ptr, size)
            except BaseException:
                return None

        def deallocate(ptr: Optional[int], _user: Optional[int]) -> None:
            try:
                self.deallocate(ptr)
            except BaseException:
                pass

        # The ctypes thunks must live as long as any handle uses them: they
        # are attributes of this object, which every such handle references.
        self._thunks = (_ffi.ALLOCATE_FN(allocate), _ffi.REALLOCATE_FN(reallocate),
                        _ffi.DEALLOCATE_FN(deallocate))
        self._struct = _ffi.DiagAllocator(self._thunks[0], self._thunks[1], self._thunks[2], None)

    def allocate(self, size: int) -> Optional[int]:
        """Like ``malloc``: the address of *size* new bytes, or None on failure."""
        return _malloc(size)

    def reallocate(self, address: Optional[int], size: int) -> Optional[int]:
        """Like ``realloc``: resizes the block at *address* (None allocates); None on failure."""
        return _realloc(address, size)

    def deallocate(self, address: Optional[int]) -> None:
        """Like ``free``: releases the block at *address*; None does nothing."""
        _free(address)

    def as_parameter(self) -> "_ffi.DiagAllocatorPointer":
        """A pointer to the ``diag_allocator`` struct, for the C functions that take one."""
        return ctypes.pointer(self._struct)

    def __repr__(self) -> str:
        """``<Allocator>``."""
        return f"<{type(self).__name__}>"


class CountingAllocator(Allocator):
    """An :class:`Allocator` that counts blocks and bytes, and can fail on purpose.

    :attr:`live` and :attr:`live_bytes` return to 0 once every handle using
    the allocator is closed: that is the leak check; :attr:`bad_frees`
    counts frees of blocks it does not hold. With *fail_after* set,
    every allocation after that many successful ones fails, so out-of-memory
    paths can be tested.
    """

    def __init__(self, fail_after: Optional[int] = None) -> None:
        """Creates the allocator: *fail_after* allocations succeed, then all fail (None: never)."""
        super().__init__()
        self.fail_after: Optional[int] = fail_after
        """Allocations allowed before every further one fails (None: no failures)."""
        self.live: int = 0
        """Blocks currently allocated."""
        self.live_bytes: int = 0
        """Bytes currently allocated."""
        self.peak_bytes: int = 0
        """Most bytes allocated at once."""
        self.allocations: int = 0
        """Successful allocations and reallocations so far."""
        self.failures: int = 0
        """Allocations refused because of :attr:`fail_after`."""
        self.bad_frees: int = 0
        """Frees of a block this allocator does not hold (a double free); never passed on."""
        self._sizes: Dict[int, int] = {}
        self._lock = threading.Lock()

    def _refuse(self) -> bool:
        if self.fail_after is not None and self.allocations >= self.fail_after:
            self.failures += 1
            return True
        return False

    def allocate(self, size: int) -> Optional[int]:
        """Allocates with ``malloc`` and counts the block."""
        with self._lock:
            if self._refuse():
                return None
            address = _malloc(size or 1)
            if address:
                self._track(None, address, size)
            return address

    def reallocate(self, address: Optional[int], size: int) -> Optional[int]:
        """Reallocates with ``realloc`` and updates the counts."""
        with self._lock:
            if self._refuse():
                return None
            moved = _realloc(address, size or 1)
            if moved:
                self._track(address, moved, size)
            return moved

    def deallocate(self, address: Optional[int]) -> None:
        """Frees with ``free`` and uncounts the block."""
        if not address:
            return
        with self._lock:
            size = self._sizes.pop(address, None)
            if size is None:
                self.bad_frees += 1
                return
            self.live -= 1
            self.live_bytes -= size
            _free(address)

    def _track(self, old: Optional[int], new: int, size: int) -> None:
        if old:
            self.live_bytes -= self._sizes.pop(old)
            self.live -= 1
        self._sizes[new] = size
        self.live += 1
        self.live_bytes += size
        self.allocations += 1
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)

    def __repr__(self) -> str:
        """``<CountingAllocator live=0 live_bytes=0 allocations=1234>``."""
        return (f"<CountingAllocator live={self.live} live_bytes={self.live_bytes} "
                f"allocations={self.allocations}>")
