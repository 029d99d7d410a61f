"""Which optional parts of the C API the loaded library and this binding support.

Later libdiag versions add live finding callbacks and caller-built records.
The binding's API already has their place (``Session(on_finding=...)``,
:meth:`Session.set_finding_callback`, :meth:`Session.feed_record`); they
raise ``NotImplementedError`` until both the loaded library exports the C
functions and this binding knows their prototypes.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Optional

from . import _ffi

__all__ = ["FEATURES", "has_feature", "require_feature"]

FEATURES: Dict[str, Optional[str]] = {
    "finding_callback": "diag_session_set_finding_callback",
    "record_builder": None,
}
"""Each optional feature and the C function that announces it (None: not yet named)."""

_BOUND: FrozenSet[str] = frozenset()
"""Features whose C prototypes this binding version declares (none in libdiag 0.1)."""

_WHAT = {
    "finding_callback": "live finding callbacks",
    "record_builder": "caller-built records",
}


def has_feature(name: str) -> bool:
    """Whether feature *name* (a key of :data:`FEATURES`) can be used now."""
    if name not in FEATURES:
        raise ValueError(f"unknown feature {name!r}; known: {', '.join(sorted(FEATURES))}")
    symbol = FEATURES[name]
    return name in _BOUND and symbol is not None and _ffi.has_symbol(symbol)


def require_feature(name: str) -> None:
    """Raises ``NotImplementedError`` with the reason when feature *name* is unavailable."""
    if has_feature(name):
        return
    symbol = FEATURES[name]
    library = _ffi.current()
    version = library.version if library else "(none loaded)"
    if symbol is not None and _ffi.has_symbol(symbol):
        raise NotImplementedError(
            f"{_WHAT[name]}: libdiag {version} provides {symbol}, but this Python binding "
            f"predates it; upgrade the binding")
    raise NotImplementedError(
        f"{_WHAT[name]} are not yet available in this libdiag version ({version}); the C API "
        f"adds them in a later release")
