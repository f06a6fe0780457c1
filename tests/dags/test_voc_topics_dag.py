"""The voc_topics DAG: scheduled on fct_interactions, emits voc/doc_topics, wires fit -> assign -> dbt."""

from __future__ import annotations

import os

import pytest

from include.config import PROJECT_ROOT

DAG_FILE = PROJECT_ROOT / "dags" / "voc_topics.py"


@pytest.fixture(scope="module")
def dag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAG_FILE))
    assert not bag.import_errors, bag.import_errors
    return bag.dags["voc_topics"]


def test_schedule_and_outlets(dag):
    uris = {a.uri for a in dag.timetable.asset_condition.iter_assets()} if hasattr(
        dag.timetable.asset_condition, "iter_assets") else {str(dag.timetable.asset_condition)}
    assert any("marts/fct_interactions" in u for u in uris)
    outlets = {o.uri for t in dag.tasks for o in t.outlets}
    assert "duckdb://warehouse/voc/doc_topics" in outlets


def test_task_chain(dag):
    assert dag.get_task("refit_if_due").downstream_task_ids == {"assign"}
    assert dag.get_task("assign").downstream_task_ids == {"build_topic_marts"}
    assert all(t.pool == "warehouse" for t in dag.tasks)
