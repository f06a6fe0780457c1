from datetime import UTC, date, datetime

import pytest

from include.ingestion.interval import local_day_interval
from include.ingestion.report import check_quarantine_share


def test_daily_interval_in_shanghai_is_one_local_day():
    start = datetime(2026, 9, 20, 16, 0, tzinfo=UTC)  # 2026-09-21 00:00 +08:00
    end = datetime(2026, 9, 21, 16, 0, tzinfo=UTC)
    assert local_day_interval(start, end, timezone="Asia/Shanghai") == (date(2026, 9, 21), date(2026, 9, 22))


def test_explicit_dates_win_and_must_come_in_pairs():
    assert local_day_interval(None, None, timezone="UTC", start="2026-09-21", end="2026-11-16") == (
        date(2026, 9, 21), date(2026, 11, 16))
    with pytest.raises(ValueError, match="both"):
        local_day_interval(None, None, timezone="UTC", start="2026-09-21")
    with pytest.raises(ValueError, match="empty interval"):
        local_day_interval(None, None, timezone="UTC", start="2026-09-21", end="2026-09-21")


def test_quarantine_gate_passes_under_and_fails_over_the_limit():
    ok = [{"source": "orders", "rows_read": 1000, "rows_loaded": 999, "rows_quarantined": 1}]
    assert check_quarantine_share(ok, 0.01)["quarantine_share"] == 0.001
    bad = [{"source": "orders", "rows_read": 100, "rows_loaded": 50, "rows_quarantined": 50}]
    with pytest.raises(ValueError, match="orders"):
        check_quarantine_share(bad, 0.05)
