"""Deployment package size: ``chalice package`` of Dimotis against the bare Chalice app of
``bench/cold_start.py`` (one route, one GetItem, no requirements), each with the bytecode
``infra/`` adds (``packaging.precompile``).

Offline: Chalice's pip reads only the Lambda wheelhouse that ``infra/`` uses
(``infra/dimotis_infra/packaging.py``; fetched once if missing).

``--imports N`` also times ``import app`` from Dimotis's unzipped package, as Lambda runs it (no
bytecode written: ``python -B``; only the package and the standard library on the path), with and
without the bytecode: N fresh processes each, medians.

    .venv/bin/python bench/package_size.py [--json] [--imports 9]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "infra"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

LAMBDA_ZIP_LIMIT_MB = 50
LAMBDA_UNZIPPED_LIMIT_MB = 250


IMPORT_APP = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"


def package(project: Path, workdir: Path, bytecode: bool = True) -> Path:
    """``chalice package`` of ``project``, offline; with the bytecode ``infra/`` adds."""
    from chalice.api import package_app
    from dimotis_infra.packaging import offline_packaging, precompile

    out = workdir / "out"
    with offline_packaging(workdir, "eu-central-1"):
        package_app(project_dir=str(project), output_dir=str(out), stage="dev", chalice_config={})
    path = out / "deployment.zip"
    if bytecode:
        precompile(path)
    return path


def sizes(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        unzipped = sum(i.file_size for i in infos)
        top = Counter()
        for info in infos:
            top[info.filename.split("/", 1)[0]] += info.compress_size
    return {
        "zip_bytes": path.stat().st_size,
        "unzipped_bytes": unzipped,
        "files": len(infos),
        "largest": [(name, round(size / 2**20, 2)) for name, size in top.most_common(6)],
    }


def import_times(path: Path, runs: int, workdir: Path) -> dict[str, float]:
    """Median ms of ``import app`` from the unzipped package, without and with its bytecode."""
    with_pyc, without_pyc = workdir / "with", workdir / "without"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(with_pyc)
        archive.extractall(without_pyc, [n for n in archive.namelist() if "__pycache__/" not in n])
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "AWS_DEFAULT_REGION": "eu-central-1"}
    times: dict[str, list[float]] = {"without_bytecode": [], "with_bytecode": []}
    for _ in range(runs):
        for name, where in (("without_bytecode", without_pyc), ("with_bytecode", with_pyc)):
            out = subprocess.run([sys.executable, "-B", "-E", "-s", "-S", "-c", IMPORT_APP], cwd=where, env=env,
                                 capture_output=True, text=True, check=True)
            times[name].append(float(out.stdout.strip()))
    return {name: round(statistics.median(t) * 1000, 1) for name, t in times.items()}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--imports", type=int, default=0, metavar="N",
                        help="also time `import app` from the package, N runs with and without bytecode")
    args = parser.parse_args(argv)
    from cold_start import write_bare_app

    with tempfile.TemporaryDirectory() as tmp:
        built = package(ROOT, Path(tmp) / "dimotis")
        dimotis = sizes(built)
        bare = sizes(package(write_bare_app(Path(tmp) / "bare"), Path(tmp) / "bare-work"))
        imports = import_times(built, args.imports, Path(tmp) / "imports") if args.imports else None
    summary = {
        "dimotis": dimotis,
        "bare": bare,
        "zip_ratio": round(dimotis["zip_bytes"] / bare["zip_bytes"], 1),
        "zip_mb": {
            "dimotis": round(dimotis["zip_bytes"] / 2**20, 2),
            "bare": round(bare["zip_bytes"] / 2**20, 3),
        },
        "unzipped_mb": {
            "dimotis": round(dimotis["unzipped_bytes"] / 2**20, 2),
            "bare": round(bare["unzipped_bytes"] / 2**20, 3),
        },
        "lambda_limits_mb": {"zip": LAMBDA_ZIP_LIMIT_MB, "unzipped": LAMBDA_UNZIPPED_LIMIT_MB},
        "import_app_ms": imports,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        z, u = summary["zip_mb"], summary["unzipped_mb"]
        print(f"dimotis: {z['dimotis']} MB zip, {u['dimotis']} MB unzipped, {dimotis['files']} files")
        print(f"bare:    {z['bare']} MB zip, {u['bare']} MB unzipped, {bare['files']} files")
        print(
            f"ratio (zip): {summary['zip_ratio']}x; largest in dimotis (MB compressed): {dimotis['largest']}"
        )
        if imports:
            print(f"import app from the package, median of {args.imports}: {imports}")
    return summary


if __name__ == "__main__":
    main()
