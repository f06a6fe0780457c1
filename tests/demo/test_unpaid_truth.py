"""The unpaid-order ground truth (_ground_truth/unpaid_orders.parquet) agrees with the files."""

from __future__ import annotations

import pandas as pd

from include.demo.simulate import ABANDON_REASONS, FAILURE_REASON, REASON_CHAT, UNPAID_WINDOW


def test_every_unpaid_order_has_a_true_reason_its_files_support(signal_run, signal_rows):
    truth = pd.read_parquet(signal_run.out / "_ground_truth" / "unpaid_orders.parquet").set_index("order_id")
    orders = {o.order_id: o for o in signal_rows["orders"].rows}
    attempts: dict[str, list] = {}
    for a in signal_rows["payment_attempts"].rows:
        attempts.setdefault(a.order_id, []).append(a)
    sessions = {s.session_id: s for s in signal_rows["cs_sessions"].rows}
    paid_in_window = set()
    for order_id, order in orders.items():
        created = pd.Timestamp(order.created_at)
        if any(a.status == "success" and pd.Timestamp(a.attempted_at) - created <= UNPAID_WINDOW
               for a in attempts.get(order_id, [])):
            paid_in_window.add(order_id)
    unpaid = {oid for oid in orders if oid not in paid_in_window}
    # (an order whose successful attempt is a deliberately malformed row, or falls after the export,
    # looks unpaid in the files without being so)
    assert len(unpaid - set(truth.index)) <= 0.02 * len(unpaid)
    assert set(truth.index) & paid_in_window == set()
    assert set(truth["true_reason"]) <= set(FAILURE_REASON.values()) | {r for r, _ in ABANDON_REASONS}
    for order_id, row in truth.iterrows():
        failed = sorted((a for a in attempts.get(order_id, []) if a.status == "failed"), key=lambda a: a.attempted_at)
        if failed:  # seen at payment: the last failure's code is the reason, always observable
            assert row.true_reason == FAILURE_REASON[failed[-1].failure_code] and row.observable
        elif row.observable:  # seen only in a chat of the same customer
            session = sessions[row.chat_session_id]
            assert session.platform_user_id == orders[order_id].platform_user_id
        else:
            assert pd.isna(row.chat_session_id)
        if pd.notna(row.paid_at):
            assert orders[order_id].status == "paid"
    assert 0.05 < (~truth["observable"]).mean() < 0.3, "some unpaid orders leave no signal at all"
    assert 0.1 < truth["paid_at"].notna().mean() < 0.6, "some are recovered, most are not"
    chat_reasons = truth[truth["chat_session_id"].notna()]["true_reason"]
    assert set(chat_reasons) <= set(REASON_CHAT)
