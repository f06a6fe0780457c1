"""Benchmark: `dbt build` wall time on DuckDB at about 1,000,000 interactions.

Copies a warehouse whose raw schema holds the demo data, multiplies the customer-voice
sources (chat sessions and messages, reviews, NPS answers, social mentions) with new ids
until ``fct_interactions`` would reach the target, then times a full-refresh build and a
re-build with nothing new (the tag cache is reused), prints rows per mart, then times the
Great Expectations checkpoints over every mart (``xe validate``; peak RSS included).

    xe build                                                # demo figures first
    xe bench warehouse --source data/warehouse.duckdb --target-rows 1000000
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from pathlib import Path

from include.config import settings

# table -> id columns that must stay unique in each copy
VOICE_TABLES = {
    "cs_sessions": ("session_id",),
    "cs_messages": ("message_id", "session_id"),
    "reviews": ("review_id",),
    "nps_responses": ("response_id",),
    "social_mentions": ("mention_id",),
}
VOICE_COUNT_SQL = """
select (select count(*) from raw.cs_messages where sender_role = 'customer')
     + (select count(*) from raw.reviews where nullif(trim(text), '') is not null)
     + (select count(*) from raw.nps_responses where nullif(trim(verbatim), '') is not null)
     + (select count(*) from raw.social_mentions)
"""


def inflate(warehouse: Path, target_rows: int) -> tuple[int, int]:
    """Multiply the voice sources in place; return (copies, expected interactions)."""
    import duckdb

    con = duckdb.connect(str(warehouse))
    try:
        base = con.execute(VOICE_COUNT_SQL).fetchone()[0]
        if base == 0:
            raise ValueError(f"{warehouse} has no customer voice in raw; load the demo data first")
        copies = max(1, math.ceil(target_rows / base))
        for table, ids in VOICE_TABLES.items():
            replaced = ", ".join(f"o.{c} || '-x' || copies.copy_no as {c}" for c in ids)
            con.execute(f"create table raw.{table}__orig as select * from raw.{table}")
            con.execute(f"delete from raw.{table}")
            con.execute(f"""insert into raw.{table}
                select o.* replace ({replaced})
                from raw.{table}__orig as o, range({copies}) as copies(copy_no)""")
            con.execute(f"drop table raw.{table}__orig")
        expected = con.execute(VOICE_COUNT_SQL).fetchone()[0]
    finally:
        con.close()
    return copies, expected


def run_bench(source: Path | None = None, scratch: Path | None = None, target_rows: int = 1_000_000,
              validate: bool = True) -> dict:
    """Copy ``source``, inflate its voice to ``target_rows`` interactions, time dbt builds; print figures.

    Raises:
        FileNotFoundError: When the source warehouse does not exist.
        include.warehouse.dbt_runner.DbtError: When dbt fails.
    """
    from include.warehouse.dbt_runner import MAIN_BUILD_ARGS, run_dbt
    from include.warehouse.stats import duckdb_stats, format_stats

    source = Path(source or settings().warehouse)
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist; generate and load the demo first (xe run)")
    scratch = Path(scratch or settings().data_dir / "bench_dbt")
    scratch.mkdir(parents=True, exist_ok=True)
    warehouse = scratch / "warehouse.duckdb"
    shutil.copyfile(source, warehouse)
    print(f"inflating the voice sources of {source} towards {target_rows:,} interactions ...", file=sys.stderr)
    started = time.perf_counter()
    copies, expected = inflate(warehouse, target_rows)
    print(f"  {copies} copies -> {expected:,} interactions expected ({time.perf_counter() - started:.1f} s)",
          file=sys.stderr)
    full = run_dbt([*MAIN_BUILD_ARGS, "--full-refresh"], warehouse=warehouse, echo=False)
    again = run_dbt(list(MAIN_BUILD_ARGS), warehouse=warehouse, echo=False)
    stats = duckdb_stats(warehouse)
    print(f"dbt build --full-refresh: {full.seconds:.1f} s; re-build with nothing new: "
          f"{again.seconds:.1f} s")
    print(format_stats(stats))
    result = {"copies": copies, "interactions": expected, "full_refresh_seconds": round(full.seconds, 1),
              "incremental_seconds": round(again.seconds, 1), **stats}
    if validate:
        import resource

        from include.publishing.validate import validate_warehouse

        report = validate_warehouse(warehouse, docs=False)
        result["validation_seconds"] = report.seconds
        result["validation_passed"] = report.passed
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(f"GX checkpoints over {len(report.results)} tables: {report.seconds:.1f} s "
              f"({'passed' if report.passed else 'FAILED: ' + report.message()}); peak RSS {result['peak_rss_mb']} MB")
    return result
