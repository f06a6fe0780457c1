"""Helpers for warehouse tests on tiny hand-written landing zones: write a partition (a day's
export, replacing what the day held), load it with the real loader, run the real `dbt build`
through the project's runner, and compare an incrementally built warehouse with a full
refresh over the same raw data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import duckdb

from include.config import settings

# The schemas dbt writes on DuckDB (generate_schema_name): tables there are incremental
# models or marts; views are recomputed from raw on every query.
DBT_SCHEMAS = ("staging", "intermediate", "marts")


def write_partition(landing: Path, source: str, day: date, rows: Iterable[dict],
                    name: str = "part-0000.jsonl") -> Path:
    """Write one day's export of a source as JSONL, replacing every file the day held."""
    folder = landing / source / f"dt={day.isoformat()}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path = folder / name
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def load(landing: Path, warehouse: Path, start: date, end: date | None = None,
         sources: Iterable[str] | None = None) -> None:
    """Load [start, end) (default: the one day) of the sources (default: every source) with the loader."""
    from include.ingestion.loader import load_source
    from include.landing.contract import SOURCES

    for source in sources or SOURCES:
        load_source(source, start, end or start + timedelta(days=1), landing_dir=landing, warehouse=warehouse)


def build(warehouse: Path, *, full_refresh: bool = False) -> float:
    """`dbt build --exclude tag:topics` (what the warehouse DAG runs); return its wall time in seconds."""
    from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt

    args = [*MAIN_BUILD_ARGS, *(["--full-refresh"] if full_refresh else [])]
    return run_dbt(args, warehouse=warehouse, echo=False).seconds


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def incremental_models() -> set[str]:
    """Names of the models materialised as incremental, read from the manifest of the last build."""
    manifests = sorted(settings().data_dir.glob("dbt_runs/*/target/manifest.json"),
                       key=lambda p: p.stat().st_mtime)
    assert manifests, "no dbt build has run in this data dir yet"
    nodes = json.loads(manifests[-1].read_text(encoding="utf-8"))["nodes"].values()
    return {n["name"] for n in nodes if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"}


def rebuild_and_compare(warehouse: Path, tmp: Path) -> dict[str, tuple[int, int, int]]:
    """Keep a copy of the incrementally built warehouse, `dbt build --full-refresh` the original
    (same raw data, same dbt work folder), and compare every dbt table of the two.

    Returns:
        {"schema.table": (rows, rows only in the incremental build, rows only in the full
        refresh)}, multisets compared, order-insensitive. Raises AssertionError when a table
        exists in one and not the other, or when an incremental model was not compared.
    """
    incremental = tmp / "incremental_copy.duckdb"
    shutil.copyfile(warehouse, incremental)
    build(warehouse, full_refresh=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{incremental}' as inc (read_only)")
        con.execute(f"attach '{warehouse}' as full_build (read_only)")
        tables = {}
        for catalog in ("inc", "full_build"):
            tables[catalog] = {f"{s}.{t}" for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = ? and table_type = 'BASE TABLE' and table_schema in (?, ?, ?)",
                [catalog, *DBT_SCHEMAS]).fetchall()}
        assert tables["inc"] == tables["full_build"], tables
        compared = {name.split(".")[1] for name in tables["inc"]}
        assert incremental_models() <= compared, (incremental_models(), compared)
        result = {}
        for name in sorted(tables["inc"]):
            only_inc = con.execute(f"select count(*) from (select * from inc.{name} "
                                   f"except all select * from full_build.{name})").fetchone()[0]
            only_full = con.execute(f"select count(*) from (select * from full_build.{name} "
                                    f"except all select * from inc.{name})").fetchone()[0]
            rows = con.execute(f"select count(*) from full_build.{name}").fetchone()[0]
            result[name] = (rows, only_inc, only_full)
        return result
    finally:
        con.close()


def differences(comparison: dict[str, tuple[int, int, int]]) -> dict[str, tuple[int, int, int]]:
    """The tables of a comparison whose contents differ."""
    return {name: counts for name, counts in comparison.items() if counts[1] or counts[2]}
