"""Which business days a run loads, for every way an Airflow 3 run starts (pure and fast).

The data intervals come from Airflow's own timetable classes (the project's daily
``CronDataIntervalTimetable`` and Airflow 3's default ``CronTriggerTimetable``), computed
the way the scheduler, ``dags test``/manual triggers and ``backfill create`` compute them.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pendulum
import pytest

from include.ingestion.interval import (
    contiguous_ranges,
    daily_business_timetable,
    local_day_interval,
    plan_days,
)
from include.ingestion.report import check_quarantine_share

SH = "Asia/Shanghai"
NY = "America/New_York"


def at(tz: str, *args) -> datetime:
    return pendulum.datetime(*args, tz=tz)


def core(timetable):
    from airflow.serialization.encoders import coerce_to_core_timetable

    return coerce_to_core_timetable(timetable)


def scheduled_intervals(timetable, earliest: datetime, n: int) -> list:
    """The first ``n`` DagRunInfos the scheduler (catchup) or a backfill would create from ``earliest``."""
    from airflow.timetables.base import TimeRestriction

    restriction = TimeRestriction(earliest=earliest, latest=None, catchup=True)
    infos, last = [], None
    for _ in range(n):
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
        infos.append(info)
        last = info.data_interval
    return infos


def days_of(plan) -> tuple[date, date]:
    return plan.start, plan.end


# --- scheduled runs --------------------------------------------------------------------------


def test_scheduled_run_after_a_business_day_loads_that_day():
    """Case 01: the run at 2026-11-16 00:00 +08:00 loads dt=2026-11-15, not the day that just began."""
    timetable = core(daily_business_timetable(SH))
    [info] = scheduled_intervals(timetable, at(SH, 2026, 11, 15), 1)
    assert info.run_after == at(SH, 2026, 11, 16)
    plan = plan_days(timezone=SH, data_interval_start=info.data_interval.start,
                     data_interval_end=info.data_interval.end, logical_date=info.logical_date,
                     run_after=info.run_after)
    assert days_of(plan) == (date(2026, 11, 15), date(2026, 11, 16))


def test_zero_length_interval_of_airflow3_default_timetable_loads_the_day_that_ended():
    """Airflow 3's default for schedule="@daily" gives start == end; it must not load the new, empty day."""
    from airflow.timetables.trigger import CronTriggerTimetable

    [info] = scheduled_intervals(CronTriggerTimetable("@daily", timezone=SH), at(SH, 2026, 11, 16), 1)
    assert info.data_interval.start == info.data_interval.end == at(SH, 2026, 11, 16)
    plan = plan_days(timezone=SH, data_interval_start=info.data_interval.start,
                     data_interval_end=info.data_interval.end, run_after=info.run_after)
    assert days_of(plan) == (date(2026, 11, 15), date(2026, 11, 16))
    assert "zero-length" in plan.basis


def test_zero_length_interval_off_midnight_and_in_utc_still_means_the_last_ended_local_day():
    # 2026-11-16 06:00 +08:00: the last business day that ended is 2026-11-15
    instant = at(SH, 2026, 11, 16, 6)
    assert days_of(plan_days(timezone=SH, data_interval_start=instant, data_interval_end=instant)) == (
        date(2026, 11, 15), date(2026, 11, 16))
    # a UTC-midnight trigger is 08:00 in Shanghai: the same business day, whatever zone Airflow used
    utc = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)
    assert days_of(plan_days(timezone=SH, data_interval_start=utc, data_interval_end=utc)) == (
        date(2026, 11, 15), date(2026, 11, 16))


def test_consecutive_scheduled_runs_cover_every_day_once_across_daylight_saving():
    """New York springs forward on 2026-03-08 and falls back on 2026-11-01: still one day per run."""
    timetable = core(daily_business_timetable(NY))
    for first in (at(NY, 2026, 3, 5), at(NY, 2026, 10, 29)):
        loaded = []
        for info in scheduled_intervals(timetable, first, 6):
            plan = plan_days(timezone=NY, data_interval_start=info.data_interval.start,
                             data_interval_end=info.data_interval.end)
            assert plan.end - plan.start == timedelta(days=1)
            loaded += plan.days
        assert loaded == [first.date() + timedelta(days=i) for i in range(6)]


