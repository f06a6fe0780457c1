"""Ground-truth files written beside the landing zone (``<out>/_ground_truth/``).

* ``incidents.json``: every injected incident with its keys, dates and the expected
  signal measured on the generated rows.
* ``voice_labels.parquet``: one row per customer voice text with its sub-intent,
  service element, language and sentiment polarity.
* ``bad_rows.json``: every deliberately malformed row (source, file, line, kind).
* ``drivers.json``: the key drivers of NPS as generated (``DriverEffects``): per driver its
  penalty, the answers it touched and its realised impact on the generated answers.
* ``unpaid_orders.parquet``: one row per order not paid within 30 minutes of being placed,
  with its true reason, whether anything in the data shows it (``observable``), the chat
  that shows it, and when it was paid later (if it was).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from include.demo.config import DriverEffects, GeneratorConfig, Incident, IncidentPlan
from include.demo.simulate import Stats, VoiceLabel
from include.demo.writers import BadRow

GROUND_TRUTH_DIR = "_ground_truth"
VOICE_SOURCES = {"cs_messages": ("message_id", "text"), "reviews": ("review_id", "text"),
                 "nps_responses": ("response_id", "verbatim"), "social_mentions": ("mention_id", "text")}
VOICE_SCHEMA = pa.schema([
    ("source", pa.string()), ("record_id", pa.string()), ("dt", pa.string()), ("sub_intent", pa.string()),
    ("service_element", pa.string()), ("language", pa.string()), ("sentiment", pa.string()),
    ("incident_id", pa.string()), ("text", pa.string()),
])


class VoiceLabelWriter:
    """Streams voice labels to Parquet, one row group per day."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._writer = pq.ParquetWriter(path, VOICE_SCHEMA, compression="zstd")
        self.count = 0

    def add_day(self, day: date, labelled: list[tuple[str, dict, VoiceLabel]]) -> None:
        if not labelled:
            return
        cols: dict[str, list] = {name: [] for name in VOICE_SCHEMA.names}
        for source, row, label in labelled:
            id_field, text_field = VOICE_SOURCES[source]
            cols["source"].append(source)
            cols["record_id"].append(row[id_field])
            cols["dt"].append(day.isoformat())
            cols["sub_intent"].append(label.sub_intent)
            cols["service_element"].append(label.service_element)
            cols["language"].append(label.language)
            cols["sentiment"].append(label.sentiment)
            cols["incident_id"].append(label.incident_id)
            cols["text"].append(row[text_field])
        self._writer.write_table(pa.Table.from_pydict(cols, schema=VOICE_SCHEMA))
        self.count += len(labelled)

    def close(self) -> None:
        self._writer.close()


def _rate(pair: list[int] | None) -> float | None:
    if not pair or pair[1] == 0:
        return None
    return round(pair[0] / pair[1], 4)


def _keys(incident: Incident) -> dict:
    return {k: v for k, v in asdict(incident).items()
            if k in ("platform", "carrier", "region", "product_id", "promotion_id", "coupon_code") and v is not None}


def expected_signals(plan: IncidentPlan, stats: Stats, days_in_window: int) -> dict[str, dict]:
    """The measured size of each incident's signal, keyed by incident id."""
    out: dict[str, dict] = {}
    if plan.delivery_delay:
        inc = plan.delivery_delay
        d = stats.delay
        out[inc.id] = {
            "metric": "late share of delivered shipments for carrier+region, by promised local date "
                      "(late = delivered event_at > promised_at)",
            "incident_late_rate": _rate(d.get("incident_window")),
            "incident_shipments": d["incident_window"][1] if "incident_window" in d else 0,
            "baseline_late_rate_same_keys": _rate(d.get("same_keys_outside_window")),
            "baseline_same_keys_shipments": d["same_keys_outside_window"][1] if "same_keys_outside_window" in d else 0,
            "baseline_late_rate_other_shipments": _rate(d.get("other_shipments")),
            "incident_voice_texts": stats.incident_voice.get(inc.id, 0),
        }
    if plan.product_defect:
        inc = plan.product_defect
        r = stats.defect_reviews
        out[inc.id] = {
            "metric": "share of the product's reviews with stars <= 2, by review created local date",
            "low_star_share_before": _rate(r.get("before_emergence")),
            "reviews_before": r["before_emergence"][1] if "before_emergence" in r else 0,
            "low_star_share_after": _rate(r.get("after_emergence")),
            "reviews_after": r["after_emergence"][1] if "after_emergence" in r else 0,
            "incident_voice_texts": stats.incident_voice.get(inc.id, 0),
        }
    if plan.coupon_failure:
        inc = plan.coupon_failure
        c, f = stats.coupon_orders, stats.coupon_failures
        out[inc.id] = {
            "metric": "COUPON_INVALID payment failures on orders using the coupon in the window, vs all others",
            "incident_coupon_invalid_failures": f.get("incident", 0),
            "other_coupon_invalid_failures": f.get("other", 0),
            "incident_orders": c.get("incident", 0),
            "incident_orders_unpaid": c.get("incident_unpaid", 0),
            "incident_voice_texts": stats.incident_voice.get(inc.id, 0),
        }
    if plan.social_surge:
        inc = plan.social_surge
        surge, normal = stats.social.get("surge", [0, 0, 0.0]), stats.social.get("normal", [0, 0, 0.0])
        surge_days = (inc.end - inc.start).days + 1
        normal_days = max(1, days_in_window - surge_days)
        out[inc.id] = {
            "metric": "social mentions per day and their negative share, surge days vs other days",
            "mentions_per_day_surge": round(surge[0] / surge_days, 2),
            "mentions_per_day_baseline": round(normal[0] / normal_days, 2),
            "negative_share_surge": round(surge[1] / surge[0], 4) if surge[0] else None,
            "negative_share_baseline": round(normal[1] / normal[0], 4) if normal[0] else None,
            "mean_reach_surge": round(surge[2] / surge[0], 1) if surge[0] else None,
            "mean_reach_baseline": round(normal[2] / normal[0], 1) if normal[0] else None,
            "incident_voice_texts": stats.incident_voice.get(inc.id, 0),
        }
    return out


