"""Score the insight marts against a generated demo's ground truth (``xe eval drivers``).

The demo generator (``include/demo``) lowers NPS answers for what happened to the order
(``DriverEffects``) and writes the realised impact of each driver to
``<landing>/_ground_truth/drivers.json``. The warehouse only sees operational facts, so each
true driver is matched to the mart column that observes it (``TRUTH_TO_MART``). A product
problem is seen only through a service session about the order on product quality, which
not every customer with a defective unit opens (``DriverEffects.defect_contact_rate``), so
its estimated impact is smaller than the true one.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

#: Ground-truth driver -> the ``fct_nps_response_drivers`` column that observes it.
TRUTH_TO_MART = {
    "late_delivery": "had_late_delivery",
    "lost_parcel": "had_lost_parcel",
    "product_problem": "had_product_complaint",
    "failed_payment": "had_failed_payment",
    "unresolved_session": "had_unresolved_session",
}


class GroundTruthMissing(FileNotFoundError):
    """The landing zone has no ``_ground_truth/drivers.json`` (not a generated demo, or an old one)."""


def read_driver_truth(landing: Path) -> dict:
    """The generator's ``drivers.json``.

    Raises:
        GroundTruthMissing: the file is absent.
    """
    path = Path(landing) / "_ground_truth" / "drivers.json"
    if not path.exists():
        raise GroundTruthMissing(f"{path} not found: score a landing zone written by `xe demo generate` "
                                 "(regenerate it if it predates drivers.json)")
    return json.loads(path.read_text(encoding="utf-8"))


def nps_recount_mismatches(con) -> list[str]:
    """Cells of ``agg_nps_weekly`` and ``agg_nps_touchpoint_weekly`` whose n, promoters,
    detractors or NPS differ from a recount over ``fct_nps_responses`` (empty: all equal).

    Args:
        con: an open DuckDB connection to the warehouse.
    """
    facts = con.execute("select submitted_week, platform, product_category, touchpoint, nps_score "
                        "from marts.fct_nps_responses").df()
    problems: list[str] = []
    for table, keys in (("agg_nps_weekly", ["submitted_week", "platform", "product_category"]),
                        ("agg_nps_touchpoint_weekly", ["submitted_week", "touchpoint"])):
        recount = facts.groupby(keys, dropna=False)["nps_score"].agg(
            n="size", promoters=lambda s: int((s >= 9).sum()), detractors=lambda s: int((s <= 6).sum()))
        recount["nps"] = 100.0 * (recount["promoters"] - recount["detractors"]) / recount["n"]
        mart = con.execute(f"select {', '.join(keys)}, n_responses as n, promoters, detractors, nps "
                           f"from marts.{table}").df().set_index(keys)
        joined = recount.join(mart, how="outer", lsuffix="_recount")
        for key, row in joined.iterrows():
            if any(pd.isna(row[c]) for c in ("n", "n_recount")) or any(
                    not math.isclose(float(row[f"{c}_recount"]), float(row[c]), abs_tol=1e-9)
                    for c in ("n", "promoters", "detractors", "nps")):
                problems.append(f"{table} {dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))}")
    return problems


def evaluate_drivers(landing: Path, warehouse: Path, *, min_support: int = 30) -> dict:
    """Compare the key-driver ranking on the warehouse with the demo's ground truth.

    Args:
        landing: landing zone with ``_ground_truth/drivers.json``.
        warehouse: DuckDB file built from that landing zone (``xe run`` or load + build).
        min_support: passed to ``key_drivers`` (ranking of the full table only; the
            comparison orders the matched drivers by their estimated impact whatever their
            support, and reports each one's support).

    Returns:
        ``{"spearman", "top5": {"ours", "truth"}, "drivers": [...], "nps_recount_ok",
        "nps_recount_mismatches", "answers", "answers_truth"}``; ``spearman`` is
        ``scipy.stats.spearmanr`` between our ``impact_adjusted`` (the joint regression over
        the operational flags, what ``rank`` orders them by) and the true impact over the
        matched drivers (null when fewer than 3 have both); each driver also carries the
        unadjusted impact (overall NPS minus NPS without it).

    Raises:
        GroundTruthMissing: no ``drivers.json``.
        ValueError: the warehouse has no NPS answers.
    """
    from scipy import stats

    from include.ingestion.warehouse import connect
    from include.insight.drivers import driver_frame, key_drivers

    truth = read_driver_truth(landing)
    with connect(warehouse, read_only=True) as con:
        rows = con.execute("select * from marts.fct_nps_response_drivers").df()
        mismatches = nps_recount_mismatches(con)
    if rows.empty:
        raise ValueError(f"{warehouse} has no NPS answers in marts.fct_nps_response_drivers")
    table = key_drivers(rows["nps_score"], driver_frame(rows), min_support=min_support).set_index("driver")
    matched = []
    for item in truth["drivers"]:
        column = TRUTH_TO_MART.get(item["driver"])
        if column is None or column not in table.index or item.get("impact") is None:
            continue
        ours = table.loc[column]
        matched.append({"driver": item["driver"], "observed_as": column, "true_impact": item["impact"],
                        "true_answers_with": item["answers_with"], "impact": _round(ours["impact_adjusted"]),
                        "impact_unadjusted": _round(ours["impact"]), "n_with": int(ours["n_with"]),
                        "effect_adjusted_ci": [_round(ours["effect_adjusted_ci_low"]),
                                               _round(ours["effect_adjusted_ci_high"])],
                        "q_value": _round(ours["q_value"], 6)})
    spearman = None
    usable = [m for m in matched if m["impact"] is not None]
    if len(usable) >= 3:
        spearman = round(float(stats.spearmanr([m["impact"] for m in usable],
                                               [m["true_impact"] for m in usable]).statistic), 4)
    ours_order = [m["driver"] for m in sorted(usable, key=lambda m: (m["impact"], m["driver"]))]
    truth_order = [m["driver"] for m in sorted(matched, key=lambda m: (m["true_impact"], m["driver"]))]
    return {"spearman": spearman, "top5": {"ours": ours_order[:5], "truth": truth_order[:5]},
            "drivers": matched, "nps_recount_ok": not mismatches, "nps_recount_mismatches": mismatches[:10],
            "answers": len(rows), "answers_truth": truth.get("answers"), "overall_nps_truth": truth.get("overall_nps")}


def _round(value, digits: int = 3):
    return None if value is None or pd.isna(value) else round(float(value), digits)


#: interaction_id prefix -> voice_labels.parquet source
_PREFIX_SOURCE = {"msg": "cs_messages", "rev": "reviews", "nps": "nps_responses", "soc": "social_mentions"}


def evaluate_defect_finding(landing: Path, warehouse: Path) -> dict | None:
    """Is the defect product's top finding the defect, emerging after launch?

    The product is the demo's ``product_defect`` incident (``incidents.json``); its top
    finding is ``fct_product_findings`` with ``opportunity_rank = 1``. The finding is judged
    by the true sub-intent of its mentions (``voice_labels.parquet``): the most frequent
    must be ``product_quality.defect``.

    Returns:
        ``{"product_id", "topic_id", "topic_label", "top_sub_intent", "sub_intent_share",
        "is_emerging", "ok"}``, or ``None`` when the demo has no defect incident or the
        warehouse has no product findings yet (the topic engine has not run).
    """
    import pyarrow.parquet as pq

    from include.ingestion.warehouse import connect

    truth_dir = Path(landing) / "_ground_truth"
    incidents = json.loads((truth_dir / "incidents.json").read_text(encoding="utf-8"))["incidents"]
    defect = next((i for i in incidents if i["type"] == "product_defect"), None)
    if defect is None:
        return None
    product_id = defect["keys"]["product_id"]
    with connect(warehouse, read_only=True) as con:
        exists = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                             "and table_name = 'fct_product_findings'").fetchone()[0]
        if not exists:
            return None
        top = con.execute("select topic_id, topic_label, is_emerging from marts.fct_product_findings "
                          "where product_id = ? and opportunity_rank = 1", [product_id]).fetchone()
        members = con.execute("select m.interaction_id from marts.fct_interaction_topics as m "
                              "join marts.fct_interactions as i using (interaction_id) "
                              "left join marts.fct_orders as o on o.order_id = i.order_id "
                              "where m.topic_id = ? and coalesce(i.product_id, o.product_id) = ?",
                              [top[0] if top else -99, product_id]).fetchall()
    result = {"product_id": product_id, "topic_id": None, "topic_label": None, "top_sub_intent": None,
              "sub_intent_share": None, "is_emerging": None, "ok": False}
    if top is None:
        return result
    labels = pq.read_table(truth_dir / "voice_labels.parquet", columns=["source", "record_id", "sub_intent"]).to_pandas()
    wanted = pd.DataFrame([(_PREFIX_SOURCE.get(i.split(":", 1)[0]), i.split(":", 1)[1]) for (i,) in members],
                          columns=["source", "record_id"])
    intents = wanted.merge(labels, on=["source", "record_id"], how="inner")["sub_intent"].value_counts()
    result.update(topic_id=int(top[0]), topic_label=top[1], is_emerging=bool(top[2]))
    if len(intents):
        result.update(top_sub_intent=intents.index[0], sub_intent_share=round(float(intents.iloc[0] / intents.sum()), 3))
    result["ok"] = result["top_sub_intent"] == "product_quality.defect" and bool(top[2])
    return result


def _alert_matches(alert: pd.Series, incident: dict, evidence_incident: pd.Series) -> bool:
    """An alert is about an incident when it overlaps the incident's days (one day of slack)
    and either names the incident's keys or at least 30 % of its voice evidence is labelled
    with the incident in ``voice_labels.parquet``."""
    start, end = pd.Timestamp(incident["start"]), pd.Timestamp(incident["end"])
    if pd.Timestamp(alert["first_seen"]) > end + pd.Timedelta(days=1) or \
            pd.Timestamp(alert["last_seen"]) < start - pd.Timedelta(days=1):
        return False
    keys, series = incident["keys"], alert["series_keys"].split("; ")
    if incident["type"] == "delivery_delay" and f"carrier_region:{keys['carrier']} | {keys['region']}" in series:
        return True
    if incident["type"] in ("product_defect", "social_surge") and (
            f"product:{keys['product_id']}" in series or alert["entity"] == f"product:{keys['product_id']}"):
        return True
    if incident["type"] == "coupon_failure" and "payment_failure:COUPON_INVALID" in series:
        return True
    if alert["evidence_kind"] == "interaction" and alert["evidence"]:
        labelled = evidence_incident.reindex(alert["evidence"])
        return bool((labelled == incident["id"]).mean() >= 0.3)
    return False


def evaluate_alerts(landing: Path, warehouse: Path, settings=None) -> dict:
    """Risk alerts on a demo warehouse vs the injected incidents (``incidents.json``).

    Returns:
        ``{"recall", "precision", "precision_medium_plus", "max_delay_days", "alerts"
        (series alerts), "episodes" (grouped alerts), "alerts_medium_plus", "incidents":
        [per incident: id, type, start, detected, first_alert, delay_days, alert_ids,
        samples_on_incident (share of the matching alerts' sample texts that are texts labelled
        with the incident; null when they quote none)],
        "unmatched": [alerts matching no incident], "seconds"}``; recall and precision are
        null when there is nothing to divide by (no incidents / no alerts).
    """
    import time

    import pyarrow.parquet as pq

    from include.ingestion.warehouse import connect
    from include.insight.alerts import DetectorSettings
    from include.insight.risk import detect_risks

    truth_dir = Path(landing) / "_ground_truth"
    if not (truth_dir / "incidents.json").exists():
        raise GroundTruthMissing(f"{truth_dir / 'incidents.json'} not found: score a landing zone written by "
                                 "`xe demo generate`")
    incidents = json.loads((truth_dir / "incidents.json").read_text(encoding="utf-8"))["incidents"]
    labels = pq.read_table(truth_dir / "voice_labels.parquet", columns=["source", "record_id", "incident_id"]).to_pandas()
    prefix = {v: k for k, v in _PREFIX_SOURCE.items()}
    labels.index = labels["source"].map(prefix) + ":" + labels["record_id"]
    evidence_incident = labels["incident_id"]
    began = time.perf_counter()
    with connect(warehouse, read_only=True) as con:
        alerts, _ = detect_risks(con, settings or DetectorSettings())
        seconds = time.perf_counter() - began
        redacted = con.execute("select interaction_id, text_redacted from marts.fct_interactions "
                               "where text_redacted is not null").df()
    text_incidents = (redacted.assign(incident_id=evidence_incident.reindex(redacted["interaction_id"]).to_numpy())
                      .dropna(subset=["incident_id"]).groupby("text_redacted")["incident_id"].agg(set))
    per_incident, matched_alerts = [], set()
    for incident in incidents:
        hits = alerts[[_alert_matches(a, incident, evidence_incident) for _, a in alerts.iterrows()]]
        matched_alerts.update(hits["alert_id"])
        first = min(hits["first_seen"]) if len(hits) else None
        delay = max(0, (pd.Timestamp(first) - pd.Timestamp(incident["start"])).days) if first is not None else None
        samples = [t for _, a in hits.iterrows() for t in (a["sample_text_1"], a["sample_text_2"], a["sample_text_3"])
                   if isinstance(t, str)]
        on_incident = [incident["id"] in text_incidents.get(t, ()) for t in samples]
        per_incident.append({"id": incident["id"], "type": incident["type"], "start": incident["start"],
                             "detected": bool(len(hits)), "first_alert": None if first is None else str(first),
                             "delay_days": delay, "alert_ids": hits["alert_id"].tolist(),
                             "samples_on_incident": _round(sum(on_incident) / len(on_incident)) if samples else None})
    medium_plus = alerts["severity"].isin(["medium", "high", "critical"])
    delays = [p["delay_days"] for p in per_incident if p["delay_days"] is not None]
    unmatched = alerts[~alerts["alert_id"].isin(matched_alerts)]
    return {
        "recall": round(sum(p["detected"] for p in per_incident) / len(per_incident), 4) if per_incident else None,
        "precision": round(len(matched_alerts) / len(alerts), 4) if len(alerts) else None,
        "precision_medium_plus": round(alerts[medium_plus]["alert_id"].isin(matched_alerts).mean(), 4)
        if medium_plus.any() else None,
        "max_delay_days": max(delays) if delays else None,
        "alerts": int(alerts.attrs.get("series_alerts", len(alerts))), "episodes": len(alerts),
        "alerts_medium_plus": int(medium_plus.sum()), "incidents": per_incident,
        "unmatched": unmatched[["alert_id", "entity", "first_seen", "severity", "series_keys"]].astype(str)
        .to_dict("records"),
        "seconds": round(seconds, 2),
    }


def evaluate_unpaid(landing: Path, warehouse: Path) -> dict:
    """Unpaid-order reasons (``insight.unpaid_order_reasons``) vs the demo's true reasons
    (``_ground_truth/unpaid_orders.parquet``), on the orders in both.

    Returns:
        ``{"accuracy"`` (primary reason right, on orders whose reason is observable),
        ``"unknown_precision"`` (of orders called unknown, share with nothing observable),
        ``"unknown_recall"`` (of unobservable orders, share called unknown), ``"n"``,
        ``"n_observable"``, ``"per_reason": [reason, n, accuracy, called (predicted count),
        precision]``, ``"confusion": {true: {predicted: n}}``, ``"coupon_incident"``: the top
        primary reason of the coupon incident's promotion's unpaid orders in its window (null
        without that incident)}``.

    Raises:
        GroundTruthMissing: the landing zone has no ``unpaid_orders.parquet``.
    """
    from include.ingestion.warehouse import connect

    path = Path(landing) / "_ground_truth" / "unpaid_orders.parquet"
    if not path.exists():
        raise GroundTruthMissing(f"{path} not found: score a landing zone written by `xe demo generate`")
    truth = pd.read_parquet(path)
    with connect(warehouse, read_only=True) as con:
        predicted = con.execute("select order_id, reason from insight.unpaid_order_reasons where is_primary").df()
    both = truth.merge(predicted, on="order_id", how="inner")
    observable = both[both["observable"]]
    unknown = both[both["reason"] == "unknown"]
    per_reason = []
    for reason in sorted(set(both["true_reason"]) | set(both["reason"])):
        rows = observable[observable["true_reason"] == reason]
        called = observable[observable["reason"] == reason]
        per_reason.append({"reason": reason, "n": len(rows),
                           "accuracy": _round((rows["reason"] == reason).mean()) if len(rows) else None,
                           "called": len(called),
                           "precision": _round((called["true_reason"] == reason).mean()) if len(called) else None})
    confusion = {t: {p: int(n) for p, n in g["reason"].value_counts().items()}
                 for t, g in both.assign(true_reason=both["true_reason"].where(both["observable"], "(unobservable)"))
                 .groupby("true_reason")}
    coupon = None
    incidents_path = Path(landing) / "_ground_truth" / "incidents.json"
    if incidents_path.exists():
        incidents = json.loads(incidents_path.read_text(encoding="utf-8"))["incidents"]
        inc = next((i for i in incidents if i["type"] == "coupon_failure"), None)
        if inc is not None:
            promo = inc.get("keys", {}).get("promotion_id")
            day = pd.to_datetime(both["created_at"]).dt.date.astype(str)
            window = both[(both["promotion_id"] == promo) & (day >= inc["start"]) & (day <= inc["end"])]
            top = window["reason"].value_counts()
            coupon = {"promotion_id": promo, "unpaid_orders": len(window),
                      "top_reason": top.index[0] if len(top) else None,
                      "top_share": _round(top.iloc[0] / len(window)) if len(top) else None}
    return {
        "accuracy": _round((observable["reason"] == observable["true_reason"]).mean()) if len(observable) else None,
        "unknown_precision": _round((~unknown["observable"]).mean()) if len(unknown) else None,
        "unknown_recall": _round((both.loc[~both["observable"], "reason"] == "unknown").mean())
        if (~both["observable"]).any() else None,
        "n": len(both), "n_observable": len(observable), "n_truth": len(truth), "n_predicted": len(predicted),
        "per_reason": per_reason, "confusion": confusion, "coupon_incident": coupon,
    }
