"""The risk detector on synthetic series whose anomalies are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from include.insight.alerts import DetectorSettings, alert_days, episodes, score
from include.insight.signals import zero_fill

DAYS = pd.date_range("2026-09-01", periods=56)
PROMO = {DAYS[40], DAYS[41]}  # a two-day festival sale


def traffic(rng) -> np.ndarray:
    """Daily voices: weekly rhythm, a slow rise, triple traffic on the promotion days."""
    weekly = np.array([1.0, 0.9, 0.9, 1.0, 1.1, 1.4, 1.3])[DAYS.dayofweek]
    base = 2000 * weekly * np.linspace(1.0, 1.3, len(DAYS))
    base[[DAYS.get_loc(d) for d in PROMO]] *= 3
    return rng.poisson(base).astype(float)


def series(rng, key: str, rate: float, exposure: np.ndarray, spike: dict[int, int] | None = None) -> pd.DataFrame:
    mu = rate * exposure
    counts = rng.negative_binomial(10, 10 / (10 + mu))  # overdispersed like real complaints
    for day, extra in (spike or {}).items():
        counts[day] += extra
    return pd.DataFrame({"series_type": "topic", "series_key": key, "day": DAYS, "count": counts,
                         "exposure": exposure})


def test_quiet_series_with_weekly_rhythm_and_a_traffic_surge_do_not_alert():
    rng = np.random.default_rng(1)
    exposure = traffic(rng)
    signals = pd.concat([series(rng, f"t{i}", rate, exposure) for i, rate in
                         enumerate(rng.uniform(0.0005, 0.02, size=300))], ignore_index=True)
    scored = score(signals, promo_days=PROMO)
    fired = alert_days(scored)
    # 300 series x ~49 scored days: the daily FDR keeps false alarms to a handful at most
    assert len(fired[fired["severity"].isin(["medium", "high", "critical"])]) <= 2
    assert not scored[scored["day"].isin(PROMO)]["is_anomaly"].any()  # 3x traffic is not a spike


def test_a_spike_alerts_on_its_first_day_with_a_high_severity():
    rng = np.random.default_rng(2)
    exposure = traffic(rng)
    quiet = [series(rng, f"t{i}", 0.005, exposure) for i in range(50)]
    spiking = series(rng, "broken", 0.005, exposure, spike={30: 60, 31: 80, 32: 40})
    scored = score(pd.concat([*quiet, spiking], ignore_index=True), promo_days=PROMO)
    fired = alert_days(scored)
    hits = fired[fired["series_key"] == "broken"]
    assert hits["day"].min() == DAYS[30]
    assert set(hits["severity"]) & {"high", "critical"}
    alerts = episodes(fired, last_day=DAYS[-1])
    broken = alerts[alerts["entity"] == "topic:broken"].iloc[0]
    assert broken["first_seen"] == DAYS[30].date() and broken["last_seen"] >= DAYS[31].date()
    assert broken["status"] == "resolved" and broken["observed"] > 5 * broken["expected"]


def test_a_lasting_incident_does_not_become_the_baseline():
    rng = np.random.default_rng(3)
    exposure = traffic(rng)
    spike = {d: 40 for d in range(25, 40)}  # two weeks of trouble
    scored = score(series(rng, "long", 0.004, exposure, spike=spike))
    flagged = scored[scored["is_anomaly"]]["day"]
    assert DAYS[25] in set(flagged) and DAYS[39] in set(flagged)  # still anomalous at the end


def test_low_severity_needs_persistence_and_cooldown_joins_days_into_one_episode():
    day = pd.Timestamp("2026-10-01")
    rows = pd.DataFrame({
        "series_type": "product", "series_key": "P1",
        "day": [day, day + pd.Timedelta(days=1), day + pd.Timedelta(days=3), day + pd.Timedelta(days=10)],
        "count": [9, 9, 30, 9], "expected": [2.0, 2.0, 3.0, 2.0], "p_value": [1e-5] * 4, "z": [4.2] * 4,
        "is_anomaly": True, "severity": ["low", "low", "high", "low"]})
    fired = alert_days(rows, DetectorSettings(persistence_days=2, cooldown_days=3))
    assert list(fired["day"]) == [day + pd.Timedelta(days=1), day + pd.Timedelta(days=3)]  # lone low days wait
    alerts = episodes(fired, last_day=day + pd.Timedelta(days=4))
    assert len(alerts) == 1 and alerts.iloc[0]["entity"] == "product:P1"
    assert alerts.iloc[0]["severity"] == "high" and alerts.iloc[0]["status"] == "ongoing"
    again = episodes(fired, last_day=day + pd.Timedelta(days=4))
    assert list(again["alert_id"]) == list(alerts["alert_id"])  # a re-run keeps the id


def test_zero_fill_gives_every_series_every_day():
    signals = pd.DataFrame({"series_type": ["topic", "topic", "carrier_region"],
                            "series_key": ["a", "b", "SF | 上海"],
                            "day": [DAYS[0], DAYS[2], DAYS[1]], "count": [3, 1, 2], "exposure": [100.0, 80.0, 9.0]})
    filled = zero_fill(signals, DAYS[:3])
    assert len(filled) == 9
    a = filled[filled["series_key"] == "a"].set_index("day")
    assert a["count"].tolist() == [3, 0, 0] and a.loc[DAYS[2], "exposure"] == 80.0  # the day's traffic
    sf = filled[filled["series_key"] == "SF | 上海"].set_index("day")
    assert sf["count"].tolist() == [0, 2, 0] and sf.loc[DAYS[0], "exposure"] == 0  # own deliveries only


def test_settings_are_checked():
    with pytest.raises(ValueError, match="fdr"):
        DetectorSettings(fdr=0).validate()
    with pytest.raises(ValueError, match="min_history_days"):
        DetectorSettings(min_history_days=30, baseline_days=28).validate()
