"""infra/dimotis_infra/packaging.py ``precompile``: the Lambda package carries CPython 3.11 bytecode
(unchecked-hash) for every module, so a cold start compiles nothing (Lambda's disk is read-only)."""

from __future__ import annotations

import importlib.util
import sys
import zipfile

import pytest

from tests.conftest import ROOT

if str(ROOT / "infra") not in sys.path:
    sys.path.insert(0, str(ROOT / "infra"))

from dimotis_infra.packaging import precompile  # noqa: E402 - infra/ is not a package of the root

UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked


def pyc_of(name: str) -> str:
    directory, _, file = name.rpartition("/")
    stem = file[:-3]
    return f"{directory + '/' if directory else ''}__pycache__/{stem}.{sys.implementation.cache_tag}.pyc"


def assert_unchecked_pyc(zipped: zipfile.ZipFile, name: str) -> None:
    """``name``'s bytecode is in the zip, for this Python, hash-based and never checked, and made
    from the source that is in the zip."""
    data = zipped.read(pyc_of(name))
    assert data[:4] == importlib.util.MAGIC_NUMBER, name
    assert int.from_bytes(data[4:8], "little") == UNCHECKED_HASH, name
    assert data[8:16] == importlib.util.source_hash(zipped.read(name)), name


def _package(path, files: dict[str, str]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, text in files.items():
            zipped.writestr(name, text)
    return path


def test_every_module_of_the_package_gets_its_bytecode(tmp_path):
    # GIVEN a package: the app, chalicelib, a dependency, and a dependency's file that is not Python 3
    package = _package(tmp_path / "deployment.zip", {
        "app.py": "import chalicelib.x\n",
        "chalicelib/__init__.py": "",
        "chalicelib/x.py": "VALUE = 1\n",
        "botocore/session.py": "def get_session():\n    return None\n",
        "tzdata/zones": "not python",
        "olddep/example.py": "print 'python 2'\n",
    })
    # WHEN it is precompiled
    added = precompile(package)
    # THEN every module that compiles has unchecked-hash bytecode beside it; the Python 2 file stays source
    with zipfile.ZipFile(package) as zipped:
        for name in ("app.py", "chalicelib/__init__.py", "chalicelib/x.py", "botocore/session.py"):
            assert_unchecked_pyc(zipped, name)
        assert pyc_of("olddep/example.py") not in zipped.namelist()
        assert zipped.read("chalicelib/x.py") == b"VALUE = 1\n"
    assert added == 4
    # AND a second pass gives the same
    assert precompile(package) == 4
    with zipfile.ZipFile(package) as zipped:
        assert len(zipped.namelist()) == 6 + 4


def test_entries_keep_their_attributes(tmp_path):
    # GIVEN a package with an executable library (a compiled extension, as cryptography's)
    package = tmp_path / "deployment.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("app.py", "")
        library = zipfile.ZipInfo("_cffi_backend.so")
        library.external_attr = 0o755 << 16
        zipped.writestr(library, b"\x7fELF")
    # WHEN precompiled; THEN the library is still executable
    precompile(package)
    with zipfile.ZipFile(package) as zipped:
        assert zipped.getinfo("_cffi_backend.so").external_attr >> 16 == 0o755


def test_bytecode_the_package_brought_along_is_replaced(tmp_path):
    # GIVEN a package with a developer's own bytecode (timestamp-checked) and some of a module gone
    package = _package(tmp_path / "deployment.zip", {
        "app.py": "",
        "chalicelib/x.py": "VALUE = 1\n",
        "chalicelib/__pycache__/x.cpython-311.pyc": "stale",
        "chalicelib/__pycache__/gone.cpython-312.pyc": "stale",
    })
    # WHEN it is precompiled; THEN only fresh unchecked-hash bytecode is left
    precompile(package)
    with zipfile.ZipFile(package) as zipped:
        assert_unchecked_pyc(zipped, "chalicelib/x.py")
        assert not [n for n in zipped.namelist() if "gone" in n]


def test_a_chalicelib_module_that_does_not_compile_stops_the_packaging(tmp_path):
    # GIVEN a chalicelib module with a syntax error; WHEN precompiled; THEN packaging fails naming it
    package = _package(tmp_path / "deployment.zip", {"app.py": "", "chalicelib/broken.py": "def (:\n"})
    with pytest.raises(RuntimeError, match="chalicelib/broken.py"):
        precompile(package)


def test_bytecode_of_another_python_is_refused(tmp_path, monkeypatch):
    # GIVEN a Python that is not the runtime's 3.11; THEN no bytecode is made for Lambda with it
    monkeypatch.setattr(sys, "version_info", (3, 12, 0, "final", 0))
    with pytest.raises(RuntimeError, match="3.11"):
        precompile(_package(tmp_path / "deployment.zip", {"app.py": ""}))
