"""Every good row validates against the landing contract; the malformed rows are exactly the listed ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from include.demo.catalog import PLATFORM_VARIANTS, PLATFORMS
from include.landing.contract import SOURCES
from tests.demo.landing_reader import local_date, read_all


def _check_bad_rows(run, sources):
    listed = run.bad_rows
    assert listed, "the run should contain malformed rows"
    expected_invalid = {(b["file"], b["line"]) for b in listed if b["kind"] != "duplicate_id"}
    expected_dupes = {(b["file"], b["line"]) for b in listed if b["kind"] == "duplicate_id"}
    invalid = set().union(*(s.invalid for s in sources.values()))
    dupes = set().union(*(s.duplicates for s in sources.values()))
    assert invalid == expected_invalid
    assert dupes == expected_dupes
    assert sum(len(s.rows) for s in sources.values()) == sum(run.summary.rows.values())


def test_jsonl_rows_validate_and_bad_rows_match(small_run):
    sources = read_all(small_run.out)
    _check_bad_rows(small_run, sources)
    kinds = {b["kind"] for b in small_run.bad_rows}
    assert {"bad_json", "wrong_type", "missing_key", "out_of_range", "duplicate_id"} <= kinds


def test_other_formats_validate_and_bad_rows_match(format_run):
    sources = read_all(format_run.out)
    _check_bad_rows(format_run, sources)
    suffixes = {p.suffix for p in format_run.out.rglob("part-0000.*")}
    assert suffixes == {f".{format_run.config.fmt}"}


def test_every_source_has_partitions(signal_rows, signal_run):
    for source in SOURCES:
        assert signal_rows[source].rows, f"no rows for {source}"
    days = {p.parent.name for p in (signal_run.out / "orders").glob("dt=*/part-0000.jsonl")}
    assert len(days) == signal_run.config.days


@pytest.mark.parametrize("source", ["orders", "payment_attempts", "logistics_events", "cs_sessions",
                                    "cs_messages", "reviews", "nps_responses", "social_mentions"])
def test_partition_day_is_local_event_day(signal_rows, source):
    data = signal_rows[source]
    field = SOURCES[source].event_time
    mismatched = [r for r, dt in zip(data.rows, data.dts, strict=True) if local_date(getattr(r, field)) != dt]
    assert not mismatched


def test_reference_rows_arrive_when_valid(signal_rows, signal_run):
    start = signal_run.config.start
    products = signal_rows["products"]
    launched = [(p, dt) for p, dt in zip(products.rows, products.dts, strict=True) if p.launched_on >= start]
    assert 3 <= len(launched) <= 8
    assert all(dt == p.launched_on for p, dt in launched)
    assert all(dt == start for p, dt in zip(products.rows, products.dts, strict=True) if p.launched_on < start)
    accounts = signal_rows["customer_accounts"]
    later = [dt for dt in accounts.dts if dt > start]
    assert later and len(later) < len(accounts.dts) / 4
    assert {dt for dt in signal_rows["promotions"].dts} == {start}
    names = {p.promotion_name for p in signal_rows["promotions"].rows}
    assert "国庆黄金周狂欢" in names


def test_app_exports_naive_time_and_others_carry_offset(signal_rows):
    raw = signal_rows["orders"].raw
    app = [r["created_at"] for r in raw if r["platform"] in ("app", *PLATFORM_VARIANTS["app"])]
    other = [r["created_at"] for r in raw if r["platform"] not in ("app", *PLATFORM_VARIANTS["app"])]
    assert app and all(len(v) == 19 for v in app)
    assert other and all(v.endswith("+08:00") for v in other)


def test_platform_variants_are_rare_but_present(signal_rows):
    platforms = [r["platform"] for r in signal_rows["orders"].raw]
    canonical = sum(p in PLATFORMS for p in platforms)
    variants = {p for p in platforms if p not in PLATFORMS}
    assert variants & {"TMALL", "天猫", "Tmall"}
    assert 0.95 < canonical / len(platforms) < 1.0


def test_orders_reference_known_accounts_and_products(signal_rows):
    accounts = {a.platform_user_id: a for a in signal_rows["customer_accounts"].rows}
    products = {p.product_id for p in signal_rows["products"].rows}
    orders = signal_rows["orders"].rows
    assert all(o.product_id in products for o in orders)
    assert all(o.platform_user_id in accounts for o in orders)
    assert all(accounts[o.platform_user_id].registered_at <= o.created_at for o in orders)


def test_payments_and_shipping_follow_the_order(signal_rows):
    orders = {o.order_id: o for o in signal_rows["orders"].rows}
    paid = {a.order_id for a in signal_rows["payment_attempts"].rows if a.status == "success"}
    assert {o.order_id for o in orders.values() if o.status == "paid"} <= paid
    assert all(o.status in ("paid", "cancelled") for oid, o in orders.items() if oid in paid)
    failures = [a for a in signal_rows["payment_attempts"].rows if a.status == "failed"]
    assert all(a.failure_code for a in failures)
    assert {a.failure_code for a in failures} >= {"COUPON_INVALID", "INSUFFICIENT_FUNDS", "RISK_CONTROL",
                                                  "TIMEOUT", "BANK_DECLINED"}
    chains: dict[str, list] = {}
    for e in signal_rows["logistics_events"].rows:
        chains.setdefault(e.order_id, []).append(e)
    for events in chains.values():
        kinds = [e.event_type for e in sorted(events, key=lambda e: (e.event_at, e.event_id))]
        assert kinds[0] == "shipped"
        if "delivered" in kinds:
            assert kinds[-1] == "delivered" and kinds[-2] == "out_for_delivery"
    assert all(orders[o].status == "paid" for o in chains)


def test_chat_sessions_hold_their_messages(signal_rows):
    sessions = {s.session_id: s for s in signal_rows["cs_sessions"].rows}
    by_session: dict[str, list] = {}
    for m in signal_rows["cs_messages"].rows:
        by_session.setdefault(m.session_id, []).append(m)
    assert set(by_session) <= set(sessions)
    for sid, messages in by_session.items():
        s = sessions[sid]
        assert all(s.started_at <= m.sent_at <= s.ended_at + timedelta(seconds=1) for m in messages)
        roles = {m.sender_role for m in messages}
        assert "customer" in roles and "bot" in roles
        assert ("agent" in roles) <= s.is_transferred
    scores = [s.satisfaction_score for s in sessions.values()]
    assert 0.3 < sum(v is None for v in scores) / len(scores) < 0.8
