"""Shared fixtures of the binding's tests.

The tests import the package from this source tree (not an installed copy)
and need the C library: ctest passes its path in LIBDIAG_LIBRARY and the
``diagnose`` CLI's path in LIBDIAG_DIAGNOSE (the round-trip tests are
skipped without it). By hand::

    LIBDIAG_LIBRARY=build/libdiag.so LIBDIAG_DIAGNOSE=build/examples/diagnose \\
        /usr/bin/python3 -m pytest bindings/python/tests
"""

import gc
import os
import sys
from pathlib import Path

import pytest

BINDING = Path(__file__).resolve().parents[1]
REPO = BINDING.parents[1]
sys.path.insert(0, str(BINDING))

import libdiag  # noqa: E402  (after the path is set)

FIXTURES = REPO / "tests" / "fixtures"
E2E = FIXTURES / "e2e"
W3C = FIXTURES / "w3c"
KB_VALID = FIXTURES / "kb" / "valid"
KB_INVALID = FIXTURES / "kb" / "invalid"
INCLUDE = REPO / "include" / "libdiag"
ARTICLE = E2E / "article.log"


@pytest.fixture
def kb():
    """The built-in knowledge base, closed after the test."""
    with libdiag.KnowledgeBase() as k:
        yield k


@pytest.fixture
def session(kb):
    """A session on the built-in knowledge base, closed after the test."""
    with libdiag.Session(kb) as s:
        yield s


@pytest.fixture
def diagnose():
    """Path of the C ``diagnose`` CLI (skips when unknown)."""
    path = os.environ.get("LIBDIAG_DIAGNOSE")
    if not path:
        candidate = REPO / "build" / "examples" / "diagnose"
        path = str(candidate) if candidate.exists() else ""
    if not path or not Path(path).exists():
        pytest.skip("set LIBDIAG_DIAGNOSE to the diagnose CLI to run the round-trip tests")
    return path


@pytest.fixture(autouse=True)
def no_handle_leaks():
    """Every test must leave no knowledge base or session open."""
    gc.collect()
    before = libdiag.live_handles()
    yield
    gc.collect()
    assert libdiag.live_handles() == before, "a test leaked a knowledge base or session"
