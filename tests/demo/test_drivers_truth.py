"""NPS answers depend on what happened to the order, and drivers.json says by how much."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from include.demo.config import DriverEffects
from include.demo.ground_truth import driver_truth


def test_truth_is_the_counterfactual_gain_of_removing_one_penalty():
    effects = DriverEffects(late_delivery=3, lost_parcel=6, product_problem=5, failed_payment=1, unresolved_session=4)
    answers = [((), 10), (("late_delivery",), 10), (("late_delivery",), 9), (("late_delivery", "failed_payment"), 10),
               (("failed_payment",), 9), ((), 5)]
    truth = driver_truth(effects, answers)
    # actual scores: 10, 7, 6, 6, 8, 5 -> 1 promoter, 3 detractors of 6
    assert truth["overall_nps"] == pytest.approx(100 * (1 - 3) / 6, abs=1e-3)
    drivers = {d["driver"]: d for d in truth["drivers"]}
    # without late: 10, 10, 9, 9, 8, 5 -> 4 promoters, 1 detractor
    assert drivers["late_delivery"]["impact"] == pytest.approx(100 * (1 - 3) / 6 - 100 * (4 - 1) / 6, abs=1e-3)
    # without the failed payment: 10, 7, 6, 7, 9, 5 -> 2 promoters, 2 detractors
    assert drivers["failed_payment"]["impact"] == pytest.approx(100 * (1 - 3) / 6 - 0, abs=1e-3)
    assert drivers["late_delivery"]["rank"] == 1 and drivers["late_delivery"]["answers_with"] == 3
    assert drivers["lost_parcel"]["impact"] == 0 and drivers["lost_parcel"]["answers_with"] == 0


def test_drivers_json_matches_the_generated_answers(signal_run, signal_rows):
    doc = json.loads((signal_run.out / "_ground_truth" / "drivers.json").read_text(encoding="utf-8"))
    answers = signal_rows["nps_responses"].rows
    assert doc["answers"] == len({a.response_id for a in answers})
    assert {d["driver"] for d in doc["drivers"]} == set(DriverEffects.NAMES)
    by_driver = {d["driver"]: d for d in doc["drivers"]}
    # every driver the generator applies costs points, and the answers it touched score lower
    for name in ("late_delivery", "product_problem", "failed_payment", "unresolved_session"):
        assert by_driver[name]["answers_with"] > 0 and by_driver[name]["impact"] < 0, name
        assert by_driver[name]["nps_with"] < by_driver[name]["nps_without"], name


def test_late_orders_score_lower_in_the_landing_files(signal_rows):
    shipped: dict[str, dict] = defaultdict(dict)
    for event in signal_rows["logistics_events"].rows:
        shipped[event.order_id][event.event_type] = event
    scores = {"late": [], "on_time": []}
    for answer in signal_rows["nps_responses"].rows:
        delivered = shipped.get(answer.order_id, {}).get("delivered")
        if delivered is None:
            continue
        scores["late" if delivered.event_at > delivered.promised_at else "on_time"].append(answer.score)
    mean = {k: sum(v) / len(v) for k, v in scores.items()}
    assert len(scores["late"]) > 20 and mean["late"] < mean["on_time"] - 2
