"""Finding and loading the C library, and refusing one of another version."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import libdiag
from libdiag import _ffi

from conftest import ARTICLE, BINDING

LIBRARY = _ffi.lib().path


def python(code, **env_changes):
    env = {k: v for k, v in os.environ.items() if k not in ("LIBDIAG_LIBRARY",
                                                          "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = str(BINDING)
    env.update({k: v for k, v in env_changes.items() if v is not None})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60)


@pytest.fixture(scope="module")
def fake_library(tmp_path_factory):
    """A shared library that says it is libdiag 9.9.0."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler")
    d = tmp_path_factory.mktemp("fake")
    src = d / "fake.c"
    src.write_text('unsigned diag_version_number(void) { return 90900; }\n'
                   'const char *diag_version(void) { return "9.9.0"; }\n')
    lib = d / "libdiag.so"
    subprocess.run([cc, "-shared", "-fPIC", str(src), "-o", str(lib)], check=True)
    return lib


def test_versions_agree():
    assert libdiag.library_version_info()[:2] == libdiag.version_info[:2]
    assert libdiag.library_version() == "%d.%d.%d" % libdiag.library_version_info()
    assert libdiag.library_path() == LIBRARY
    assert repr(_ffi.lib()).startswith(f"<Library {libdiag.library_version()}")


def test_other_version_is_refused(fake_library):
    with pytest.raises(libdiag.LibraryError) as info:
        libdiag.load_library(fake_library)
    message = str(info.value)
    assert "9.9.0" in message and libdiag.__version__ in message
    assert "LIBDIAG_LIBRARY" in message
    assert isinstance(info.value, ImportError)
    assert libdiag.library_path() == LIBRARY  # the library in use stays


def test_other_version_is_refused_at_import(fake_library):
    p = python("import libdiag", LIBDIAG_LIBRARY=str(fake_library))
    assert p.returncode != 0
    assert "LibraryError" in p.stderr and "is version 9.9.0" in p.stderr


def test_not_a_libdiag_library():
    libm = "libm.so.6"
    with pytest.raises(libdiag.LibraryError, match="not a libdiag library"):
        libdiag.load_library(libm)


def test_missing_library(tmp_path):
    with pytest.raises(libdiag.LibraryError, match="cannot load"):
        libdiag.load_library(tmp_path / "nope.so")
    p = python("import libdiag", LIBDIAG_LIBRARY=str(tmp_path / "nope.so"))
    assert p.returncode != 0 and "no such file" in p.stderr


def test_reloading_needs_no_open_handles():
    with libdiag.KnowledgeBase():
        with pytest.raises(libdiag.StateError, match="close them"):
            libdiag.load_library(LIBRARY)
    libdiag.load_library(Path(LIBRARY))  # a pathlib.Path
    assert libdiag.library_path() == LIBRARY


def test_found_on_the_system_search_path():
    """With LIBDIAG_LIBRARY unset, the loader finds libdiag by its SONAME."""
    folder = str(Path(LIBRARY).resolve().parent)
    p = python("import libdiag; print(libdiag.library_path()); "
               "print(libdiag.decode('401.5')[0].symbol)", LD_LIBRARY_PATH=folder)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == [f"libdiag.so.{libdiag.version_info[0]}.{libdiag.version_info[1]}",
                                "401.5"]


def test_explicit_path_when_nothing_is_found():
    code = (
        "import libdiag, sys\n"
        "from libdiag import _ffi\n"
        "if _ffi.current() is not None: print('installed'); sys.exit(0)\n"
        "try:\n"
        "    libdiag.KnowledgeBase()\n"
        "except libdiag.LibraryError as e:\n"
        "    print('error', 'LIBDIAG_LIBRARY' in str(e), 'load_library' in str(e))\n"
        "libdiag.load_library(sys.argv[1])\n"
        "with libdiag.KnowledgeBase() as kb: print(len(kb) > 0)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("LIBDIAG_LIBRARY",
                                                          "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = str(BINDING)
    p = subprocess.run([sys.executable, "-c", code, LIBRARY], capture_output=True, text=True,
                       env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    if p.stdout.strip() == "installed":
        pytest.skip("a libdiag is installed system-wide")
    assert p.stdout.split() == ["error", "True", "True", "True"]


def test_cli_without_a_library():
    code = ("import sys; from libdiag import _ffi, cli\n"
            "if _ffi.current() is not None: print('installed'); sys.exit(0)\n"
            "sys.exit(cli.main(['--json', sys.argv[1]]))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("LIBDIAG_LIBRARY",
                                                          "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = str(BINDING)
    p = subprocess.run([sys.executable, "-c", code, str(ARTICLE)], capture_output=True,
                       text=True, env=env, timeout=60)
    if p.stdout.strip() == "installed":
        pytest.skip("a libdiag is installed system-wide")
    assert p.returncode == 2 and "shared library was not found" in p.stderr


def test_symbols_of_later_versions():
    assert _ffi.has_symbol("diag_version")
    assert not _ffi.has_symbol("diag_no_such_function")
    assert not hasattr(_ffi.lib(), "diag_no_such_function")
