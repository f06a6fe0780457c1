"""A dbt manifest for cosmos to render the DAG from, rebuilt only when the project changes.

Cosmos can render a dbt project with ``dbt ls`` at every parse (and cache the result in an
Airflow Variable, which needs a migrated metadata database) or from a ``manifest.json``.
This module keeps one manifest per project fingerprint (a hash of every file dbt reads)
under ``<EE_DATA_DIR>/cosmos_cache/manifests/``: a DAG parse costs a hash of ~60 small
files, and ``dbt parse`` runs only after the project changed. No metadata database, no
network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from include.config import settings

PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests", "analyses")


def project_fingerprint(project_dir: Path | None = None) -> str:
    """SHA-256 over the relative path and content of every file dbt parses."""
    root = Path(project_dir or settings().dbt_project_dir)
    digest = hashlib.sha256()
    for part in PROJECT_PARTS:
        base = root / part
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def manifest_dir() -> Path:
    """Where manifests are kept (inside the git-ignored data dir)."""
    return settings().data_dir / "cosmos_cache" / "manifests"


def ensure_manifest(project_dir: Path | None = None) -> Path:
    """Return the manifest of the project as it is now, running ``dbt parse`` if needed.

    Raises:
        include.warehouse.dbt_runner.DbtError: ``dbt parse`` failed (the project is broken).
    """
    from include.warehouse.dbt_runner import run_dbt

    fingerprint = project_fingerprint(project_dir)[:20]
    target = manifest_dir() / fingerprint / "manifest.json"
    if target.exists():
        return target
    manifest_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=manifest_dir(), prefix=".parse-") as tmp:
        run_dbt(["parse", "--target-path", tmp, "--no-partial-parse"], echo=False)
        staged = Path(tmp) / "manifest.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(staged, partial)
        os.replace(partial, target)  # atomic: a concurrent parse sees the old or the new file
    return target