def write_incidents(path: Path, config: GeneratorConfig, plan: IncidentPlan, stats: Stats) -> None:
    signals = expected_signals(plan, stats, config.days)
    doc = {
        "generator": {"seed": config.seed, "start": config.start.isoformat(), "weeks": config.weeks,
                      "end_exclusive": config.end.isoformat(), "scale": config.scale, "format": config.fmt,
                      "timezone": "Asia/Shanghai"},
        "incidents": [
            {"id": inc.id, "type": inc.type, "start": inc.start.isoformat(), "end": inc.end.isoformat(),
             "keys": _keys(inc), "description": inc.description, "expected_signal": signals[inc.id]}
            for inc in plan.all()
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_bad_rows(path: Path, bad_rows: list[BadRow]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = [asdict(b) for b in bad_rows]
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _nps(scores: list[int]) -> float | None:
    """NPS in points (-100..100): % of 9-10 minus % of 0-6 (Reichheld, HBR 2003)."""
    if not scores:
        return None
    return round(100.0 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores), 3)


def driver_truth(effects: DriverEffects, answers: list[tuple[tuple[str, ...], int]]) -> dict:
    """The true key drivers of the generated NPS answers.

    ``impact`` of a driver is the counterfactual: overall NPS minus the NPS the same answers
    would have had without that driver's penalty (every other event unchanged), in points;
    negative means it costs points. ``rank`` orders drivers by impact, most negative first.

    Args:
        effects: the generator's driver effects.
        answers: one ``(drivers present, baseline score)`` per exported NPS answer.
    """
    def score(present: tuple[str, ...], baseline: int, drop: str | None = None) -> int:
        return max(0, baseline - effects.penalty({name: name != drop for name in present}))

    actual = [score(present, baseline) for present, baseline in answers]
    overall = _nps(actual)
    drivers = []
    for name in effects.NAMES:
        with_ = [s for (present, _), s in zip(answers, actual, strict=True) if name in present]
        without = [s for (present, _), s in zip(answers, actual, strict=True) if name not in present]
        fixed = _nps([score(present, baseline, drop=name) for present, baseline in answers])
        drivers.append({
            "driver": name, "penalty_points": getattr(effects, name), "answers_with": len(with_),
            "share": round(len(with_) / len(answers), 5) if answers else None,
            "nps_with": _nps(with_), "nps_without": _nps(without),
            "impact": round(overall - fixed, 3) if answers else None,
        })
    ranked = sorted((d for d in drivers if d["impact"] is not None), key=lambda d: (d["impact"], d["driver"]))
    for rank, d in enumerate(ranked, start=1):
        d["rank"] = rank
    return {
        "metric": "impact = overall NPS minus the NPS of the same answers without the driver's penalty "
                  "(points, counterfactual); NPS = % promoters (9-10) - % detractors (0-6)",
        "answers": len(answers), "overall_nps": overall,
        "model": "score = max(0, baseline - sum of penalties of the events before the survey)",
        "baseline": [list(pair) for pair in effects.baseline],
        "drivers": sorted(drivers, key=lambda d: d.get("rank", 99)),
    }


def write_drivers(path: Path, config: GeneratorConfig, stats: Stats) -> None:
    doc = {"generator": {"seed": config.seed, "start": config.start.isoformat(), "weeks": config.weeks,
                         "scale": config.scale},
           **driver_truth(config.driver_effects, stats.nps_answers)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


UNPAID_SCHEMA = pa.schema([
    ("order_id", pa.string()), ("created_at", pa.string()), ("platform", pa.string()), ("amount", pa.float64()),
    ("promotion_id", pa.string()), ("coupon_code", pa.string()), ("true_reason", pa.string()),
    ("observable", pa.bool_()), ("chat_session_id", pa.string()), ("paid_at", pa.string()),
    ("final_status", pa.string()), ("incident_id", pa.string()),
])


def write_unpaid(path: Path, stats: Stats) -> None:
    """Write ``unpaid_orders.parquet`` (schema ``UNPAID_SCHEMA``; times are local, naive ISO text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = {name: [row[name] for row in stats.unpaid] for name in UNPAID_SCHEMA.names}
    pq.write_table(pa.Table.from_pydict(cols, schema=UNPAID_SCHEMA), path, compression="zstd")
