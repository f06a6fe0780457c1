"""
### pull_http_api

**Purpose.** Pull records from a partner/platform HTTP API (paginated JSON, incremental on
each record's update time) into the landing zone, then load the touched business days into
the `raw` schema with the same loader, contract, quarantine and audit as file exports.

**Configuration: the Airflow connection `ee_http_api`** (conn type `http`; another id via the
`conn_id` param). `host` is the API host or a whole base URL, `schema` `http`/`https`,
`port` optional, `password` the bearer token, and `extra` a JSON object:
`{"sources": ["orders", "reviews"], "path": "/v1", "page_size": 500, "cursor_field": "updated_at"}`
(`sources` required). For example, as an environment variable:
`AIRFLOW_CONN_EE_HTTP_API='{"conn_type": "http", "host": "https://api.example.com/v1", "password": "<token>", "extra": {"sources": ["orders"]}}'`.
Nothing is read at parse time. The cursor state lives in `EE_DATA_DIR/connector_state/`.

**Behaviour.**
- `plan_interval`: the run's business days, by the same rules as `ingest_landing` (conf
  `start`/`end` win; a scheduled run at local midnight covers the day that just ended;
  see `docs/ingestion.md`).
- `pull`: per source, `GET <base>/<source>?updated_since=<cursor>` page by page; records land
  in `<landing>/<source>/dt=<day of the event time>/api-<host>.jsonl`, one version per key
  (the latest update wins, so an edited record replaces its old version, and re-pulls change
  nothing). The cursor is **not** saved yet.
- `load` (pool `warehouse`): per source, `load_source` for the run's days plus every day the
  pull touched (an edit of an older record reloads that older day), then saves the cursor.
  A failed load leaves the cursor where it was, so the next run pulls the same records again.
- `summarise` fails the run when more than `max_quarantine_share` of the rows were
  quarantined and emits `duckdb://warehouse/raw` (which `build_warehouse` is scheduled on).

**Notes.** One DAG per file, wiring only: the logic is in
`include/ingestion/connectors/http_api.py`, `include/ingestion/interval.py` and
`include/ingestion/loader.py`. No `start_date` (catchup off): any past day can be run.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, task

from include.ingestion.interval import daily_business_timetable

RAW_ASSET = Asset("duckdb://warehouse/raw")


@dag(
    dag_id="pull_http_api",
    schedule=daily_business_timetable(),  # interval = the business day that just ended (EE_TIMEZONE)
    start_date=None,
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["ingestion", "raw", "api"],
    default_args={"owner": "data-engineering", "retries": 2, "retry_delay": pendulum.duration(minutes=2)},
    params={
        "conn_id": Param("ee_http_api", type="string", description="Airflow connection of the API"),
        "start": Param(None, type=["null", "string"], description="first day to load (YYYY-MM-DD)"),
        "end": Param(None, type=["null", "string"], description="day after the last (YYYY-MM-DD)"),
        "max_quarantine_share": Param(0.05, type="number", minimum=0, maximum=1,
                                      description="fail when more rows than this share are quarantined"),
    },
)
def pull_http_api():
    @task
    def plan_interval(params=None, data_interval_start=None, data_interval_end=None, logical_date=None,
                      dag_run=None, triggering_asset_events=None, run_id=None) -> dict:
        from include.ingestion.interval import plan_for_run

        plan = plan_for_run(params, data_interval_start, data_interval_end, logical_date, dag_run,
                            triggering_asset_events)
        print(f"run {run_id} covers {plan.start} .. {plan.end} (end exclusive): {plan.basis}")
        return {"start": plan.start.isoformat(), "end": plan.end.isoformat(), "run_id": run_id}

    @task
    def pull(params=None) -> list[dict]:
        from dataclasses import asdict

        from airflow.sdk import Connection

        from include.ingestion.connectors.http_api import from_connection

        connector, sources = from_connection(Connection.get(params["conn_id"]))
        pulled = []
        for source in sources:
            result = connector.pull(source, commit=False)
            print(f"{source}: {result.records} records in {result.pages} pages, days {result.days}, "
                  f"cursor {result.cursor_before} -> {result.cursor_after} (saved after the load)")
            pulled.append(asdict(result))
        return pulled

    @task(pool="warehouse")
    def load(interval: dict, pulled: list[dict], params=None) -> list[dict]:
        from datetime import date

        from airflow.sdk import Connection

        from include.ingestion.connectors.http_api import PullResult, from_connection
        from include.ingestion.interval import contiguous_ranges
        from include.ingestion.loader import days, load_source

        run_days = days(date.fromisoformat(interval["start"]), date.fromisoformat(interval["end"]))
        connector, _ = from_connection(Connection.get(params["conn_id"]))
        summaries = []
        for item in pulled:
            result = PullResult(**item)
            touched = run_days + [date.fromisoformat(d) for d in result.days]
            for start, end in contiguous_ranges(touched):
                summaries.append(load_source(result.source, start, end, run_id=interval["run_id"]).summary())
            connector.commit_cursor(result)  # only once its days are loaded
            print(f"{result.source}: loaded {contiguous_ranges(touched)}; cursor saved at {result.cursor_after}")
        return summaries

    @task(outlets=[RAW_ASSET], retries=0)  # a quarantine breach is not transient: fail at once
    def summarise(summaries: list[dict], params=None) -> dict:
        from include.ingestion.report import check_quarantine_share, format_summaries

        print(format_summaries(summaries))
        return check_quarantine_share(summaries, params["max_quarantine_share"])

    interval = plan_interval()
    summarise(load(interval, pull()))


pull_http_api()
