"""Risk alerts end to end: signals -> detector -> grouped alerts with evidence -> ``insight.risk_alerts``.

``detect_risks`` scores every daily series (``include.insight.signals``) with the detector
(``include.insight.alerts``), then turns alerting series into alerts a person can act on:

* one alert per episode: per series, alert days closer than the cooldown are one episode;
  episodes of different series are merged when they overlap in time and are about the same
  thing: the same product (a topic, element, platform or social-site series counts as the
  product at least half of its evidence names) or largely the same evidence (at least
  ``EVIDENCE_OVERLAP`` of the smaller one's interactions and a tenth of the larger one's, e.g. a
  topic and its service element, or of the orders behind them, e.g. chats about a coupon and the
  coupon's failed payment attempts); episodes about two different products are never merged;
* evidence: the interaction ids behind a voice series' alert days (negative voices), the
  order ids of a carrier x region's late deliveries, the attempt ids of a failure code;
* context: the top keywords of the topics the evidence falls in (``voc.topics``) and three
  recent distinct PII-redacted texts (``fct_interactions.text_redacted``).

``write_risk_alerts`` replaces ``insight.risk_alerts`` (dbt exposes it as
``marts.fct_risk_alerts``); a re-run recomputes the same alerts with the same ids (an id
hashes the lead series and the first day), so consecutive runs update an alert, never
duplicate it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from include.insight.alerts import SEVERITIES, DetectorSettings, alert_days, episodes, score
from include.insight.signals import VOICE_KEYS, build_signals, read_voices

log = logging.getLogger(__name__)

SCHEMA, TABLE = "insight", "risk_alerts"
EVIDENCE_OVERLAP = 0.3
DOMINANT_PRODUCT_SHARE = 0.5
MAX_EVIDENCE_IDS = 200
TABLE_TYPES = (("alert_id", "varchar"), ("status", "varchar"), ("severity", "varchar"), ("entity", "varchar"),
               ("first_seen", "date"), ("last_seen", "date"), ("days", "integer"), ("series_keys", "varchar"),
               ("series_count", "integer"), ("observed", "integer"), ("expected", "double"), ("ratio", "double"),
               ("min_p_value", "double"), ("max_z", "double"), ("top_keywords", "varchar"),
               ("sample_text_1", "varchar"), ("sample_text_2", "varchar"), ("sample_text_3", "varchar"),
               ("evidence_kind", "varchar"), ("evidence_count", "integer"), ("evidence_ids", "varchar"),
               ("detected_at", "timestamp"))


def promotion_days(con) -> set[pd.Timestamp]:
    """Local days of a site-wide promotion of at most 7 days (festival sales such as Golden
    Week or the Double 11 main day; long pre-sales and standing coupons are not promotion days)."""
    exists = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                         "and table_name = 'dim_promotion'").fetchone()[0]
    if not exists:
        return set()
    rows = con.execute("select start_date, end_date from marts.dim_promotion where platform is null "
                       "and start_date is not null and end_date is not null "
                       "and end_date - start_date < 7").fetchall()
    return {day for start, end in rows for day in pd.date_range(start, end)}


def _evidence(con, fired: pd.DataFrame, voices: pd.DataFrame) -> dict[tuple, tuple[str, list[str]]]:
    """(series_type, series_key, day) -> (evidence kind, ids). Order ids of interactions are
    looked up separately (``orders_of``) to link voices with late shipments and failed payments."""
    out: dict[tuple, tuple[str, list[str]]] = {}
    negative = voices[voices["is_negative"]]
    by_type = {t: negative.groupby([VOICE_KEYS[t], "day"])["interaction_id"].apply(list)
               for t in VOICE_KEYS if t in set(fired["series_type"])}
    late = pay = None
    if "carrier_region" in set(fired["series_type"]):
        late = con.execute("select carrier || ' | ' || region as k, cast(promised_at_local as date) as day, order_id "
                           "from marts.fct_shipments where is_late").df()
        late["day"] = pd.to_datetime(late["day"])
        late = late.groupby(["k", "day"])["order_id"].apply(list)
    if "payment_failure" in set(fired["series_type"]):
        pay = con.execute("select failure_code as k, attempted_date as day, attempt_id || '|' || order_id as id "
                          "from marts.fct_payment_attempts where not is_success and failure_code is not null").df()
        pay["day"] = pd.to_datetime(pay["day"])
        pay = pay.groupby(["k", "day"])["id"].apply(list)
    for series_type, key, day in zip(fired["series_type"], fired["series_key"], fired["day"], strict=True):
        if series_type in by_type:
            ids = by_type[series_type].get((key if series_type != "topic" else key, day), [])
            out[(series_type, key, day)] = ("interaction", list(ids))
        elif series_type == "carrier_region" and late is not None:
            out[(series_type, key, day)] = ("order", list(late.get((key, day), [])))
        elif series_type == "payment_failure" and pay is not None:
            out[(series_type, key, day)] = ("payment_attempt", [i.split("|", 1)[0] for i in pay.get((key, day), [])])
            out[("orders", series_type, key, day)] = ("order", [i.split("|", 1)[1] for i in pay.get((key, day), [])])
    return out


def detect_risks(con, settings: DetectorSettings | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every series and build the alerts.

    Returns:
        ``(alerts, scored)``: alerts with the columns of ``TABLE_TYPES`` (minus detected_at)
        plus ``evidence`` (list of ids); ``scored`` every series-day with its score.
    """
    settings = settings or DetectorSettings()
    voices = read_voices(con)
    signals = build_signals(con, voices=voices)
    scored = score(signals, settings, promotion_days(con))
    last_day = signals["day"].max()
    fired = alert_days(scored, settings)
    columns = [c for c, _ in TABLE_TYPES if c != "detected_at"] + ["evidence"]
    if fired.empty:
        empty = pd.DataFrame(columns=columns)
        empty.attrs["series_alerts"] = 0
        return empty, scored
    evidence = _evidence(con, fired, voices)
    # per-series episodes first: every series is its own entity
    per_series = episodes(fired, {(t, k, d): f"{t}:{k}" for t, k, d in
                                  zip(fired["series_type"], fired["series_key"], fired["day"], strict=True)},
                          settings, last_day)
    product_of = voices.set_index("interaction_id")["product_id"]
    order_of = voices.set_index("interaction_id")["order_id"]
    items = []
    for row in per_series.itertuples():
        kind, ids, orders = "interaction", [], set()
        for t, k, d in row.series_days:
            kind, day_ids = evidence.get((t, k, pd.Timestamp(d)), (kind, []))
            ids.extend(day_ids)
            if kind == "order":
                orders.update(day_ids)
            elif kind == "payment_attempt":
                orders.update(evidence.get(("orders", t, k, pd.Timestamp(d)), ("order", []))[1])
            elif day_ids:
                orders.update(order_of.reindex(day_ids).dropna())
        series_type = row.series[0].split(":", 1)[0]
        entity = row.entity
        if series_type == "product":
            entity = f"product:{row.series[0].split(':', 1)[1]}"
        elif kind == "interaction" and ids:
            products = product_of.reindex(ids).dropna()
            if len(products) and products.value_counts().iloc[0] >= DOMINANT_PRODUCT_SHARE * len(ids):
                entity = f"product:{products.value_counts().index[0]}"
        items.append({"row": row, "entity": entity, "kind": kind, "ids": set(ids), "orders": orders})
    groups = _merge(items, settings.cooldown_days)
    alerts = [_alert(con, [items[i] for i in members], last_day, settings) for members in groups]
    table = pd.DataFrame(alerts, columns=columns).sort_values(["first_seen", "alert_id"]).reset_index(drop=True)
    table.attrs["series_alerts"] = len(per_series)
    return table, scored


