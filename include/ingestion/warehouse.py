"""The DuckDB warehouse: connections, the single-writer lock, and the raw schema the loader writes.

DuckDB allows one writing process per file, and while a writer has the file open no other
process can open it at all (nor can a writer open it while a reader holds it). Open a
connection for one unit of work and close it (``with connect() as con: ...``).

Single-writer strategy (docs/warehouse.md, "Writers, locks and crashes"):

* every writer (``connect()`` without ``read_only``, the dbt runner, the topic jobs) first
  takes one inter-process lock, ``<warehouse>.writer.lock`` beside the file
  (:func:`writer_lock`; the ``filelock`` package, an ``fcntl.flock`` on Unix, so a killed
  process never leaves it held). Writers therefore queue instead of colliding; the wait is
  bounded by ``EE_WAREHOUSE_LOCK_TIMEOUT`` (default 300 s), after which
  :class:`WarehouseBusyError` names the holder (pid, command, since when);
* DuckDB's own file lock (a reader, a notebook, a BI tool or a process that does not use
  this module holding the file) is retried with backoff (``tenacity``) within the same
  deadline, then :class:`WarehouseBusyError` names the conflicting process;
* readers (``read_only=True``) do not take the writer lock; they retry DuckDB's lock the
  same way (a reader meets a writer that has the file open).

Airflow additionally serialises its writers (pool ``warehouse`` with one slot,
``max_active_runs=1``); the lock covers what Airflow cannot see (CLI runs, a manual run next
to a scheduled one).
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from include.config import settings, warehouse_lock_timeout
from include.landing.contract import LOAD_COLUMNS, SOURCES, columns, raw_table_ddl

RAW_SCHEMA = "raw"

QUARANTINE_DDL = f"""
create table if not exists {RAW_SCHEMA}._quarantine (
  source VARCHAR,
  dt DATE,
  file VARCHAR,
  line BIGINT,
  reason VARCHAR,
  payload VARCHAR,
  run_id VARCHAR,
  quarantined_at TIMESTAMP
)"""

AUDIT_DDL = f"""
create table if not exists {RAW_SCHEMA}._load_audit (
  run_id VARCHAR,
  source VARCHAR,
  dt DATE,
  file VARCHAR,
  encoding VARCHAR,
  checksum VARCHAR,
  rows_read BIGINT,
  rows_loaded BIGINT,
  rows_quarantined BIGINT,
  status VARCHAR,
  message VARCHAR,
  started_at TIMESTAMP,
  finished_at TIMESTAMP
)"""


class WarehouseBusyError(RuntimeError):
    """The warehouse stayed locked by another process for the whole wait (the message names it)."""


def lock_path(warehouse: Path | str | None = None) -> Path:
    """The writer-lock file of a warehouse: ``<warehouse>.writer.lock`` beside it."""
    path = Path(warehouse or settings().warehouse).resolve()
    return path.with_name(path.name + ".writer.lock")


def _record_holder(fd: int) -> None:
    """``on_acquired`` hook: write who holds the lock into the lock file (read by waiters to name it)."""
    info = {"pid": os.getpid(), "host": socket.gethostname(), "command": _command_line(os.getpid()),
            "since": datetime.now(UTC).isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)


def _command_line(pid: int) -> str:
    """A process's command line from /proc (Linux), shortened; ``?`` when unknown."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return " ".join(sys.argv) if pid == os.getpid() else "?"
    parts = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    text = " ".join(Path(parts[0]).name if i == 0 else p for i, p in enumerate(parts)) if parts else "?"
    text = " ".join(text.split())  # a `python -c` script spans lines
    return text if len(text) <= 160 else text[:157] + "..."


