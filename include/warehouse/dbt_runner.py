"""Run dbt against the project in ``dbt_project/`` with the environment it expects.

Every setting reaches dbt through environment variables that ``dbt_project/profiles.yml``
reads (``EE_WAREHOUSE``, ``EE_DBT_TARGET``, ``EE_PG_*``), so the same project serves the
command line, the tests, the benchmarks and cosmos.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from include.config import settings

TARGETS = ("duckdb", "postgres")
MAIN_BUILD_ARGS = ("build", "--exclude", "tag:topics", "tag:insight")


class DbtError(RuntimeError):
    """dbt exited with a non-zero status; the message carries the end of its output."""


@dataclass(frozen=True)
class DbtRun:
    """The outcome of one dbt invocation."""

    args: tuple[str, ...]
    returncode: int
    seconds: float
    output: str


def dbt_executable() -> str:
    """The dbt console script of the running interpreter's environment (else the one on PATH)."""
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if not found:
        raise DbtError("dbt is not installed: no `dbt` next to the interpreter or on PATH")
    return found


def pg_connection_env(dsn: str | None = None) -> dict[str, str]:
    """Split a PostgreSQL DSN (``EE_PG_DSN``) into the ``EE_PG_*`` variables profiles.yml reads."""
    from psycopg2.extensions import parse_dsn

    parts = parse_dsn(dsn or settings().pg_dsn)
    env = {
        "EE_PG_HOST": parts.get("host", "127.0.0.1"),
        "EE_PG_PORT": str(parts.get("port", "5432")),
        "EE_PG_USER": parts.get("user", "postgres"),
        "EE_PG_DATABASE": parts.get("dbname", "test"),
    }
    if parts.get("password"):
        env["EE_PG_PASSWORD"] = parts["password"]
    return env


def dbt_env(
    target: str = "duckdb",
    *,
    warehouse: Path | str | None = None,
    pg_schema: str | None = None,
    pg_dsn: str | None = None,
    base: dict[str, str] | None = None,
) -> dict[str, str]:
    """Environment for a dbt process.

    Args:
        target: ``duckdb`` (default) or ``postgres``.
        warehouse: DuckDB file; default ``settings().warehouse``. Always made absolute because
            cosmos runs dbt from a temporary copy of the project.
        pg_schema: schema prefix on PostgreSQL (``EE_PG_SCHEMA``; dbt writes
            ``<prefix>_staging`` ... and reads ``<prefix>_raw``).
        pg_dsn: PostgreSQL DSN; default ``settings().pg_dsn``.
        base: environment to extend; default ``os.environ``.

    Returns:
        A new dict; ``base`` is not modified.
    """
    if target not in TARGETS:
        raise ValueError(f"unknown dbt target {target!r}; expected one of {', '.join(TARGETS)}")
    env = dict(os.environ if base is None else base)
    cfg = settings()
    env.update(
        EE_DBT_TARGET=target,
        EE_WAREHOUSE=str(Path(warehouse or cfg.warehouse).resolve()),
        EE_TIMEZONE=cfg.timezone,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    if target == "postgres":
        env.update(pg_connection_env(pg_dsn))
        if pg_schema:
            env["EE_PG_SCHEMA"] = pg_schema
    return env


def run_dbt(
    args: Sequence[str],
    *,
    target: str = "duckdb",
    warehouse: Path | str | None = None,
    pg_schema: str | None = None,
    pg_dsn: str | None = None,
    check: bool = True,
    echo: bool = True,
) -> DbtRun:
    """Run one dbt command in ``dbt_project/`` and return its output and wall time.

    Args:
        args: dbt arguments, e.g. ``["build", "--exclude", "tag:topics"]``.
        target: dbt target (``duckdb`` or ``postgres``).
        warehouse: DuckDB file for the duckdb target.
        pg_schema: schema prefix for the postgres target.
        pg_dsn: PostgreSQL DSN for the postgres target.
        check: raise ``DbtError`` when dbt fails.
        echo: stream dbt's output to stderr as it runs (progress on long builds).

    Raises:
        DbtError: dbt failed and ``check`` is true.
    """
    project = settings().dbt_project_dir
    if not (project / "dbt_project.yml").exists():
        raise DbtError(f"no dbt project at {project}")
    cmd = [dbt_executable(), *args, "--project-dir", str(project), "--profiles-dir", str(project)]
    env = dbt_env(target, warehouse=warehouse, pg_schema=pg_schema, pg_dsn=pg_dsn)
    # one target/log dir per warehouse and target: concurrent builds of different warehouses
    # (tests, benchmarks, the DAG) never share partial-parse state or artifacts
    key = hashlib.sha256(f"{target}|{env['EE_WAREHOUSE']}|{env.get('EE_PG_SCHEMA', '')}".encode()).hexdigest()[:12]
    work = settings().data_dir / "dbt_runs" / key
    env.setdefault("DBT_TARGET_PATH", str(work / "target"))
    env.setdefault("DBT_LOG_PATH", str(work / "logs"))
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", errors="replace")
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if echo:
            sys.stderr.write(line)
    returncode = proc.wait()
    run = DbtRun(tuple(args), returncode, time.perf_counter() - started, "".join(lines))
    if check and returncode != 0:
        tail = "".join(lines[-40:])
        raise DbtError(f"dbt {' '.join(args)} failed (exit {returncode}) on target {target}:\n{tail}")
    return run
