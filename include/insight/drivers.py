"""Key drivers of NPS: which themes cost (or earn) the most NPS points, with their evidence.

Input: one row per NPS answer (``marts.fct_nps_response_drivers``) with a 0-10 score and
boolean driver columns (a theme present or not: a late delivery, a failed payment, the
verbatim's service element, ...). For each driver:

* ``n_with`` / ``support``: answers with the theme and their share of all answers;
* ``nps_with`` / ``nps_without``: NPS (points, -100..100) of the answers with and without it;
* ``impact``: overall NPS minus NPS without the theme, in points: how much the theme moves
  the overall score (negative: it costs points; removing it would gain ``-impact``). It
  already weighs the effect by the support (impact ~= support x effect);
* ``effect`` = ``nps_with - nps_without`` with a 95 % confidence interval and a p-value from
  Welch's t-test (``scipy.stats.ttest_ind(equal_var=False)``) on the per-answer NPS
  contribution (+100 promoter, 0 passive, -100 detractor), whose mean is the NPS;
* ``q_value``: Benjamini-Hochberg false-discovery-rate adjusted p-value over all drivers
  tested together (``scipy.stats.false_discovery_control``), so a long list of themes does
  not produce significant drivers by chance;
* ``detractor_lift``: detractor rate with the theme / without it;
* ``effect_adjusted`` / ``impact_adjusted`` (operational drivers only): the raw comparison
  above is confounded when drivers come together (a late parcel often brings an unresolved
  chat, so "NPS without unresolved chats" also drops most late parcels). The operational
  flags are therefore also fitted jointly, as in regression key-driver analysis: ordinary
  least squares of the per-answer contribution on all operational flags
  (``statsmodels.OLS``, HC3 heteroskedasticity-robust errors). ``effect_adjusted`` is a
  flag's coefficient (NPS points for the answers with it, the other flags held fixed) with
  its 95 % interval and p-value; ``impact_adjusted`` = coefficient x support is the points
  the overall NPS would gain (its negative) if the driver were fixed;
* ``driver_kind``: ``operational`` (what happened to the order) or the theme family before
  the colon (``element`` for ``element:<service element>``, ``topic`` for ``topic:<label>``);
* ``rank``: within the driver kind, most negative first ("fix first"): operational drivers by
  ``impact_adjusted``, text themes by ``impact`` (what detractors talk about is not a
  cause, so it is not mixed into one list with causes). Only drivers with at least
  ``min_support`` answers with and without the theme are ranked; smaller ones are listed
  with rank null. ``q_value`` adjusts the p-value each row is ranked on (adjusted for
  operational drivers).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

#: Per-answer NPS contribution: the mean over answers is the NPS in points.
_CONTRIBUTION = {"promoter": 100.0, "passive": 0.0, "detractor": -100.0}

DRIVER_COLUMNS = ("had_late_delivery", "had_lost_parcel", "had_failed_payment", "had_transfer_to_human",
                  "had_unresolved_session", "had_product_complaint")


#: Columns of ``key_drivers``'s result, in order.
COLUMNS = ("driver", "driver_kind", "n_with", "support", "nps_with", "nps_without", "impact", "effect",
           "effect_ci_low", "effect_ci_high", "p_value", "impact_adjusted", "effect_adjusted",
           "effect_adjusted_ci_low", "effect_adjusted_ci_high", "p_value_adjusted", "q_value",
           "detractor_rate_with", "detractor_rate_without", "detractor_lift", "rank")


def nps_contribution(scores: pd.Series) -> np.ndarray:
    """+100 for 9-10, 0 for 7-8, -100 for 0-6 (Reichheld's NPS bands), as floats.

    Raises:
        ValueError: a score outside 0-10 or missing.
    """
    values = pd.to_numeric(scores, errors="coerce")
    if values.isna().any() or ((values < 0) | (values > 10)).any():
        raise ValueError("NPS scores must be integers 0-10 without gaps")
    return np.where(values >= 9, 100.0, np.where(values >= 7, 0.0, -100.0))


def driver_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Boolean driver columns from ``fct_nps_response_drivers`` rows: the operational flags plus
    one ``element:<service element>`` column per verbatim service element seen and, when the
    rows carry ``verbatim_topic_label``, one ``topic:<label>`` column per verbatim topic."""
    out = pd.DataFrame({name: rows[name].fillna(False).astype(bool) for name in DRIVER_COLUMNS if name in rows})
    for column, prefix in (("verbatim_service_element", "element"), ("verbatim_topic_label", "topic")):
        if column in rows:
            for value in sorted(rows[column].dropna().unique()):
                out[f"{prefix}:{value}"] = rows[column].eq(value).fillna(False).astype(bool)
    return out


def key_drivers(scores: pd.Series, drivers: pd.DataFrame, *, min_support: int = 30,
                confidence: float = 0.95, operational: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Rank drivers of NPS (see the module doc for every column).

    Args:
        scores: 0-10 NPS answers, one per row.
        drivers: Boolean columns, one per driver, aligned with ``scores``.
        min_support: Answers with the theme (and without it) needed to rank a driver.
        confidence: Level of the effects' intervals.
        operational: Columns fitted jointly for the adjusted effect (default: the columns of
            ``drivers`` in ``DRIVER_COLUMNS`` or without a colon in their name).

    Returns:
        One row per driver: driver, driver_kind, n_with, support, nps_with, nps_without,
        impact, effect, effect_ci_low, effect_ci_high, p_value, impact_adjusted,
        effect_adjusted, effect_adjusted_ci_low, effect_adjusted_ci_high, p_value_adjusted,
        q_value, detractor_rate_with, detractor_rate_without, detractor_lift, rank; sorted by
        kind (operational first) and rank (unranked last).

    Raises:
        ValueError: on misaligned input, no answers, or scores outside 0-10.
    """
    from scipy import stats

    if len(scores) != len(drivers):
        raise ValueError(f"{len(scores)} scores but {len(drivers)} driver rows")
    if len(scores) == 0:
        raise ValueError("no NPS answers to analyse")
    contribution = nps_contribution(scores.reset_index(drop=True))
    detractor = contribution < 0
    overall = float(contribution.mean())
    records = []
    for name in drivers.columns:
        present = drivers[name].reset_index(drop=True).fillna(False).astype(bool).to_numpy()
        with_, without = contribution[present], contribution[~present]
        record = {"driver": name, "n_with": int(present.sum()), "support": float(present.mean()),
                  "nps_with": _mean(with_), "nps_without": _mean(without),
                  "detractor_rate_with": _mean(detractor[present]), "detractor_rate_without": _mean(detractor[~present])}
        record["impact"] = overall - record["nps_without"] if len(without) else math.nan
        record["effect"] = record["nps_with"] - record["nps_without"]
        record["effect_ci_low"] = record["effect_ci_high"] = record["p_value"] = math.nan
        if len(with_) >= 2 and len(without) >= 2 and (with_.std() > 0 or without.std() > 0):
            with warnings.catch_warnings():  # a group that is all detractors is constant: expected, not a loss
                warnings.filterwarnings("ignore", "Precision loss", RuntimeWarning)
                test = stats.ttest_ind(with_, without, equal_var=False)
            interval = test.confidence_interval(confidence)
            record.update(p_value=float(test.pvalue), effect_ci_low=float(interval.low),
                          effect_ci_high=float(interval.high))
        rate_without = record["detractor_rate_without"]
        record["detractor_lift"] = (record["detractor_rate_with"] / rate_without
                                    if rate_without and not math.isnan(rate_without) else math.nan)
        record["rankable"] = record["n_with"] >= min_support and len(without) >= min_support
        records.append(record)
    table = pd.DataFrame.from_records(records)
    if operational is None:
        operational = tuple(c for c in drivers.columns if c in DRIVER_COLUMNS or ":" not in c)
    table["driver_kind"] = [("operational" if name in operational else name.split(":", 1)[0]) for name in table["driver"]]
    adjusted = _adjusted_effects(contribution, drivers[[c for c in drivers.columns if c in operational]], confidence)
    table = table.merge(adjusted, on="driver", how="left")
    judged = table["p_value_adjusted"].where(table["driver_kind"] == "operational", table["p_value"])
    table["q_value"] = math.nan
    tested = judged.notna()
    if tested.any():
        table.loc[tested, "q_value"] = stats.false_discovery_control(judged[tested].to_numpy())
    table["rank_key"] = table["impact_adjusted"].where(table["driver_kind"] == "operational", table["impact"])
    table["rank"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
    for _, group in table[table["rankable"] & table["rank_key"].notna()].groupby("driver_kind"):
        order = group.sort_values(["rank_key", "driver"]).index
        table.loc[order, "rank"] = range(1, len(order) + 1)
    table["kind_order"] = (table["driver_kind"] != "operational").astype(int)
    table = table.sort_values(["kind_order", "driver_kind", "rank", "rank_key"], na_position="last")
    return table[list(COLUMNS)].reset_index(drop=True)


def _adjusted_effects(contribution: np.ndarray, flags: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """OLS of the per-answer NPS contribution on all operational flags jointly (HC3 errors).

    Returns one row per flag: driver, effect_adjusted (coefficient, points), its interval,
    p_value_adjusted and impact_adjusted (coefficient x share of answers with the flag).
    Flags that are constant, or collinear with the others, get nulls.
    """
    import statsmodels.api as sm

    columns = ["driver", "effect_adjusted", "effect_adjusted_ci_low", "effect_adjusted_ci_high",
               "p_value_adjusted", "impact_adjusted"]
    usable = [c for c in flags.columns if 0 < flags[c].fillna(False).astype(bool).mean() < 1]
    if not usable:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "driver" else "float64") for c in columns})
    design = sm.add_constant(flags[usable].fillna(False).astype(float).reset_index(drop=True), has_constant="add")
    rank = np.linalg.matrix_rank(design.to_numpy())
    records = []
    if rank == design.shape[1] and len(design) > design.shape[1] + 1:
        fit = sm.OLS(contribution, design).fit(cov_type="HC3")
        interval = fit.conf_int(alpha=1 - confidence)
        for name in usable:
            coef = float(fit.params[name])
            records.append({"driver": name, "effect_adjusted": coef, "effect_adjusted_ci_low": float(interval.loc[name, 0]),
                            "effect_adjusted_ci_high": float(interval.loc[name, 1]),
                            "p_value_adjusted": float(fit.pvalues[name]),
                            "impact_adjusted": coef * float(design[name].mean())})
    return pd.DataFrame.from_records(records, columns=columns)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan
