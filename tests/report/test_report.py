"""The weekly report's numbers are the published tables' numbers, in both languages; plus the
small pure helpers (weeks, NPS statistics, locale formats)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import duckdb
import pytest

from include.report.data import nps_stats, parse_week, week_label
from include.report.i18n import number, percent, signed


def test_weeks_round_trip_and_bad_weeks_are_refused():
    assert parse_week("2026-W46") == date(2026, 11, 9) and week_label(date(2026, 11, 9)) == "2026-W46"
    assert week_label(date(2027, 1, 4)) == "2027-W01"
    for bad in ("2026-46", "W46", "2026-W60", ""):
        with pytest.raises(ValueError, match="ISO week"):
            parse_week(bad)


def test_nps_statistics():
    value, se = nps_stats(50, 20, 100)
    assert value == pytest.approx(30.0)
    assert se == pytest.approx(100 * math.sqrt((0.5 + 0.2 - 0.3 ** 2) / 100))
    assert nps_stats(0, 0, 0) == (None, None)


def test_locale_formats():
    assert number(12345.678, "en") == "12,345.7" and number(12345.678, "zh", 0) == "12,346"
    assert percent(0.1234, "en") == "12.3%" and signed(-3.21, "en") == "−3.2" and signed(2, "zh", 0) == "+2"
    assert number(None, "en") == "—" and percent(float("nan"), "zh") == "—"


class _Kpis(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, float] = {}
        self.alert_rows = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-kpi" in attrs and attrs.get("data-value"):
            self.values[attrs["data-kpi"]] = float(attrs["data-value"])
        if tag == "tr" and "data-alert" in attrs:
            self.alert_rows += 1


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_numbers_on_the_page_equal_the_published_tables(small_pipeline_run, report_build, lang):
    root, _, _ = small_pipeline_run
    result = report_build(lang)
    html = result.html.read_text(encoding="utf-8")
    page = _Kpis()
    page.feed(html)
    week = parse_week(result.week)
    end = week + timedelta(days=7)
    con = duckdb.connect(str(root / "data" / "published.duckdb"), read_only=True)
    try:
        p, d, n = con.execute("select count(*) filter (where nps_category = 'promoter'), "
                              "count(*) filter (where nps_category = 'detractor'), count(*) from bi.fct_nps_responses "
                              "where submitted_date >= ? and submitted_date < ?", [week, end]).fetchall()[0]
        voices = con.execute("select count(*) from bi.fct_interactions where occurred_week = ?", [week]).fetchall()[0][0]
        unpaid, orders = con.execute(
            "select (select count(*) from bi.fct_unpaid_orders where created_week = ?), "
            "(select count(*) from bi.fct_orders where created_at_local >= ? and created_at_local < ?)",
            [week, week, end]).fetchall()[0]
        csat = con.execute("select sum(round(csat_satisfied_share * csat_responses)) / sum(csat_responses), "
                           "sum(round(smart_resolution_rate * bot_session_count)) / sum(bot_session_count) "
                           "from bi.agg_service_kpis_weekly where started_week = ?", [week]).fetchall()[0]
        alerts = con.execute("select count(*) from bi.fct_risk_alerts where last_seen >= ? and first_seen < ?",
                             [week, end]).fetchall()[0][0]
        last_day = con.execute("select max(cast(occurred_at_local as date)) from bi.fct_interactions").fetchall()[0][0]
    finally:
        con.close()
    assert week + timedelta(days=6) <= last_day < week + timedelta(days=13), "the last complete week by default"
    assert page.values["nps"] == pytest.approx(100.0 * (p - d) / n)
    assert page.values["volume"] == voices
    assert page.values["unpaid_rate"] == pytest.approx(unpaid / orders)
    assert page.values["csat"] == pytest.approx(csat[0]) and page.values["smart_resolution_rate"] == pytest.approx(csat[1])
    assert page.alert_rows == alerts
    shown = number(100.0 * (p - d) / n, lang)
    assert re.search(rf'data-kpi="nps"[^>]*>{re.escape(shown)}<', html), "the NPS is printed as computed"
    assert ("客户体验周报" in html) == (lang == "zh") and ("Customer experience weekly" in html) == (lang == "en")
    assert "<script" not in html and not re.search(r'(src|href)="https?:', html)  # self-contained, nothing fetched
    assert len(result.charts) >= 5 and all(p.stat().st_size > 2_000 for p in result.charts)
    assert result.summary.read_text(encoding="utf-8").startswith("# ")
    assert result.seconds < 30
