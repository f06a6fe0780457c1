"""The weekly_report DAG: Mondays 08:00 business time or on a new publication; one task."""

from __future__ import annotations

import os

import pytest

from include.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def dag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "weekly_report.py"))
    assert not bag.import_errors, bag.import_errors
    return bag.dags["weekly_report"]


def test_schedule_params_and_task(dag):
    timetable = dag.timetable
    assert type(timetable).__name__ == "AssetOrTimeSchedule"
    assert "duckdb://published/bi" in str(timetable.asset_condition)
    assert "0 8 * * 1" in timetable.summary and "Asia/Shanghai" in str(timetable.timetable._timezone)
    assert set(dag.params.keys()) == {"week", "lang"}
    assert [t.task_id for t in dag.tasks] == ["build"]
