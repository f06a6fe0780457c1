"""Public-opinion risk early warning: complaint-spike detection over the daily signals.

Input: the zero-filled daily series of ``include.insight.signals.build_signals``
(``series_type, series_key, day, count, exposure``). For every series and day with enough
history the detector asks whether today's count is far above what the series' own past
predicts, in **volume** and in **share**:

* baseline (``DetectorSettings.baseline_days``, default the 28 days before, at least
  ``min_history_days`` of them, counted from the series' first event so a new product or
  topic is not compared with the empty days before it): days that were themselves anomalous
  are left out (so an
  incident does not become the new normal), and on a promotion day (``dim_promotion``) only
  past promotion days are used when there are ``min_history_days`` of them (promotion days
  behave differently; day-of-week and traffic swings are absorbed by the exposure);
* share: expected = baseline rate (count / exposure, pooled) x today's exposure; volume:
  expected = baseline mean count. Counts are summed over windows ending today (1, 2 and 3
  days: a small series that stays high is caught before any single day is extreme), the
  smallest window p-value is Bonferroni-corrected for the windows tried, and the day itself
  must still be at least ``min_ratio`` x its expected count (so the days after a spike do
  not alert on the spike's window). Each is tested with a negative-binomial upper tail
  (``scipy.stats.nbinom``, variance = mu + ``dispersion`` x mu^2, which allows for the
  day-to-day overdispersion of complaint counts); the day's p-value is the larger of the two
  (both must be surprising: a Double 11 traffic surge raises volume but not share, a quiet
  day with 3 of 5 voices negative raises share but not volume);
* multiple testing: thousands of series are tested every day, so the p-values of one day
  are adjusted together with Benjamini-Hochberg (``scipy.stats.false_discovery_control``);
  a series-day is anomalous when ``q <= fdr``, ``count >= min_count`` and
  observed / expected share >= ``min_ratio``;
* severity from the ratio and the z-score of p (``severity_levels``); persistence: a
  ``low`` anomaly must hold ``persistence_days`` days in a row to alert, ``medium`` and above
  alert at once;
* episodes: a series' alert days closer than ``cooldown_days`` apart are one alert, and
  alerts of different series about the same entity (a product, a carrier x region, a failure
  code; a topic or social site counts as the product most of its evidence names) that
  overlap in time are grouped into one episode with one ``alert_id``.

All thresholds are ``DetectorSettings`` fields; the defaults were chosen on the default demo
(seed 42, with and without incidents) and are reported on other seeds (``xe eval alerts``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class DetectorSettings:
    """Detector thresholds (see the module doc).

    Attributes:
        baseline_days: days of history the expected value is computed from.
        min_history_days: fewer usable history days: the day is not scored.
        min_count: smallest count that can alert.
        min_ratio: smallest observed / expected share that can alert.
        fdr: false-discovery rate per day (Benjamini-Hochberg).
        dispersion: negative-binomial overdispersion alpha (variance = mu + alpha mu^2).
        persistence_days: consecutive anomalous days a ``low`` anomaly needs to alert.
        windows: lengths (days, ending today) the count is also summed over, so a small
            series that stays high for a few days is caught even when no single day is.
        cooldown_days: gap (days) that still continues the same alert.
        severity_levels: (severity, min ratio, min z) from the highest down; below all: low.
    """

    baseline_days: int = 28
    min_history_days: int = 7
    min_count: int = 5
    min_ratio: float = 2.0
    fdr: float = 0.01
    dispersion: float = 0.1
    persistence_days: int = 2
    cooldown_days: int = 3
    windows: tuple[int, ...] = (1, 2, 3)
    severity_levels: tuple[tuple[str, float, float], ...] = field(default=(
        ("critical", 8.0, 8.0), ("high", 4.0, 6.0), ("medium", 2.5, 3.5)))

    def validate(self) -> None:
        """Raise ``ValueError`` for settings that cannot work."""
        if self.min_history_days < 1 or self.baseline_days < self.min_history_days:
            raise ValueError("need 1 <= min_history_days <= baseline_days")
        if not 0 < self.fdr < 1:
            raise ValueError(f"fdr must be in (0, 1), got {self.fdr}")
        if self.dispersion < 0 or self.min_count < 1 or self.min_ratio < 1:
            raise ValueError("dispersion >= 0, min_count >= 1 and min_ratio >= 1 are required")
        if not self.windows or min(self.windows) < 1 or max(self.windows) > self.baseline_days:
            raise ValueError("windows must be day counts between 1 and baseline_days")


def _nbinom_sf(count: np.ndarray, mu: np.ndarray, alpha: float) -> np.ndarray:
    """P(X >= count) for X ~ NB with mean mu and variance mu + alpha mu^2 (Poisson at alpha 0)."""
    from scipy import stats

    mu = np.maximum(mu, 1e-9)
    if alpha <= 0:
        return stats.poisson.sf(count - 1, mu)
    n = 1.0 / alpha
    return stats.nbinom.sf(count - 1, n, n / (n + mu))


def score(signals: pd.DataFrame, settings: DetectorSettings = DetectorSettings(),
          promo_days: set | None = None) -> pd.DataFrame:
    """Score every series-day against its own history.

    Args:
        signals: ``series_type, series_key, day, count, exposure`` (zero-filled, one row per
            series and day).
        settings: thresholds.
        promo_days: local dates (``pd.Timestamp``) that are promotion days.

    Returns:
        ``signals`` plus ``expected`` (share-based expected count), ``expected_volume``,
        ``window_days`` / ``window_count`` / ``window_expected`` (the window with the
        smallest p), ``ratio`` (its observed / expected), ``p_value``, ``q_value``, ``z``,
        ``is_anomaly``, ``severity`` (null when not anomalous); days without enough history
        have null scores.
    """
    from scipy import stats

    settings.validate()
    promo = {pd.Timestamp(d) for d in (promo_days or set())}
    frames = []
    for _, series in signals.sort_values("day").groupby(["series_type", "series_key"], sort=False):
        frames.append(_score_series(series.reset_index(drop=True), settings, promo))
    scored = pd.concat(frames, ignore_index=True) if frames else signals.assign(p_value=np.nan)
    scored["q_value"] = np.nan
    for _, idx in scored[scored["p_value"].notna()].groupby("day").groups.items():
        scored.loc[idx, "q_value"] = stats.false_discovery_control(scored.loc[idx, "p_value"].to_numpy())
    scored["z"] = stats.norm.isf(scored["p_value"].clip(lower=1e-300))
    scored["is_anomaly"] = ((scored["q_value"] <= settings.fdr) & (scored["window_count"] >= settings.min_count)
                            & (scored["ratio"] >= settings.min_ratio) & (scored["count"] > 0)
                            & (scored["count"] >= settings.min_ratio * scored["expected"])).fillna(False).astype(bool)
    scored["severity"] = None
    level = pd.Series("low", index=scored.index, dtype=object)
    for name, min_ratio, min_z in reversed(settings.severity_levels):
        level[(scored["ratio"] >= min_ratio) & (scored["z"] >= min_z)] = name
    scored.loc[scored["is_anomaly"], "severity"] = level[scored["is_anomaly"]]
    return scored


def _score_series(series: pd.DataFrame, settings: DetectorSettings, promo: set) -> pd.DataFrame:
    """Sequential scoring of one series (anomalous days are kept out of later baselines)."""
    n = len(series)
    count = series["count"].to_numpy(dtype=float)
    exposure = series["exposure"].to_numpy(dtype=float)
    days = series["day"].tolist()
    is_promo = np.array([d in promo for d in days])
    expected = np.full(n, np.nan)
    expected_volume = np.full(n, np.nan)
    p_value = np.full(n, np.nan)
    best = np.zeros((n, 3))  # window days, window count, window expected (the window with the smallest p)
    usable = np.ones(n, dtype=bool)  # not anomalous so far: may serve as history
    active = np.flatnonzero(count > 0)
    born = int(active[0]) if len(active) else n  # history starts at the series' first event (a launch, a new topic)
    windows = settings.windows
    for t in range(n):
        lo = max(born, t - settings.baseline_days)
        history = np.arange(lo, t)
        history = history[usable[history]]
        if is_promo[t] and (is_promo[history]).sum() >= settings.min_history_days:
            history = history[is_promo[history]]
        if len(history) < settings.min_history_days or count[history].sum() == 0 and count[t] == 0:
            continue
        exp_hist = exposure[history].sum()
        # pooled share with one pseudo-count so a series that was always quiet is not "infinitely" surprised
        rate = (count[history].sum() + 1.0) / (exp_hist + max(exposure[history].mean(), 1.0))
        expected[t] = rate * exposure[t] if exposure[t] > 0 else count[history].mean()
        expected_volume[t] = (count[history].sum() + 1.0) / (len(history) + 1.0)
        smallest = np.inf
        for w in windows:
            span = slice(t - w + 1, t + 1)
            if t - w + 1 < 0 or np.isnan(expected[span]).any():
                continue
            observed, mu_share, mu_volume = count[span].sum(), expected[span].sum(), expected_volume[span].sum()
            p = max(_nbinom_sf(np.array([observed]), np.array([mu_share]), settings.dispersion)[0],
                    _nbinom_sf(np.array([observed]), np.array([mu_volume]), settings.dispersion)[0])
            if p < smallest:
                smallest, best[t] = p, (w, observed, mu_share)
        p_value[t] = min(1.0, smallest * len(windows))  # Bonferroni over the windows tried
        ratio = best[t, 1] / max(best[t, 2], 1e-9)
        if (best[t, 1] >= settings.min_count and ratio >= settings.min_ratio and p_value[t] < settings.fdr
                and count[t] >= settings.min_ratio * expected[t]):
            usable[t] = False  # a candidate anomaly never becomes baseline
    out = series.copy()
    out["expected"] = expected
    out["expected_volume"] = expected_volume
    out["window_days"] = best[:, 0].astype(int)
    out["window_count"] = best[:, 1]
    out["window_expected"] = np.where(np.isnan(expected), np.nan, best[:, 2])
    out["ratio"] = np.where(np.isnan(expected), np.nan, best[:, 1] / np.maximum(best[:, 2], 1e-9))
    out["p_value"] = p_value
    return out


def alert_days(scored: pd.DataFrame, settings: DetectorSettings = DetectorSettings()) -> pd.DataFrame:
    """Anomalous series-days that alert: medium and above at once, low after
    ``persistence_days`` anomalous days in a row."""
    rows = scored[scored["is_anomaly"]].sort_values(["series_type", "series_key", "day"]).copy()
    if rows.empty:
        return rows
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    keep = []
    for _, group in rows.groupby(["series_type", "series_key"], sort=False):
        streak, previous = 0, None
        for idx, row in group.iterrows():
            streak = streak + 1 if previous is not None and (row["day"] - previous).days == 1 else 1
            previous = row["day"]
            if rank[row["severity"]] >= rank["medium"] or streak >= settings.persistence_days:
                keep.append(idx)
    return rows.loc[keep]


def episodes(fired: pd.DataFrame, entities: dict[tuple[str, str, pd.Timestamp], str] | None = None,
             settings: DetectorSettings = DetectorSettings(), last_day: pd.Timestamp | None = None) -> pd.DataFrame:
    """Group alerting series-days into alerts (one per episode).

    Args:
        fired: rows of ``alert_days``.
        entities: optional ``(series_type, series_key, day) -> entity`` (e.g. the product a
            topic's evidence names); by default a series is its own entity, products and
            carriers by their key.
        settings: cooldown.
        last_day: the last day of data (status new / ongoing / resolved); default the latest day.

    Returns:
        One row per alert: ``alert_id, entity, first_seen, last_seen, status, severity,
        series (list of "type:key"), days, observed, expected, ratio, min_p_value, max_z``;
        ``series_days`` lists the member rows for evidence lookups.
    """
    columns = ["alert_id", "entity", "first_seen", "last_seen", "status", "severity", "series", "days",
               "observed", "expected", "ratio", "min_p_value", "max_z", "series_days"]
    if fired.empty:
        return pd.DataFrame(columns=columns)
    entities = entities or {}
    fired = fired.copy()
    fired["entity"] = [entities.get((t, k, d), _default_entity(t, k)) for t, k, d in
                       zip(fired["series_type"], fired["series_key"], fired["day"], strict=True)]
    last_day = last_day if last_day is not None else fired["day"].max()
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    out = []
    for entity, group in fired.sort_values("day").groupby("entity", sort=False):
        current: list[int] = []
        previous = None
        for idx, row in group.iterrows():
            if previous is not None and (row["day"] - previous).days > settings.cooldown_days:
                out.append(_episode(entity, group.loc[current], rank, last_day, settings))
                current = []
            current.append(idx)
            previous = row["day"] if previous is None else max(previous, row["day"])
        out.append(_episode(entity, group.loc[current], rank, last_day, settings))
    return pd.DataFrame(out, columns=columns).sort_values(["first_seen", "alert_id"]).reset_index(drop=True)


def _default_entity(series_type: str, series_key: str) -> str:
    if series_type == "product":
        return f"product:{series_key}"
    return f"{series_type}:{series_key}"


def _episode(entity: str, rows: pd.DataFrame, rank: dict, last_day: pd.Timestamp,
             settings: DetectorSettings) -> dict:
    first, last = rows["day"].min(), rows["day"].max()
    severity = max(rows["severity"], key=rank.get)
    if (last_day - last).days > settings.cooldown_days:
        status = "resolved"
    elif first == last_day:
        status = "new"
    else:
        status = "ongoing"
    digest = hashlib.sha1(f"{entity}|{first.date().isoformat()}".encode()).hexdigest()[:12]
    series = sorted({f"{t}:{k}" for t, k in zip(rows["series_type"], rows["series_key"], strict=True)})
    return {"alert_id": f"ALR-{digest}", "entity": entity, "first_seen": first.date(), "last_seen": last.date(),
            "status": status, "severity": severity, "series": series, "days": int(rows["day"].nunique()),
            "observed": int(rows["count"].sum()), "expected": float(rows["expected"].sum()),
            "ratio": float(rows["count"].sum() / max(rows["expected"].sum(), 1e-9)),
            "min_p_value": float(rows["p_value"].min()), "max_z": float(rows["z"].max()),
            "series_days": [(t, k, d.date().isoformat()) for t, k, d in
                            zip(rows["series_type"], rows["series_key"], rows["day"], strict=True)]}
