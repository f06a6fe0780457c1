"""`xe eval topics` on a Banking77 sample prints one valid JSON line with a sane NMI; input errors are clear."""

from __future__ import annotations

import json

import pytest

from include.cli import main
from ml.evaluation import EvaluationInputError, load_labelled_csv
from tests.ml.conftest import shared_file

KEYS = {"nmi", "ari", "purity", "n_topics", "n_labels", "outlier_rate", "docs_per_second", "peak_rss_mb", "split"}


@pytest.mark.shared_data
@pytest.mark.slow
def test_cli_on_banking77_sample(capsys):
    path = shared_file("banking77", "test.csv")
    assert main(["eval", "topics", "--input", str(path), "--text-col", "text", "--label-col", "category",
                 "--sample", "800", "--seed", "1", "--json"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    result = json.loads(lines[-1])
    assert KEYS <= set(result)
    assert 0.6 < result["nmi"] <= 1.0, result
    assert 20 <= result["n_topics"] <= 200
    assert 0 <= result["outlier_rate"] <= 0.1
    assert result["n_docs"] == 800 and result["split"] == "whole test.csv"


@pytest.mark.shared_data
def test_loader_strips_boms_and_drops_empty_reviews():
    path = shared_file("online_shopping_10_cats", "online_shopping_10_cats.csv")
    df = load_labelled_csv(path, "review", "cat", sample=None, seed=0)
    assert not df["text"].str.contains("\ufeff").any()
    assert (df["text"].str.len() > 0).all()


@pytest.mark.shared_data
def test_split_filter_keeps_only_that_split():
    df = load_labelled_csv(shared_file("marc_zh", "marc_zh.csv"), "text", "label", split="test")
    assert len(df) == 5000 and set(df["label"]) == {"negative", "neutral", "positive"}


def test_bad_column_gives_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\nhello,1\n")
    with pytest.raises(EvaluationInputError, match="column"):
        load_labelled_csv(path, "text", "b", None, 0)
    with pytest.raises(EvaluationInputError, match="no rows with b == 'test'"):
        load_labelled_csv(path, "a", "b", split="test", split_col="b")
