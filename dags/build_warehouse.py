"""
### build_warehouse

**Purpose.** Build the dbt warehouse (`dbt_project/`: staging -> intermediate -> marts) on
the DuckDB file after every raw load, so BI users and the topic engine read fresh marts.

**Schedule.** On the Asset `duckdb://warehouse/raw`, which `ingest_landing` emits when a
whole load has finished. When the build succeeds, `publish_marts` emits
`duckdb://warehouse/marts/fct_interactions`, which the topic DAG is scheduled on.

**Layout.** astronomer-cosmos renders the project (`dbt ls`, minus `tag:topics`: the topic
marts are built by the topic DAG with `dbt build --select tag:topics`). Each seed and model
is one task running `dbt build --select <node>`, so a node's data and unit tests run with
it and stop everything downstream when they fail. Measured with `airflow dags test` on the
demo data (docs/warehouse.md): per-model tasks with the in-process dbt runner and partial
parsing take 71-88 s against 16 s for one incremental `dbt build`; the watcher mode (one
`dbt build` with per-model sensors, `EE_COSMOS_MODE=watcher`) never finished under
`airflow dags test` (its sensors defer before the producer runs) and is experimental in
cosmos 1.15 (retries can drop failures). Per-model tasks stay the default: the demo DAG
finishes in about 1.5 minutes and every model keeps its own retry, log and test result.

**Privacy.** `redact_voice_texts` runs first: the library redactor (include/privacy) writes a
redacted copy of every new raw voice text to `restricted.text_redactions`, which
`int_interactions_unioned` joins; no SQL regex redacts anything (docs/privacy.md).

**Notes.** DuckDB takes one writer: every dbt task runs in the pool `warehouse` (1 slot,
shared with `ingest_landing`) and `max_active_runs=1`. The marts are tables rebuilt on
every run, so corrections and deletions in raw show at once; the keyword tags are cached per
distinct text (`int_voice_texts_tagged`), and `dbt build --full-refresh` (docs/warehouse.md)
is needed only after editing the tagging SQL.
Configuration lives in `include/warehouse/cosmos_config.py`; telemetry is off.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task

from include.warehouse.cosmos_config import (
    execution_config,
    operator_args,
    profile_config,
    project_config,
    render_config,
)

RAW_ASSET = Asset("duckdb://warehouse/raw")
FCT_INTERACTIONS_ASSET = Asset("duckdb://warehouse/marts/fct_interactions")


@dag(
    dag_id="build_warehouse",
    schedule=[RAW_ASSET],
    start_date=pendulum.datetime(2026, 9, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["dbt", "warehouse", "marts"],
    default_args={"owner": "data-engineering", "retries": 1, "retry_delay": pendulum.duration(minutes=1)},
)
def build_warehouse():
    from cosmos import DbtTaskGroup

    dbt_build = DbtTaskGroup(
        group_id="dbt",
        project_config=project_config(),
        profile_config=profile_config(),
        execution_config=execution_config(),
        render_config=render_config(),
        operator_args=operator_args(),
    )

    @task(outlets=[FCT_INTERACTIONS_ASSET], pool="warehouse")
    def publish_marts() -> dict:
        """Report the marts' row counts and the `other` share; emit the fct_interactions Asset."""
        import os

        from include.warehouse.stats import duckdb_stats, format_stats, postgres_stats

        if os.environ.get("EE_DBT_TARGET", "duckdb") == "postgres":
            stats = postgres_stats(os.environ.get("EE_PG_SCHEMA", "ee"))
        else:
            stats = duckdb_stats()
        print(format_stats(stats))
        return {"rows": stats["rows"], "other_share": (stats["other"] or {}).get("other_share")}

    @task(pool="warehouse")
    def redact_voice_texts() -> dict:
        """Redact personal data in every new raw voice text (restricted.text_redactions, docs/privacy.md)."""
        import os

        from include.privacy.warehouse import refresh

        target = os.environ.get("EE_DBT_TARGET", "duckdb")
        result = refresh(target, pg_schema=os.environ.get("EE_PG_SCHEMA", "ee"))
        print(result.summary())
        return {"texts": result.texts, "redacted": result.redacted, "with_pii": result.with_pii,
                "version": result.version}

    redact_voice_texts() >> dbt_build >> publish_marts()


build_warehouse()
