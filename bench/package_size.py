"""Deployment package size: ``chalice package`` of Dimotis against the bare Chalice app of
``bench/cold_start.py`` (one route, one GetItem, no requirements).

Offline: Chalice's pip reads only the Lambda wheelhouse that ``infra/`` uses
(``infra/dimotis_infra/packaging.py``; fetched once if missing).

    .venv/bin/python bench/package_size.py [--json]
"""

from __future__ import annotations

import argparse
import json
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


def package(project: Path, workdir: Path) -> dict[str, Any]:
    from chalice.api import package_app
    from dimotis_infra.packaging import offline_packaging

    out = workdir / "out"
    with offline_packaging(workdir, "eu-central-1"):
        package_app(project_dir=str(project), output_dir=str(out), stage="dev", chalice_config={})
    path = out / "deployment.zip"
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


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from cold_start import write_bare_app

    with tempfile.TemporaryDirectory() as tmp:
        dimotis = package(ROOT, Path(tmp) / "dimotis")
        bare = package(write_bare_app(Path(tmp) / "bare"), Path(tmp) / "bare-work")
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
    return summary


if __name__ == "__main__":
    main()
