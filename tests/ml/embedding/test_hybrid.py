"""The hybrid vector is built in one place: halves scaled to keep unit rows, Chinese rows English-free."""

from __future__ import annotations

import numpy as np
import pytest

from ml.embedding import compose_hybrid, unit_rows


def test_english_rows_get_both_halves_and_chinese_rows_only_the_multilingual_half():
    rng = np.random.default_rng(0)
    multi = unit_rows(rng.normal(size=(3, 4)))
    english = unit_rows(rng.normal(size=(2, 5)))
    routed = np.array([True, False, True])
    out = compose_hybrid(english, multi, routed)
    assert out.shape == (3, 9) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)
    assert np.allclose(out[1, :5], 0) and np.allclose(out[1, 5:], multi[1])
    assert np.allclose(out[0, :5] * np.sqrt(2), english[0], atol=1e-6)


def test_no_english_row_at_all():
    multi = unit_rows(np.ones((2, 3)))
    out = compose_hybrid(np.zeros((0, 4), np.float32), multi, np.array([False, False]))
    assert out.shape == (2, 7) and np.allclose(out[:, 4:], multi)


def test_halves_that_do_not_line_up_are_refused():
    with pytest.raises(ValueError, match="do not line up"):
        compose_hybrid(np.zeros((1, 4)), np.zeros((2, 3)), np.array([True, True]))
