"""Packaging: one version file, an offline wheel and sdist, a venv install that
mirrors ``diagnose --json``, and the pydoc reference."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import libdiag
from libdiag import _version

from conftest import ARTICLE, BINDING, INCLUDE, REPO

HEADER = INCLUDE / "version.h"
MODULES = ["libdiag", "libdiag.errors", "libdiag.codes", "libdiag.records", "libdiag.parsing",
           "libdiag.kb", "libdiag.session", "libdiag.findings", "libdiag.render",
           "libdiag.allocator", "libdiag.features", "libdiag.cli"]


def header_version():
    return "%d.%d.%d" % _version.read_version_header(HEADER)


def test_one_version_everywhere():
    assert libdiag.__version__ == header_version()
    assert _version.version_header() == HEADER.resolve()
    assert libdiag.version_info == _version.VERSION_INFO
    pyproject = (BINDING / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert "\nversion =" not in pyproject  # no second, hand-kept number


def test_setup_reads_the_header():
    p = subprocess.run([sys.executable, "setup.py", "--version"], cwd=BINDING,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == header_version()


def copy_tree(dst: Path) -> Path:
    """The binding and the version header, laid out as in the repository."""
    shutil.copytree(BINDING, dst / "bindings" / "python",
                    ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__",
                                                  ".pytest_cache"))
    (dst / "include" / "libdiag").mkdir(parents=True)
    shutil.copy(HEADER, dst / "include" / "libdiag" / "version.h")
    return dst / "bindings" / "python"


def pip(*args, cwd=None):
    p = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True,
                       cwd=cwd, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return p


@pytest.fixture(scope="module")
def offline_build():
    for module in ("pip", "setuptools", "wheel"):
        if subprocess.run([sys.executable, "-c", f"import {module}"]).returncode:
            pytest.skip(f"{module} is not installed (apt-get install python3-{module})")


def test_wheel_builds_offline_and_carries_the_header(tmp_path, offline_build):
    src = copy_tree(tmp_path / "tree")
    pip("wheel", "--no-build-isolation", "--no-deps", "--no-index", "-w", str(tmp_path / "dist"),
        str(src))
    (wheel,) = (tmp_path / "dist").glob("libdiag-*.whl")
    assert wheel.name.startswith(f"libdiag-{header_version()}-py3-none-any")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert z.read("libdiag/version.h") == HEADER.read_bytes()
        metadata = z.read(f"libdiag-{header_version()}.dist-info/METADATA").decode()
    for module in MODULES:
        path = module.replace(".", "/") + ("/__init__.py" if module == "libdiag" else ".py")
        assert path in names
    assert {"libdiag/__main__.py", "libdiag/py.typed", "libdiag/_ffi.py"} <= names
    assert not any(n.startswith("tests/") for n in names)
    assert f"Version: {header_version()}" in metadata


def test_sdist_builds_a_wheel_on_its_own(tmp_path, offline_build):
    src = copy_tree(tmp_path / "tree")
    p = subprocess.run([sys.executable, "setup.py", "-q", "sdist", "-d", str(tmp_path / "sd")],
                       cwd=src, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    (sdist,) = (tmp_path / "sd").glob("libdiag-*.tar.gz")
    shutil.unpack_archive(sdist, tmp_path / "unpacked")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    assert (unpacked / "libdiag" / "version.h").read_bytes() == HEADER.read_bytes()
    pip("wheel", "--no-build-isolation", "--no-deps", "--no-index", "-w", str(tmp_path / "dist"),
        str(unpacked))
    assert list((tmp_path / "dist").glob(f"libdiag-{header_version()}-*.whl"))


def test_venv_install_mirrors_diagnose(tmp_path, offline_build, diagnose):
    """The issue's definition of done, literally."""
    if subprocess.run([sys.executable, "-c", "import venv, ensurepip"]).returncode:
        pytest.skip("venv is not available (apt-get install python3-venv)")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, timeout=300)
    py = venv / "bin" / "python"
    src = copy_tree(tmp_path / "tree")
    p = subprocess.run([str(py), "-m", "pip", "install", "--no-build-isolation", "--no-index",
                        str(src)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["LIBDIAG_LIBRARY"] = libdiag.library_path()
    rel = os.path.relpath(ARTICLE, REPO)
    mine = subprocess.run([str(py), "-m", "libdiag", "--json", rel], capture_output=True,
                          env=env, cwd=REPO, timeout=120)
    theirs = subprocess.run([diagnose, "--json", rel], capture_output=True, cwd=REPO,
                            timeout=120)
    assert mine.returncode == theirs.returncode == 1
    assert mine.stdout == theirs.stdout
    where = subprocess.run([str(py), "-c", "import libdiag; print(libdiag.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert str(venv) in where.stdout  # the installed copy, not the source tree


def test_pydoc_reference(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(BINDING))
    p = subprocess.run([sys.executable, "-m", "pydoc", "-w", *MODULES], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    import importlib
    for module in MODULES:
        page = (tmp_path / f"{module}.html").read_text(encoding="utf-8", errors="replace")
        assert f"module {module}" in page or f"package {module}" in page
        for name in getattr(importlib.import_module(module), "__all__", []):
            assert name in page, f"{name} missing from {module}.html"
    session = (tmp_path / "libdiag.session.html").read_text(encoding="utf-8", errors="replace")
    assert "open_input" in session and "feed_file" in session
