"""Offline packaging for ``chalice package`` (run by the Chalice CDK construct during synth).

Chalice builds the Lambda's ``site-packages`` by calling ``pip download`` for every entry of
``requirements.txt`` (Lambda's platform: manylinux x86_64, CPython 3.11). To synthesise without a
network, synth points that pip at a local *wheelhouse* only (``PIP_NO_INDEX=1``,
``PIP_FIND_LINKS=<wheelhouse>``). The wheelhouse holds Lambda-compatible wheels of every
requirement and their dependencies; it is fetched once from the package index
(``python -m dimotis_infra.packaging``, the only step that needs the network) and named by the
hash of ``requirements.txt`` so a changed requirement fetches a new one.

The package is shipped with its bytecode: Lambda's file system is read-only, so a package without
``__pycache__`` compiles every module it imports on each cold start (``chalicelib`` alone ~270 ms
on a development machine; the dependencies, botocore first, far more). ``precompile(zip)`` adds a
CPython 3.11 ``.pyc`` beside every ``.py`` of the package (``compileall``, invalidation mode
``unchecked-hash``: Lambda never stats the source to check it, and the zip's timestamps do not
matter). It runs on the ``deployment.zip`` the Chalice CDK construct builds, before CDK takes it
as the functions' code (``PrecompiledChalice`` in ``stack.py``).

Example::

    ensure_wheelhouse()            # fetches on first use, then never again
    with offline_packaging():      # pip inside chalice package sees the wheelhouse only
        PrecompiledChalice(stack, "App", source_dir=ROOT, stage_config=...)

Limitation: the bytecode is CPython 3.11's, so synth must run on CPython 3.11 (the runtime's
version); ``precompile`` refuses any other.
"""

from __future__ import annotations

import compileall
import contextlib
import hashlib
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from dimotis_infra.code import ROOT

REQUIREMENTS = ROOT / "requirements.txt"
CACHE = ROOT / ".chalice" / "deployments"
# Lambda python3.11 runs on Amazon Linux 2 (glibc 2.26): manylinux2014 (= manylinux_2_17) wheels.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_17_x86_64")
PYTHON_VERSION = "3.11"


def wheelhouse_path(requirements: Path = REQUIREMENTS) -> Path:
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    return CACHE / f"wheelhouse-py{PYTHON_VERSION}-{digest}"


def fetch_wheelhouse(requirements: Path = REQUIREMENTS, dest: Path | None = None) -> Path:
    """Download Lambda-platform wheels of every requirement (with dependencies) into ``dest``."""
    dest = dest or wheelhouse_path(requirements)
    partial = dest.with_name(dest.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        PYTHON_VERSION,
    ]
    for platform in PLATFORMS:
        command += ["--platform", platform]
    command += ["-r", str(requirements), "--dest", str(partial)]
    subprocess.run(command, check=True)
    partial.rename(dest)
    return dest


def ensure_wheelhouse(requirements: Path = REQUIREMENTS, *, fetch: bool = True) -> Path:
    """The wheelhouse for ``requirements``; fetched if missing and ``fetch`` (else an error)."""
    path = wheelhouse_path(requirements)
    if path.is_dir():
        return path
    if not fetch:
        raise FileNotFoundError(
            f"No wheelhouse at {path}: run `python -m dimotis_infra.packaging` (in infra/) once."
        )
    return fetch_wheelhouse(requirements, path)


@contextlib.contextmanager
def offline_packaging(workdir: Path, region: str, wheelhouse: Path | None = None) -> Iterator[Path]:
    """Make ``chalice package`` offline: pip reads the wheelhouse only; Chalice's own output
    (``chalice.out/``, written to the working directory) goes under ``workdir``."""
    wheelhouse = wheelhouse or ensure_wheelhouse()
    # Chalice copies the stage's environment variables (CDK tokens here) into os.environ while it
    # loads the app and never takes them back; everything is restored on the way out.
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    # earlier synths' packages (one uuid folder each); their assets were copied to cdk.out already
    shutil.rmtree(workdir / "chalice.out", ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["PIP_NO_INDEX"] = "1"
    os.environ["PIP_FIND_LINKS"] = str(wheelhouse)
    # Chalice asks botocore for a region to name service principals; nothing is called.
    os.environ.setdefault("AWS_DEFAULT_REGION", region)
    os.chdir(workdir)
    try:
        yield wheelhouse
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def precompile(package: Path) -> int:
    """Give every ``.py`` in the zip ``package`` its CPython 3.11 bytecode (unchecked-hash), in
    place of any ``__pycache__`` the package brought along (Chalice copies a developer's own, made
    for their Python and checked by timestamp); returns how many ``.pyc`` it holds. Every module
    of ``app.py`` and ``chalicelib/`` must compile; a dependency's file that does not (e.g. a
    Python 2 example) is left as source."""
    if sys.version_info[:2] != tuple(int(n) for n in PYTHON_VERSION.split(".")):
        raise RuntimeError(
            f"the package's bytecode must be CPython {PYTHON_VERSION}'s (Lambda's runtime); "
            f"this is {sys.version_info[0]}.{sys.version_info[1]}: synthesise with Python {PYTHON_VERSION}"
        )
    rebuilt = package.with_name(package.name + ".tmp")
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(package) as original:
        root = Path(tmp)
        kept = [info for info in original.infolist() if "__pycache__/" not in info.filename]
        sources = [info.filename for info in kept if info.filename.endswith(".py")]
        for name in sources:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(original.read(name))
        compileall.compile_dir(root, quiet=2, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        added = 0
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as zipped:
            for info in kept:
                zipped.writestr(info, original.read(info))
            for name in sources:
                pyc = Path(name).parent / "__pycache__" / f"{Path(name).stem}.{sys.implementation.cache_tag}.pyc"
                if not (root / pyc).exists():
                    if name == "app.py" or name.startswith("chalicelib/"):
                        raise RuntimeError(f"{name} does not compile")
                    continue
                zipped.write(root / pyc, pyc.as_posix())
                added += 1
    rebuilt.replace(package)
    return added


if __name__ == "__main__":
    print(ensure_wheelhouse())
