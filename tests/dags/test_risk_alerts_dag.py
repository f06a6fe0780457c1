"""The risk_alerts DAG: scheduled on the topic marts, detect -> build the mart, notifier on success."""

from __future__ import annotations

import os

import pytest

from include.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def dag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "risk_alerts.py"))
    assert not bag.import_errors, bag.import_errors
    return bag.dags["risk_alerts"]


def test_schedule_tasks_and_notifier(dag):
    from include.insight.notify import RiskAlertNotifier

    condition = dag.timetable.asset_condition
    uris = {a.uri for a in condition.iter_assets()} if hasattr(condition, "iter_assets") else {str(condition)}
    assert any("marts/topics" in u for u in uris)
    assert dag.get_task("detect").downstream_task_ids == {"build_alerts_mart"}
    build = dag.get_task("build_alerts_mart")
    assert {o.uri for o in build.outlets} == {"duckdb://warehouse/marts/fct_risk_alerts"}
    callbacks = build.on_success_callback if isinstance(build.on_success_callback, list) else [build.on_success_callback]
    assert any(isinstance(c, RiskAlertNotifier) for c in callbacks)
    assert all(t.pool == "warehouse" for t in dag.tasks)
