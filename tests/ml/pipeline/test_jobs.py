"""End to end over a real DuckDB file: read fct_interactions, fit, save, assign, write voc tables."""

from __future__ import annotations

import duckdb
import pytest

from ml import pipeline
from tests.ml.corpus import theme_sessions

DOC_TOPICS_TYPES = {
    "interaction_id": "VARCHAR", "topic_id": "INTEGER", "topic_probability": "DOUBLE", "sentiment_label": "VARCHAR",
    "sentiment_score": "DOUBLE", "model_version": "VARCHAR", "assigned_at": "TIMESTAMP", "voice_class": "VARCHAR",
}
TOPICS_TYPES = {
    "topic_id": "INTEGER", "model_version": "VARCHAR", "label": "VARCHAR", "keywords": "VARCHAR", "size": "BIGINT",
    "service_element": "VARCHAR", "first_seen_at": "TIMESTAMP", "last_seen_at": "TIMESTAMP", "status": "VARCHAR",
}


def _types(con, table):
    return dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_schema='voc' and table_name=? "
        "order by ordinal_position", [table]).fetchall())


@pytest.mark.slow
def test_run_writes_voc_tables_idempotently(warehouse, tmp_path, corpus):
    root = tmp_path / "models" / "topics"
    first = pipeline.run(warehouse=warehouse, root=root)
    assert first["fit"]["documents"] + sum(first["fit"]["set_aside"].values()) == len(corpus[0])
    assert first["assign"]["doc_topics"] == len(corpus[0])
    # second run: model is fresh, so no refit; rows are replaced, not duplicated
    second = pipeline.run(warehouse=warehouse, root=root)
    assert "fit" not in second
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert _types(con, "doc_topics") == DOC_TOPICS_TYPES
        assert _types(con, "topics") == TOPICS_TYPES
        n, distinct = con.execute("select count(*), count(distinct interaction_id) from voc.doc_topics").fetchone()
        assert n == distinct == len(corpus[0])
        orphan = con.execute(
            "select count(*) from voc.doc_topics d left join voc.topics t using (topic_id, model_version) "
            "where t.topic_id is null").fetchone()[0]
        assert orphan == 0
        labels = {r[0] for r in con.execute("select distinct sentiment_label from voc.doc_topics").fetchall()}
        assert labels <= {"positive", "neutral", "negative"} and "negative" in labels
        elements = {r[0] for r in con.execute("select distinct service_element from voc.topics").fetchall()}
        assert elements <= {"promotion", "product_consultation", "payment", "logistics", "after_sales",
                            "product_quality", "account", "other"}
        sizes = con.execute("select sum(size) from voc.topics where status <> 'vanished'").fetchone()[0]
        assert sizes == len(corpus[0])
        assert con.execute("select count(*) from voc.topics where first_seen_at > last_seen_at").fetchone()[0] == 0
    finally:
        con.close()
    # a re-export removed one interaction and cleared another's text: their topic rows go too
    con = duckdb.connect(str(warehouse))
    try:
        gone, cleared = [r[0] for r in con.execute(
            "select interaction_id from marts.fct_interactions order by interaction_id limit 2").fetchall()]
        con.execute("delete from marts.fct_interactions where interaction_id = ?", [gone])
        con.execute("update marts.fct_interactions set text_redacted = ' ' where interaction_id = ?", [cleared])
    finally:
        con.close()
    third = pipeline.run(warehouse=warehouse, root=root)
    assert third["assign"]["doc_topics_removed"] == 2
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ids = {r[0] for r in con.execute("select interaction_id from voc.doc_topics").fetchall()}
        assert len(ids) == len(corpus[0]) - 2 and not {gone, cleared} & ids
    finally:
        con.close()


@pytest.mark.slow
def test_assign_uses_saved_model_and_overrides(warehouse, tmp_path, monkeypatch):
    root = tmp_path / "models" / "topics"
    fitted = pipeline.fit(warehouse=warehouse, root=root)
    from ml.topics.store import load_version

    version = load_version(root=root)
    target = version.topic_ids[0]
    overrides = tmp_path / "topic_label_overrides.yml"
    overrides.write_text(f"{target}: Analyst label\n")
    monkeypatch.setenv("EE_LABEL_OVERRIDES", str(overrides))
    pipeline.assign(warehouse=warehouse, root=root)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        label = con.execute("select label from voc.topics where topic_id=? and model_version=?",
                            [target, fitted["version"]]).fetchone()[0]
        versions = {r[0] for r in con.execute("select distinct model_version from voc.doc_topics").fetchall()}
    finally:
        con.close()
    assert label == "Analyst label"
    assert versions == {fitted["version"]}


