"""The injected incidents are measurable in the generated files and match the ground truth."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd

from include.demo.catalog import PLATFORM_VARIANTS
from tests.demo.landing_reader import local_date


def _within(day: date, incident: dict) -> bool:
    return date.fromisoformat(incident["start"]) <= day <= date.fromisoformat(incident["end"])


def test_ground_truth_lists_every_incident(signal_run):
    incidents = signal_run.incidents
    assert set(incidents) == {"delivery_delay", "product_defect", "coupon_failure", "social_surge"}
    start, end = signal_run.config.start, signal_run.config.end
    for inc in incidents.values():
        assert start <= date.fromisoformat(inc["start"]) <= date.fromisoformat(inc["end"]) < end
        assert inc["keys"] and inc["expected_signal"]["incident_voice_texts"] > 0


def test_delivery_delay_spike(signal_run, signal_rows):
    inc = signal_run.incidents["delivery_delay"]
    carrier, region = inc["keys"]["carrier"], inc["keys"]["region"]
    delivered, promised, keys = {}, {}, {}
    for e in signal_rows["logistics_events"].rows:
        keys[e.order_id] = (e.carrier, e.region)
        promised[e.order_id] = e.promised_at
        if e.event_type == "delivered":
            delivered[e.order_id] = e.event_at
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for oid, at in delivered.items():
        same = keys[oid] == (carrier, region)
        group = ("incident" if _within(local_date(promised[oid]), inc) else "same_keys") if same else "other"
        groups[group][0] += at > promised[oid]
        groups[group][1] += 1
    rate = {g: late / n for g, (late, n) in groups.items()}
    signal = inc["expected_signal"]
    assert groups["incident"][1] == signal["incident_shipments"] >= 10
    assert round(rate["incident"], 4) == signal["incident_late_rate"]
    assert round(rate["same_keys"], 4) == signal["baseline_late_rate_same_keys"]
    assert rate["incident"] >= 0.5 and rate["same_keys"] <= 0.15 and rate["other"] <= 0.15
    labels = signal_run.voice_labels()
    complaints = labels[(labels.incident_id == inc["id"]) & (labels.service_element == "logistics")]
    assert len(complaints) >= 5


def test_product_defect_after_launch(signal_run, signal_rows):
    inc = signal_run.incidents["product_defect"]
    product_id = inc["keys"]["product_id"]
    launch = next(p.launched_on for p in signal_rows["products"].rows if p.product_id == product_id)
    emergence = date.fromisoformat(inc["start"])
    assert 7 <= (emergence - launch).days <= 14
    before, after = [0, 0], [0, 0]
    for r in signal_rows["reviews"].rows:
        if r.product_id != product_id:
            continue
        bucket = after if local_date(r.created_at) >= emergence else before
        bucket[0] += r.stars <= 2
        bucket[1] += 1
    signal = inc["expected_signal"]
    assert (before[1], after[1]) == (signal["reviews_before"], signal["reviews_after"])
    assert after[1] >= 10 and before[1] >= 3
    assert after[0] / after[1] >= before[0] / before[1] + 0.3
    assert round(after[0] / after[1], 4) == signal["low_star_share_after"]


def test_coupon_failure_leaves_orders_unpaid(signal_run, signal_rows):
    inc = signal_run.incidents["coupon_failure"]
    coupon = inc["keys"]["coupon_code"]
    orders = {o.order_id: o for o in signal_rows["orders"].rows}
    hit = {oid for oid, o in orders.items() if o.coupon_code == coupon and _within(local_date(o.created_at), inc)}
    assert len(hit) == inc["expected_signal"]["incident_orders"] >= 10
    # still open, or paid later (a recovery: a successful attempt well after the 30-minute window)
    paid_later = {a.order_id: a for a in signal_rows["payment_attempts"].rows if a.order_id in hit and a.status == "success"}
    assert all(orders[oid].status == ("paid" if oid in paid_later else "created") for oid in hit)
    assert all((pd.Timestamp(a.attempted_at) - pd.Timestamp(orders[a.order_id].created_at)).total_seconds() > 1800
               for a in paid_later.values())
    assert len(paid_later) < 0.5 * len(hit)
    invalid = [a for a in signal_rows["payment_attempts"].rows if a.failure_code == "COUPON_INVALID"]
    on_incident = [a for a in invalid if a.order_id in hit]
    assert len(on_incident) == inc["expected_signal"]["incident_coupon_invalid_failures"]
    assert len(on_incident) > 3 * (len(invalid) - len(on_incident))
    sessions = [s for s in signal_rows["cs_sessions"].rows if s.order_id in hit]
    assert len(sessions) >= 0.3 * len(hit)


def test_social_surge(signal_run, signal_rows):
    inc = signal_run.incidents["social_surge"]
    labels = signal_run.voice_labels()
    sentiment = dict(zip(labels.record_id, labels.sentiment, strict=True))
    per_day: dict[date, list] = defaultdict(list)
    for m in signal_rows["social_mentions"].rows:
        per_day[local_date(m.posted_at)].append(m)
    surge = [d for d in per_day if _within(d, inc)]
    normal = [d for d in per_day if not _within(d, inc)]
    surge_rate = sum(len(per_day[d]) for d in surge) / len(surge)
    normal_rate = sum(len(per_day[d]) for d in normal) / len(normal)
    assert surge_rate > 3 * normal_rate
    assert round(surge_rate, 2) == inc["expected_signal"]["mentions_per_day_surge"]

    def negative_share(days):
        posts = [m for d in days for m in per_day[d]]
        return sum(sentiment[m.mention_id] == "negative" for m in posts) / len(posts)

    def mean_reach(days):
        posts = [m for d in days for m in per_day[d]]
        return sum(m.reach for m in posts) / len(posts)

    assert negative_share(surge) > negative_share(normal) + 0.3
    assert mean_reach(surge) > 5 * mean_reach(normal)
    assert any(m.product_id == inc["keys"]["product_id"] for d in surge for m in per_day[d])


def test_no_incidents_means_no_spike(tmp_path):
    from include.demo.config import GeneratorConfig
    from include.demo.generate import generate

    generate(GeneratorConfig(out=tmp_path, weeks=1, scale=0.02, incidents=(), bad_row_rate=0))
    doc = (tmp_path / "_ground_truth" / "incidents.json").read_text(encoding="utf-8")
    assert '"incidents": []' in doc
    assert PLATFORM_VARIANTS  # module import sanity
