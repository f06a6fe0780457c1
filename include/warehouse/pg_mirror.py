"""Mirror the DuckDB ``raw`` schema (and ``voc`` when present) into PostgreSQL.

The landing loader writes DuckDB only; the dbt ``postgres`` target reads
``<prefix>_raw`` (and ``<prefix>_voc``). This module replaces those schemas per run: each
table is exported by DuckDB to a temporary CSV file and streamed into PostgreSQL with
``COPY ... FROM STDIN`` through psycopg2. (DuckDB's own postgres extension is a download
and is not available offline.)

    xe warehouse mirror-pg --prefix ee
    xe warehouse mirror-pg --prefix ci_1234 --drop  # remove ci_1234_* schemas
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from include.config import settings

PG_TYPES = {
    "VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "SMALLINT": "smallint",
    "DOUBLE": "double precision", "FLOAT": "real", "BOOLEAN": "boolean", "TIMESTAMP": "timestamp",
    "DATE": "date", "HUGEINT": "numeric", "TIMESTAMP WITH TIME ZONE": "timestamptz",
}
_PREFIX = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")
MIRRORED_SCHEMAS = ("raw", "voc")


@dataclass(frozen=True)
class MirroredTable:
    """One copied table."""

    schema: str
    table: str
    rows: int
    seconds: float


def check_prefix(prefix: str) -> str:
    """Validate a schema prefix (lower-case identifier) so it can be used unquoted in SQL.

    Raises:
        ValueError: the prefix is not a plain lower-case identifier.
    """
    if not _PREFIX.match(prefix):
        raise ValueError(f"schema prefix {prefix!r} must match {_PREFIX.pattern} (lower case, digits, _)")
    return prefix


def _pg_type(duck_type: str) -> str:
    base = duck_type.upper()
    if base.startswith("DECIMAL"):
        return base.replace("DECIMAL", "numeric")
    if base not in PG_TYPES:
        raise ValueError(f"no PostgreSQL type for DuckDB type {duck_type!r}")
    return PG_TYPES[base]


def mirror(
    prefix: str = "ee",
    *,
    warehouse: Path | str | None = None,
    dsn: str | None = None,
    schemas: tuple[str, ...] = MIRRORED_SCHEMAS,
    progress: bool = True,
    target_names: dict[str, str] | None = None,
    grant_select_to: str | None = None,
) -> list[MirroredTable]:
    """Replace ``<prefix>_<schema>`` on PostgreSQL with a copy of each DuckDB schema.

    Args:
        prefix: schema prefix on PostgreSQL (the dbt target schema, ``EE_PG_SCHEMA``).
        warehouse: DuckDB file; default ``settings().warehouse``.
        dsn: PostgreSQL DSN; default ``settings().pg_dsn``.
        schemas: DuckDB schemas to copy (those absent in DuckDB are skipped).
        progress: print one line per table.
        target_names: PostgreSQL schema per DuckDB schema instead of ``<prefix>_<schema>``.
        grant_select_to: a role that gets USAGE on each copied schema and SELECT on its tables,
            in the same transaction as the copy (readers never see the tables without it).

    After copying ``raw``, the redactions of its voice texts are refreshed in
    ``<prefix>_restricted`` on the server (:func:`include.privacy.warehouse.refresh_postgres`).

    Returns:
        The tables copied, with row counts and timings.

    Raises:
        FileNotFoundError: the DuckDB file does not exist.
        ValueError: bad prefix or an unmapped column type.
    """
    import duckdb
    import psycopg2

    check_prefix(prefix)
    path = Path(warehouse or settings().warehouse)
    if not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist; load raw data first")
    copied: list[MirroredTable] = []
    duck = duckdb.connect(str(path), read_only=True)
    pg = psycopg2.connect(dsn or settings().pg_dsn)
    try:
        with tempfile.TemporaryDirectory(prefix="ee-pg-mirror-") as tmp, pg.cursor() as cur:
            for schema in schemas:
                tables = [r[0] for r in duck.execute(
                    "select table_name from information_schema.tables where table_schema = ? "
                    "and table_type = 'BASE TABLE' order by table_name", [schema]).fetchall()]
                if not tables:
                    continue
                target = check_prefix((target_names or {}).get(schema, f"{prefix}_{schema}"))
                cur.execute(f'drop schema if exists "{target}" cascade')
                cur.execute(f'create schema "{target}"')
                for table in tables:
                    started = time.perf_counter()
                    cols = duck.execute(
                        "select column_name, data_type from information_schema.columns "
                        "where table_schema = ? and table_name = ? order by ordinal_position",
                        [schema, table]).fetchall()
                    body = ", ".join(f'"{name}" {_pg_type(dtype)}' for name, dtype in cols)
                    cur.execute(f'create table "{target}"."{table}" ({body})')
                    csv_path = Path(tmp) / f"{schema}.{table}.csv"
                    # NULL -> unquoted empty field; empty string -> quoted "" (PostgreSQL CSV rules)
                    duck.execute(f"copy (select * from {schema}.\"{table}\") to '{csv_path}' "
                                 "(format csv, header false, force_quote *)")
                    with csv_path.open("r", encoding="utf-8") as fh:
                        cur.copy_expert(f'copy "{target}"."{table}" from stdin with (format csv)', fh)
                    cur.execute(f'analyze "{target}"."{table}"')  # plan dbt's joins on real statistics
                    rows = duck.execute(f"select count(*) from {schema}.\"{table}\"").fetchone()[0]
                    csv_path.unlink()
                    item = MirroredTable(target, table, rows, time.perf_counter() - started)
                    copied.append(item)
                    if progress:
                        print(f"  {target}.{table:20s} {rows:>10,d} rows  {item.seconds:5.1f} s", file=sys.stderr)
                if grant_select_to:
                    cur.execute(f'grant usage on schema "{target}" to "{check_prefix(grant_select_to)}"')
                    cur.execute(f'grant select on all tables in schema "{target}" to "{grant_select_to}"')
        pg.commit()
    finally:
        duck.close()
        pg.close()
    if "raw" in schemas and any(item.schema == f"{prefix}_raw" for item in copied):
        # the voice texts' redactions are computed from the mirrored raw on the server itself
        # (restricted.text_redactions, include/privacy/warehouse.py), so dbt's staging there never
        # needs a text the redactor has not seen
        from include.privacy.warehouse import refresh_postgres

        refresh_postgres(prefix, dsn)
    return copied


def drop_schemas(prefix: str, *, dsn: str | None = None) -> list[str]:
    """Drop every PostgreSQL schema named ``<prefix>`` or ``<prefix>_*``; return their names."""
    import psycopg2

    check_prefix(prefix)
    with psycopg2.connect(dsn or settings().pg_dsn) as pg, pg.cursor() as cur:
        cur.execute("select nspname from pg_namespace where nspname = %s or nspname like %s",
                    [prefix, prefix.replace("_", r"\_") + r"\_%"])
        names = [r[0] for r in cur.fetchall()]
        for name in names:
            cur.execute(f'drop schema "{name}" cascade')
    pg.close()
    return names
