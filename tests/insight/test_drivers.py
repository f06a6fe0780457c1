"""Key drivers on synthetic answers whose true effects are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from include.insight.drivers import driver_frame, key_drivers, nps_contribution

# answer distributions: P(promoter), P(passive), P(detractor)
BASE = (0.5, 0.3, 0.2)
LATE = (0.1, 0.2, 0.7)       # a late delivery makes detractors
PRAISE = (0.9, 0.1, 0.0)     # a theme that earns points


def _nps(p) -> float:
    return 100 * (p[0] - p[2])


def _answers(rng, probs, n):
    bands = rng.choice(3, size=n, p=probs)
    return np.where(bands == 0, 10, np.where(bands == 1, 8, 3))


def synthetic(seed: int, n: int = 3000):
    rng = np.random.default_rng(seed)
    late = rng.random(n) < 0.2
    praise = ~late & (rng.random(n) < 0.1)
    noise = rng.random(n) < 0.3  # no effect at all
    scores = np.where(late, _answers(rng, LATE, n), np.where(praise, _answers(rng, PRAISE, n), _answers(rng, BASE, n)))
    drivers = pd.DataFrame({"had_late_delivery": late, "praise": praise, "noise": noise})
    return pd.Series(scores), drivers


def test_contribution_bands():
    assert nps_contribution(pd.Series([0, 6, 7, 8, 9, 10])).tolist() == [-100, -100, 0, 0, 100, 100]
    with pytest.raises(ValueError, match="0-10"):
        nps_contribution(pd.Series([11]))


def test_the_costly_driver_ranks_first_and_noise_is_not_significant():
    scores, drivers = synthetic(1)
    table = key_drivers(scores, drivers).set_index("driver")
    assert table.loc["had_late_delivery", "rank"] == 1
    assert table.loc["had_late_delivery", "effect"] == pytest.approx(_nps(LATE) - _nps(BASE), abs=12)
    assert table.loc["had_late_delivery", "q_value"] < 0.001
    assert table.loc["noise", "q_value"] > 0.05
    assert table.loc["praise", "impact"] > 0 and table.loc["praise", "rank"] == 3  # one list: all three are flags
    # impact is the overall NPS minus the NPS without the theme
    contribution = nps_contribution(scores)
    late = drivers["had_late_delivery"].to_numpy()
    assert table.loc["had_late_delivery", "impact"] == pytest.approx(contribution.mean() - contribution[~late].mean())
    assert table.loc["had_late_delivery", "detractor_lift"] > 2


def test_the_adjusted_effect_clears_a_driver_that_only_comes_with_a_costly_one():
    # a transfer to a human happens mostly on late orders but costs nothing by itself
    rng = np.random.default_rng(5)
    n = 4000
    late = rng.random(n) < 0.2
    transfer = np.where(late, rng.random(n) < 0.6, rng.random(n) < 0.05)
    scores = pd.Series(np.where(late, _answers(rng, LATE, n), _answers(rng, BASE, n)))
    table = key_drivers(scores, pd.DataFrame({"had_late_delivery": late, "had_transfer_to_human": transfer}))
    table = table.set_index("driver")
    assert table.loc["had_transfer_to_human", "impact"] < -3  # the raw comparison blames it
    low, high = table.loc["had_transfer_to_human", ["effect_adjusted_ci_low", "effect_adjusted_ci_high"]]
    assert low <= 0 <= high and abs(table.loc["had_transfer_to_human", "impact_adjusted"]) < 1.5
    assert table.loc["had_late_delivery", "effect_adjusted"] == pytest.approx(_nps(LATE) - _nps(BASE), abs=8)
    assert table.loc["had_late_delivery", "rank"] == 1
    assert set(table["driver_kind"]) == {"operational"}


def test_text_themes_are_ranked_apart_from_operational_drivers():
    scores, drivers = synthetic(3)
    drivers = drivers.rename(columns={"praise": "element:praise", "noise": "element:noise"})
    table = key_drivers(scores, drivers).set_index("driver")
    assert table.loc["had_late_delivery", "driver_kind"] == "operational"
    assert table.loc["had_late_delivery", "rank"] == 1 and table.loc["element:noise", "rank"] == 1
    assert table.loc["element:praise", "rank"] == 2
    assert pd.isna(table.loc["element:praise", "impact_adjusted"])  # themes are not fitted as causes


def test_the_effect_interval_covers_the_true_effect_at_about_the_nominal_rate():
    # without the theme: 90 % base answers, 10 % praise (see synthetic)
    true_effect = _nps(LATE) - (0.9 * _nps(BASE) + 0.1 * _nps(PRAISE))
    covered = 0
    for seed in range(200):
        scores, drivers = synthetic(seed, n=800)
        row = key_drivers(scores, drivers[["had_late_delivery"]]).iloc[0]
        covered += row.effect_ci_low <= true_effect <= row.effect_ci_high
    assert 0.91 <= covered / 200 <= 0.99


def test_small_themes_are_listed_but_not_ranked_and_bad_input_is_refused():
    scores, drivers = synthetic(2, n=200)
    drivers["rare"] = False
    drivers.loc[:3, "rare"] = True
    table = key_drivers(scores, drivers, min_support=30).set_index("driver")
    assert pd.isna(table.loc["rare", "rank"]) and table.loc["rare", "n_with"] == 4
    with pytest.raises(ValueError, match="scores but"):
        key_drivers(scores.iloc[:10], drivers)
    with pytest.raises(ValueError, match="no NPS answers"):
        key_drivers(pd.Series([], dtype=int), drivers.iloc[:0])


def test_driver_frame_adds_one_column_per_verbatim_element():
    rows = pd.DataFrame({"had_late_delivery": [True, False, None], "verbatim_service_element": ["logistics", None, "payment"]})
    frame = driver_frame(rows)
    assert list(frame.columns) == ["had_late_delivery", "element:logistics", "element:payment"]
    assert frame["had_late_delivery"].tolist() == [True, False, False]
    assert frame["element:payment"].tolist() == [False, False, True]
