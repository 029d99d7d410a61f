"""The binding's version, read from libdiag's single version file.

The project keeps its version in one place, ``include/libdiag/version.h``.
The build copies that header into the installed package; in a source tree
the package reads the repository's header directly. No second number is
ever written by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional, Tuple

__all__ = ["VERSION", "VERSION_INFO", "version_header", "read_version_header"]

_MACRO = re.compile(r"^#define DIAG_VERSION_(MAJOR|MINOR|PATCH) ([0-9]+)\s*$", re.MULTILINE)


def read_version_header(path: Path) -> Tuple[int, int, int]:
    """Returns ``(major, minor, patch)`` from the three ``DIAG_VERSION_*`` macros in *path*."""
    found = dict(_MACRO.findall(path.read_text(encoding="utf-8")))
    try:
        return int(found["MAJOR"]), int(found["MINOR"]), int(found["PATCH"])
    except KeyError as missing:
        raise RuntimeError(f"{path} lacks DIAG_VERSION_{missing.args[0]}") from None


def version_header() -> Optional[Path]:
    """The ``version.h`` this package reads: its installed copy or the source tree's."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "version.h", here.parents[2] / "include" / "libdiag" / "version.h"):
        if candidate.is_file():
            return candidate
    return None


def _read() -> Tuple[int, int, int]:
    header = version_header()
    if header is None:
        raise RuntimeError(
            "libdiag's version.h is neither installed with the package nor in the source tree; "
            "reinstall the binding with pip")
    return read_version_header(header)


VERSION_INFO: Tuple[int, int, int] = _read()
"""``(major, minor, patch)`` of the libdiag release this binding belongs to."""

VERSION: str = "%d.%d.%d" % VERSION_INFO
"""The binding's version as a string, e.g. ``"0.1.0"``."""
