"""
### insight_drivers

**Purpose.** Publish the key drivers of NPS for BI: compute them over the latest window of
answers (`include/insight/drivers.py`: NPS with and without each driver, impact in points,
Welch and regression-adjusted effects with 95 % intervals, FDR q-values), replace
`insight.nps_key_drivers`, then build `marts.agg_nps_key_drivers` (dbt, tag
`insight`, with its contract and tests).

**Schedule.** On the Asset `duckdb://warehouse/marts/topics`, which `voc_topics` emits once
the topic marts are built, so verbatim topics are candidate drivers too.

**Params.** `window_days` (default 28): days of answers up to the latest one; `min_support`
(default 30): answers with and without a driver needed to rank it.

**Notes.** DuckDB takes one writer: both tasks use the pool `warehouse`. A re-run replaces
the table (idempotent). Logic lives in `include/insight/`; this file only wires tasks.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, task

TOPIC_MARTS = Asset("duckdb://warehouse/marts/topics")
KEY_DRIVERS = Asset("duckdb://warehouse/marts/agg_nps_key_drivers")


@dag(
    dag_id="insight_drivers",
    schedule=[TOPIC_MARTS],
    start_date=pendulum.datetime(2026, 9, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["insight", "nps"],
    default_args={"owner": "insight", "retries": 1, "retry_delay": pendulum.duration(minutes=1)},
    params={
        "window_days": Param(28, type="integer", minimum=1, description="days of NPS answers analysed"),
        "min_support": Param(30, type="integer", minimum=1, description="answers with/without a driver to rank it"),
    },
)
def insight_drivers():
    @task(pool="warehouse")
    def key_drivers(params=None) -> dict:
        from include.insight.publish import write_key_drivers

        return write_key_drivers(window_days=int(params["window_days"]), min_support=int(params["min_support"]))

    @task(pool="warehouse", outlets=[KEY_DRIVERS])
    def build_insight_marts(summary: dict) -> dict:
        from include.insight.publish import build_insight_models

        print(f"key drivers: {summary}")
        return build_insight_models()

    build_insight_marts(key_drivers())


insight_drivers()
