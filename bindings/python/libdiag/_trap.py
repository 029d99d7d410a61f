"""Keeping Python exceptions from crossing into C.

A Python function that C calls back must not let an exception unwind
through C frames. :class:`Trap` wraps such a function: an exception is
stored, the callback returns its failure value (so C stops and returns
``DIAG_ECALLBACK`` or ``DIAG_EIO``), and :meth:`Trap.reraise` raises the
original exception once the C call has returned.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

__all__ = ["Trap"]


class Trap:
    """Holds the first exception raised by a wrapped callback until it is re-raised."""

    __slots__ = ("exception",)

    def __init__(self) -> None:
        """An empty trap."""
        self.exception: Optional[BaseException] = None

    def wrap(self, fn: Callable[..., Any], failure: Any = None) -> Callable[..., Any]:
        """*fn*, returning *failure* instead of raising (and at once after a first exception)."""
        def thunk(*args: Any) -> Any:
            if self.exception is not None:
                return failure
            try:
                return fn(*args)
            except BaseException as e:  # noqa: B902 - KeyboardInterrupt must not cross C either
                self.exception = e
                return failure
        return thunk

    def reraise(self) -> None:
        """Raises the stored exception, if any, and empties the trap."""
        e, self.exception = self.exception, None
        if e is not None:
            raise e
