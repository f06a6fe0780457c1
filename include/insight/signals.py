"""Daily risk signals from the marts: one zero-filled count series per thing that can go wrong.

A signal is ``(series_type, series_key, day) -> count, exposure``: ``count`` is what is
watched (negative voices, late deliveries, failed payments), ``exposure`` what it is a share
of on that day (all voices of the series' scope, delivered shipments, payment attempts). The
detector (``include/insight/alerts.py``) scores both the volume and the share against the
series' own history, so a day with more traffic (Double 11) raises the expected count too.

Series (local business days, ``EE_TIMEZONE``):

==================  =========================================  ================================
series_type          count                                      exposure
==================  =========================================  ================================
topic                negative voices in the topic               all voices that day
service_element      negative voices in the element             all voices that day
product              negative voices naming the product         all voices that day
platform             negative voices on the platform            all voices on the platform
social_site          negative social mentions on the site       all social mentions that day
carrier_region       late deliveries (delivered_at > promised)  deliveries of carrier x region
                     by the local day they were promised for
payment_failure      failed attempts with the failure code      all payment attempts that day
==================  =========================================  ================================

Counts are of voice units: a chat session counts once however many negative messages its
customer writes (messages of one session are not independent), any other voice once.
Voices are ``marts.fct_interaction_topics`` rows (substantive, with a topic; chit-chat left
out) joined to ``marts.fct_interactions``; a chat names the product of its session's order.
Social series also carry the mentions' total ``reach``. Every series that occurs at least once
gets a row for every day of the data, zero when nothing happened.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

SERIES_TYPES = ("topic", "service_element", "product", "platform", "social_site", "carrier_region",
                "payment_failure")

VOICES_SQL = """
select
    t.interaction_id,
    cast(i.occurred_at_local as date) as day,
    i.interaction_type,
    i.platform,
    i.source_detail,
    coalesce(i.product_id, o.product_id) as product_id,
    i.order_id,
    t.topic_id,
    t.topic_label,
    t.service_element,
    t.sentiment_label = 'negative' as is_negative,
    coalesce('session:' || i.session_id, t.interaction_id) as voice_unit
from marts.fct_interaction_topics as t
join marts.fct_interactions as i using (interaction_id)
left join marts.fct_orders as o on o.order_id = i.order_id
where t.voice_class = 'substantive' and t.topic_id >= 0
"""

REACH_SQL = """
select 'soc:' || mention_id as interaction_id, reach from staging.stg_social__mentions
"""

SHIPMENTS_SQL = """
select cast(promised_at_local as date) as day, carrier || ' | ' || region as series_key,
       count(*) as exposure, sum(case when is_late then 1 else 0 end) as count
