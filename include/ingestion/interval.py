"""Turn an Airflow data interval (or explicit dates) into landing partition days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_day_interval(
    interval_start: datetime | None,
    interval_end: datetime | None,
    *,
    timezone: str,
    start: str | None = None,
    end: str | None = None,
) -> tuple[date, date]:
    """Return the half-open day interval [start, end) to load.

    Explicit ``start``/``end`` (YYYY-MM-DD, e.g. from a DAG run's conf) win; otherwise the
    data interval is converted to local business days in ``timezone``. An interval that
    ends exactly at local midnight does not include that last day.

    Raises:
        ValueError: when the result is empty or only one of start/end is given.
    """
    if (start is None) != (end is None):
        raise ValueError("give both 'start' and 'end' (YYYY-MM-DD), or neither")
    if start is not None:
        first, after = date.fromisoformat(start), date.fromisoformat(end)
    else:
        if interval_start is None or interval_end is None:
            raise ValueError("no data interval and no explicit start/end")
        zone = ZoneInfo(timezone)
        local_start = interval_start.astimezone(zone)
        local_end = interval_end.astimezone(zone)
        first = local_start.date()
        after = local_end.date()
        if local_end.time() != datetime.min.time() or after == first:
            after += timedelta(days=1)
    if after <= first:
        raise ValueError(f"empty interval: end {after} must be after start {first}")
    return first, after
