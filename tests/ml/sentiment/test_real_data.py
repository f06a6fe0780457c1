"""Sentiment accuracy of the shipped base head on real labelled data (../shared/data) above floors.

The data sets are research-only: they evaluate the head, never train it. Floors sit slightly
below the figures measured on these seeded samples (the full test-split figures are in the
README's quality table via ``xe eval sentiment``).
"""

from __future__ import annotations

import pytest

from ml.evaluation import evaluate_sentiment, load_labelled_csv
from ml.sentiment import default_model
from tests.ml.conftest import shared_file

#: (folder, text column, split, sample, floor): 3-class accuracy for MARC, binary (score sign) otherwise.
#: Measured on these samples (seed 11, 1,000 rows): marc_zh 0.600, marc_en 0.591, waimai_10k 0.798.
CASES = [
    ("marc_zh", "text", "test", 1000, 0.57),
    ("marc_en", "text", "test", 1000, 0.56),
    ("waimai_10k", "review", None, 1000, 0.77),
]


@pytest.mark.shared_data
@pytest.mark.parametrize("name,text_col,split,sample,floor", CASES, ids=[c[0] for c in CASES])
def test_accuracy_on_real_reviews_above_floor(name, text_col, split, sample, floor):
    df = load_labelled_csv(shared_file(name, f"{name}.csv"), text_col, "label", sample=sample, seed=11, split=split)
    accuracy = evaluate_sentiment(df["text"].tolist(), df["label"].tolist(), default_model())["accuracy"]
    assert accuracy >= floor, f"{name}: accuracy {accuracy:.3f} below {floor}"
