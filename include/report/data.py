"""Everything the weekly report shows, read from the published ``bi`` tables only.

Weeks are local ISO weeks (Monday start). KPIs compare the report week with the week before:

* **NPS**: 100 x (promoters - detractors) / answers, 95 % interval from the multinomial
  standard error 100 x sqrt((p_p + p_d - (p_p - p_d)^2) / n) (the same formula as the dbt
  macro ``nps_standard_error``); the change is significant when |change| > 1.96 x
  sqrt(se_1^2 + se_2^2) (two independent samples, normal approximation);
* **CSAT** (rated sessions scoring 4-5), **smart resolution rate** (bot sessions resolved
  without a human) and the **unpaid rate** (orders not paid within 30 minutes): two-proportion
  z-test (``statsmodels.stats.proportion.proportions_ztest``), significant at p < 0.05;
* **voice volume** (customer voices in ``fct_interactions``): the two-sample Poisson rate test
  ``statsmodels.stats.rates.test_poisson_2indep``, significant at p < 0.05.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd


def parse_week(text: str) -> date:
    """``YYYY-Www`` -> the Monday of that ISO week.

    Raises:
        ValueError: not an ISO week.
    """
    try:
        year, week = text.upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"{text!r} is not an ISO week like 2026-W46") from exc


def week_label(monday: date) -> str:
    """The Monday of a week -> ``YYYY-Www``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Kpi:
    """One headline figure, this week and the week before."""

    key: str
    value: float | None
    previous: float | None
    change: float | None
    significant: bool | None
    n: int
    ci_low: float | None = None
    ci_high: float | None = None
    is_share: bool = False
    higher_is_better: bool = True


@dataclass
class ReportData:
    """The report's numbers and tables (DataFrames keep the ``bi`` column names)."""

    week: date
    last_day: date
    kpis: list[Kpi]
    alerts: pd.DataFrame
    topic_movers: pd.DataFrame
    element_movers: pd.DataFrame
    emerging: pd.DataFrame
    drivers: pd.DataFrame
    findings: pd.DataFrame
    unpaid_diagnosis: pd.DataFrame
    recovery: dict
    topic_map: pd.DataFrame
    trends: dict[str, pd.DataFrame]
    validation: dict
    extra: dict = field(default_factory=dict)


def _exists(con, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = 'bi' "
                            "and table_name = ?", [table]).fetchall()[0][0])


