"""Which business days a DAG run loads: one rule for every way an Airflow 3 run starts.

Days are local calendar days in the business time zone (``EE_TIMEZONE``, default
Asia/Shanghai) and are returned as a half-open interval ``[start, end)`` of dates. A day
*ends* at the next local midnight. In order of precedence:

1. **Explicit days** -- run conf ``{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}`` (end
   exclusive) wins over everything else, whatever started the run.
2. **Asset-triggered runs** (no data interval in Airflow 3) whose triggering asset events
   name days in their ``extra`` (``{"business_days": {"start": ..., "end": ...}}`` or
   ``{"business_day": "YYYY-MM-DD"}``) load the smallest interval covering every named day.
3. **A data interval** (scheduled runs, ``airflow backfill create`` runs, manual runs and
   ``airflow dags test`` with a logical date) loads every business day that ends inside
   ``(interval start, interval end]``. With the project's daily
   ``CronDataIntervalTimetable`` the interval is exactly the local day that just ended, so
   the run after 2026-11-15 (at 2026-11-16 00:00 +08:00) loads 2026-11-15.
4. **A zero-length interval, or one that contains no local midnight** (Airflow 3's default
   ``CronTriggerTimetable`` gives ``start == end``) loads the business day that ended last
   at or before the interval end -- never the day that has only just begun.
5. **No data interval** (Airflow 3 manual triggers without a logical date, asset-triggered
   runs without named days) uses the logical date when there is one, else ``run_after``:
   the business day that ended last at or before that instant.

``daily_business_timetable`` builds the timetable the daily DAGs use (rule 3 applies).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DayPlan:
    """The business days a run loads: ``[start, end)`` and the rule that chose them."""

    start: date
    end: date
    basis: str

    @property
    def days(self) -> list[date]:
        """Every day in ``[start, end)``, in order."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]


def _parse_day(value: object, name: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{name} must be a date written YYYY-MM-DD, got {value!r}") from None


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} {value.isoformat()} has no time zone; Airflow passes aware datetimes")
    return value


def _last_ended_day(instant: datetime, zone: ZoneInfo) -> date:
    """The business day whose end (the next local midnight) is the latest one at or before ``instant``."""
    return instant.astimezone(zone).date() - timedelta(days=1)


def _explicit(start: object, end: object, source: str) -> tuple[date, date]:
    if (start is None) != (end is None):
        raise ValueError(f"{source}: give both 'start' and 'end' (YYYY-MM-DD, end exclusive), or neither")
    first, after = _parse_day(start, f"{source} 'start'"), _parse_day(end, f"{source} 'end'")
    if after <= first:
        raise ValueError(f"{source}: empty interval: end {after} must be after start {first} (end is exclusive)")
    return first, after


def _days_named_by(extra: Mapping[str, Any] | None) -> tuple[date, date] | None:
    if not extra:
        return None
    span = extra.get("business_days")
    if span is not None:
        if not isinstance(span, Mapping):
            raise ValueError(f"asset event extra 'business_days' must be {{'start': ..., 'end': ...}}, got {span!r}")
        return _explicit(span.get("start"), span.get("end"), "asset event extra 'business_days'")
    if extra.get("business_day") is not None:
        day = _parse_day(extra["business_day"], "asset event extra 'business_day'")
        return day, day + timedelta(days=1)
    return None


def plan_for_run(
    params: Mapping[str, Any] | None,
    data_interval_start: datetime | None,
    data_interval_end: datetime | None,
    logical_date: datetime | None,
    dag_run: Any = None,
    triggering_asset_events: Mapping[Any, Iterable[Any]] | None = None,
) -> DayPlan:
    """``plan_days`` from an Airflow task's context values, in the business time zone
    (``EE_TIMEZONE``): what every ingestion DAG's ``plan_interval`` task calls.

    Raises:
        ValueError: as :func:`plan_days`.
    """
    from include.config import settings

    params = params or {}
    extras = [event.extra for events in (triggering_asset_events or {}).values() for event in events]
    return plan_days(
        timezone=settings().timezone, conf_start=params.get("start"), conf_end=params.get("end"),
        data_interval_start=data_interval_start, data_interval_end=data_interval_end,
        logical_date=logical_date, run_after=getattr(dag_run, "run_after", None), asset_event_extras=extras,
    )


