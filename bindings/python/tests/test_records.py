"""Parsing only: typed records, the format table, unparsed lines."""

import datetime as dt
import io
import ipaddress
from pathlib import Path

import pytest

import libdiag
from libdiag import FieldType, UnparsedReason

from conftest import ARTICLE, E2E, W3C

UTC = dt.timezone.utc

LOG = b"""#Software: Microsoft Internet Information Services 8.5
#Version: 1.0
#Fields: date time s-ip cs-method cs-uri-stem s-port cs-username c-ip sc-status sc-substatus sc-win32-status time-taken
2015-01-13 02:05:40.250 2001:db8::10 POST /a.asmx 443 - fe80::1 401 2 2148074254 15
2015-01-13 02:05:41 192.0.2.10 GET /b 80 CONTOSO\\pc1$ 198.51.100.7 abc 0 0 31
only three fields
"""


def records(data=LOG, **kw):
    with libdiag.parse(data, **kw) as stream:
        return list(stream), stream


def test_formats_table():
    table = libdiag.formats()
    assert table and all(isinstance(f, libdiag.Format) for f in table)
    w3c = next(f for f in table if f.name == "w3c")
    assert w3c.supported and "W3C" in w3c.description
    assert any(not f.supported for f in table)


def test_typed_values():
    (first, second), _ = records()
    assert isinstance(first, libdiag.Record)
    assert first.format == "w3c" and first.input == "<bytes>"
    assert (first.line, first.end_line) == (4, 4)
    assert first.offset == LOG.index(b"2015-01-13 02:05:40")
    assert first.text.startswith("2015-01-13 02:05:40.250 2001:db8::10 POST")
    assert first["date"] == dt.date(2015, 1, 13)
    assert first["time"] == dt.time(2, 5, 40, 250000, tzinfo=UTC)
    assert first.time == dt.datetime(2015, 1, 13, 2, 5, 40, 250000, tzinfo=UTC)
    assert first["s-ip"] == ipaddress.IPv6Address("2001:db8::10")
    assert first["c-ip"] == ipaddress.ip_address("fe80::1")
    assert first["cs-method"] == "POST"
    assert first["s-port"] == 443 and type(first["s-port"]) is int
    assert first["cs-username"] is None
    assert first.field("cs-username").type == FieldType.ABSENT
    assert first.field("cs-username").raw == b"-"
    assert first["sc-win32-status"] == 2148074254
    assert isinstance(first["sc-win32-status"], libdiag.Code)
    assert first["sc-win32-status"].symbol == "SEC_E_NO_CREDENTIALS"
    assert first["time-taken"] == dt.timedelta(milliseconds=15)
    assert second["s-ip"] == ipaddress.IPv4Address("192.0.2.10")
    assert second["cs-username"] == "CONTOSO\\pc1$"


def test_invalid_value_is_none_but_keeps_its_text():
    (_, second), _ = records()
    status = second.field("sc-status")
    assert status.type == FieldType.INT and status.value is None and status.text == "abc"
    assert not status.valid and second.field("sc-substatus").valid


def test_record_is_a_mapping_ignoring_ascii_case():
    (first, _), _ = records()
    assert list(first)[:3] == ["date", "time", "s-ip"]
    assert len(first) == 12
    assert first["SC-STATUS"] == first["sc-status"] == 401
    assert "Sc-Status" in first and "nope" not in first
    assert first.get("nope", 7) == 7
    with pytest.raises(KeyError):
        first["nope"]
    assert dict(first)["sc-substatus"] == 2
    assert "cs-method=POST" in repr(first) and repr(first).endswith("...>")


def test_unparsed_lines_are_reported_not_raised():
    seen = []
    _, stream = records(on_unparsed=seen.append)
    (u,) = seen
    assert isinstance(u, libdiag.UnparsedLine)
    assert (u.input, u.line, u.reason, u.raw) == ("<bytes>", 6, UnparsedReason.FIELD_COUNT,
                                                 b"only three fields")
    assert u.text == "only three fields" and u.offset == LOG.index(b"only")


def test_stream_input_statistics():
    with libdiag.parse(LOG, name="x.log") as stream:
        assert "x.log" in repr(stream)
        out = list(stream)
        inp = stream.input
        assert (inp.name, inp.format, inp.lines, inp.records, inp.unparsed) == (
            "x.log", "w3c", 6, 2, 1)
        assert inp.unparsed_by_reason[UnparsedReason.FIELD_COUNT] == 1
        assert inp.unparsed_samples == [libdiag.UnparsedSample(6, UnparsedReason.FIELD_COUNT)]
        assert inp.bytes_fed == len(LOG) and inp.error is None
        assert stream.session.kb is None
    assert len(out) == 2 and repr(stream) == "<RecordStream closed>"


@pytest.mark.parametrize("kind", ["str", "path", "stream", "bytes"])
def test_parse_sources(kind):
    path = W3C / "iis85_fields_change.log"
    source = {"str": str(path), "path": path, "stream": None, "bytes": path.read_bytes()}[kind]
    if kind == "stream":
        with open(path, "rb") as f, libdiag.parse(f) as stream:
            got = list(stream)
    else:
        with libdiag.parse(source) as stream:
            got = list(stream)
    assert len(got) == 3
    expected_name = {"str": str(path), "path": str(path), "stream": str(path),
                     "bytes": "<bytes>"}[kind]
    assert got[0].input == expected_name


