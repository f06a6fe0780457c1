"""Sentiment evaluation: label normalisation (3-class or 0/1) and scores from a model's output."""

from __future__ import annotations

import pytest

from ml.evaluation.sentiment import evaluate_sentiment, normalise_labels
from ml.sentiment import SentimentResult


class FixedModel:
    """Returns preset results: the evaluation is tested, not a model."""

    def __init__(self, results):
        self.results = results

    def predict(self, texts):
        return self.results[: len(texts)]


def test_three_class_and_binary_labels_are_recognised():
    assert normalise_labels(["Negative", "neutral", "POSITIVE"]) == (["negative", "neutral", "positive"], "three_class")
    assert normalise_labels([0, 1, "1", 1.0]) == (["negative", "positive", "positive", "positive"], "binary")
    with pytest.raises(ValueError, match="negative/neutral/positive or 0/1"):
        normalise_labels(["good", "bad"])


def test_binary_labels_are_decided_by_the_sign_of_the_score():
    model = FixedModel([SentimentResult("neutral", 0.01), SentimentResult("neutral", -0.01)])
    result = evaluate_sentiment(["a", "b"], [1, 0], model)
    assert result["task"] == "binary" and result["accuracy"] == 1.0
    assert result["label_shares"]["neutral"] == 1.0  # shares report the model's own labels


def test_three_class_uses_the_label():
    model = FixedModel([SentimentResult("neutral", 0.01), SentimentResult("negative", -0.5),
                        SentimentResult("positive", 0.5)])
    result = evaluate_sentiment(["a", "b", "c"], ["positive", "negative", "positive"], model)
    assert result["task"] == "three_class"
    assert result["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["label_shares"] == {"negative": pytest.approx(1 / 3, abs=1e-4), "neutral": pytest.approx(1 / 3, abs=1e-4),
                                      "positive": pytest.approx(1 / 3, abs=1e-4)}


def test_unlabelled_input_gives_shares_only():
    result = evaluate_sentiment(["a"], None, FixedModel([SentimentResult("positive", 0.4)]))
    assert "accuracy" not in result and result["n"] == 1
