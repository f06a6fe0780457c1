"""Shared fixtures: an isolated project environment, PostgreSQL and the real datasets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from include.config import settings
from tests.support import missing_resource

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# the keyed phone hash (include/privacy/keys.py) gets a fixed test key, so no test writes a key file
os.environ.setdefault("EE_PII_HASH_KEY", "experience-engine-test-key-not-a-secret-0123456789")


@pytest.fixture
def ee_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every EE_* path at a fresh temporary folder; return that folder."""
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EE_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    monkeypatch.setenv("EE_LANDING_DIR", str(tmp_path / "data" / "landing"))
    monkeypatch.setenv("EE_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("EE_REPORT_DIR", str(tmp_path / "data" / "reports"))
    return tmp_path


def _pg_reachable(dsn: str) -> str | None:
    try:
        import psycopg2

        psycopg2.connect(dsn, connect_timeout=3).close()
        return None
    except Exception as exc:  # any failure means "not usable here"
        return str(exc).strip()


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    """The PostgreSQL DSN; fails under CI when the server is unreachable, skips elsewhere."""
    dsn = settings().pg_dsn
    problem = _pg_reachable(dsn)
    if problem:
        message = (f"PostgreSQL is not reachable at {dsn} ({problem}). Start the server "
                   "(127.0.0.1:5432, trust auth, database 'test') or set EE_PG_DSN.")
        missing_resource(message)
    return dsn


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (real public datasets); skips with a clear message when absent."""
    path = settings().shared_data
    if not path.is_dir():
        message = f"real datasets not found at {path}; set EE_SHARED_DATA to the shared/data folder"
        missing_resource(message)
    return path


SMALL_RUN_ARGS = ("--weeks", "3", "--scale", "0.15")


@pytest.fixture(scope="session")
def small_pipeline_run(tmp_path_factory):
    """`xe run --weeks 3 --scale 0.15` (every DAG, the weekly report included) in a fresh folder,
    run once per session: ``(root, env, completed process)``. Shared by the end-to-end test and
    the report tests (about 5 minutes on 2 cores)."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("small_run")
    env = {**os.environ, "EE_DATA_DIR": str(root / "data"), "EE_LANDING_DIR": str(root / "data" / "landing"),
           "EE_WAREHOUSE": str(root / "data" / "warehouse.duckdb"), "EE_MODEL_DIR": str(root / "models"),
           "EE_REPORT_DIR": str(root / "data" / "reports"), "AIRFLOW_HOME": str(root / "airflow")}
    proc = subprocess.run([sys.executable, "-m", "include.cli", "run", *SMALL_RUN_ARGS], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return root, env, proc