@pytest.mark.slow
def test_balanced_mode_falls_back_to_accurate_for_a_version_without_student(warehouse, tmp_path, corpus, capsys):
    from ml.topics.config import TopicConfig
    from ml.topics.store import load_version

    root = tmp_path / "models" / "topics"
    pipeline.fit(warehouse=warehouse, root=root, config=TopicConfig(student_epochs=0))
    assert load_version(root=root).student is None
    result = pipeline.assign(warehouse=warehouse, root=root, mode="balanced")
    assert result["doc_topics"] == len(corpus[0])
    assert "using accurate mode" in capsys.readouterr().err
    with pytest.raises(ValueError, match="no static student"):
        pipeline.assign(warehouse=warehouse, root=root, mode="fast")


def test_missing_mart_gives_clear_error(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    from ml.pipeline.warehouse import read_interactions

    with pytest.raises(RuntimeError, match="fct_interactions"):
        read_interactions(warehouse=path)


def test_assign_without_model_gives_clear_error(warehouse, tmp_path):
    with pytest.raises(FileNotFoundError, match="xe topics fit"):
        pipeline.assign(warehouse=warehouse, root=tmp_path / "none")


def test_read_interactions_gives_session_ids_when_the_warehouse_has_them(tmp_path, corpus):
    from ml.pipeline.warehouse import read_interactions
    from tests.ml.conftest import make_warehouse

    sessions = theme_sessions(*corpus)
    with_ids, without = tmp_path / "with.duckdb", tmp_path / "without.duckdb"
    make_warehouse(with_ids, *corpus, sessions=sessions)
    make_warehouse(without, *corpus)
    frame = read_interactions(warehouse=with_ids)
    read = frame["session_id"].astype(object).where(frame["session_id"].notna(), None).tolist()
    assert read == sessions and any(s is None for s in sessions) and any(sessions)
    assert read_interactions(warehouse=without)["session_id"].isna().all()


@pytest.mark.slow
def test_fit_merges_topics_that_conversations_use_for_one_issue(tmp_path, corpus):
    """The scheduled fit reads session ids from the warehouse: with chats that pair texts of one
    theme it ends with fewer topics than the same corpus without conversations."""
    from ml.topics.config import TopicConfig
    from tests.ml.conftest import make_warehouse

    config = TopicConfig(seed=42, student_epochs=0)
    with_ids, without = tmp_path / "with.duckdb", tmp_path / "without.duckdb"
    make_warehouse(with_ids, *corpus, sessions=theme_sessions(*corpus))
    make_warehouse(without, *corpus)
    joined = pipeline.fit(warehouse=with_ids, root=tmp_path / "a", config=config)
    plain = pipeline.fit(warehouse=without, root=tmp_path / "b", config=config)
    assert joined["status"] == plain["status"] == "fitted"
    assert joined["n_topics"] < plain["n_topics"], (joined, plain)


THEME_STARS = {"quality": 1, "refund": 2, "logistics": 3, "payment": 4, "coupon": 5}


@pytest.mark.slow
def test_refit_fits_a_sentiment_head_on_the_windows_ratings_and_assignment_uses_it(tmp_path, corpus, monkeypatch):
    """Distant supervision at refit: rated texts train a head saved with the version; the
    substantive texts of the rated channel are scored with it, the rest keep the base head."""
    import ml.sentiment
    from ml.pipeline.jobs import SUBSTANTIVE, topic_texts, voice_classes
    from ml.sentiment import default_model
    from ml.topics.config import TopicConfig
    from ml.topics.store import load_version
    from tests.ml.conftest import make_warehouse

    monkeypatch.setattr(ml.sentiment, "MIN_RATED", 50)  # the 250-text corpus; production needs 300
    texts, themes = corpus
    ratings = [THEME_STARS[t] if i % 3 else None for i, t in enumerate(themes)]  # two in three rated
    path = tmp_path / "rated.duckdb"
    make_warehouse(path, texts, themes, ratings=ratings)
    root = tmp_path / "topics"
    config = TopicConfig(seed=42, student_epochs=0)
    fitted = pipeline.fit(warehouse=path, root=root, config=config)
    assert fitted["sentiment_head"].startswith("warehouse-fitted on ")
    version = load_version(root=root)
    head = version.sentiment_head
    assert head is not None and head.meta["kind"] == "warehouse-fitted" and head.meta["channels"] == ["review"]
    assert head.lexical is not None  # its lexical half is saved with it
    pipeline.assign(warehouse=path, root=root, mode="accurate")
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = dict(con.execute("select interaction_id, sentiment_label from voc.doc_topics").fetchall())
    finally:
        con.close()
    classes = voice_classes(texts)
    views = topic_texts(texts, version.config, path)
    reviews = [i for i in range(len(texts)) if classes[i] == SUBSTANTIVE and ratings[i] is not None]
    chats = [i for i in range(len(texts)) if classes[i] == SUBSTANTIVE and ratings[i] is None]
    expected, _ = head.predict_arrays([views[i] for i in reviews])
    assert [rows[f"i{i:05d}"] for i in reviews] == list(expected)
    base, _ = default_model().predict_arrays([views[i] for i in chats])
    assert [rows[f"i{i:05d}"] for i in chats] == list(base)
    # it learned the stars: quality (1 star) reads negative, coupons (5 stars) positive, far more often than not
    by_theme = {t: [rows[f"i{i:05d}"] for i in reviews if themes[i] == t] for t in ("quality", "coupon")}
    assert by_theme["quality"].count("negative") > len(by_theme["quality"]) / 2
    assert by_theme["coupon"].count("positive") > len(by_theme["coupon"]) / 2
    # switched off: no head, the base one scores
    off = pipeline.fit(warehouse=path, root=tmp_path / "off", config=TopicConfig(seed=42, student_epochs=0,
                                                                                  sentiment_from_ratings=False))
    assert off["sentiment_head"] == "base" and load_version(root=tmp_path / "off").sentiment_head is None


def test_no_sentiment_head_without_enough_rated_texts_of_both_polarities(corpus):
    import pandas as pd

    from ml.pipeline.jobs import fit_sentiment_head
    from ml.sentiment import MIN_RATED

    texts = corpus[0]
    frame = pd.DataFrame({"rating": [5] * len(texts), "rating_scale_max": [5] * len(texts), "channel": "review"})
    assert fit_sentiment_head(texts, frame) is None  # no negative rating
    few = pd.DataFrame({"rating": [1, 5] * 5 + [None] * (len(texts) - 10), "rating_scale_max": 5, "channel": "review"})
    assert MIN_RATED > 10 and fit_sentiment_head(texts, few) is None
    unrated = pd.DataFrame({"rating": [None] * len(texts), "rating_scale_max": [None] * len(texts), "channel": "chat"})
    assert fit_sentiment_head(texts, unrated) is None


def test_only_substantive_texts_of_the_heads_channels_are_rescored():
    import numpy as np

    from ml.pipeline.jobs import SUBSTANTIVE, rescore_with_fitted_head

    class Head:  # a head that calls everything negative
        meta = {"channels": ["review", "nps_survey"]}

        def predict_arrays(self, texts):
            return np.array(["negative"] * len(texts), dtype=object), np.full(len(texts), -1.0)

    texts = ["a", "b", "c", "d", "e"]
    classes = np.array([SUBSTANTIVE, SUBSTANTIVE, "chit_chat", SUBSTANTIVE, SUBSTANTIVE], dtype=object)
    channels = ["review", "cs_chat", "review", "nps_survey", None]
    labels = np.array(["positive"] * 5, dtype=object)
    scores = np.full(5, 0.5)
    assert rescore_with_fitted_head(labels, scores, texts, classes, channels, Head()) == 2
    assert labels.tolist() == ["negative", "positive", "positive", "negative", "positive"]
    assert scores.tolist() == [-1.0, 0.5, 0.5, -1.0, 0.5]
    assert rescore_with_fitted_head(labels, scores, texts, classes, None, Head()) == 0
    assert rescore_with_fitted_head(labels, scores, texts, classes, channels, None) == 0