def test_interval_with_utc_or_off_midnight_bounds_loads_the_days_that_ended_inside_it():
    # an interval in UTC midnights (a timetable left in UTC) = 08:00 .. 08:00 in Shanghai
    start, end = datetime(2026, 11, 14, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC)
    assert days_of(plan_days(timezone=SH, data_interval_start=start, data_interval_end=end)) == (
        date(2026, 11, 14), date(2026, 11, 16))
    # the old rule loaded 2026-09-21 and the half-begun 2026-09-22 for a 10:00 .. 10:00 interval
    start, end = at(SH, 2026, 9, 21, 10), at(SH, 2026, 9, 22, 10)
    assert days_of(plan_days(timezone=SH, data_interval_start=start, data_interval_end=end)) == (
        date(2026, 9, 21), date(2026, 9, 22))


# --- manual runs, dags test --------------------------------------------------------------------


def test_dags_test_and_manual_run_with_logical_date_load_the_last_day_ended_by_it():
    """`airflow dags test ingest_landing 2026-11-16T00:00:00+08:00` (and a UI/REST trigger with that date)."""
    timetable = core(daily_business_timetable(SH))
    for logical, expected in [
        (at(SH, 2026, 11, 16), date(2026, 11, 15)),        # on the boundary: the day that just ended
        (at(SH, 2026, 11, 16, 10, 30), date(2026, 11, 15)),  # mid-day: today is not over yet
        (datetime(2026, 11, 16, tzinfo=UTC), date(2026, 11, 15)),  # a bare date is UTC midnight (08:00 +08)
    ]:
        interval = timetable.infer_manual_data_interval(run_after=pendulum.instance(logical))
        plan = plan_days(timezone=SH, data_interval_start=interval.start, data_interval_end=interval.end,
                         logical_date=logical)
        assert days_of(plan) == (expected, expected + timedelta(days=1)), logical


def test_manual_trigger_without_logical_date_uses_run_after():
    """Airflow 3 manual triggers may have no logical date and no data interval."""
    plan = plan_days(timezone=SH, run_after=at(SH, 2026, 11, 16, 9, 15))
    assert days_of(plan) == (date(2026, 11, 15), date(2026, 11, 16))
    assert "run_after" in plan.basis
    # just before midnight, today has not ended: yesterday again
    assert days_of(plan_days(timezone=SH, run_after=at(SH, 2026, 11, 16, 23, 59))) == (
        date(2026, 11, 15), date(2026, 11, 16))


def test_logical_date_without_interval_is_used_before_run_after():
    plan = plan_days(timezone=SH, logical_date=at(SH, 2025, 3, 2), run_after=at(SH, 2026, 11, 30, 9))
    assert days_of(plan) == (date(2025, 3, 1), date(2025, 3, 2))


# --- backfill ----------------------------------------------------------------------------------


def test_backfill_runs_load_one_business_day_each_even_before_the_old_start_date():
    """`airflow backfill create --from-date 2025-03-01T00:00:00+08:00 --to-date 2025-03-03T00:00:00+08:00`."""
    timetable = core(daily_business_timetable(SH))
    infos = scheduled_intervals(timetable, at(SH, 2025, 3, 1), 3)
    assert [i.logical_date for i in infos] == [at(SH, 2025, 3, d) for d in (1, 2, 3)]
    loaded = [d for i in infos
              for d in plan_days(timezone=SH, data_interval_start=i.data_interval.start,
                                 data_interval_end=i.data_interval.end, logical_date=i.logical_date).days]
    assert loaded == [date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)]


def test_backfill_on_airflow3_default_timetable_still_loads_ended_days_not_empty_ones():
    from airflow.timetables.trigger import CronTriggerTimetable

    infos = scheduled_intervals(CronTriggerTimetable("@daily", timezone=SH), at(SH, 2025, 3, 2), 2)
    loaded = [d for i in infos for d in plan_days(timezone=SH, data_interval_start=i.data_interval.start,
                                                  data_interval_end=i.data_interval.end).days]
    assert loaded == [date(2025, 3, 1), date(2025, 3, 2)]


def test_the_dag_timetable_has_no_start_date_so_any_history_can_be_run():
    from airflow.sdk import CronDataIntervalTimetable

    timetable = daily_business_timetable(SH)
    assert isinstance(timetable, CronDataIntervalTimetable)
    # a manual/test run for a 1999 day gets an interval, hence tasks (no start_date filters them out)
    interval = core(timetable).infer_manual_data_interval(run_after=at(SH, 1999, 12, 31))
    assert days_of(plan_days(timezone=SH, data_interval_start=interval.start, data_interval_end=interval.end)) == (
        date(1999, 12, 30), date(1999, 12, 31))


# --- asset-triggered runs ----------------------------------------------------------------------


