"""The evaluation CLI on a Banking77 sample prints one valid JSON line with a sane NMI."""

from __future__ import annotations

import json

import pytest

from ml import evaluate
from tests.ml.conftest import shared_file

KEYS = {"nmi", "ari", "n_topics", "outlier_rate", "docs_per_second", "peak_rss_mb"}


@pytest.mark.shared_data
@pytest.mark.slow
def test_cli_on_banking77_sample(capsys):
    path = shared_file("banking77", "test.csv")
    assert evaluate.main(["--input", str(path), "--text-col", "text", "--label-col", "category",
                          "--sample", "800", "--seed", "1"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    result = json.loads(lines[-1])
    assert KEYS <= set(result)
    assert 0.6 < result["nmi"] <= 1.0, result
    assert 20 <= result["n_topics"] <= 200
    assert 0 <= result["outlier_rate"] <= 0.1
    assert result["n_docs"] == 800


@pytest.mark.shared_data
def test_loader_strips_boms_and_drops_empty_reviews():
    path = shared_file("online_shopping_10_cats", "online_shopping_10_cats.csv")
    df = evaluate.load_labelled_csv(path, "review", "cat", sample=None, seed=0)
    assert not df["text"].str.contains("\ufeff").any()
    assert (df["text"].str.len() > 0).all()


def test_bad_column_gives_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\nhello,1\n")
    with pytest.raises(SystemExit, match="column 'text'"):
        evaluate.load_labelled_csv(path, "text", "b", None, 0)
