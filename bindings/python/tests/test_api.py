"""The binding against the headers: every function wrapped, every constant and enum
the same, struct layouts the C compiler's; and the Python API documented and typed."""

import ctypes
import enum
import inspect
import re
import shutil
import subprocess
import typing

import pytest

import libdiag
from libdiag import _ffi
from libdiag.records import FieldType
from libdiag.session import Limit, UnparsedReason

from conftest import BINDING, INCLUDE, REPO

HEADERS = sorted(INCLUDE.glob("*.h"))
PACKAGE = BINDING / "libdiag"


def header_text() -> str:
    return "\n".join(h.read_text(encoding="utf-8") for h in HEADERS)


_C_TOKENS = re.compile(r"""("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|/\*.*?\*/|//[^\n]*""", re.S)


def strip_comments(text: str) -> str:
    """*text* without its /* */ and // comments (each becomes a space; string and character
    literals are kept whole, so a // inside one is not a comment)."""
    return _C_TOKENS.sub(lambda m: m.group(1) or " ", text)


def header_code() -> str:
    """The headers' text without comments: what the compiler sees."""
    return strip_comments(header_text())


def api_functions():
    """Every function the headers declare with DIAG_API (examples in comments are not)."""
    return sorted(set(re.findall(r"DIAG_API\s[^;{]*?\b(diag_[a-z0-9_]+)\s*\(", header_code())))


def test_comments_are_not_declarations():
    text = ('/** Written before DIAG_API: `DIAG_DEPRECATED("use diag_y()") DIAG_API int\n'
            " * diag_x(void);`. */\n// DIAG_API int diag_z(void);\n"
            'DIAG_API const char *diag_real(const char *s /* "x" */);\n'
            "/* DIAG_API int diag_w(); */\n"
            '#define URL "http://example" // DIAG_API int diag_v(void);\n')
    code = strip_comments(text)
    assert re.findall(r"\bdiag_[a-z]+", code) == ["diag_real"]
    assert '"http://example"' in code
    # common.h's Doxygen comment shows `DIAG_API int diag_x(void);` as an example
    assert "diag_x" not in api_functions() and "diag_y" not in api_functions()


def test_headers_found():
    assert len(HEADERS) >= 8
    assert len(api_functions()) > 90


def test_every_c_function_has_a_prototype():
    missing = [f for f in api_functions() if f not in _ffi.PROTOTYPES]
    assert not missing, f"functions of the C API the binding does not declare: {missing}"
    extra = [f for f in _ffi.PROTOTYPES if f not in api_functions()]
    assert not extra, f"prototypes of functions the headers do not declare: {extra}"


NOT_CALLED = {
    # DIAG_ERROR_INIT's function form. The binding fills `size` itself, as the
    # header asks of callers; test_error_init_matches_new_error proves the two
    # give the same struct.
    "diag_error_init",
}


def test_error_init_matches_new_error():
    mine, theirs = _ffi.new_error(), _ffi.DiagError()
    _ffi.lib().diag_error_init(ctypes.byref(theirs))
    assert bytes(mine) == bytes(theirs)


