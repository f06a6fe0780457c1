"""Issue 13, kind 5 in the pipeline: a training window with few (or no) substantive documents never fails a run.

Below ``min_fit_docs`` the refit keeps an existing model (and ``assign`` uses it); with no
model yet a provisional one-topic version is fitted, and replaced by the first run with
enough documents; with nothing substantive and no model, nothing is fitted or written.
Real DuckDB files, real fits (embeddings of the corpus texts come from the cache).
"""

from __future__ import annotations

import duckdb
import pytest

from ml import pipeline
from tests.ml.conftest import make_warehouse

CHIT_CHAT = ["谢谢", "好的", "ok thanks", "👍", "收到", "在吗"]


def _rows(n: int) -> list[int]:
    return [(i % 5) * 50 + i // 5 for i in range(n)]  # spread over the corpus's five themes


def _warehouse(path, corpus, rows=(), extra=()):
    texts = [corpus[0][i] for i in rows] + list(extra)
    themes = [corpus[1][i] for i in rows] + ["logistics"] * len(extra)
    make_warehouse(path, texts, themes)
    return path


def _doc_topics(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select topic_id, model_version, voice_class from voc.doc_topics "
                           "order by interaction_id").fetchall()
    finally:
        con.close()


def test_first_window_of_three_documents_gives_a_provisional_model(tmp_path, corpus, capsys):
    """Case 07's 3 texts as a warehouse: one topic, assigned; the next run with enough data replaces it."""
    from ml.pipeline.jobs import reserved_topic_ids, voice_kinds
    from ml.topics.lifecycle import refit_due
    from ml.topics.store import load_version

    root = tmp_path / "topics"
    warehouse = _warehouse(tmp_path / "w.duckdb", corpus, _rows(3), CHIT_CHAT[:2])
    first = pipeline.run(warehouse=warehouse, root=root)
    assert first["fit"]["status"] == "fitted" and first["fit"]["documents"] == 3 and first["fit"]["n_topics"] == 1
    assert first["fit"]["set_aside"]["chit_chat"] == 2 and first["fit"]["provisional"]
    assert first["assign"]["doc_topics"] == 5
    rows = _doc_topics(warehouse)
    assert sorted({t for t, _, c in rows if c == "substantive"}) == [load_version(root=root).topic_ids[0]]
    # chit-chat keeps its reserved id per kind (ml.pipeline.jobs.SET_ASIDE_TOPICS), never a topic
    assert sorted(t for t, _, c in rows if c == "chit_chat") == sorted(reserved_topic_ids(*voice_kinds(CHIT_CHAT[:2])))
    assert all(t < 0 for t, _, c in rows if c == "chit_chat")
    assert refit_due(root), "a provisional model is refitted at the next run"
    assert "one topic, no clustering" in capsys.readouterr().err

    _warehouse(warehouse, corpus, _rows(15))  # more data arrived: a real fit replaces the provisional model
    second = pipeline.run(warehouse=warehouse, root=root)
    assert second["fit"]["status"] == "fitted" and second["fit"]["documents"] == 15 and not second["fit"]["provisional"]
    assert not load_version(root=root).params["provisional"] and not refit_due(root)


def test_too_few_documents_keep_the_existing_model(tmp_path, corpus, capsys):
    from ml.topics.config import TopicConfig
    from ml.topics.store import load_version

    root = tmp_path / "topics"
    warehouse = _warehouse(tmp_path / "w.duckdb", corpus, _rows(20))
    kept = pipeline.fit(warehouse=warehouse, root=root, config=TopicConfig(student_epochs=0))["version"]
    for n in (0, 1, 3, 9):  # 0: only chit-chat in the window
        _warehouse(warehouse, corpus, _rows(n), CHIT_CHAT)
        result = pipeline.fit(warehouse=warehouse, root=root)
        assert result["status"] == "skipped" and result["version"] == kept and result["documents"] == n
        assert f"too few documents to fit: {n} distinct substantive < min_fit_docs 10; keeping {kept}" in result["reason"]
        assert load_version(root=root).version == kept
    assert "too few documents to fit" in capsys.readouterr().err
    _warehouse(warehouse, corpus, [0] * 12)  # twelve copies of one complaint are one distinct document
    assert pipeline.fit(warehouse=warehouse, root=root)["status"] == "skipped"
    run = pipeline.run(force_refit=True, warehouse=warehouse, root=root)  # what the DAG does: no crash
    assert run["fit"]["status"] == "skipped" and run["assign"]["version"] == kept
    assert {v for _, v, _ in _doc_topics(warehouse)} == {kept}


def test_nothing_substantive_and_no_model_fits_and_writes_nothing(tmp_path, corpus, capsys):
    root = tmp_path / "topics"
    warehouse = _warehouse(tmp_path / "w.duckdb", corpus, (), CHIT_CHAT)
    result = pipeline.run(warehouse=warehouse, root=root)
    assert result["fit"]["status"] == "skipped" and result["fit"]["version"] is None
    assert result["fit"]["set_aside"]["chit_chat"] == len(CHIT_CHAT)
    assert result["assign"] == {"version": None, "doc_topics": 0, "topics": 0}
    err = capsys.readouterr().err
    assert "no substantive documents to fit on and no topic model yet" in err and "nothing written" in err
    # an explicit assign of substantive texts without a model still says what to run
    _warehouse(warehouse, corpus, _rows(2))
    with pytest.raises(FileNotFoundError, match="xe topics fit"):
        pipeline.assign(warehouse=warehouse, root=root)


def test_an_empty_mart_and_no_model_fits_nothing(tmp_path, corpus):
    warehouse = _warehouse(tmp_path / "w.duckdb", corpus, _rows(1))
    con = duckdb.connect(str(warehouse))
    con.execute("delete from marts.fct_interactions")
    con.close()
    result = pipeline.run(warehouse=warehouse, root=tmp_path / "topics")
    assert result["fit"]["status"] == "skipped" and result["fit"]["documents"] == 0
    assert result["assign"]["doc_topics"] == 0
    assert result["fit"]["n_topics"] == 0 and result["fit"]["version"] is None
