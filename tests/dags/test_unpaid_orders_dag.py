"""The unpaid_orders DAG: scheduled on the topic marts, attribute -> build marts -> export CSV."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def dag(parsed_dag):
    return parsed_dag("unpaid_orders")


def test_schedule_and_task_order(dag):
    condition = dag.timetable.asset_condition
    uris = {a.uri for a in condition.iter_assets()} if hasattr(condition, "iter_assets") else {str(condition)}
    assert any("marts/topics" in u for u in uris)
    assert dag.get_task("attribute_reasons").downstream_task_ids == {"build_unpaid_marts"}
    assert dag.get_task("build_unpaid_marts").downstream_task_ids == {"export_recovery_list"}
    assert {o.uri for o in dag.get_task("build_unpaid_marts").outlets} == {"duckdb://warehouse/marts/unpaid_orders"}
    assert all(t.pool == "warehouse" for t in dag.tasks)
