"""The hand-labelled tagging sample and the service-element tagging scored on it (real texts)."""

from __future__ import annotations

import csv
import json

import pytest

from ml.evaluation.tagging import (
    SAMPLE_CSV,
    SOURCES,
    draw_sample,
    load_texts,
    read_sample,
    score,
    write_landing,
)

ELEMENTS = {"product_quality", "after_sales", "logistics", "payment", "promotion", "account",
            "product_consultation", "other"}
# measured 0.6364 (macro-F1 0.6157) on the 385 texts with the seed of this commit;
# the SQL and seed before issue 12 scored 0.4312
ACCURACY_FLOOR = 0.60


def test_sample_holds_keys_and_labels_only():
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["dataset", "split", "row", "element_code", "note"]
        rows = list(reader)
    assert len(rows) >= 300
    assert len({(r["dataset"], r["row"]) for r in rows}) == len(rows)
    assert {r["dataset"] for r in rows} == set(SOURCES)
    assert {r["element_code"] for r in rows} == ELEMENTS
    assert sum(r["element_code"] == "other" for r in rows) >= 40
    # notes are short labelling reasons, never copies of the texts
    assert max(len(r["note"]) for r in rows) <= 60


def test_score_reports_per_element_dataset_and_confusions():
    out = score(["logistics", "payment", "other", "other"], ["logistics", "other", "other", "payment"],
                ["a", "a", "b", "b"])
    assert out["accuracy"] == 0.5 and out["n"] == 4
    assert out["per_dataset"] == {"a": {"accuracy": 0.5, "n": 2}, "b": {"accuracy": 0.5, "n": 2}}
    assert out["per_element"]["payment"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1,
                                             "predicted": 1}
    assert {(c["label"], c["predicted"]) for c in out["confusions"]} == {("payment", "other"), ("other", "payment")}


@pytest.mark.shared_data
def test_sample_keys_are_the_seeded_draw_and_resolve_to_texts(shared_data):
    keys = sorted((r["dataset"], r["split"], r["row"]) for r in read_sample())
    assert sorted(draw_sample(shared_data)) == keys
    items = load_texts(shared_data)
    assert len(items) == len(keys) and all(i.text for i in items)


@pytest.mark.shared_data
def test_landing_files_follow_the_contract(shared_data, tmp_path):
    from include.landing.contract import SOURCES as CONTRACT

    items = load_texts(shared_data)
    landed = write_landing(items, tmp_path)
    assert sum(landed.values()) == len(items)
    assert set(landed) == {"cs_messages", "social_mentions", "reviews"}
    for source in landed:
        for part in (tmp_path / source).glob("dt=*/part-0000.jsonl"):
            for line in part.read_text(encoding="utf-8").splitlines():
                CONTRACT[source].model_validate(json.loads(line))


@pytest.mark.slow
@pytest.mark.shared_data
def test_tagging_accuracy_on_the_labelled_sample(shared_data, tmp_path):
    from ml.evaluation.tagging import evaluate_tagging

    out = evaluate_tagging(shared_data, tmp_path, topics=False)
    assert out["scored"] == "keywords" and out["topic_fit"] is None and out["n_context"] == 0
    assert out["missing"] == 0 and out["n"] == len(read_sample())
    assert out["accuracy"] >= ACCURACY_FLOOR, out
    assert out["rule"]["accuracy"] == out["accuracy"]
    assert set(out["per_dataset"]) == set(SOURCES)
    assert set(out["per_element"]) >= ELEMENTS


@pytest.mark.slow
@pytest.mark.shared_data
def test_tagging_with_topics_scores_the_final_element_beside_the_keyword_tag(shared_data, tmp_path):
    """The pipeline's final element (keyword tag combined with the topic's element) on the sample,
    topics fitted on it plus unlabelled rows of the same datasets (100 each here; 400 in `xe eval tagging`)."""
    from ml.evaluation.tagging import evaluate_tagging

    out = evaluate_tagging(shared_data, tmp_path, topics=True, context_per_dataset=100)
    assert out["scored"] == "keywords + topics" and out["n_context"] == 100 * len(SOURCES)
    # a real clustering, not the one-topic provisional fit; the Chinese/English pairing joins same-domain
    # datasets (Banking77 chats with the Chinese bank comments, MARC en with MARC zh reviews): 4 and 8
    # topics remained in two runs on these 1,083 texts
    assert out["topic_fit"]["status"] == "fitted" and out["topic_fit"]["n_topics"] >= 3, out["topic_fit"]
    assert out["missing"] == 0 and out["n"] == len(read_sample())
    assert out["rule"]["accuracy"] >= ACCURACY_FLOOR, out["rule"]
    # measured 0.683 with 400 context rows per dataset (keywords alone 0.636); topics must not
    # make the sample worse than the keyword floor
    assert out["accuracy"] >= ACCURACY_FLOOR, {k: out[k] for k in ("accuracy", "macro_f1", "per_dataset")}
