"""The weekly_report DAG: Mondays 08:00 business time or on a new publication; one task."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def dag(parsed_dag):
    return parsed_dag("weekly_report")


def test_schedule_params_and_task(dag):
    timetable = dag.timetable
    assert type(timetable).__name__ == "AssetOrTimeSchedule"
    assert "duckdb://published/bi" in str(timetable.asset_condition)
    assert "0 8 * * 1" in timetable.summary and "Asia/Shanghai" in str(timetable.timetable._timezone)
    assert set(dag.params.keys()) == {"week", "lang"}
    assert [t.task_id for t in dag.tasks] == ["build"]
