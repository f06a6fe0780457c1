"""The cosmos DAG parses, is scheduled on the raw Asset and emits the fct_interactions Asset."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.slow  # cosmos renders the project with `dbt ls` at parse time


@pytest.fixture(scope="module")
def dag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    from include.config import settings

    bag = DagBag(dag_folder=str(settings().home / "dags" / "build_warehouse.py"))
    assert not bag.import_errors, bag.import_errors
    return bag.dags["build_warehouse"]


def test_dag_wiring(dag):
    assert dag is not None
    assert dag.max_active_runs == 1 and not dag.catchup
    assert {"dbt", "warehouse"} <= set(dag.tags)
    assert dag.doc_md and "Purpose" in dag.doc_md
    assert all(t.retries >= 1 for t in dag.tasks if t.task_id != "publish_marts") and dag.default_args["owner"]


def test_dag_is_scheduled_on_raw_and_emits_fct_interactions(dag):
    assert "duckdb://warehouse/raw" in str(dag.timetable.asset_condition)
    publish = dag.get_task("publish_marts")
    assert [o.uri for o in publish.outlets] == ["duckdb://warehouse/marts/fct_interactions"]


def test_one_task_per_model_and_seed_all_in_the_warehouse_pool(dag):
    dbt_tasks = [t for t in dag.tasks if t.task_id.startswith("dbt.")]
    ids = {t.task_id for t in dbt_tasks}
    for model in ("fct_interactions", "fct_orders", "dim_customer", "stg_commerce__orders"):
        assert any(model in i for i in ids), model
    assert not any("agg_topic_weekly" in i for i in ids)  # tag:topics is built by the topic DAG
    assert all(t.pool == "warehouse" for t in dbt_tasks)
    publish = dag.get_task("publish_marts")
    assert publish.upstream_task_ids, "publish_marts must wait for the dbt tasks"
