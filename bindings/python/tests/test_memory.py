"""Nothing leaks and nothing is freed twice: allocations counted through the
allocator hook, handles counted by the binding, over many iterations and
with allocations failing at every point."""

import gc
import os
import subprocess
import sys

import pytest

import libdiag

from conftest import ARTICLE, BINDING, E2E, KB_INVALID, KB_VALID

DAY = (E2E / "exchange_day.log").read_bytes()


def one_round(alloc, data=DAY, marks=None):
    with libdiag.KnowledgeBase(allocator=alloc) as kb:
        kb.add_file(KB_VALID / "full.yaml")
        with pytest.raises(libdiag.KbError):
            kb.add_file(KB_INVALID / "misspelt-field.yaml")
        if marks is not None:
            marks["session"] = alloc.allocations
        with libdiag.Session(kb, allocator=alloc, on_record=lambda r: None) as s:
            with s.open_input("x") as inp:
                for i in range(0, len(data), 8192):
                    inp.feed(data[i:i + 8192])
            with pytest.raises(libdiag.UnsupportedInput):
                s.feed_bytes(b"\x00\x01binary", name="bin")
            s.findings, s.benign, s.inputs
            s.to_json()
            s.to_text()


def test_the_allocator_sees_every_allocation():
    alloc = libdiag.CountingAllocator()
    with libdiag.KnowledgeBase(allocator=alloc) as kb:
        assert alloc.live > 0 and alloc.allocations > 0
        kb_blocks = alloc.live
        with libdiag.Session(kb, allocator=alloc) as s:
            s.feed_bytes(DAY, name="day")
            assert alloc.live > kb_blocks
            assert alloc.peak_bytes >= alloc.live_bytes > 0
        assert alloc.live == kb_blocks
    assert (alloc.live, alloc.live_bytes, alloc.bad_frees) == (0, 0, 0)
    assert "live=0" in repr(alloc)


def test_many_iterations_leak_nothing():
    alloc = libdiag.CountingAllocator()
    for _ in range(100):
        one_round(alloc, DAY[:20000])
        assert (alloc.live, alloc.live_bytes) == (0, 0)
    assert alloc.bad_frees == 0 and libdiag.live_handles() == 0


def test_handles_freed_by_the_garbage_collector():
    alloc = libdiag.CountingAllocator()
    for _ in range(50):
        kb = libdiag.KnowledgeBase(allocator=alloc)
        s = libdiag.Session(kb, allocator=alloc)
        s.feed_bytes(ARTICLE.read_bytes(), name="a")
        inp = s.inputs[0]
        del kb, s  # the input keeps the session alive, which keeps the KB
        assert libdiag.live_handles() == 2
        del inp
        gc.collect()
        assert libdiag.live_handles() == 0
    assert (alloc.live, alloc.bad_frees) == (0, 0)


def test_parse_streams_leak_nothing():
    alloc = libdiag.CountingAllocator()
    for _ in range(50):
        with libdiag.parse(DAY, allocator=alloc, chunk_size=4096) as stream:
            next(stream)  # abandoned early
        for _ in libdiag.parse(ARTICLE, allocator=alloc):
            pass
        gc.collect()
    assert (alloc.live, alloc.bad_frees) == (0, 0)
    assert libdiag.live_handles() == 0


def allocations_needed():
    """(allocations of a whole round, allocations before its session is created)."""
    alloc = libdiag.CountingAllocator()
    marks = {}
    one_round(alloc, DAY[:6000], marks)
    return alloc.allocations, marks["session"]


def test_out_of_memory_at_every_point_leaks_nothing():
    total, session_start = allocations_needed()
    # every 7th allocation while the knowledge bases load, every one in the session
    points = list(range(0, session_start, 7)) + list(range(session_start, total))
    outcomes = set()
    for fail_after in points:
        alloc = libdiag.CountingAllocator(fail_after=fail_after)
        try:
            one_round(alloc, DAY[:6000])
            outcomes.add("ok")
        except (libdiag.OutOfMemory, libdiag.LimitError) as e:
            assert isinstance(e, libdiag.Error) and e.message
            outcomes.add(type(e).__name__)
        except libdiag.KbError:  # a YAML parse that ran out of memory
            outcomes.add("KbError")
        gc.collect()
        assert alloc.failures > 0 or fail_after >= alloc.allocations
        assert (alloc.live, alloc.live_bytes, alloc.bad_frees) == (0, 0, 0), fail_after
        assert libdiag.live_handles() == 0
    assert "OutOfMemory" in outcomes


def test_out_of_memory_creating_handles():
    alloc = libdiag.CountingAllocator(fail_after=0)
    with pytest.raises(libdiag.OutOfMemory) as info:
        libdiag.KnowledgeBase(allocator=alloc)
    assert isinstance(info.value, MemoryError)
    with libdiag.KnowledgeBase() as kb:
        with pytest.raises(libdiag.OutOfMemory):
            libdiag.Session(kb, allocator=alloc)
        assert not kb._sessions  # a failed session does not pin the KB
    assert libdiag.live_handles() == 0 and alloc.live == 0


def test_double_frees_would_be_seen():
    alloc = libdiag.CountingAllocator()
    block = alloc.allocate(10)
    alloc.deallocate(block)
    alloc.deallocate(block)
    assert alloc.bad_frees == 1 and alloc.live == 0
    alloc.deallocate(None)
    grown = alloc.reallocate(None, 10)
    grown = alloc.reallocate(grown, 100)
    assert alloc.live == 1 and alloc.live_bytes == 100
    alloc.deallocate(grown)
    assert alloc.live == 0


def test_a_raising_allocator_is_out_of_memory():
    class Broken(libdiag.Allocator):
        def allocate(self, size):
            raise RuntimeError("no")

        def reallocate(self, address, size):
            raise RuntimeError("no")

    with pytest.raises(libdiag.OutOfMemory):
        libdiag.KnowledgeBase(allocator=Broken())


def test_plain_allocator_passes_through():
    alloc = libdiag.Allocator()
    with libdiag.KnowledgeBase(allocator=alloc) as kb, libdiag.Session(kb, allocator=alloc) as s:
        s.feed_file(ARTICLE)
        assert s.findings
    assert repr(alloc) == "<Allocator>"


def test_unclosed_handles_are_freed_at_exit_in_the_right_order():
    code = (
        "import libdiag\n"
        "alloc = libdiag.CountingAllocator()\n"
        "kb = libdiag.KnowledgeBase(allocator=alloc)\n"
        "s = libdiag.Session(kb, allocator=alloc)\n"
        "s.feed_file(%r)\n" % str(ARTICLE))
    env = dict(os.environ, PYTHONPATH=str(BINDING))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