def _df(con, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def nps_stats(promoters: int, detractors: int, n: int) -> tuple[float | None, float | None]:
    """(NPS in points, its standard error in points); ``(None, None)`` without answers."""
    if n <= 0:
        return None, None
    pp, pd_ = promoters / n, detractors / n
    return 100.0 * (pp - pd_), 100.0 * math.sqrt(max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n)


def _proportion_kpi(key: str, now: tuple[int, int], before: tuple[int, int], higher_is_better: bool = True) -> Kpi:
    from statsmodels.stats.proportion import proportions_ztest

    (s1, n1), (s0, n0) = now, before
    value = s1 / n1 if n1 else None
    previous = s0 / n0 if n0 else None
    significant = None
    if n1 and n0 and 0 < s1 + s0 < n1 + n0:
        _, p = proportions_ztest([s1, s0], [n1, n0])
        significant = bool(p < 0.05)
    change = value - previous if value is not None and previous is not None else None
    return Kpi(key, value, previous, change, significant, n1, is_share=True, higher_is_better=higher_is_better)


def load_report_data(bi_warehouse: Path | str, week: date | None = None) -> ReportData:
    """Read the report of ``week`` (a Monday; default: the last complete week in the data).

    Raises:
        FileNotFoundError: nothing has been published yet.
        ValueError: the week has no customer voice in the published tables.
    """
    import duckdb
    from statsmodels.stats.rates import test_poisson_2indep

    path = Path(bi_warehouse)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run the pipeline (make run) or `xe publish` first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        last_day = con.execute("select max(cast(occurred_at_local as date)) from bi.fct_interactions").fetchall()[0][0]
        if last_day is None:
            raise ValueError("bi.fct_interactions is empty: nothing to report")
        if week is None:
            sunday = last_day - timedelta(days=(last_day.weekday() + 1) % 7)  # the last Sunday on or before it
            week = sunday - timedelta(days=6)
        prev = week - timedelta(days=7)
        end = week + timedelta(days=7)
        volume = dict(con.execute(
            "select occurred_week, count(*) from bi.fct_interactions where occurred_week in (?, ?) group by 1",
            [week, prev]).fetchall())
        if not volume.get(week):
            raise ValueError(f"no customer voice in week {week_label(week)} (data ends {last_day})")

        kpis: list[Kpi] = []
        nps = {w: (p, d, n) for w, p, d, n in con.execute(
            "select date_trunc('week', submitted_date)::date as w, "
            "count(*) filter (where nps_category = 'promoter'), count(*) filter (where nps_category = 'detractor'), "
            "count(*) from bi.fct_nps_responses where submitted_date >= ? and submitted_date < ? group by 1",
            [prev, end]).fetchall()}
        v1, se1 = nps_stats(*nps.get(week, (0, 0, 0)))
        v0, se0 = nps_stats(*nps.get(prev, (0, 0, 0)))
        change = v1 - v0 if v1 is not None and v0 is not None else None
        significant = bool(abs(change) > 1.96 * math.hypot(se1, se0)) if change is not None else None
        kpis.append(Kpi("nps", v1, v0, change, significant, nps.get(week, (0, 0, 0))[2],
                        ci_low=None if v1 is None else max(-100.0, v1 - 1.96 * se1),
                        ci_high=None if v1 is None else min(100.0, v1 + 1.96 * se1)))

        service = {w: (cs, cn, rs, rn) for w, cs, cn, rs, rn in con.execute(
            "select started_week, round(sum(csat_satisfied_share * csat_responses)), sum(csat_responses), "
            "round(sum(smart_resolution_rate * bot_session_count)), sum(bot_session_count) "
            "from bi.agg_service_kpis_weekly where started_week in (?, ?) group by 1", [week, prev]).fetchall()}
        now, before = service.get(week, (0, 0, 0, 0)), service.get(prev, (0, 0, 0, 0))
        kpis.append(_proportion_kpi("csat", (int(now[0] or 0), int(now[1] or 0)),
                                    (int(before[0] or 0), int(before[1] or 0))))
        kpis.append(_proportion_kpi("smart_resolution_rate", (int(now[2] or 0), int(now[3] or 0)),
                                    (int(before[2] or 0), int(before[3] or 0))))

        orders = {w: (u, n) for w, u, n in con.execute(
            "select date_trunc('week', o.created_at_local)::date, count(u.order_id), count(*) "
            "from bi.fct_orders as o left join bi.fct_unpaid_orders as u using (order_id) "
            "where o.created_at_local >= ? and o.created_at_local < ? group by 1", [prev, end]).fetchall()}
        kpis.append(_proportion_kpi("unpaid_rate", orders.get(week, (0, 0)), orders.get(prev, (0, 0)),
                                    higher_is_better=False))

        n1, n0 = int(volume.get(week, 0)), int(volume.get(prev, 0))
        p = test_poisson_2indep(n1, 1.0, n0, 1.0).pvalue if n1 and n0 else None
        kpis.append(Kpi("volume", float(n1), float(n0) if n0 else None, float(n1 - n0) if n0 else None,
                        None if p is None else bool(p < 0.05), n1, higher_is_better=False))

        alerts = _df(con, "select alert_id, severity, status, entity, first_seen, last_seen, observed, expected, "
                     "series_keys, sample_text_1 from bi.fct_risk_alerts where last_seen >= ? and first_seen < ? "
                     "order by case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end, "
                     "first_seen", [week, end]) if _exists(con, "fct_risk_alerts") else pd.DataFrame()

        topic_movers = _df(con, """
            select topic_id, topic_label, topic_service_element, interaction_count, previous_week_interaction_count,
                   interaction_count - coalesce(previous_week_interaction_count, 0) as change, negative_share,
                   mean_sentiment_score
            from bi.agg_topic_weekly where occurred_week = ? and topic_status = 'active'
            order by abs(interaction_count - coalesce(previous_week_interaction_count, 0)) desc, topic_id
            limit 10""", [week]) if _exists(con, "agg_topic_weekly") else pd.DataFrame()
        element_movers = _df(con, """
            with w as (select occurred_week, service_element, sum(interaction_count) as n
                       from bi.agg_service_element_weekly where occurred_week in (?, ?) group by 1, 2),
                 t as (select occurred_week, sum(n) as total from w group by 1)
            select w.service_element, sum(case when w.occurred_week = ? then w.n else 0 end) as interaction_count,
                   sum(case when w.occurred_week = ? then w.n / t.total else 0 end)
                 - sum(case when w.occurred_week = ? then w.n / t.total else 0 end) as share_change,
                   sum(case when w.occurred_week = ? then w.n / t.total else 0 end) as share
            from w join t using (occurred_week) group by 1 order by abs(share_change) desc""",
                             [week, prev, week, week, prev, week])

        emerging = _df(con, """
            select product_id, product_name, product_name_en, topic_label, finding_type, mention_count,
                   negative_share, emerged_week, example_quote_1, example_quote_2
            from bi.fct_product_findings where is_emerging and last_seen_date >= ?
            order by opportunity_score desc nulls last, mention_count desc limit 8""",
                       [week]) if _exists(con, "fct_product_findings") else pd.DataFrame()
        drivers = _df(con, """
            select driver, driver_kind, n_with, nps_with, nps_without, impact_adjusted, effect_adjusted_ci_low,
                   effect_adjusted_ci_high, q_value, window_start, window_end, answers
            from bi.agg_nps_key_drivers where driver_kind = 'operational' and driver_rank is not null
            order by driver_rank limit 5""") if _exists(con, "agg_nps_key_drivers") else pd.DataFrame()
        findings = _df(con, """
            select product_id, product_name, product_name_en, topic_label, finding_type, mention_count,
                   negative_share, is_emerging, product_rank, example_quote_1
            from bi.fct_product_findings where finding_type = 'issue' and product_rank is not null
            order by product_rank limit 8""") if _exists(con, "fct_product_findings") else pd.DataFrame()

        unpaid_diagnosis = _df(con, """
            select promotion_key, promotion_name, promotion_name_en, orders, unpaid_orders, unpaid_rate,
                   baseline_unpaid_rate, unpaid_rate_vs_baseline, top_reason, top_reason_share,
                   top_reason_share_change, reasons_mix
            from bi.agg_unpaid_diagnosis_weekly where created_week = ?
            order by unpaid_orders desc limit 6""", [week]) if _exists(con, "agg_unpaid_diagnosis_weekly") \
            else pd.DataFrame()
        recovery = {}
        if _exists(con, "fct_unpaid_recovery_list"):
            n, value, expected = con.execute("select count(*), sum(order_value), sum(expected_recovered_value) "
                                             "from bi.fct_unpaid_recovery_list").fetchall()[0]
            gmv = con.execute("select sum(recovered_gmv), sum(recovered_orders), sum(unpaid_orders) "
                              "from bi.agg_unpaid_recovery_weekly where created_week = ?", [week]).fetchall()[0]
            recovery = {"orders": int(n), "order_value": float(value or 0), "expected": float(expected or 0),
                        "recovered_gmv": float(gmv[0] or 0), "recovered_orders": int(gmv[1] or 0),
                        "unpaid_orders": int(gmv[2] or 0)}

        topic_map = _df(con, """
            select topic_id, topic_label, topic_service_element, interaction_count, negative_share,
                   mean_sentiment_score
            from bi.agg_topic_weekly where occurred_week = ? and topic_status = 'active' and interaction_count > 0""",
                        [week]) if _exists(con, "agg_topic_weekly") else pd.DataFrame()
        start8 = week - timedelta(weeks=7)
        trends = {
            "nps": _df(con, """
                select date_trunc('week', submitted_date)::date as week, count(*) as answers,
                       count(*) filter (where nps_category = 'promoter') as promoters,
                       count(*) filter (where nps_category = 'detractor') as detractors
                from bi.fct_nps_responses where submitted_date >= ? and submitted_date < ? group by 1 order by 1""",
                       [start8, end]),
            "volume": _df(con, """
                select occurred_week as week, service_element, sum(interaction_count) as interactions
                from bi.agg_service_element_weekly where occurred_week >= ? and occurred_week < ?
                group by 1, 2 order by 1, 2""", [start8, end]),
            "unpaid": _df(con, """
                select date_trunc('week', o.created_at_local)::date as week, count(*) as orders,
                       count(u.order_id) as unpaid_orders
                from bi.fct_orders as o left join bi.fct_unpaid_orders as u using (order_id)
                where o.created_at_local >= ? and o.created_at_local < ? group by 1 order by 1""", [start8, end]),
        }
        validation = {}
        if _exists(con, "publication_log"):
            rows = con.execute("""
                select result, count(*), max(published_at), any_value(run_id)
                from bi.publication_log where run_id = (select max_by(run_id, published_at) from bi.publication_log)
                group by 1""").fetchall()
            validation = {"results": {r: n for r, n, _, _ in rows}, "published_at": max(r[2] for r in rows),
                          "run_id": rows[0][3]} if rows else {}
    finally:
        con.close()
    return ReportData(week=week, last_day=last_day, kpis=kpis, alerts=alerts, topic_movers=topic_movers,
                      element_movers=element_movers, emerging=emerging, drivers=drivers, findings=findings,
                      unpaid_diagnosis=unpaid_diagnosis, recovery=recovery, topic_map=topic_map, trends=trends,
                      validation=validation, extra={"generated_at": datetime.now()})