def plan_days(
    *,
    timezone: str,
    conf_start: object = None,
    conf_end: object = None,
    data_interval_start: datetime | None = None,
    data_interval_end: datetime | None = None,
    logical_date: datetime | None = None,
    run_after: datetime | None = None,
    asset_event_extras: Iterable[Mapping[str, Any] | None] = (),
) -> DayPlan:
    """Decide the business days ``[start, end)`` a run loads; see the module doc for the rules.

    Args:
        timezone: IANA name of the business time zone (e.g. ``"Asia/Shanghai"``).
        conf_start, conf_end: explicit days from the run conf, ``YYYY-MM-DD`` (end exclusive);
            ``None`` or blank (an empty form field) means not given.
        data_interval_start, data_interval_end: the run's data interval (aware datetimes),
            or ``None`` when the run has none.
        logical_date: the run's logical date, or ``None`` (Airflow 3 manual/asset runs).
        run_after: when the run was due to start (always set by Airflow 3).
        asset_event_extras: ``extra`` dicts of the events that triggered an asset run.

    Returns:
        A :class:`DayPlan` with at least one day.

    Raises:
        ValueError: only one of start/end given, a day not written YYYY-MM-DD, an empty or
            reversed explicit interval, naive datetimes, a data interval that ends before it
            starts, or no information at all (no conf, interval, logical date nor run_after).
    """
    zone = ZoneInfo(timezone)
    conf_start, conf_end = (None if isinstance(v, str) and not v.strip() else v for v in (conf_start, conf_end))
    if conf_start is not None or conf_end is not None:
        first, after = _explicit(conf_start, conf_end, "run conf")
        return DayPlan(first, after, f"run conf start/end {first}..{after} (end exclusive)")

    named = [span for span in (_days_named_by(extra) for extra in asset_event_extras) if span]
    if named:
        first, after = min(s for s, _ in named), max(e for _, e in named)
        return DayPlan(first, after, f"days named by {len(named)} triggering asset event(s)")

    if (data_interval_start is None) != (data_interval_end is None):
        raise ValueError("a data interval needs both a start and an end")
    if data_interval_start is not None and data_interval_end is not None:
        begin = _aware(data_interval_start, "data interval start")
        finish = _aware(data_interval_end, "data interval end")
        if finish < begin:
            raise ValueError(f"data interval ends ({finish.isoformat()}) before it starts ({begin.isoformat()})")
        # Days ending in (begin, finish]: day d ends at local midnight d+1, so begin < d+1 <= finish.
        first = begin.astimezone(zone).date()
        after = _last_ended_day(finish, zone) + timedelta(days=1)
        described = f"data interval {begin.isoformat()} .. {finish.isoformat()}"
        if after > first:
            return DayPlan(first, after, described)
        day = _last_ended_day(finish, zone)
        kind = "zero-length" if finish == begin else "sub-day"
        return DayPlan(day, day + timedelta(days=1),
                       f"{kind} {described}: the business day that ended last at its end")

    if logical_date is not None:
        instant, what = _aware(logical_date, "logical date"), "logical date"
    elif run_after is not None:
        instant, what = _aware(run_after, "run_after"), "run_after (no logical date, no data interval)"
    else:
        raise ValueError("no run conf start/end, data interval, logical date or run_after to plan from")
    day = _last_ended_day(instant, zone)
    return DayPlan(day, day + timedelta(days=1),
                   f"{what} {instant.isoformat()}: the business day that ended last before it")


def local_day_interval(
    interval_start: datetime | None,
    interval_end: datetime | None,
    *,
    timezone: str,
    start: str | None = None,
    end: str | None = None,
) -> tuple[date, date]:
    """``(start, end)`` of :func:`plan_days` for a data interval and optional explicit days.

    Kept for callers that only have an interval; raises ``ValueError`` as ``plan_days``
    does, and when there is neither an interval nor explicit days.
    """
    if start is None and end is None and (interval_start is None or interval_end is None):
        raise ValueError("no data interval and no explicit start/end")
    plan = plan_days(timezone=timezone, conf_start=start, conf_end=end,
                     data_interval_start=interval_start, data_interval_end=interval_end)
    return plan.start, plan.end


def contiguous_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Group days into the fewest half-open ``[start, end)`` ranges of consecutive days.

    ``[2026-09-01, 2026-09-02, 2026-09-05]`` -> ``[(09-01, 09-03), (09-05, 09-06)]``.
    Duplicates are ignored; an empty input gives ``[]``.
    """
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] == day:
            ranges[-1] = (ranges[-1][0], day + timedelta(days=1))
        else:
            ranges.append((day, day + timedelta(days=1)))
    return ranges


DAILY_AT_MIDNIGHT = "0 0 * * *"


def daily_business_timetable(timezone: str | None = None):
    """A ``CronDataIntervalTimetable`` at local midnight in the business time zone.

    Each scheduled run's data interval is the business day that just ended
    (``[D 00:00, D+1 00:00)`` local), and manual runs with a logical date get the last
    complete day before it -- never Airflow 3's zero-length default. Imports Airflow
    lazily so the planner above stays a plain function.
    """
    from airflow.sdk import CronDataIntervalTimetable

    from include.config import business_timezone

    return CronDataIntervalTimetable(DAILY_AT_MIDNIGHT, timezone=timezone or business_timezone())

