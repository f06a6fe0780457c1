"""Unpaid-order reasons on full demos against the generator's true reasons (slow: shares the
8-week demos of tests/insight/conftest.py). The key phrases were written while looking at demo
seed 42; seed 7 is the other seed the issue asks for."""

from __future__ import annotations

import duckdb
import pytest

from include.insight.evaluation import evaluate_unpaid
from include.insight.publish import build_insight_models
from include.insight.unpaid import export_recovery_list, write_unpaid_reasons

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", [42, 7])
def test_reasons_match_the_ground_truth(built_demo, seed, tmp_path):
    landing, warehouse = built_demo(seed)
    summary = write_unpaid_reasons(warehouse)
    build_insight_models(warehouse, select="fct_unpaid_order_reasons+")  # contracts and tests run too
    result = evaluate_unpaid(landing, warehouse)
    # the mart holds the truly unpaid orders (a malformed attempt row or the window's edge may move one)
    assert result["n"] >= 0.99 * max(result["n_truth"], summary["orders"])
    assert result["accuracy"] >= 0.85, result["per_reason"]
    assert result["unknown_precision"] >= 0.9 and result["unknown_recall"] >= 0.9, result["confusion"]
    for reason in result["per_reason"]:
        if reason["n"] >= 30:
            assert reason["accuracy"] >= 0.7, reason
    coupon = result["coupon_incident"]
    assert coupon["top_reason"] == "coupon_promotion_error" and coupon["top_share"] >= 0.8, coupon

    exported = export_recovery_list(warehouse, tmp_path / "list.csv")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        listed = con.execute("select order_id, priority_rank, expected_recovered_value, reason "
                             "from marts.fct_unpaid_recovery_list order by priority_rank").df()
        paid_or_cancelled = con.execute(
            "select count(*) from marts.fct_unpaid_recovery_list join marts.fct_unpaid_orders using (order_id) "
            "where fct_unpaid_orders.is_recovered or fct_unpaid_orders.order_status = 'cancelled'").fetchall()[0][0]
        diagnosis = con.execute(
            "select top_reason, unpaid_rate, baseline_unpaid_rate from marts.agg_unpaid_diagnosis_weekly "
            "where promotion_key = ? order by unpaid_orders desc limit 1", [coupon["promotion_id"]]).fetchall()
        recovered = con.execute("select sum(recovered_orders), sum(unpaid_orders) from marts.agg_unpaid_recovery_weekly"
                                ).fetchall()[0]
    finally:
        con.close()
    assert exported["orders"] == len(listed) > 0
    assert listed["priority_rank"].tolist() == list(range(1, len(listed) + 1))
    assert listed["expected_recovered_value"].is_monotonic_decreasing
    assert paid_or_cancelled == 0
    assert diagnosis[0][0] == "coupon_promotion_error" and diagnosis[0][1] > 3 * diagnosis[0][2]
    assert 0 < recovered[0] < recovered[1]
    assert (tmp_path / "list.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
