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


def test_fit_from_labelled_needs_exactly_one_kind_of_target():
    from ml.evaluation.sentiment import fit_from_labelled

    with pytest.raises(ValueError, match="either ratings or labels"):
        fit_from_labelled(["a"])
    with pytest.raises(ValueError, match="negative/neutral/positive or 0/1"):
        fit_from_labelled(["a", "b"], labels=["good", "bad"])


def test_eval_sentiment_cli_fits_a_warehouse_head_on_the_train_split(tmp_path, capsys):
    import csv
    import json

    from include.cli import main
    from ml.sentiment.classifier import seed_sentences

    texts, labels = seed_sentences()
    path = tmp_path / "labelled.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label", "split", "stars"])
        for i, (text, label) in enumerate(zip(texts[::5], labels[::5], strict=True)):
            stars = {"negative": 1, "neutral": 3, "positive": 5}[label]
            writer.writerow([text, label, "test" if i % 4 == 0 else "train", stars])
    args = ["eval", "sentiment", "--input", str(path), "--text-col", "text", "--label-col", "label", "--split", "test",
            "--train-split", "train", "--json"]
    assert main([*args, "--rating-col", "stars", "--min-rated", "50"]) == 0
    fitted = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert fitted["model"] == "warehouse-fitted" and fitted["split"] == "test"
    assert fitted["train_split"] == "train of labelled.csv" and fitted["n_rated"] > 50 and fitted["accuracy"] > 0.6
    assert main([*args, "--train-label-col", "label"]) == 0  # fewer than MIN_RATED rows: the base head
    base = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert base["model"] == "base" and base["n_rated"] == 0
    assert main([*args, "--train-label-col", "label", "--rating-col", "stars"]) == 2
