"""
### ingest_landing

**Purpose.** Load every landing-zone source (orders, payments, logistics, customer-service
sessions and messages, reviews, NPS, social mentions, and the reference sources) for the
run's data interval into the `raw` schema of the warehouse.

**Behaviour.**
- One task per source, `load_<source>`; each replaces exactly its interval's partition days
  (idempotent: a re-run never duplicates), quarantines contract-breaking rows in
  `raw._quarantine` with a reason, and audits every file in `raw._load_audit`.
- Each task emits the Asset `duckdb://warehouse/raw/<source>`; `summarise` emits
  `duckdb://warehouse/raw`, which the dbt DAG (`build_warehouse`) is scheduled on.
- Backfill a range in one run with conf `{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}`
  (end exclusive); without conf the daily data interval (in `EE_TIMEZONE`) is loaded.
- `summarise` fails the run when the quarantined share exceeds `max_quarantine_share`, so a
  broken export is seen, not buried.

**Notes.** DuckDB takes one writer: the load tasks share the pool `warehouse` (1 slot)
and `max_active_runs=1`. Logic lives in `include/ingestion/`; this file only wires tasks.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, task

from include.landing.contract import SOURCES

RAW_ASSET = Asset("duckdb://warehouse/raw")
SOURCE_ASSETS = {source: Asset(f"duckdb://warehouse/raw/{source}") for source in SOURCES}


@dag(
    dag_id="ingest_landing",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 9, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["ingestion", "raw"],
    default_args={"owner": "data-engineering", "retries": 2, "retry_delay": pendulum.duration(minutes=2)},
    params={
        "start": Param(None, type=["null", "string"], description="first day to load (YYYY-MM-DD)"),
        "end": Param(None, type=["null", "string"], description="day after the last (YYYY-MM-DD)"),
        "max_quarantine_share": Param(0.05, type="number", minimum=0, maximum=1,
                                      description="fail when more rows than this share are quarantined"),
    },
)
def ingest_landing():
    @task
    def plan_interval(params=None, data_interval_start=None, data_interval_end=None, run_id=None) -> dict:
        from include.config import settings
        from include.ingestion.interval import local_day_interval

        start, end = local_day_interval(
            data_interval_start, data_interval_end, timezone=settings().timezone,
            start=params.get("start"), end=params.get("end"),
        )
        print(f"loading partitions {start} .. {end} (end exclusive) for run {run_id}")
        return {"start": start.isoformat(), "end": end.isoformat(), "run_id": run_id}

    def make_load_task(source: str):
        @task(task_id=f"load_{source}", outlets=[SOURCE_ASSETS[source]], pool="warehouse")
        def load(interval: dict) -> dict:
            from datetime import date

            from include.ingestion.loader import load_source

            result = load_source(source, date.fromisoformat(interval["start"]),
                                 date.fromisoformat(interval["end"]), run_id=interval["run_id"])
            return result.summary()

        return load

    @task(outlets=[RAW_ASSET], retries=0)  # a quarantine breach is not transient: fail at once
    def summarise(summaries: list[dict], params=None) -> dict:
        from include.ingestion.report import check_quarantine_share, format_summaries

        print(format_summaries(summaries))
        return check_quarantine_share(summaries, params["max_quarantine_share"])

    interval = plan_interval()
    summaries = [make_load_task(source)(interval) for source in SOURCES]
    summarise(summaries)


ingest_landing()
