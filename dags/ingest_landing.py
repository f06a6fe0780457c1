"""
### ingest_landing

**Purpose.** Load every landing-zone source (orders, payments, logistics, customer-service
sessions and messages, reviews, NPS, social mentions, and the reference sources) for the
run's business days into the `raw` schema of the warehouse.

**Which days a run loads** (business days in `EE_TIMEZONE`, default Asia/Shanghai; rules in
`include/ingestion/interval.py`, details in `docs/ingestion.md`):

| how the run starts | days loaded |
|---|---|
| conf `{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}` (any kind of run) | `start` .. `end` (end exclusive) |
| scheduled (daily at local midnight, `CronDataIntervalTimetable`) | the day that just ended: the run at 2026-11-16 00:00 +08:00 loads 2026-11-15 |
| `airflow dags test ingest_landing <logical date>` / UI or REST trigger with a logical date | the last day that ended at or before the logical date (`2026-11-16T00:00:00+08:00` loads 2026-11-15; a bare `2026-11-16` is UTC midnight) |
| manual trigger without a logical date; CLI `airflow dags trigger` (its interval follows the trigger time, not `-l`) | the last day that ended before the trigger time (`run_after`) |
| `airflow backfill create --from-date A --to-date B` | one run per day whose interval starts in [A, B]: give A and B with the offset, e.g. `2025-03-01T00:00:00+08:00` |
| asset-triggered (if scheduled on assets) | days named by the events' extra `business_days` / `business_day`, else as a manual trigger without logical date |

A zero-length data interval (Airflow 3's default cron timetable) loads the day that ended at
that instant, never the empty day that has just begun. The DAG has no `start_date`
(catchup off), so a run or backfill of any past day loads it instead of finishing green
with no task.

**Behaviour.**
- One task per source, `load_<source>`; each replaces exactly its interval's partition days
  (idempotent: a re-run never duplicates), quarantines contract-breaking rows in
  `raw._quarantine` with a reason, and audits every file in `raw._load_audit`.
- Late files: each load task also reloads the older days (param `late_lookback_days`, default
  7 days before the interval) holding a file the load audit has not seen as it is now (a file
  that arrived late, or a re-export with other bytes); the dbt build that follows picks the
  reloaded rows up.
- Each task emits the Asset `duckdb://warehouse/raw/<source>`; `summarise` emits
  `duckdb://warehouse/raw`, which the dbt DAG (`build_warehouse`) is scheduled on.
- `summarise` fails the run when the quarantined share exceeds `max_quarantine_share`, so a
  broken export is seen, not buried.

**Notes.** DuckDB takes one writer: the load tasks share the pool `warehouse` (1 slot)
and `max_active_runs=1`. Logic lives in `include/ingestion/`; this file only wires tasks.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, task

from include.ingestion.interval import daily_business_timetable
from include.landing.contract import SOURCES

RAW_ASSET = Asset("duckdb://warehouse/raw")
SOURCE_ASSETS = {source: Asset(f"duckdb://warehouse/raw/{source}") for source in SOURCES}


@dag(
    dag_id="ingest_landing",
    schedule=daily_business_timetable(),  # interval = the business day that just ended (EE_TIMEZONE)
    start_date=None,  # no lower bound: runs and backfills of any past day load it (catchup stays off)
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["ingestion", "raw"],
    default_args={"owner": "data-engineering", "retries": 2, "retry_delay": pendulum.duration(minutes=2)},
    params={
        "start": Param(None, type=["null", "string"], description="first day to load (YYYY-MM-DD)"),
        "end": Param(None, type=["null", "string"], description="day after the last (YYYY-MM-DD)"),
        "late_lookback_days": Param(7, type="integer", minimum=0,
                                    description="also load older days (this many before the interval) whose "
                                                "files arrived late or changed since their last load"),
        "max_quarantine_share": Param(0.05, type="number", minimum=0, maximum=1,
                                      description="fail when more rows than this share are quarantined"),
    },
)
def ingest_landing():
    @task
    def plan_interval(params=None, data_interval_start=None, data_interval_end=None, logical_date=None,
                      dag_run=None, triggering_asset_events=None, run_id=None) -> dict:
        from include.ingestion.interval import plan_for_run

        plan = plan_for_run(params, data_interval_start, data_interval_end, logical_date, dag_run,
                            triggering_asset_events)
        print(f"loading partitions {plan.start} .. {plan.end} (end exclusive) for run {run_id}: {plan.basis}")
        return {"start": plan.start.isoformat(), "end": plan.end.isoformat(), "run_id": run_id,
                "late_lookback_days": params.get("late_lookback_days") or 0}

    def make_load_task(source: str):
        @task(task_id=f"load_{source}", outlets=[SOURCE_ASSETS[source]], pool="warehouse")
        def load(interval: dict) -> dict:
            from datetime import date

            from include.ingestion.loader import load_late_partitions, load_source
            from include.ingestion.report import combine_summaries

            start, end = date.fromisoformat(interval["start"]), date.fromisoformat(interval["end"])
            results = load_late_partitions(source, start, run_id=interval["run_id"],
                                           lookback_days=interval.get("late_lookback_days", 0))
            results.append(load_source(source, start, end, run_id=interval["run_id"]))
            return combine_summaries([result.summary() for result in results])

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
