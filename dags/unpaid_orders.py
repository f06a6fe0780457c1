"""
### unpaid_orders

**Purpose.** "Ordered but not paid": attribute every order in `marts.fct_unpaid_orders` to a
primary reason and secondary ones, each with a confidence and evidence
(`include/insight/unpaid.py` -> `insight.unpaid_order_reasons`), build the unpaid marts (dbt,
tag `insight`: `fct_unpaid_order_reasons`, `agg_unpaid_recovery_weekly`,
`agg_unpaid_diagnosis_weekly`, `fct_unpaid_recovery_list`) and export the recovery list as CSV
(`<EE_DATA_DIR>/exports/unpaid_recovery_list.csv`).

**Schedule.** On the Asset `duckdb://warehouse/marts/topics`, which `voc_topics` emits once
the topic marts are built, so the evidence carries the messages' topic labels.

**Notes.** DuckDB takes one writer: the tasks use the pool `warehouse`. A re-run replaces the
table and the CSV (idempotent). Rules and settings: docs/unpaid_orders.md. Logic lives in
`include/insight/`; this file only wires tasks.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task

TOPIC_MARTS = Asset("duckdb://warehouse/marts/topics")
UNPAID_MARTS = Asset("duckdb://warehouse/marts/unpaid_orders")


@dag(
    dag_id="unpaid_orders",
    schedule=[TOPIC_MARTS],
    start_date=pendulum.datetime(2026, 9, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["insight", "unpaid"],
    default_args={"owner": "insight", "retries": 1, "retry_delay": pendulum.duration(minutes=1)},
)
def unpaid_orders():
    @task(pool="warehouse")
    def attribute_reasons() -> dict:
        from include.insight.unpaid import write_unpaid_reasons

        return write_unpaid_reasons()

    @task(pool="warehouse", outlets=[UNPAID_MARTS])
    def build_unpaid_marts(summary: dict) -> dict:
        from include.insight.publish import build_insight_models

        print(f"unpaid reasons: {summary}")
        return build_insight_models(select="fct_unpaid_order_reasons+")

    @task(pool="warehouse")
    def export_recovery_list(built: dict) -> dict:
        from include.insight.unpaid import export_recovery_list as export

        result = export()
        print(f"recovery list: {result}")
        return result

    export_recovery_list(build_unpaid_marts(attribute_reasons()))


unpaid_orders()
