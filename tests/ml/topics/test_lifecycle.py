"""Versioned models: stable ids across refits, emerging/vanished flags, label overrides."""

from __future__ import annotations

import numpy as np
import pytest

from ml.topics.lifecycle import match_topics
from ml.topics.store import apply_overrides, load_label_overrides, load_version


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_match_topics_keeps_ids_and_issues_new_ones():
    old = _unit([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    new = _unit([[0, 1, 0.1], [1, 0.05, 0], [1, 1, 1]])
    ids, matched = match_topics(new, old, [7, 3, 9], next_id=10, threshold=0.9)
    assert ids[:2] == [3, 7]
    assert ids[2] == 10 and matched[2] is None


def test_match_topics_without_history_numbers_from_next_id():
    ids, matched = match_topics(_unit([[1, 0], [0, 1]]), np.zeros((0, 2)), [], next_id=0, threshold=0.5)
    assert ids == [0, 1] and set(matched.values()) == {None}


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory, corpus, embeddings, config):
    """Fit v1 on 80 % of the corpus and v2 on an overlapping 80 % (ids must carry over)."""
    from ml.topics.lifecycle import fit_version

    root = tmp_path_factory.mktemp("topics")
    texts, _ = corpus
    n = len(texts)
    rows1 = np.array([i for i in range(n) if i % 5 != 0])
    rows2 = np.array([i for i in range(n) if i % 5 != 1])
    v1 = fit_version([texts[i] for i in rows1], config, root=root, embeddings=embeddings[rows1])
    v2 = fit_version([texts[i] for i in rows2], config, root=root, embeddings=embeddings[rows2])
    return root, rows1, rows2, v1, v2


def test_ids_stable_across_refit_on_overlapping_data(two_versions):
    _, rows1, rows2, v1, v2 = two_versions
    common = np.intersect1d(rows1, rows2)
    id1 = dict(zip(rows1, v1.topic_ids, strict=True))
    id2 = dict(zip(rows2, v2.topic_ids, strict=True))
    same = np.mean([id1[i] == id2[i] for i in common])
    assert same >= 0.8, f"only {same:.0%} of shared documents kept their topic id"
    assert v2.version.params["previous_version"] == v1.version.version


def test_saved_version_loads_and_latest_points_to_it(two_versions):
    root, _, _, _, v2 = two_versions
    loaded = load_version(root=root)
    assert loaded.version == v2.version.version
    np.testing.assert_allclose(loaded.centroids, v2.version.centroids)
    assert (loaded.path / "bertopic").exists()
    assert {"n_topics", "total_seconds"} <= set(loaded.metrics)
    statuses = {r["status"] for r in loaded.topics}
    assert statuses <= {"active", "emerging", "vanished"}
    live = [r for r in loaded.topics if r["status"] != "vanished"]
    assert sorted(r["topic_id"] for r in live) == sorted(loaded.topic_ids)


def test_bertopic_model_loads_from_safetensors(two_versions):
    from ml.topics.store import load_bertopic

    model = load_bertopic(load_version(root=two_versions[0]))
    assert len(model.get_topic_info()) >= 1


def test_label_overrides_survive_refit(two_versions, tmp_path):
    _, _, _, v1, v2 = two_versions
    kept = sorted(set(v1.version.topic_ids) & set(v2.version.topic_ids))
    assert kept, "a refit on overlapping data keeps at least one id"
    overrides_file = tmp_path / "label_overrides.yml"
    overrides_file.write_text(f"{kept[0]}: Late deliveries\n{kept[-1]}:\n  label: Refunds\n  service_element: after_sales\n")
    overrides = load_label_overrides(overrides_file)
    for version in (v1.version, v2.version):
        rows = {r["topic_id"]: r for r in apply_overrides(version.topics, overrides)}
        assert rows[kept[0]]["label"] == "Late deliveries"
        assert rows[kept[-1]]["service_element"] == "after_sales"


def test_bad_override_file_gives_clear_error(tmp_path):
    path = tmp_path / "label_overrides.yml"
    path.write_text("abc: x\n")
    with pytest.raises(ValueError, match="not an integer"):
        load_label_overrides(path)
    assert load_label_overrides(tmp_path / "missing.yml") == {}


def test_vanished_topics_are_flagged(tmp_path, corpus, embeddings, config):
    """Refit on a corpus without one theme: that theme's topics are listed as vanished."""
    from ml.topics.lifecycle import fit_version

    texts, themes = corpus
    first = fit_version(texts, config, root=tmp_path, embeddings=embeddings)
    keep = np.array([i for i, t in enumerate(themes) if t != "payment"])
    second = fit_version([texts[i] for i in keep], config, root=tmp_path, embeddings=embeddings[keep])
    payment_ids = {int(t) for t, th in zip(first.topic_ids, themes, strict=True) if th == "payment"}
    vanished = {r["topic_id"] for r in second.version.topics if r["status"] == "vanished"}
    assert vanished & payment_ids
    assert not vanished & set(second.version.topic_ids)


def test_a_version_saves_and_loads_its_sentiment_head(tmp_path):
    from ml.sentiment.classifier import BASE_HEAD, SentimentClassifier
    from ml.topics.config import TopicConfig
    from ml.topics.store import TopicVersion, save_version

    head = SentimentClassifier.load(BASE_HEAD)
    head.meta["channels"] = ["review"]
    version = TopicVersion(version="v20261201T000000Z", config=TopicConfig(), embedding_spec="usem3", topic_ids=[0],
                           centroids=np.ones((1, 4), dtype=np.float32) / 2, topics=[{"topic_id": 0}],
                           sentiment_head=head)
    folder = save_version(version, None, tmp_path)
    assert (folder / "sentiment_head.npz").exists() and (folder / "sentiment_head.json").exists()
    loaded = load_version(root=tmp_path).sentiment_head
    assert loaded is not None and loaded.meta["channels"] == ["review"]
    assert np.array_equal(loaded.coef, head.coef) and np.array_equal(loaded.mean, head.mean)
    version.sentiment_head = None  # a version without a head (or saved before heads) loads with None
    save_version(version, None, tmp_path / "plain")
    assert load_version(root=tmp_path / "plain").sentiment_head is None