def test_every_c_function_is_wrapped():
    """Each C function is called by a module of the package, not only declared."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py")
                       if p.name != "_ffi.py")
    source += "\n" + (PACKAGE / "_ffi.py").read_text(encoding="utf-8").split(
        "# --- loading", 1)[1]
    unused = [f for f in api_functions()
              if f not in NOT_CALLED and not re.search(rf"\b{f}\b", source)]
    assert not unused, f"C functions no Python API calls: {unused}"


def test_argument_counts_match_the_headers():
    text = header_code()
    for name, (_, argtypes) in _ffi.PROTOTYPES.items():
        m = re.search(rf"\b{name}\s*\(([^)]*)\)\s*;", text)
        assert m, name
        params = [p for p in m.group(1).split(",") if p.strip() and p.strip() != "void"]
        assert len(params) == len(argtypes), name


def c_enum(name: str) -> dict:
    body = re.search(r"typedef enum %s \{(.*?)\}" % name, header_text(), re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return {k: int(v) for k, v in re.findall(r"(DIAG_[A-Z0-9_]+)\s*=\s*(-?\d+)", body)}


@pytest.mark.parametrize("c_name,py_enum,prefix", [
    ("diag_status", libdiag.Status, "DIAG_"),
    ("diag_type", FieldType, "DIAG_TYPE_"),
    ("diag_limit", Limit, "DIAG_LIMIT_"),
    ("diag_unparsed_reason", UnparsedReason, "DIAG_UNPARSED_"),
    ("diag_cause_status", libdiag.CauseStatus, "DIAG_CAUSE_"),
])
def test_enums_match_the_headers(c_name, py_enum, prefix):
    c = {k[len(prefix):]: v for k, v in c_enum(c_name).items()}
    assert c == {m.name: m.value for m in py_enum}


def test_finding_events_match_the_header():
    from libdiag.session import _EVENTS
    assert c_enum("diag_finding_event") == {"DIAG_FINDING_NEW": _ffi.DIAG_FINDING_NEW,
                                            "DIAG_FINDING_UPDATE": _ffi.DIAG_FINDING_UPDATE}
    assert _EVENTS == {_ffi.DIAG_FINDING_NEW: "new", _ffi.DIAG_FINDING_UPDATE: "update"}


def c_define(name: str) -> int:
    return int(re.search(rf"#define {name} (0x[0-9a-fA-F]+|\d+)", header_text()).group(1), 0)


@pytest.mark.parametrize("name", [
    "DIAG_ERROR_MESSAGE_SIZE", "DIAG_ERROR_INPUT_SIZE", "DIAG_ERROR_KEY_PATH_SIZE",
    "DIAG_ERROR_SUGGESTION_SIZE", "DIAG_TIME_HAS_DATE", "DIAG_TIME_HAS_TIME",
    "DIAG_TIME_HAS_ZONE", "DIAG_KB_NO_BUILTIN", "DIAG_RENDER_COMPACT",
])
def test_constants_match_the_headers(name):
    assert getattr(_ffi, name) == c_define(name)


def test_counts_match_the_headers():
    assert c_define("DIAG_LIMIT_COUNT") == len(Limit)
    assert c_define("DIAG_UNPARSED_REASON_COUNT") == len(UnparsedReason)


STRUCTS = {
    "diag_error": (_ffi.DiagError, ["size", "status", "message", "input", "line", "column",
                                    "offset", "key_path", "suggestion"]),
    "diag_allocator": (_ffi.DiagAllocator, ["allocate", "reallocate", "deallocate",
                                            "user_data"]),
    "diag_code_match": (_ffi.DiagCodeMatch, ["table", "symbol", "message", "value", "spelling",
                                             "is_hresult", "severity", "facility",
                                             "facility_name", "code"]),
    "diag_time": (_ffi.DiagTime, ["seconds", "nanoseconds", "flags", "precision"]),
    "diag_address": (_ffi.DiagAddress, ["family", "bytes"]),
}


def test_struct_layouts_match_the_c_compiler(tmp_path):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler")
    lines = ["#include <libdiag/diag.h>", "#include <stddef.h>", "#include <stdio.h>",
             "int main(void) {"]
    for c_name, (_, fields) in STRUCTS.items():
        lines.append(f'  printf("{c_name} %zu\\n", sizeof({c_name}));')
        for f in fields:
            lines.append(f'  printf("{c_name}.{f} %zu\\n", offsetof({c_name}, {f}));')
    lines += ["  return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run([cc, "-std=c11", "-I", str(REPO / "include"), str(src), "-o", str(exe)],
                   check=True)
    c = dict(line.rsplit(" ", 1) for line in
             subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split(
                 "\n") if line)
    for c_name, (py, fields) in STRUCTS.items():
        assert int(c[c_name]) == ctypes.sizeof(py), c_name
        for f in fields:
            assert int(c[f"{c_name}.{f}"]) == getattr(py, f).offset, f"{c_name}.{f}"


def test_error_struct_is_declared_with_its_size():
    assert _ffi.new_error().size == ctypes.sizeof(_ffi.DiagError)


# --- the Python API is documented and typed ----------------------------------

MODULES = ["libdiag", "libdiag.errors", "libdiag.codes", "libdiag.records", "libdiag.parsing",
           "libdiag.kb", "libdiag.session", "libdiag.findings", "libdiag.render",
           "libdiag.allocator", "libdiag.features", "libdiag.cli"]


def public_objects():
    import importlib
    seen = set()
    for mod_name in MODULES:
        mod = importlib.import_module(mod_name)
        yield mod_name, mod
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if id(obj) in seen or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            seen.add(id(obj))
            yield f"{mod_name}.{name}", obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr not in ("__init__", "__new__", "__iter__",
                                                             "__next__", "__enter__", "__exit__",
                                                             "__getitem__", "__len__",
                                                             "__contains__", "__repr__"):
                        continue
                    if isinstance(member, property):
                        yield f"{mod_name}.{name}.{attr}", member.fget
                    elif inspect.isfunction(member) or isinstance(member, classmethod):
                        yield f"{mod_name}.{name}.{attr}", getattr(member, "__func__", member)


def test_every_public_name_has_a_docstring():
    missing = [name for name, obj in public_objects() if not inspect.getdoc(obj)]
    assert not missing, f"no docstring: {missing}"


def test_every_public_function_has_type_hints():
    missing = []
    for name, obj in public_objects():
        if not inspect.isfunction(obj) or not obj.__code__.co_filename.startswith(str(PACKAGE)):
            continue  # dataclass- and enum-generated methods are not ours
        sig = inspect.signature(obj)
        if sig.return_annotation is inspect.Signature.empty and not name.endswith("__init__"):
            missing.append(f"{name} -> ?")
        for p in sig.parameters.values():
            if p.name in ("self", "cls") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if p.annotation is inspect.Parameter.empty:
                missing.append(f"{name}({p.name})")
        typing.get_type_hints(obj)  # the hints resolve
    assert not missing, f"no type hints: {missing}"


def test_everything_in_all_exists():
    for name in libdiag.__all__:
        assert hasattr(libdiag, name), name


def test_enums_are_int_enums():
    for e in (libdiag.Status, FieldType, Limit, UnparsedReason):
        assert issubclass(e, enum.IntEnum)
