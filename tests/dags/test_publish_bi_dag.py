"""The publish_bi DAG: runs when the last marts of a run are rebuilt; one task that validates and publishes."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def dag(parsed_dag):
    return parsed_dag("publish_bi")


def test_schedule_waits_for_every_last_mart(dag):
    condition = dag.timetable.asset_condition  # AssetAll: every one of them, not any
    assert type(condition).__name__ == "AssetAll"
    uris = {a.uri for a in condition.objects}
    assert {"duckdb://warehouse/marts/agg_nps_key_drivers", "duckdb://warehouse/marts/fct_risk_alerts",
            "duckdb://warehouse/marts/unpaid_orders"} <= {str(u) for u in uris}
    task = dag.get_task("validate_and_publish")
    assert [t.task_id for t in dag.tasks] == ["validate_and_publish"]
    assert task.pool == "warehouse" and task.retries == 1  # a retry re-validates; a blocked run stays blocked
    assert {o.uri for o in task.outlets} == {"duckdb://published/bi"}
