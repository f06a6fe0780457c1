"""The DuckDB warehouse: connections and the raw schema the loader writes.

DuckDB allows one writing process per file. Open a connection for one unit of work and
close it (``with connect() as con: ...``); Airflow serialises the writers (pool
``warehouse`` with one slot, ``max_active_runs=1``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from include.config import settings
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


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating its folder), yield the connection, always close it."""
    path = Path(path or settings().warehouse)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist yet: run the ingestion first (make run)")
    con = duckdb.connect(str(path), read_only=read_only)
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
