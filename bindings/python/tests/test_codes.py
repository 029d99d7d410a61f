"""diag_code_lookup and diag_code_parse: decode(), parse_code() and Code."""

import pytest

import libdiag


@pytest.mark.parametrize("spelling", ["2148074254", "0x8009030E", "0x8009030e", "8009030e",
                                      "-2146893042", "SEC_E_NO_CREDENTIALS", 0x8009030E,
                                      -2146893042, "  0x8009030E  "])
def test_decode_any_spelling(spelling):
    meanings = libdiag.decode(spelling)
    assert any(m.symbol == "SEC_E_NO_CREDENTIALS" for m in meanings)
    sspi = next(m for m in meanings if m.symbol == "SEC_E_NO_CREDENTIALS")
    assert sspi.value == 0x8009030E and sspi.is_hresult and sspi.severity == 1
    assert sspi.facility == 9 and sspi.code == 0x30E
    assert isinstance(sspi, libdiag.CodeMeaning)
    assert "SEC_E_NO_CREDENTIALS" in str(sspi)


def test_one_value_many_tables():
    tables = [m.table for m in libdiag.decode("0x80070005")]
    assert tables == ["hresult", "mapi", "win32"]
    win32 = libdiag.decode("0x80070005")[2]
    assert win32.symbol == "ERROR_ACCESS_DENIED" and win32.facility_name == "WIN32"


def test_iis_status():
    (m,) = [m for m in libdiag.decode("401.5") if m.table == "iis"]
    assert m.symbol == "401.5" and m.value == 401005 and m.spelling == "iis-status"
    assert not m.is_hresult


def test_unknown_code_is_not_found():
    with pytest.raises(libdiag.NotFound) as info:
        libdiag.decode("12345")
    assert info.value.message


def test_not_a_code_is_invalid():
    with pytest.raises(libdiag.InvalidArgument):
        libdiag.decode("zzz")
    with pytest.raises(ValueError):  # InvalidArgument is a ValueError
        libdiag.decode("not a code")


def test_decode_argument_types():
    with pytest.raises(TypeError):
        libdiag.decode(1.5)
    with pytest.raises(ValueError):
        libdiag.decode(1 << 40)


def test_parse_code():
    assert libdiag.parse_code("0x800710DD") == 0x800710DD
    assert libdiag.parse_code("-2147023651") == -2147023651 & 0xFFFFFFFF
    assert libdiag.parse_code("SEC_E_NO_CREDENTIALS") == 0x8009030E
    with pytest.raises(libdiag.InvalidArgument):
        libdiag.parse_code("401.5")


def test_code_is_an_int_that_decodes_itself():
    code = libdiag.Code(2148074254, "2148074254")
    assert code == 0x8009030E and isinstance(code, int)
    assert code.text == "2148074254"
    assert code.symbol == "SEC_E_NO_CREDENTIALS"
    assert code.meanings is code.meanings  # decoded once
    assert repr(code) == "Code(0x8009030e, SEC_E_NO_CREDENTIALS)"
    unknown = libdiag.Code(12345)
    assert unknown.meanings == () and unknown.symbol is None and unknown.text == "12345"
    import pickle
    assert pickle.loads(pickle.dumps(code)).text == "2148074254"
