"""Build hooks of the libdiag binding: the version comes from include/libdiag/version.h.

setuptools reads everything else from pyproject.toml. This file only (1)
takes the version from the project's single version file, and (2) ships a
copy of that header inside the built package (and the sdist), so the
installed package reads the very same file at run time.
"""

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent


def version_header() -> Path:
    """The repository's version.h, or the copy an sdist carries."""
    for candidate in (HERE.parent.parent / "include" / "libdiag" / "version.h",
                      HERE / "libdiag" / "version.h"):
        if candidate.is_file():
            return candidate
    raise SystemExit("libdiag: include/libdiag/version.h not found; build the binding from the "
                     "libdiag source tree (pip install bindings/python)")


def read_version() -> str:
    """major.minor.patch from the DIAG_VERSION_* macros."""
    text = version_header().read_text(encoding="utf-8")
    parts = dict(re.findall(r"^#define DIAG_VERSION_(MAJOR|MINOR|PATCH) ([0-9]+)\s*$", text,
                            re.MULTILINE))
    return "{MAJOR}.{MINOR}.{PATCH}".format(**parts)


class BuildPy(build_py):
    """build_py that also copies version.h into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "libdiag" / "version.h"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(version_header(), target)


class Sdist(sdist):
    """sdist that carries version.h, so a wheel can be built from it alone."""

    def make_release_tree(self, base_dir: str, files: list) -> None:
        super().make_release_tree(base_dir, files)
        target = Path(base_dir) / "libdiag" / "version.h"
        if target.exists():
            target.unlink()  # may be a hard link to the source
        shutil.copyfile(version_header(), target)


setup(version=read_version(), cmdclass={"build_py": BuildPy, "sdist": Sdist})
