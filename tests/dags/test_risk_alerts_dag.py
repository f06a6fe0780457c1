"""The risk_alerts DAG: scheduled on the topic marts, detect -> build the mart, notifier on success."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def dag(parsed_dag):
    return parsed_dag("risk_alerts")


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