def lock_holder(warehouse: Path | str | None = None) -> str:
    """Who holds (or last held) the writer lock, in words, from the lock file's content."""
    try:
        info = json.loads(lock_path(warehouse).read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        return "an unknown process"
    return f"pid {info['pid']} on {info.get('host', '?')} (`{info.get('command', '?')}`, since {info.get('since', '?')})"


def _lock(warehouse: Path | str | None) -> FileLock:
    # One instance per path in a process (is_singleton): re-entrant, so a writer that already
    # holds the lock (dbt runner, a CLI command) can open connections under it.
    return FileLock(lock_path(warehouse), is_singleton=True, on_acquired=_record_holder)


def writer_lock_is_free(warehouse: Path | str | None = None) -> bool:
    """Whether a new writer would get the lock at once (tries it and releases it)."""
    lock = _lock(warehouse)
    if lock.is_locked:  # held by this process
        return False
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    lock.release()
    return True


def _note(message: str) -> None:
    print(f"[warehouse] {message}", file=sys.stderr, flush=True)  # stdout stays clean for JSON


@contextmanager
def writer_lock(warehouse: Path | str | None = None, timeout: float | None = None) -> Iterator[float]:
    """Hold the warehouse's single-writer lock for the ``with`` block.

    Re-entrant within a process (nested writers share one hold). A killed holder releases it
    (the kernel drops the ``flock`` with the process), so no stale lock is ever left.

    Args:
        warehouse: DuckDB file (default ``settings().warehouse``).
        timeout: Seconds to wait (default ``EE_WAREHOUSE_LOCK_TIMEOUT``).

    Yields:
        The deadline (``time.monotonic()`` seconds) left for opening the file itself.

    Raises:
        WarehouseBusyError: Another process kept the lock for the whole timeout.
    """
    timeout = warehouse_lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    lock = _lock(warehouse)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        _note(f"waiting up to {timeout:g} s for the warehouse writer lock {lock_path(warehouse)}, held by "
              f"{lock_holder(warehouse)}")
        try:
            lock.acquire(timeout=max(0.0, deadline - time.monotonic()))
        except Timeout:
            raise WarehouseBusyError(
                f"warehouse {Path(warehouse or settings().warehouse)} is busy: another writer, "
                f"{lock_holder(warehouse)}, held the lock {lock_path(warehouse)} for the whole {timeout:g} s wait. "
                "Let it finish (or stop it), or raise EE_WAREHOUSE_LOCK_TIMEOUT.") from None
    try:
        yield deadline
    finally:
        lock.release()


_LOCK_CONFLICT = re.compile(r"Could not set lock on file|Conflicting lock is held", re.IGNORECASE)


def mentions_lock_conflict(text: str) -> bool:
    """Whether an error text (a DuckDB message, dbt's output) says another process holds the file."""
    return bool(_LOCK_CONFLICT.search(text))


def is_lock_conflict(exc: BaseException) -> bool:
    """Whether a DuckDB error is another process holding the file (retryable), not a real failure."""
    return isinstance(exc, duckdb.Error) and mentions_lock_conflict(str(exc))


def conflict_holder(message: str) -> str:
    """The process DuckDB names in a lock-conflict message (``PID n``), with its command line when known."""
    found = re.search(r"\(PID (\d+)\)", message)
    if not found:
        return "another process"
    pid = int(found.group(1))
    return f"PID {pid} (`{_command_line(pid)}`)"


def open_duckdb(path: Path, *, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` that retries while another process holds the file, until ``deadline``.

    Args:
        path: DuckDB file.
        read_only: Open read-only.
        deadline: ``time.monotonic()`` value after which the conflict is reported.

    Raises:
        WarehouseBusyError: The file stayed locked by another process (named) until the deadline.
        duckdb.Error: Any other failure to open the file.
    """
    waited = {"noted": False}

    def before_sleep(state) -> None:
        if not waited["noted"]:
            waited["noted"] = True
            _note(f"{path} is open in {conflict_holder(str(state.outcome.exception()))}; retrying until it "
                  f"closes (up to {max(0.0, deadline - time.monotonic()):.0f} s more)")

    retrying = Retrying(stop=stop_after_delay(max(0.0, deadline - time.monotonic())),
                        wait=wait_exponential(multiplier=0.1, max=1.0),
                        retry=retry_if_exception(is_lock_conflict), before_sleep=before_sleep, reraise=True)
    try:
        return retrying(duckdb.connect, str(path), read_only=read_only)
    except duckdb.Error as exc:
        if not is_lock_conflict(exc):
            raise
        mode = "read-only" if read_only else "read-write"
        raise WarehouseBusyError(
            f"cannot open warehouse {path} {mode}: {conflict_holder(str(exc))} holds DuckDB's lock on the file "
            "(DuckDB lets no other process in while a writer has it open, and no writer in while a reader has). "
            "Close that connection (a notebook, a BI tool, another pipeline run) or raise "
            "EE_WAREHOUSE_LOCK_TIMEOUT.") from exc


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = False,
            timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating its folder), yield the connection, always close it.

    A writer (``read_only=False``) holds :func:`writer_lock` for the whole block; both kinds
    retry DuckDB's file lock (:func:`open_duckdb`). Both waits share one deadline,
    ``timeout`` seconds (default ``EE_WAREHOUSE_LOCK_TIMEOUT``).

    Raises:
        FileNotFoundError: ``read_only`` and the file does not exist.
        WarehouseBusyError: Another process kept the warehouse for the whole wait (named).
    """
    path = Path(path or settings().warehouse)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"warehouse {path} does not exist yet: run the ingestion first (make run)")
        timeout = warehouse_lock_timeout() if timeout is None else timeout
        con = open_duckdb(path, read_only=True, deadline=time.monotonic() + timeout)
        try:
            yield con
        finally:
            con.close()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(path, timeout) as deadline:
        con = open_duckdb(path, read_only=False, deadline=deadline)
        try:
            yield con
        finally:
            con.close()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one table per source, quarantine and audit; add new contract columns."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for source in SOURCES:
        con.execute(raw_table_ddl(source, RAW_SCHEMA))
        existing = {
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                [RAW_SCHEMA, source],
            ).fetchall()
        }
        for name, sql_type in {**columns(source), **LOAD_COLUMNS}.items():
            if name not in existing:  # the contract gained a field: evolve the raw table
                con.execute(f"alter table {RAW_SCHEMA}.{source} add column {name} {sql_type}")
    con.execute(QUARANTINE_DDL)
    con.execute(AUDIT_DDL)
    # records withheld by the erasure register (include/privacy/erasure.py); a file holds rows_read + rows_erased
    con.execute(f"alter table {RAW_SCHEMA}._load_audit add column if not exists rows_erased BIGINT default 0")
