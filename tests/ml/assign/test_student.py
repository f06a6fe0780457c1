"""The static student: learns its targets, saves/loads; fast and balanced assignment agree with accurate."""

from __future__ import annotations

import numpy as np
import pytest

from ml.assign.student import StaticStudent, student_tokens


def test_tokens_are_words_han_characters_and_pairs():
    assert student_tokens("Card refund 退款") == ["card", "refund", "退", "款", "card refund", "refund 退", "退 款"]
    assert student_tokens("") == []


def _toy(n=400, seed=0):
    """Texts whose target direction is decided by which keyword they contain."""
    rng = np.random.default_rng(seed)
    words = ["refund", "delivery", "退款", "物流"]
    directions = np.eye(4, 8, dtype=np.float32)
    texts, targets = [], []
    for i in range(n):
        k = i % 4
        filler = " ".join(rng.choice(["please", "today", "my", "order", "快", "点"], size=3))
        texts.append(f"{filler} {words[k]} {filler}")
        targets.append(directions[k])
    return texts, np.vstack(targets)


def test_student_learns_keyword_directions_and_round_trips(tmp_path):
    texts, targets = _toy()
    student = StaticStudent.fit(texts, [targets], dim=16, epochs=150, seed=1)
    (pred,) = student.encode(["where is my delivery", "我的退款呢"])
    assert pred.shape == (2, 8)
    assert int(pred[0].argmax()) == 1 and int(pred[1].argmax()) == 2
    student.save(tmp_path)
    again = StaticStudent.load(tmp_path)
    np.testing.assert_allclose(again.encode(texts[:5])[0], student.encode(texts[:5])[0], rtol=1e-5, atol=1e-6)
    (tmp_path / "none").mkdir()
    assert StaticStudent.load(tmp_path / "none") is None


def test_same_seed_same_student():
    texts, targets = _toy(200)
    a = StaticStudent.fit(texts, [targets], dim=8, epochs=3, seed=5).encode(texts[:10])[0]
    b = StaticStudent.fit(texts, [targets], dim=8, epochs=3, seed=5).encode(texts[:10])[0]
    np.testing.assert_array_equal(a, b)


def test_text_without_known_tokens_still_gets_a_unit_vector():
    texts, targets = _toy(200)
    (pred,) = StaticStudent.fit(texts, [targets], dim=8, epochs=2).encode(["", "§§§"])
    np.testing.assert_allclose(np.linalg.norm(pred, axis=1), 1.0, rtol=1e-5)


def test_no_tokens_gives_clear_error():
    with pytest.raises(ValueError, match="no tokens"):
        StaticStudent.fit(["!!!", "..."], [np.ones((2, 3), dtype=np.float32)])


def test_fast_assignment_agrees_with_accurate(tmp_path, corpus, embeddings, config):
    from ml.assign.modes import assign_documents
    from ml.topics.lifecycle import fit_version
    from ml.topics.store import load_version

    texts, _ = corpus
    result = fit_version(texts, config, root=tmp_path, embeddings=embeddings)
    assert result.version.metrics["student_agreement"] >= 0.8
    version = load_version(root=tmp_path)
    assert version.student is not None and version.student_centroids.shape[0] == len(version.topic_ids)
    accurate = assign_documents(texts, version)
    fast = assign_documents(texts, version, mode="fast")
    agreement = float(np.mean(accurate.topic_ids == fast.topic_ids))
    assert agreement >= 0.8, f"fast assignment agrees on only {agreement:.0%}"
    same_sign = np.mean(np.sign(accurate.sentiment_scores) == np.sign(fast.sentiment_scores))
    assert same_sign >= 0.7
    with pytest.raises(ValueError, match="unknown assignment mode"):
        assign_documents(texts[:2], version, mode="turbo")


def test_balanced_assignment_is_exact_where_it_embeds_and_close_elsewhere(tmp_path, corpus, embeddings, config):
    from ml.assign.modes import assign_documents
    from ml.language import detect_language
    from ml.topics.lifecycle import fit_version
    from ml.topics.store import load_version

    texts, _ = corpus
    fit_version(texts, config, root=tmp_path, embeddings=embeddings)
    version = load_version(root=tmp_path)
    assert version.embedding_spec.startswith("hybrid")
    accurate = assign_documents(texts, version)
    balanced = assign_documents(texts, version, mode="balanced")
    # USE is always computed: sentiment is exactly accurate's
    np.testing.assert_allclose(balanced.sentiment_scores, accurate.sentiment_scores)
    # Chinese rows are exact [0, USE] vectors: same topics; English rows are mostly the same
    chinese = np.array([detect_language(t) == "zh" for t in texts])
    assert chinese.any() and (~chinese).any()
    np.testing.assert_array_equal(balanced.topic_ids[chinese], accurate.topic_ids[chinese])
    assert np.mean(balanced.topic_ids == accurate.topic_ids) >= 0.95
    assert 0 <= balanced.escalated <= int((~chinese).sum())
    # a margin above every possible one escalates every predicted row: identical to accurate
    version.metrics["balanced_margin"] = 3.0
    everything = assign_documents(texts, version, mode="balanced")
    assert everything.escalated == int((~chinese).sum())
    np.testing.assert_array_equal(everything.topic_ids, accurate.topic_ids)


def test_calibrated_margin_meets_the_target_with_fewest_escalations():
    from ml.assign.modes import calibrate_margin

    centroids = np.eye(2, dtype=np.float32)
    # margins 0.1 .. 1.0; the two smallest-margin rows are predicted wrongly (exact says topic 1)
    sims0 = np.linspace(0.55, 1.0, 10)
    vectors = np.stack([sims0, 1 - sims0], axis=1).astype(np.float32)
    exact = np.zeros(10, dtype=int)
    exact[:2] = 1
    predicted = np.ones(10, dtype=bool)
    result = calibrate_margin(vectors, predicted, exact, centroids, target=1.0)
    assert result["balanced_escalation"] == 0.2 and result["balanced_agreement"] == 1.0
    loose = calibrate_margin(vectors, predicted, exact, centroids, target=0.8)
    assert loose["balanced_escalation"] == 0.0 and loose["balanced_agreement"] == 0.8
    none_predicted = calibrate_margin(vectors, np.zeros(10, dtype=bool), exact, centroids, target=0.99)
    assert none_predicted["balanced_escalation"] == 0.0