from marts.fct_shipments
where is_delivered and carrier is not null and region is not null and promised_at_local is not null
group by 1, 2
"""

PAYMENTS_SQL = """
select attempted_date as day, failure_code, is_success
from marts.fct_payment_attempts
"""


def _daily(frame: pd.DataFrame, key: str, series_type: str, exposure: pd.Series,
           reach: bool = False) -> pd.DataFrame:
    """Negative voice units per (key, day) with the given per-day (or per key-day) exposure."""
    negative = frame[frame["is_negative"]]
    out = negative.groupby([key, "day"], observed=True)["voice_unit"].nunique().rename("count").to_frame()
    out = frame.groupby([key, "day"], observed=True).size().rename("n").to_frame().join(out).fillna({"count": 0})
    out = out.drop(columns="n")
    out["count"] = out["count"].astype(int)
    if reach:
        out["reach"] = frame[frame["is_negative"]].groupby([key, "day"], observed=True)["reach"].sum()
    out = out.reset_index().rename(columns={key: "series_key"})
    out["series_key"] = out["series_key"].astype(str)
    out["series_type"] = series_type
    if isinstance(exposure.index, pd.MultiIndex):
        out = out.join(exposure.rename("exposure"), on=["series_key", "day"])
    else:
        out = out.join(exposure.rename("exposure"), on="day")
    return out


def read_voices(con) -> pd.DataFrame:
    """Substantive topic-assigned voices with every key a voice series is cut by.

    Returns:
        ``interaction_id, day (Timestamp), interaction_type, platform, source_detail,
        product_id, order_id, topic_id, topic_label, topic_key, service_element, is_negative,
        voice_unit, reach``.
    """
    voices = con.execute(VOICES_SQL).df()
    voices["day"] = pd.to_datetime(voices["day"])
    reach = con.execute(REACH_SQL).df()
    voices = voices.merge(reach, on="interaction_id", how="left")
    voices["reach"] = voices["reach"].fillna(0)
    voices["is_negative"] = voices["is_negative"].fillna(False).astype(bool)
    voices["topic_key"] = voices["topic_id"].astype(int).astype(str) + " " + voices["topic_label"].fillna("")
    return voices


#: voice series type -> the voices column holding its key
VOICE_KEYS = {"topic": "topic_key", "service_element": "service_element", "product": "product_id",
              "platform": "platform", "social_site": "source_detail"}


def build_signals(con, *, start: date | None = None, end: date | None = None,
                  voices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every daily series of the warehouse, zero-filled over the days of data.

    Args:
        con: open DuckDB connection (read-only is enough) with the marts and topic marts.
        start, end: optional inclusive local-date bounds.
        voices: ``read_voices(con)`` when the caller already has it.

    Returns:
        Columns ``series_type, series_key, day, count, exposure, reach`` (reach: social only,
        else 0), one row per series and day, sorted.

    Raises:
        duckdb.CatalogException: the topic marts are missing (run the topic engine first).
    """
    voices = read_voices(con) if voices is None else voices
    traffic = voices.groupby("day")["voice_unit"].nunique()
    named = voices[voices["product_id"].notna()]
    parts = [
        _daily(voices, "topic_key", "topic", traffic),
        _daily(voices, "service_element", "service_element", traffic),
        _daily(named, "product_id", "product", traffic),
        _daily(voices[voices["platform"].notna()], "platform", "platform",
               voices[voices["platform"].notna()].groupby(["platform", "day"])["voice_unit"].nunique()
               .rename_axis(["series_key", "day"])),
    ]
    social = voices[voices["interaction_type"] == "social_mention"]
    if len(social):
        parts.append(_daily(social, "source_detail", "social_site", social.groupby("day")["voice_unit"].nunique(),
                            reach=True))
    shipments = con.execute(SHIPMENTS_SQL).df()
    if len(shipments):
        shipments["day"] = pd.to_datetime(shipments["day"])
        shipments["series_type"] = "carrier_region"
        parts.append(shipments)
    payments = con.execute(PAYMENTS_SQL).df()
    if len(payments):
        payments["day"] = pd.to_datetime(payments["day"])
        attempts = payments.groupby("day").size()
        failed = payments[~payments["is_success"].astype(bool) & payments["failure_code"].notna()]
        counts = failed.groupby(["failure_code", "day"]).size().rename("count").reset_index()
        counts = counts.rename(columns={"failure_code": "series_key"}).join(attempts.rename("exposure"), on="day")
        counts["series_type"] = "payment_failure"
        parts.append(counts)
    signals = pd.concat(parts, ignore_index=True)
    days = pd.date_range(min(voices["day"].min(), signals["day"].min()), max(voices["day"].max(), signals["day"].max()))
    if start is not None:
        days = days[days >= pd.Timestamp(start)]
    if end is not None:
        days = days[days <= pd.Timestamp(end)]
    return zero_fill(signals, days)


def zero_fill(signals: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """A row for every series x day in ``days``: missing counts are 0; a missing exposure is
    the series type's exposure that day when other series have it, else 0."""
    series = signals[["series_type", "series_key"]].drop_duplicates()
    grid = series.merge(pd.DataFrame({"day": days}), how="cross")
    out = grid.merge(signals, on=["series_type", "series_key", "day"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    out["reach"] = out.get("reach", pd.Series(0, index=out.index)).fillna(0).astype(float)
    # per-day exposure shared by a whole series type (traffic, attempts) fills the gaps
    shared = signals.groupby(["series_type", "day"])["exposure"].max().rename("shared_exposure")
    out = out.join(shared, on=["series_type", "day"])
    per_key_types = {"platform", "carrier_region"}
    fallback = out["shared_exposure"].where(~out["series_type"].isin(per_key_types), 0)
    out["exposure"] = out["exposure"].fillna(fallback).fillna(0).astype(float)
    out = out.drop(columns="shared_exposure")
    return out.sort_values(["series_type", "series_key", "day"]).reset_index(drop=True)
