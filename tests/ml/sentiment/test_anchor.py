"""Sentiment accuracy on real labelled Chinese reviews (../shared/data) above a stated floor."""

from __future__ import annotations

import pytest

from ml.evaluation import evaluate_sentiment, load_labelled_csv
from ml.sentiment.anchor import AnchorSentiment, _lexicon_score
from tests.ml.conftest import shared_file

#: measured on 2,000-row samples: waimai_10k 0.815, online_shopping_10_cats 0.822 (docs/topics.md)
ACCURACY_FLOOR = 0.75


@pytest.fixture(scope="module")
def model():
    return AnchorSentiment()


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "parts",
    [("waimai_10k", "waimai_10k.csv"), ("online_shopping_10_cats", "online_shopping_10_cats.csv")],
    ids=["waimai_10k", "online_shopping_10_cats"],
)
def test_accuracy_on_real_reviews_above_floor(model, parts):
    df = load_labelled_csv(shared_file(*parts), "review", "label", sample=600, seed=11)
    accuracy = evaluate_sentiment(df["text"].tolist(), df["label"].tolist(), model)["accuracy"]
    assert accuracy >= ACCURACY_FLOOR, f"{parts[0]}: accuracy {accuracy:.3f} below {ACCURACY_FLOOR}"


def test_clear_cases_in_both_languages(model):
    results = model.predict([
        "送餐太慢了，饭菜都凉了，再也不点了", "味道很好，送得也快，好评",
        "terrible service, my refund never arrived", "great quality, fast delivery, very happy",
    ])
    assert [r.label for r in results] == ["negative", "positive", "negative", "positive"]
    assert all(-1 <= r.score <= 1 for r in results)


def test_lexicon_handles_negation():
    assert _lexicon_score("不好吃") < 0 < _lexicon_score("好吃")
