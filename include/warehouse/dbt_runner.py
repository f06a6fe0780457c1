"""Run dbt against the project in ``dbt_project/`` with the environment it expects.

Every setting reaches dbt through environment variables that ``dbt_project/profiles.yml``
reads (``EE_WAREHOUSE``, ``EE_DBT_TARGET``, ``EE_PG_*``), so the same project serves the
command line, the tests, the benchmarks and cosmos.

On the DuckDB target :func:`run_dbt` is a warehouse writer like any other
(:mod:`include.ingestion.warehouse`): it holds the single-writer lock for the whole dbt
process, waits for DuckDB's file lock to be free before starting dbt, drops the
``__dbt_tmp`` / ``__dbt_backup`` relations a killed build can leave, and starts dbt so that
it dies with its parent (Linux ``PR_SET_PDEATHSIG``): no dbt outlives the lock holder and
writes unlocked. docs/warehouse.md, "Writers, locks and crashes".
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from include.config import settings

TARGETS = ("duckdb", "postgres")
MAIN_BUILD_ARGS = ("build", "--exclude", "tag:topics", "tag:insight")
#: suffixes of the intermediate relations dbt's table/view/incremental materialisations create
LEFTOVER_SUFFIXES = ("__dbt_tmp", "__dbt_backup")


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


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """``preexec_fn``: ask Linux to SIGKILL this child when the process that started it dies."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def drop_dbt_leftovers(con) -> list[str]:
    """Drop the ``*__dbt_tmp`` / ``*__dbt_backup`` relations a killed dbt run left in a DuckDB file.

    dbt-duckdb builds a table as ``<name>__dbt_tmp``, renames the old one to ``<name>__dbt_backup``,
    swaps and drops; a run killed between those statements leaves them behind (dbt itself
    drops them only when it next builds that same model). Call under the writer lock.

    Args:
        con: A read-write DuckDB connection.

    Returns:
        The ``schema.name`` of each relation dropped.
    """
    rows = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables where "
        + " or ".join("table_name like ? escape '!'" for _ in LEFTOVER_SUFFIXES),
        ["%" + suffix.replace("_", "!_") for suffix in LEFTOVER_SUFFIXES]).fetchall()
    dropped = []
    for schema, name, kind in rows:
        con.execute(f'drop {"view" if kind == "VIEW" else "table"} if exists "{schema}"."{name}"')
        dropped.append(f"{schema}.{name}")
    return dropped


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

    On the ``duckdb`` target the command runs under the warehouse's single-writer lock
    (:func:`include.ingestion.warehouse.writer_lock`): it waits for other writers, and for
    DuckDB's file lock (a reader holding the file), up to ``EE_WAREHOUSE_LOCK_TIMEOUT`` in all;
    leftovers of a killed build are dropped first (:func:`drop_dbt_leftovers`). Should dbt
    still meet DuckDB's lock (a process that grabbed the file between the check and dbt's
    own open), the command is re-run within the same deadline: the conflict happens when dbt
    opens the file, before it has built anything.

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
        include.ingestion.warehouse.WarehouseBusyError: the warehouse stayed busy (the holder is named).
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
    if target != "duckdb":
        run = _run_once(cmd, project, env, args, echo)
    else:
        from include.ingestion.warehouse import mentions_lock_conflict, open_duckdb, writer_lock

        path = Path(env["EE_WAREHOUSE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        with writer_lock(path) as deadline:
            con = open_duckdb(path, read_only=False, deadline=deadline)  # waits out a reader holding the file
            try:
                dropped = drop_dbt_leftovers(con)
            finally:
                con.close()
            if dropped:
                sys.stderr.write(f"[dbt_runner] dropped {len(dropped)} relation(s) a killed dbt run left: "
                                 f"{', '.join(dropped)}\n")
            while True:
                run = _run_once(cmd, project, env, args, echo)
                conflict = run.returncode != 0 and mentions_lock_conflict(run.output[-4000:])
                if not conflict or time.monotonic() >= deadline:
                    break
                sys.stderr.write("[dbt_runner] dbt could not open the warehouse (another process holds it); "
                                 "retrying\n")
                time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
    if check and run.returncode != 0:
        tail = "".join(run.output.splitlines(keepends=True)[-40:])
        raise DbtError(f"dbt {' '.join(args)} failed (exit {run.returncode}) on target {target}:\n{tail}")
    return run


def _run_once(cmd: list[str], project: Path, env: dict[str, str], args: Sequence[str], echo: bool) -> DbtRun:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", errors="replace",
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)  # noqa: PLW1509
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if echo:
            sys.stderr.write(line)
    returncode = proc.wait()
    return DbtRun(tuple(args), returncode, time.perf_counter() - started, "".join(lines))
