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
