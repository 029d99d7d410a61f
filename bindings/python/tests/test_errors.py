"""Exceptions map one to one to C status codes and carry the whole diag_error."""

import pytest

import libdiag
from libdiag import Status, errors

CLASSES = {
    Status.EINVAL: (libdiag.InvalidArgument, ValueError),
    Status.ENOMEM: (libdiag.OutOfMemory, MemoryError),
    Status.ELIMIT: (libdiag.LimitError, None),
    Status.EKB: (libdiag.KbError, None),
    Status.EUNSUPPORTED: (libdiag.UnsupportedInput, None),
    Status.ESTATE: (libdiag.StateError, None),
    Status.ENOTFOUND: (libdiag.NotFound, LookupError),
    Status.EIO: (libdiag.IoError, OSError),
    Status.ECALLBACK: (libdiag.CallbackError, None),
}


def test_every_error_status_has_its_own_class():
    negative = [s for s in Status if s < 0]
    assert set(negative) == set(CLASSES)
    assert len({cls for cls, _ in CLASSES.values()}) == len(CLASSES)


@pytest.mark.parametrize("status", sorted(CLASSES))
def test_check_raises_the_class_of_the_status(status):
    cls, builtin = CLASSES[status]
    with pytest.raises(cls) as info:
        errors.check(int(status), None, "doing something")
    e = info.value
    assert isinstance(e, libdiag.Error)
    if builtin:
        assert isinstance(e, builtin)
    assert e.status == status and cls.status_code == status
    assert e.message == f"doing something: {status.name}"
    assert errors.exception_class(int(status)) is cls


def test_status_names_come_from_the_library():
    for s in Status:
        assert libdiag.status_name(s) == ("OK" if s == 0 else s.name)
    assert libdiag.status_name(-100) == "EUNKNOWN"


def test_unknown_status_is_the_base_class():
    with pytest.raises(libdiag.Error) as info:
        errors.check(-100, None, "x")
    assert type(info.value) is libdiag.Error and info.value.status == -100


def test_ok_and_positive_do_not_raise():
    errors.check(0)
    errors.check(3)


def test_error_carries_every_member_of_the_c_struct():
    err = libdiag._ffi.new_error()
    err.status = int(Status.EKB)
    err.message = b"unknown field"
    err.input = b"my.yaml"
    err.line, err.column, err.offset = 10, 17, 200
    err.key_path = b"problems[0].where"
    err.suggestion = b'did you mean "cs-method"?'
    with pytest.raises(libdiag.KbError) as info:
        errors.check(int(Status.EKB), err)
    e = info.value
    assert (e.message, e.input, e.file, e.line, e.column, e.offset, e.key_path, e.suggestion) == (
        "unknown field", "my.yaml", "my.yaml", 10, 17, 200, "problems[0].where",
        'did you mean "cs-method"?')
    assert e.errors == [e.info]
    assert str(e) == ('my.yaml:10:17: error: problems[0].where: unknown field '
                      '(did you mean "cs-method"?)')
    assert "KbError(status=EKB" in repr(e) and "line=10" in repr(e)


def test_error_info_string_without_position():
    info = libdiag.ErrorInfo(Status.EIO, "cannot open x", input="x")
    assert str(info) == "x: error: cannot open x"
    assert str(libdiag.ErrorInfo(Status.EKB, "bad")) == "<kb>: error: bad"


def test_io_error_reads_like_its_message():
    e = libdiag.IoError("cannot open: No such file", input="f")
    assert str(e) == "cannot open: No such file" and e.errno is None


def test_errors_can_be_raised_by_users():
    e = libdiag.StateError("closed")
    assert e.status == Status.ESTATE and e.line == 0 and e.key_path == ""
