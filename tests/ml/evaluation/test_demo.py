"""`xe eval demo` joins a warehouse with the demo's ground truth by interaction id and scores it."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from ml.evaluation.demo import evaluate_demo


def _landing(tmp_path):
    truth = pd.DataFrame({
        "source": ["cs_messages", "cs_messages", "reviews", "reviews", "social_mentions"],
        "record_id": ["m1", "m2", "r1", "r2", "s1"],
        "dt": "2026-09-21",
        "sub_intent": ["late", "late", "broken", "broken", "praise"],
        "service_element": ["logistics", "logistics", "product_quality", "product_quality", "other"],
        "language": ["zh", "zh", "en", "en", "zh"],
        "sentiment": ["negative", "negative", "negative", "neutral", "positive"],
        "incident_id": None,
        "text": ["a", "b", "c", "d", "e"],
    })
    folder = tmp_path / "landing" / "_ground_truth"
    folder.mkdir(parents=True)
    truth.to_parquet(folder / "voice_labels.parquet")
    return tmp_path / "landing"


def _warehouse(tmp_path, with_topics: bool = True):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("""create table marts.fct_interactions as select * from (values
        ('msg:m1', 'zh', 'logistics'), ('msg:m2', 'zh', 'logistics'), ('rev:r1', 'en', 'product_quality'),
        ('rev:r2', 'en', 'logistics')) v(interaction_id, language, service_element)""")  # soc:s1 never loaded
    if with_topics:
        con.execute("create schema voc")
        con.execute("""create table voc.doc_topics as select * from (values
            ('msg:m1', 7, 'negative'), ('msg:m2', 7, 'negative'), ('rev:r1', 9, 'negative'), ('rev:r2', 9, 'negative'))
            v(interaction_id, topic_id, sentiment_label)""")
    con.close()
    return path


def test_scores_the_rows_in_the_warehouse(tmp_path):
    result = evaluate_demo(_landing(tmp_path), _warehouse(tmp_path))
    assert result["n_labelled"] == 5 and result["n_in_warehouse"] == 4 and result["n_with_topic"] == 4
    assert result["topic_nmi"] == 1.0 and result["topic_purity"] == 1.0
    assert result["n_topics"] == 2 and result["n_sub_intents"] == 2 and result["largest_topic_share"] == 0.5
    assert result["sentiment_accuracy"] == 0.75
    # per source: the chats are right, one review of two (soc:s1 never loaded)
    by_source = result["sentiment_by_source"]
    assert set(by_source) == {"cs_messages", "reviews"}
    assert by_source["cs_messages"]["accuracy"] == 1.0 and by_source["cs_messages"]["n"] == 2
    assert by_source["reviews"]["accuracy"] == 0.5 and by_source["reviews"]["n"] == 2
    assert result["tagging_accuracy"] == 0.75
    assert result["language_accuracy"] == 1.0


def test_before_the_topic_engine_ran_topic_scores_are_none(tmp_path):
    result = evaluate_demo(_landing(tmp_path), _warehouse(tmp_path, with_topics=False))
    assert result["n_with_topic"] == 0 and result["topic_nmi"] is None and result["sentiment_accuracy"] is None
    assert result["sentiment_by_source"] is None
    assert result["tagging_accuracy"] == 0.75


def test_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="xe demo generate"):
        evaluate_demo(tmp_path, tmp_path / "w.duckdb")
    with pytest.raises(FileNotFoundError, match="xe run"):
        evaluate_demo(_landing(tmp_path), tmp_path / "missing.duckdb")