def test_asset_triggered_run_loads_days_named_by_events_or_the_last_ended_day():
    run_after = at(SH, 2026, 11, 16, 3)
    named = [{"business_day": "2026-11-12"}, {"business_days": {"start": "2026-11-14", "end": "2026-11-16"}},
             {"unrelated": 1}, None]
    plan = plan_days(timezone=SH, run_after=run_after, asset_event_extras=named)
    assert days_of(plan) == (date(2026, 11, 12), date(2026, 11, 16))
    assert "asset event" in plan.basis
    plain = plan_days(timezone=SH, run_after=run_after, asset_event_extras=[{"rows": 10}])
    assert days_of(plain) == (date(2026, 11, 15), date(2026, 11, 16))
    with pytest.raises(ValueError, match="business_days"):
        plan_days(timezone=SH, run_after=run_after, asset_event_extras=[{"business_days": "2026-11-12"}])


# --- explicit days and errors ------------------------------------------------------------------


def test_explicit_conf_days_win_over_every_other_input():
    plan = plan_days(timezone=SH, conf_start="2026-09-21", conf_end="2026-11-16",
                     data_interval_start=at(SH, 2026, 11, 15), data_interval_end=at(SH, 2026, 11, 16),
                     run_after=at(SH, 2026, 11, 16), asset_event_extras=[{"business_day": "2026-01-01"}])
    assert days_of(plan) == (date(2026, 9, 21), date(2026, 11, 16))
    assert len(plan.days) == 56


def test_explicit_dates_must_come_in_pairs_be_dates_and_be_non_empty():
    assert local_day_interval(None, None, timezone="UTC", start="2026-09-21", end="2026-11-16") == (
        date(2026, 9, 21), date(2026, 11, 16))
    with pytest.raises(ValueError, match="both"):
        plan_days(timezone="UTC", conf_start="2026-09-21")
    with pytest.raises(ValueError, match="empty interval"):
        plan_days(timezone="UTC", conf_start="2026-09-21", conf_end="2026-09-21")
    blank = plan_days(timezone="UTC", conf_start="", conf_end=" ", run_after=datetime(2026, 11, 16, 9, tzinfo=UTC))
    assert days_of(blank) == (date(2026, 11, 15), date(2026, 11, 16))  # an empty UI form field is "not given"
    with pytest.raises(ValueError, match="YYYY-MM-DD, got '21/09/2026'"):
        plan_days(timezone="UTC", conf_start="21/09/2026", conf_end="2026-09-22")


def test_bad_or_missing_run_information_is_a_clear_error():
    with pytest.raises(ValueError, match="no run conf"):
        plan_days(timezone=SH)
    with pytest.raises(ValueError, match="no time zone"):
        plan_days(timezone=SH, run_after=datetime(2026, 11, 16))
    with pytest.raises(ValueError, match="before it starts"):
        plan_days(timezone=SH, data_interval_start=at(SH, 2026, 11, 16), data_interval_end=at(SH, 2026, 11, 15))
    with pytest.raises(ValueError, match="no data interval"):
        local_day_interval(None, None, timezone=SH)


def test_daily_interval_in_shanghai_is_one_local_day():
    start = datetime(2026, 9, 20, 16, 0, tzinfo=UTC)  # 2026-09-21 00:00 +08:00
    end = datetime(2026, 9, 21, 16, 0, tzinfo=UTC)
    assert local_day_interval(start, end, timezone=SH) == (date(2026, 9, 21), date(2026, 9, 22))
    zone = ZoneInfo(SH)
    assert local_day_interval(start.astimezone(zone), end.astimezone(zone), timezone=SH) == (
        date(2026, 9, 21), date(2026, 9, 22))


def test_contiguous_ranges_group_days_for_the_loader():
    d = date(2026, 9, 1)
    assert contiguous_ranges([]) == []
    assert contiguous_ranges([d + timedelta(4), d, d + timedelta(1), d]) == [
        (d, d + timedelta(2)), (d + timedelta(4), d + timedelta(5))]


def test_quarantine_gate_passes_under_and_fails_over_the_limit():
    ok = [{"source": "orders", "rows_read": 1000, "rows_loaded": 999, "rows_quarantined": 1}]
    assert check_quarantine_share(ok, 0.01)["quarantine_share"] == 0.001
    bad = [{"source": "orders", "rows_read": 100, "rows_loaded": 50, "rows_quarantined": 50}]
    with pytest.raises(ValueError, match="orders"):
        check_quarantine_share(bad, 0.05)
