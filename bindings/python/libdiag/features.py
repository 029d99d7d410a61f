"""Which optional parts of the C API the loaded library and this binding support.

libdiag 0.1 gained some functions during its series. A library built before
them still loads, and the parts of the binding that need them raise
``NotImplementedError`` (naming the library's version) instead:

- ``"finding_callback"``: live findings, ``Session(on_finding=...)``,
  :meth:`Session.set_finding_callback` and :meth:`Finding.to_json`
  (``diag_session_set_finding_callback``, ``diag_render_finding_json``);
- ``"record_builder"``: caller-built records, :class:`RecordBuilder`,
  :meth:`Session.feed_record` and :meth:`Session.feed_fields`
  (``diag_record_builder_*``, ``diag_session_feed_record``);
- ``"input_reopen"``: :meth:`Input.reopen` for rotated logs (``diag_input_reopen``).
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

from . import _ffi

__all__ = ["FEATURES", "has_feature", "require_feature"]

FEATURES: Dict[str, Optional[str]] = {
    "finding_callback": "diag_session_set_finding_callback",
    "record_builder": "diag_record_builder_new",
    "input_reopen": "diag_input_reopen",
}
"""Each optional feature and the C function that announces it."""

_NEEDS: Dict[str, Tuple[str, ...]] = {
    "finding_callback": ("diag_session_set_finding_callback", "diag_render_finding_json"),
    "record_builder": ("diag_record_builder_new", "diag_record_builder_free",
                       "diag_record_builder_clear", "diag_record_builder_set",
                       "diag_record_builder_set_int", "diag_record_builder_set_provenance",
                       "diag_session_feed_record"),
    "input_reopen": ("diag_input_reopen",),
}
"""Every C function each feature needs; the binding declares all of them."""

_WHAT = {
    "finding_callback": "live finding callbacks",
    "record_builder": "caller-built records",
    "input_reopen": "reopening an input",
}


def has_feature(name: str) -> bool:
    """Whether feature *name* (a key of :data:`FEATURES`) can be used now, i.e. the loaded
    library exports every C function it needs (False when no library is loaded)."""
    if name not in FEATURES:
        raise ValueError(f"unknown feature {name!r}; known: {', '.join(sorted(FEATURES))}")
    return all(_ffi.has_symbol(symbol) for symbol in _NEEDS[name])


def require_feature(name: str) -> None:
    """Raises ``NotImplementedError`` with the reason when feature *name* is unavailable."""
    if has_feature(name):
        return
    version = _ffi.lib().version  # LibraryError when none is loaded
    lacking = [symbol for symbol in _NEEDS[name] if not _ffi.has_symbol(symbol)]
    raise NotImplementedError(
        f"{_WHAT[name]}: not yet available in this libdiag version ({version}), which lacks "
        f"{', '.join(lacking)}; use a later libdiag "
        f"{version.rsplit('.', 1)[0]}.x library")
