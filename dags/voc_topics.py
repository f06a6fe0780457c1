"""
### voc_topics

**Purpose.** Cluster what customers say (chats, reviews, NPS verbatims, social mentions in
`marts.fct_interactions`) into stable topics with sentiment, write `voc.doc_topics` and
`voc.topics`, then build the dbt models tagged `topics` (`marts.agg_topic_weekly`).

**Behaviour.**
- Scheduled on the Asset `duckdb://warehouse/marts/fct_interactions` (emitted by the dbt DAG).
- `refit_if_due`: refits on the last `window_weeks` weeks when no model exists, when the
  latest model is older than `refit_days`, when the latest model is provisional (fitted on
  fewer than `min_fit_docs` distinct texts), or when the `force_refit` param is set; topic ids
  are matched to the previous version so BI charts keep their series. A window with fewer
  than `min_fit_docs` distinct substantive texts keeps the existing model (logged, the task
  succeeds); with no model and nothing substantive, nothing is fitted and `assign` writes
  nothing.
- `assign`: assigns every interaction with the saved model (no refit) and replaces its rows
  in `voc.*` (idempotent); emits `duckdb://warehouse/voc/doc_topics`.
- `build_topic_marts`: `dbt build --select tag:topics` (topic, service-element volume and product-finding marts); a
  missing selection only logs a warning. Emits `duckdb://warehouse/marts/topics`, which the
  `insight_drivers` DAG is scheduled on.

**Notes.** DuckDB takes one writer: warehouse tasks use the pool `warehouse` and
`max_active_runs=1`. Logic lives in `ml/` (see docs/topics.md); this file only wires tasks.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, task

FCT_INTERACTIONS = Asset("duckdb://warehouse/marts/fct_interactions")
DOC_TOPICS = Asset("duckdb://warehouse/voc/doc_topics")
TOPIC_MARTS = Asset("duckdb://warehouse/marts/topics")


@dag(
    dag_id="voc_topics",
    schedule=[FCT_INTERACTIONS],
    start_date=pendulum.datetime(2026, 9, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["ml", "topics", "voc"],
    default_args={"owner": "ml", "retries": 1, "retry_delay": pendulum.duration(minutes=2)},
    params={
        "force_refit": Param(False, type="boolean", description="refit even when the model is fresh"),
        "window_weeks": Param(None, type=["null", "integer"], description="training window in weeks"),
    },
)
def voc_topics():
    @task(pool="warehouse")
    def refit_if_due(params=None) -> dict:
        from ml.pipeline import fit, refit_due

        if params.get("force_refit") or refit_due():
            return fit(weeks=params.get("window_weeks"))
        print("latest topic model is fresh; no refit")
        return {"status": "fresh"}

    @task(pool="warehouse", outlets=[DOC_TOPICS])
    def assign(fit_summary: dict) -> dict:
        from ml.pipeline import assign as assign_all

        print(f"fit: {fit_summary}")
        return assign_all()

    @task(pool="warehouse", outlets=[TOPIC_MARTS])
    def build_topic_marts(assign_summary: dict) -> dict:
        from ml.pipeline import build_topic_models

        print(f"assign: {assign_summary}")
        return build_topic_models()

    build_topic_marts(assign(refit_if_due()))


voc_topics()
