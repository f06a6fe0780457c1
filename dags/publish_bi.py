"""
### publish_bi

**Purpose.** The gate between the pipeline and BI: run every Great Expectations suite
(`expectations/suites.py`) over the marts and, only when no critical expectation fails,
publish them together to the BI file (`EE_BI_WAREHOUSE`, default `data/published.duckdb`,
schema `bi`) with an atomic file swap, logging each table in `bi.publication_log`
(`include/publishing/publish.py`). On a failure the previous BI tables stay, the run fails
with a message naming each failing expectation and example values, and the failure goes
through the risk-alert channels. GX data docs are rebuilt into `data/gx/` on every run.

**Schedule.** When the key drivers, the risk alerts and the unpaid-order marts have all been
rebuilt (the last marts of a run), so a run's tables are published together.

**Conf / params.** `start`, `end` (YYYY-MM-DD, end exclusive): the run's data interval;
freshness is checked against `end` (default: the DAG run's data interval).

**PostgreSQL.** With `EE_BI_POSTGRES=true` the published tables also replace schema `bi` on
`EE_PG_DSN`, readable by role `bi_reader` only (`include/publishing/postgres.py`).

**Notes.** One task: validation and the swap must see the same tables. It only reads the
pipeline's warehouse (pool `warehouse` keeps it from reading a half-built one).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task

KEY_DRIVERS = Asset("duckdb://warehouse/marts/agg_nps_key_drivers")
RISK_ALERTS = Asset("duckdb://warehouse/marts/fct_risk_alerts")
UNPAID_MARTS = Asset("duckdb://warehouse/marts/unpaid_orders")
PUBLISHED = Asset("duckdb://published/bi")


@dag(
    dag_id="publish_bi",
    schedule=(KEY_DRIVERS & RISK_ALERTS & UNPAID_MARTS),
    start_date=pendulum.datetime(2026, 9, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["publishing", "gx"],
    default_args={"owner": "data-platform", "retries": 1, "retry_delay": pendulum.duration(minutes=1)},
)
def publish_bi():
    @task(pool="warehouse", outlets=[PUBLISHED])
    def validate_and_publish() -> dict:
        import os
        from datetime import date, datetime, time

        from include.publishing.publish import publish

        context = get_current_context()
        conf = (context["dag_run"].conf or {}) if context.get("dag_run") else {}
        start = date.fromisoformat(conf["start"]) if conf.get("start") else context["data_interval_start"].date()
        end = date.fromisoformat(conf["end"]) if conf.get("end") else context["data_interval_end"].date()
        summary = publish(run_id=context["run_id"], interval_start=start, interval_end=datetime.combine(end, time()))
        print(f"published {summary['tables']} tables ({summary['rows']:,} rows) to {summary['bi_warehouse']}; "
              f"{len(summary['warnings'])} warning(s); data docs: {summary['data_docs']}")
        for warning in summary["warnings"]:
            print(f"  warning: {warning}")
        if os.environ.get("EE_BI_POSTGRES", "").lower() in ("1", "true", "yes"):
            from include.publishing.postgres import publish_to_postgres

            summary["postgres"] = publish_to_postgres(summary["bi_warehouse"])
            print(f"published to PostgreSQL: {summary['postgres']}")
        return summary

    validate_and_publish()


publish_bi()
