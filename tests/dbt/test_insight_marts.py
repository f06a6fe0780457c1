"""Insight marts on the small demo warehouse (built once by tests/dbt/conftest.py): every
rating reaches its fact, and agg_nps_weekly equals a recount with its interval and
week-over-week test computed independently here."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.slow


def test_every_rating_reaches_its_fact_text_or_not(demo_warehouse):
    q = demo_warehouse.query
    assert q("select count(*) from marts.fct_nps_responses") == q(
        "select count(distinct response_id) from raw.nps_responses")
    assert q("select count(*) from marts.fct_reviews") == q("select count(distinct review_id) from raw.reviews")
    [(without_text, with_text)] = q("select count(*) filter (where not has_verbatim), count(*) filter (where has_verbatim) "
                                    "from marts.fct_nps_responses")
    assert without_text > 0 and with_text > 0  # the demo has both, and both are counted
    assert q("select count(*) from marts.fct_interactions where interaction_type = 'nps_verbatim'") == [(with_text,)]


def test_weekly_nps_equals_a_recount_with_its_interval(demo_warehouse):
    rows = demo_warehouse.query(
        "select submitted_week, platform, product_category, nps_score from marts.fct_nps_responses")
    cells: dict[tuple, list[int]] = {}
    for week, platform, category, score in rows:
        cells.setdefault((week, platform, category), []).append(score)
    agg = {(r[0], r[1], r[2]): r[3:] for r in demo_warehouse.query(
        "select submitted_week, platform, product_category, n_responses, promoters, detractors, nps, "
        "nps_ci_low, nps_ci_high, is_small_sample from marts.agg_nps_weekly")}
    assert set(agg) == set(cells)
    for key, scores in cells.items():
        n = len(scores)
        p_p = sum(s >= 9 for s in scores) / n
        p_d = sum(s <= 6 for s in scores) / n
        nps = 100 * (p_p - p_d)
        half = 1.96 * 100 * math.sqrt(max(p_p + p_d - (p_p - p_d) ** 2, 0) / n)
        got_n, promoters, detractors, got_nps, low, high, small = agg[key]
        assert (got_n, promoters, detractors) == (n, round(p_p * n), round(p_d * n))
        assert got_nps == pytest.approx(nps)
        assert low == pytest.approx(max(nps - half, -100)) and high == pytest.approx(min(nps + half, 100))
        assert small == (n < 30)


def test_week_over_week_change_compares_the_same_cell_one_week_apart(demo_warehouse):
    rows = demo_warehouse.query(
        "select a.nps - b.nps, a.nps_change, a.nps_change_z, "
        "(a.nps_ci_high - a.nps) / 1.96, (b.nps_ci_high - b.nps) / 1.96 "
        "from marts.agg_nps_weekly a join marts.agg_nps_weekly b "
        "on a.platform = b.platform and a.product_category = b.product_category "
        "and b.submitted_week = a.submitted_week - interval 7 day "
        "where a.nps_ci_high < 100 and b.nps_ci_high < 100")
    assert rows, "the demo should have cells in consecutive weeks"
    for diff, change, z, se_a, se_b in rows:
        assert change == pytest.approx(diff)
        if se_a > 0 or se_b > 0:
            assert z == pytest.approx(diff / math.sqrt(se_a**2 + se_b**2), rel=1e-6)
    orphans = demo_warehouse.query(
        "select count(*) from marts.agg_nps_weekly a where nps_change is not null and not exists ("
        "select 1 from marts.agg_nps_weekly b where b.platform = a.platform and "
        "b.product_category = a.product_category and b.submitted_week = a.submitted_week - interval 7 day)")
    assert orphans == [(0,)]
    # the demo's first and last weeks are whole weeks (Monday to Sunday): none is partial
    assert demo_warehouse.query("select count(*) from marts.agg_nps_weekly where is_partial_week") == [(0,)]


def test_service_kpis_equal_a_recount_from_the_sessions(demo_warehouse):
    import numpy as np
    import pandas as pd

    con_rows = demo_warehouse.query(
        "select session_id, platform, customer_key, service_element, is_bot, is_resolved, is_transferred, "
        "satisfaction_score, started_at, first_response_seconds, handle_time_seconds, "
        "date_trunc('week', started_at_local)::date as week from marts.fct_service_sessions")
    s = pd.DataFrame(con_rows, columns=["session_id", "platform", "customer_key", "element", "is_bot", "is_resolved",
                                        "is_transferred", "csat", "started_at", "frt", "aht", "week"])
    kpis = demo_warehouse.query(
        "select started_week, platform, session_count, smart_resolution_rate, transfer_to_human_rate, "
        "first_response_seconds_p90, handle_time_seconds_p50, csat_satisfied_share, repeat_contact_rate "
        "from marts.agg_service_kpis_weekly")
    assert len(kpis) == s.groupby(["week", "platform"]).ngroups
    known = s[s.customer_key.notna()]
    repeated = set()
    for _, group in known.groupby(["customer_key", "element"]):
        times = group.sort_values("started_at")
        for i, row in enumerate(times.itertuples()):
            later = times.started_at.iloc[i + 1:]
            if ((later > row.started_at) & (later <= row.started_at + pd.Timedelta(days=7))).any():
                repeated.add(row.session_id)
    for week, platform, n, smart, transfer, frt_p90, aht_p50, csat_share, repeat in kpis:
        g = s[(s.week == week) & (s.platform == platform)]
        entered = g[g.is_bot | g.is_transferred]
        assert n == len(g)
        assert smart == pytest.approx((entered.is_bot & entered.is_resolved & ~entered.is_transferred).mean())
        assert transfer == pytest.approx(entered.is_transferred.mean())
        assert frt_p90 == pytest.approx(np.percentile(g.frt.dropna(), 90))
        assert aht_p50 == pytest.approx(np.percentile(g.aht.dropna(), 50))
        rated = g.csat.dropna()
        assert csat_share == pytest.approx((rated >= 4).mean())
        with_customer = g[g.customer_key.notna()]
        assert repeat == pytest.approx(with_customer.session_id.isin(repeated).mean())


def test_touchpoint_is_the_latest_delivery_session_or_review_in_the_window(demo_warehouse):
    q = demo_warehouse.query
    events: dict[str, list[tuple]] = {}
    for customer, at, kind in q(
            "select o.customer_key, s.delivered_at, 'delivery' from marts.fct_shipments s "
            "join marts.fct_orders o using (order_id) where s.delivered_at is not null "
            "union all select customer_key, started_at, 'service_session' from marts.fct_service_sessions "
            "union all select customer_key, created_at, 'review' from marts.fct_reviews"):
        if customer is not None:
            events.setdefault(customer, []).append((at, kind))
    from datetime import timedelta

    answers = q("select customer_key, submitted_at, touchpoint from marts.fct_nps_responses")
    kinds = set()
    for customer, submitted, touchpoint in answers:
        window = [(at, kind) for at, kind in events.get(customer, [])
                  if submitted - timedelta(days=14) <= at <= submitted]
        expected = max(window, key=lambda e: (e[0], [-ord(c) for c in e[1]]))[1] if window else "none"
        assert touchpoint == expected
        kinds.add(touchpoint)
    assert {"delivery", "service_session"} <= kinds
    recount = dict(((w, t), n) for w, t, n in q(
        "select submitted_week, touchpoint, count(*) from marts.fct_nps_responses group by 1, 2"))
    assert dict(((w, t), n) for w, t, n in q(
        "select submitted_week, touchpoint, n_responses from marts.agg_nps_touchpoint_weekly")) == recount


def test_xe_insight_drivers_reads_the_mart_and_finds_late_delivery_costly(demo_warehouse):
    import json

    from click.testing import CliRunner

    from include.cli.main import cli

    out = CliRunner().invoke(cli, ["insight", "drivers", "--warehouse", str(demo_warehouse.warehouse),
                                   "--min-support", "5", "--top", "20", "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output.strip().splitlines()[-1])
    [answers] = demo_warehouse.query("select count(*) from marts.fct_nps_response_drivers")[0]
    assert result["answers"] == answers
    drivers = {d["driver"]: d for d in result["drivers"]}
    late = drivers["had_late_delivery"]  # the demo takes 3 points off the answer of a late order
    assert late["n_with"] > 0 and late["nps_with"] < late["nps_without"] and late["effect"] < 0
    assert late["impact"] < 0 and late["impact_adjusted"] < 0 and late["driver_kind"] == "operational"


def test_the_nps_interval_macros_cover_the_true_nps_at_the_nominal_rate(demo_warehouse):
    """400 cells of 150 answers drawn (deterministic hash) from the demo's baseline answer
    distribution, whose true NPS is 55 % - 17 % = 38, scored by the macros agg_nps_weekly uses."""
    import json

    from include.demo.config import DriverEffects
    from include.warehouse.dbt_runner import run_dbt

    weights = dict(DriverEffects().baseline)
    promoters, detractors = weights[9] + weights[10], sum(weights[s] for s in range(7))
    true_nps = 100 * (promoters - detractors)
    sql = f"""
        with draws as (
            select cell, (hash(cell, answer) % 1000000) / 1e6 as r
            from range(400) as cells(cell), range(150) as answers(answer)
        ),
        bands as (
            select cell, case when r < {promoters} then 'promoter' when r < {1 - detractors} then 'passive'
                              else 'detractor' end as nps_category
            from draws
        ),
        counts as (select cell, count(*) as n, {{{{ nps_band_counts('nps_category') }}}} from bands group by cell),
        scored as (
            select *, {{{{ nps_points('promoters', 'detractors', 'n') }}}} as nps,
                   {{{{ nps_standard_error('promoters', 'detractors', 'n') }}}} as se
            from counts
        )
        select avg(case when nps - 1.96 * se <= {true_nps} and {true_nps} <= nps + 1.96 * se then 1.0 else 0.0 end)
                   as coverage,
               avg(nps) as mean_nps
        from scored"""
    run = run_dbt(["show", "--inline", sql, "--output", "json", "--quiet"], warehouse=demo_warehouse.warehouse,
                  echo=False)
    [row] = json.loads(run.output[run.output.index("{"):])["show"]
    assert abs(row["mean_nps"] - true_nps) < 1.5
    assert 0.92 <= row["coverage"] <= 0.975, row


def test_published_key_drivers_replace_the_table_and_build_the_insight_mart(demo_warehouse):
    from include.insight.publish import build_insight_models, write_key_drivers

    first = write_key_drivers(demo_warehouse.warehouse, window_days=None, min_support=5)
    second = write_key_drivers(demo_warehouse.warehouse, window_days=None, min_support=5)
    assert first["drivers"] == second["drivers"] > 5 and first["answers"] > 0
    build_insight_models(demo_warehouse.warehouse)
    q = demo_warehouse.query
    assert q("select count(*) from insight.nps_key_drivers") == [(second["drivers"],)]
    assert q("select count(*), count(distinct driver) from marts.agg_nps_key_drivers") == [
        (second["drivers"], second["drivers"])]
    [(answers,)] = q("select count(*) from marts.fct_nps_response_drivers")
    assert q("select distinct answers from marts.agg_nps_key_drivers") == [(answers,)]
    ranks = q("select driver_kind, driver_rank from marts.agg_nps_key_drivers where driver_rank is not null "
              "order by driver_kind, driver_rank")
    by_kind: dict[str, list[int]] = {}
    for kind, rank in ranks:
        by_kind.setdefault(kind, []).append(rank)
    assert by_kind["operational"][0] == 1 and all(r == list(range(1, len(r) + 1)) for r in by_kind.values())