def _merge(items: list[dict], cooldown: int) -> list[list[int]]:
    """Union-find over series episodes: same entity or shared evidence, overlapping in time."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            ra, rb = a["row"], b["row"]
            if (pd.Timestamp(ra.first_seen) - pd.Timestamp(rb.last_seen)).days > cooldown or (
                    pd.Timestamp(rb.first_seen) - pd.Timestamp(ra.last_seen)).days > cooldown:
                continue
            if a["entity"] != b["entity"] and a["entity"].startswith("product:") and b["entity"].startswith("product:"):
                continue  # two different products are two incidents, however much evidence they share
            if a["entity"] == b["entity"] or _overlaps(a["ids"], b["ids"], a["kind"] == b["kind"]) or _overlaps(
                    a["orders"], b["orders"], True):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _overlaps(a: set, b: set, comparable: bool) -> bool:
    """Largely the same evidence: the shared part is at least EVIDENCE_OVERLAP of the smaller
    set and a tenth of the larger (so a broad series such as a whole service element does not
    chain unrelated episodes together)."""
    if not comparable or not a or not b:
        return False
    shared = len(a & b)
    return shared >= EVIDENCE_OVERLAP * min(len(a), len(b)) and shared >= 0.1 * max(len(a), len(b))


def _alert(con, members: list[dict], last_day: pd.Timestamp, settings: DetectorSettings) -> dict:
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    rows = [m["row"] for m in members]
    lead = min(members, key=lambda m: (m["row"].first_seen, -rank[m["row"].severity], m["row"].series[0]))
    first = min(r.first_seen for r in rows)
    last = max(r.last_seen for r in rows)
    severity = max((r.severity for r in rows), key=rank.get)
    if (last_day - pd.Timestamp(last)).days > settings.cooldown_days:
        status = "resolved"
    elif pd.Timestamp(first) == last_day:
        status = "new"
    else:
        status = "ongoing"
    series = sorted({s for r in rows for s in r.series})
    entities = sorted({m["entity"] for m in members})
    entity = lead["entity"] if len(entities) > 1 else entities[0]
    digest = hashlib.sha1(f"{lead['row'].series[0]}|{first.isoformat()}".encode()).hexdigest()[:12]
    voice_ids = sorted({i for m in members if m["kind"] == "interaction" for i in m["ids"]})
    other = [(m["kind"], sorted(m["ids"])) for m in members if m["kind"] != "interaction"]
    kind, ids = ("interaction", voice_ids) if voice_ids else (other[0] if other else ("interaction", []))
    observed = sum(r.observed for r in rows)
    expected = sum(r.expected for r in rows)
    lead_ids = lead["ids"] if lead["kind"] == "interaction" else set()
    keywords, samples = _context(con, voice_ids, lead_ids, lead["orders"])
    return {"alert_id": f"ALR-{digest}", "status": status, "severity": severity, "entity": entity,
            "first_seen": first, "last_seen": last, "days": (pd.Timestamp(last) - pd.Timestamp(first)).days + 1,
            "series_keys": "; ".join(series), "series_count": len(series), "observed": int(observed),
            "expected": float(expected), "ratio": float(observed / max(expected, 1e-9)),
            "min_p_value": float(min(r.min_p_value for r in rows)), "max_z": float(max(r.max_z for r in rows)),
            "top_keywords": keywords, "sample_text_1": samples[0], "sample_text_2": samples[1],
            "sample_text_3": samples[2], "evidence_kind": kind, "evidence_count": len(ids),
            "evidence_ids": json.dumps(ids[:MAX_EVIDENCE_IDS], ensure_ascii=False), "evidence": ids}


def _context(con, interaction_ids: list[str], lead_ids: set | frozenset = frozenset(),
             lead_orders: set | frozenset = frozenset()) -> tuple[str | None, list[str | None]]:
    """Top keywords of the evidence's most frequent topics and 3 recent distinct redacted texts.

    The sample texts come first from the lead series (the series that fired first and names
    the alert): its own voices (``lead_ids``) or, when the lead counts orders or shipments,
    voices about its orders (``lead_orders``); then from the series merged into it. A coupon
    alert therefore quotes chats about the orders whose coupon failed rather than any payment
    complaint of the same days, and an alert with no voice evidence at all (late shipments of
    one carrier and region) quotes what customers said about its orders.
    """
    orders = {str(o) for o in lead_orders}
    if not interaction_ids and orders:  # an order or shipment alert: quote the voices about its orders
        con.register("risk_lead_orders", pd.DataFrame({"order_id": sorted(orders)}, dtype="string"))
        try:
            interaction_ids = [r[0] for r in con.execute(
                "select interaction_id from marts.fct_interactions "
                "where order_id in (select order_id from risk_lead_orders) order by 1").fetchall()]
        finally:
            con.unregister("risk_lead_orders")
    if not interaction_ids:
        return None, [None, None, None]
    con.register("risk_evidence_ids", pd.DataFrame({"interaction_id": interaction_ids,
                                                    "is_lead": [i in lead_ids for i in interaction_ids]}))
    con.register("risk_lead_orders", pd.DataFrame({"order_id": sorted(orders)}, dtype="string"))
    try:
        texts = [r[0] for r in con.execute(
            "select text_redacted from (select i.text_redacted, "
            "bool_or(e.is_lead or i.order_id in (select order_id from risk_lead_orders)) as from_lead, "
            "max(i.occurred_at) as latest "
            "from marts.fct_interactions as i join risk_evidence_ids as e using (interaction_id) "
            "where i.text_redacted is not null group by 1) "
            "order by from_lead desc, latest desc, text_redacted limit 3").fetchall()]
        topics = con.execute(
            "select t.topic_id, any_value(t.model_version) as version, count(*) as n "
            "from marts.fct_interaction_topics as t join risk_evidence_ids using (interaction_id) "
            "group by 1 order by n desc, 1 limit 2").fetchall()
        words: list[str] = []
        for topic_id, version, _ in topics:
            found = con.execute("select keywords from voc.topics where topic_id = ? and model_version = ?",
                                [topic_id, version]).fetchall()
            row = found[0] if found else None
            if row and row[0] is not None:
                kw = row[0] if isinstance(row[0], list) else str(row[0]).split(",")
                words.extend(str(w).strip() for w in kw[:5])
    finally:
        con.unregister("risk_evidence_ids")
        con.unregister("risk_lead_orders")
    keywords = ", ".join(dict.fromkeys(w for w in words if w)) or None
    return keywords, (texts + [None, None, None])[:3]


def write_risk_alerts(warehouse: Path | str | None = None, settings: DetectorSettings | None = None) -> dict:
    """Detect and replace ``insight.risk_alerts``.

    Returns:
        ``{"table", "alerts", "by_severity", "new_or_ongoing": [alert dicts for notification],
        "series_scored", "seconds"}``.
    """
    import time

    from include.ingestion.warehouse import connect
    from include.insight.publish import replace_table

    began = time.perf_counter()
    with connect(warehouse) as con:
        alerts, scored = detect_risks(con, settings)
        table = alerts.drop(columns="evidence")
        table["detected_at"] = datetime.now(UTC).replace(tzinfo=None)
        replace_table(con, SCHEMA, TABLE, table, TABLE_TYPES)
    active = table[table["status"].isin(["new", "ongoing"])]
    summary = {"table": f"{SCHEMA}.{TABLE}", "alerts": len(table),
               "by_severity": {s: int((table["severity"] == s).sum()) for s in SEVERITIES},
               "new_or_ongoing": active[["alert_id", "status", "severity", "entity", "first_seen", "last_seen",
                                         "series_keys", "observed", "expected", "sample_text_1"]]
               .astype(str).to_dict("records"),
               "series_scored": int(scored[["series_type", "series_key"]].drop_duplicates().shape[0]),
               "seconds": round(time.perf_counter() - began, 2)}
    log.info("risk alerts: %d (%s)", summary["alerts"], summary["by_severity"])
    return summary