@pytest.mark.parametrize("chunk_size", [1, 7, 4096])
def test_any_chunking_gives_the_same_records(chunk_size):
    whole, _ = records()
    chunked, _ = records(chunk_size=chunk_size)
    assert [r.raw for r in chunked] == [r.raw for r in whole]
    assert [dict(r) for r in chunked] == [dict(r) for r in whole]


def test_records_arrive_lazily():
    data = (E2E / "exchange_day.log").read_bytes()
    with libdiag.parse(data, chunk_size=4096) as stream:
        next(stream)
        assert stream.input.bytes_fed < len(data)
        assert sum(1 for _ in stream) + 1 == stream.input.records


def test_forced_format_and_errors():
    with libdiag.parse(ARTICLE, format="w3c") as stream:
        assert len(list(stream)) == 2
    with pytest.raises(libdiag.NotFound):
        libdiag.parse(ARTICLE, format="nope")
    with pytest.raises(libdiag.UnsupportedInput) as info:
        libdiag.parse(ARTICLE, format="evtx")
    assert "recognised but not parsed" in info.value.message


def test_unsupported_input_raises_during_iteration():
    with libdiag.parse(E2E / "not_a_log.bin") as stream:
        with pytest.raises(libdiag.UnsupportedInput) as info:
            list(stream)
        assert "unsupported input" in info.value.message
        assert info.value.input == str(E2E / "not_a_log.bin")
        assert stream.input.error.status == libdiag.Status.EUNSUPPORTED


def test_missing_file_is_an_io_error():
    with pytest.raises(libdiag.IoError) as info:
        libdiag.parse(Path("/nonexistent/x.log"))
    assert isinstance(info.value, OSError) and info.value.input == "/nonexistent/x.log"


def test_stream_read_error_is_an_io_error():
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, n=-1):
            raise OSError(5, "Input/output error")

    with libdiag.parse(Broken(), name="broken") as stream:
        with pytest.raises(libdiag.IoError):
            list(stream)


def test_closing_early_frees_everything():
    stream = libdiag.parse((E2E / "exchange_day.log").read_bytes(), chunk_size=1024)
    next(stream)
    stream.close()
    stream.close()
    with pytest.raises(StopIteration):
        next(stream)


def test_empty_input_has_no_records():
    got, stream = records(b"")
    assert got == []


def test_record_view_reads_the_c_record_in_place(kb):
    views = []
    seen = {}

    def on_record(view):
        assert isinstance(view, libdiag.RecordView)
        i = view.find("SC-STATUS")
        seen["status"] = (view.field_name(i), view.field_type(i), view.value(i))
        seen["count"] = view.field_count
        seen["raw"] = view.raw
        seen["where"] = (view.format, view.input, view.line, view.end_line, view.offset)
        seen["time"] = view.time
        seen["field"] = view.field(0)
        seen["copy"] = view.copy()
        with pytest.raises(libdiag.NotFound):
            view.find("no-such-field")
        with pytest.raises(IndexError):
            view.field_name(99)
        with pytest.raises(IndexError):
            view.field_raw(99)
        assert view.field_type(99) == FieldType.ABSENT
        assert "RecordView w3c" in repr(view)
        views.append(view)

    with libdiag.Session(kb) as s:
        s.set_record_callback(on_record, copy=False)
        s.feed_bytes(ARTICLE.read_bytes(), name="a.log")
    assert seen["status"] == ("sc-status", FieldType.INT, 401)
    assert seen["count"] == 13 and seen["where"] == ("w3c", "a.log", 2, 2, 139)
    assert seen["time"] == dt.datetime(2009, 1, 15, 6, 54, 30, tzinfo=UTC)
    assert seen["field"].name == "date" and seen["copy"]["sc-substatus"] == 5
    assert seen["raw"].endswith(b"401 5 0")
    # a view is only valid during its callback
    with pytest.raises(libdiag.StateError):
        views[0].line
    assert repr(views[0]) == "<RecordView (expired)>"


def test_time_values_by_flags():
    from libdiag import _ffi
    from libdiag.records import time_value
    t = _ffi.DiagTime(seconds=86400 + 3600, nanoseconds=5000, flags=7)
    assert time_value(t) == dt.datetime(1970, 1, 2, 1, 0, 0, 5, tzinfo=UTC)
    t.flags = 3
    assert time_value(t) == dt.datetime(1970, 1, 2, 1, 0, 0, 5)
    t.flags, t.seconds = 1, 86400
    assert time_value(t) == dt.date(1970, 1, 2)
    t.flags, t.seconds = 2, 3661
    assert time_value(t) == dt.time(1, 1, 1, 5)
    t.flags = 6
    assert time_value(t) == dt.time(1, 1, 1, 5, tzinfo=UTC)
    t.flags = 0
    assert time_value(t) is None
    t.flags, t.seconds = 3, 1 << 60
    assert time_value(t) is None


def test_records_without_a_header_use_the_default_layout():
    with libdiag.parse(W3C / "headerless_article.log") as stream:
        got = list(stream)
    assert [r["sc-substatus"] for r in got] == [2, 5]
    assert got[0]["sc-win32-status"].symbol == "SEC_E_NO_CREDENTIALS"
