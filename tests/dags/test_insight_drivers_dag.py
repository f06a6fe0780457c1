"""The insight_drivers DAG: scheduled on the topic marts, writes the key drivers, then builds tag:insight."""

from __future__ import annotations

import os

import pytest

from include.config import PROJECT_ROOT

DAG_FILE = PROJECT_ROOT / "dags" / "insight_drivers.py"


@pytest.fixture(scope="module")
def dag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAG_FILE))
    assert not bag.import_errors, bag.import_errors
    return bag.dags["insight_drivers"]


def test_scheduled_on_the_topic_marts_the_voc_dag_emits(dag):
    from airflow.dag_processing.dagbag import DagBag

    condition = dag.timetable.asset_condition
    uris = {a.uri for a in condition.iter_assets()} if hasattr(condition, "iter_assets") else {str(condition)}
    assert any("marts/topics" in u for u in uris)
    voc = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "voc_topics.py")).dags["voc_topics"]
    assert "duckdb://warehouse/marts/topics" in {o.uri for o in voc.get_task("build_topic_marts").outlets}


def test_tasks_and_params(dag):
    assert dag.get_task("key_drivers").downstream_task_ids == {"build_insight_marts"}
    assert {o.uri for o in dag.get_task("build_insight_marts").outlets} == {
        "duckdb://warehouse/marts/agg_nps_key_drivers"}
    assert all(t.pool == "warehouse" for t in dag.tasks)
    assert dag.params["window_days"] == 28 and dag.params["min_support"] == 30
