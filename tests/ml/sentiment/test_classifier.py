"""The learned sentiment head: behaviour on made-up texts, persistence, distant supervision."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ml.sentiment import CLASSES, SentimentClassifier, default_model, fit_from_ratings, ratings_to_labels
from ml.sentiment.classifier import BASE_HEAD, SEED_SENTENCES, file_sha256, seed_sentences
from ml.sentiment.cues import CUE_NAMES, cue_vector, opinion_counts

#: /work/shared/cases/ingestion-and-voice/09-emoji-sentiment/emoji_messages.csv (made-up, 20 rows), 1 = positive
EMOJI_MESSAGES = [
    ("👍", 1), ("👍👍👍", 1), ("😊", 1), ("❤️", 1), ("🥰🥰", 1), ("👌", 1), ("🙏谢谢", 1), ("好评👍", 1), ("赞👍👍", 1),
    ("🌹🌹🌹", 1), ("😡", 0), ("😡😡😡", 0), ("👎", 0), ("💩", 0), ("😤😤", 0), ("😭😭😭", 0), ("🤬", 0), ("差评👎", 0),
    ("无语😓", 0), ("🙄🙄", 0),
]


@pytest.fixture(scope="module")
def model() -> SentimentClassifier:
    return default_model()


def labels_of(model, texts):
    return [r.label for r in model.predict(texts)]


def test_shipped_weights_were_trained_on_the_shipped_seed_file():
    meta = json.loads(BASE_HEAD.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["seed_sha256"] == file_sha256(SEED_SENTENCES), "re-run `xe sentiment train`"
    assert meta["kind"] == "base" and meta["cues"] == list(CUE_NAMES)
    texts, labels = seed_sentences()
    assert len(texts) >= 900 and set(labels) == set(CLASSES)


def test_emoji_and_kaomoji_carry_sentiment(model):
    texts = [t for t, _ in EMOJI_MESSAGES]
    scores = model.scores(texts)
    wrong = [(t, round(float(s), 3)) for (t, y), s in zip(EMOJI_MESSAGES, scores, strict=True) if (s > 0) != bool(y)]
    assert not wrong, f"emoji messages scored on the wrong side: {wrong}"
    assert labels_of(model, ["👍", "😊", "❤️", "😡", "👎", "💩"]) == ["positive"] * 3 + ["negative"] * 3
    assert labels_of(model, ["收到了 (^_^)", "又坏了 T_T"]) == ["positive", "negative"]


def test_a_text_with_nothing_to_read_is_neutral(model):
    """A verifier's finding (stop 27): "&" scored +0.70, "#" -0.89, "-" -0.50 (the vector of a lone symbol)."""
    texts = ["&", "#", "-", "？？", "!!!", "...", "~", ""]
    assert labels_of(model, texts) == ["neutral"] * len(texts)
    assert [float(s) for s in model.scores(texts)] == [0.0] * len(texts)
    # emoji and kaomoji with a polarity still speak
    assert labels_of(model, ["👍", "😡", "(￣へ￣)"]) == ["positive", "negative", "negative"]


def test_questions_requests_and_greetings_are_neutral(model):
    texts = ["请问有没有大码", "帮我查一下物流", "这个多少钱", "一共多少钱？", "能不能改地址", "你好", "转人工",
             "how much is the deposit?", "can I change the address?", "Is there a vegetarian option?",
             "where is my order?", "hello"]
    assert labels_of(model, texts) == ["neutral"] * len(texts)


def test_opinions_in_both_languages(model):
    texts = ["送餐太慢了，饭菜都凉了，再也不点了", "味道很好，送得也快，好评", "terrible service, my refund never arrived",
             "great quality, fast delivery, very happy", "谢谢，问题解决了", "thanks a lot!"]
    assert labels_of(model, texts) == ["negative", "positive", "negative", "positive", "positive", "positive"]


def test_negation(model):
    assert labels_of(model, ["不好吃", "好吃", "not bad", "not good", "一点都不新鲜"]) == [
        "negative", "positive", "positive", "negative", "negative"]
    assert opinion_counts("不好吃")[1] == 1 and opinion_counts("好吃")[0] == 1
    assert opinion_counts("not bad") == (1, 0, 1)


def test_negated_help_is_negative_and_a_not_a_questions_are_neutral(model):
    # none of these is a seed sentence: negated helpfulness ("not helpful" scored +0.92 before
    # stop 29) and the A-not-A question form (是不是 / 能不能 / 在不在)
    assert labels_of(model, ["this answer is not helpful", "your support was not helpful", "对我没有帮助",
                             "完全没有帮助", "very helpful agent", "非常有用"]) == ["negative"] * 4 + ["positive"] * 2
    assert labels_of(model, ["是不是正品", "能不能便宜点", "在不在呀"]) == ["neutral"] * 3
    assert cue_vector("在不在")[CUE_NAMES.index("question")] == 1.0
    assert cue_vector("不好")[CUE_NAMES.index("question")] == 0.0


def test_cue_words_are_tokens_not_substrings():
    assert opinion_counts("请问这个多少钱") == (0, 0, 0)  # 少 inside 多少
    assert opinion_counts("my badge number") == (0, 0, 0)  # bad inside badge
    assert cue_vector("订单发货了吗？")[CUE_NAMES.index("question")] == 1.0


def test_scores_labels_and_arrays_agree(model):
    texts = ["很好", "很差", "请问几点关门", "", None]
    labels, scores = model.predict_arrays(texts)
    results = model.predict(texts)
    assert [r.label for r in results] == list(labels)
    assert np.allclose([r.score for r in results], scores) and np.all(np.abs(scores) <= 1)
    proba = model.predict_proba(texts)
    assert proba.shape == (5, 3) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    assert np.allclose(scores, proba[:, 2] - proba[:, 0], atol=1e-6)
    assert model.predict_arrays([])[1].shape == (0,)


def test_embeddings_of_the_wrong_shape_are_refused(model):
    with pytest.raises(ValueError, match="embeddings of shape"):
        model.predict(["a", "b"], np.zeros((1, 512), dtype=np.float32))


def test_save_load_round_trip(model, tmp_path):
    path = model.save(tmp_path / "head" / "sentiment")
    assert path.suffix == ".npz" and path.with_suffix(".json").exists()
    loaded = SentimentClassifier.load(tmp_path / "head" / "sentiment", embedder=model.embedder)
    for name in ("coef", "intercept", "mean", "scale"):
        assert np.array_equal(getattr(loaded, name), getattr(model, name))
    texts = ["很好吃", "how do I return it?", "😡"]
    assert np.array_equal(loaded.scores(texts), model.scores(texts))
    meta = json.loads(path.with_suffix(".json").read_text())
    meta["cues"] = meta["cues"][:-1]
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="re-train"):
        SentimentClassifier.load(path)


def test_ratings_to_labels_on_stars_and_nps():
    got = ratings_to_labels([1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10, None, 11], [5] * 5 + [10] * 8)
    assert list(got) == ["negative", "negative", "neutral", "positive", "positive", "negative", "negative",
                         "neutral", "neutral", "positive", "positive", None, None]


def test_fit_from_ratings_below_the_minimum_returns_the_base(model):
    texts = ["很好", "很差", "一般"] * 10
    assert fit_from_ratings(texts, [5, 1, 3] * 10, 5, base=model) is model
    assert fit_from_ratings(texts, [5, 3, 5] * 10, 5, base=model, min_rated=3) is model  # no negative rating
    assert fit_from_ratings(texts, [1, 3, 1] * 10, 5, base=model, min_rated=3) is model  # no positive rating


def test_fit_from_ratings_trains_a_warehouse_head(model, tmp_path):
    texts, labels = seed_sentences()
    texts, labels = texts[::4], labels[::4]
    stars = [{"negative": 1, "neutral": 3, "positive": 5}[y] for y in labels]
    head = fit_from_ratings(texts, stars, 5, base=model, min_rated=100)
    assert head is not model and head.kind == "warehouse-fitted" and head.meta["n_rated"] == len(texts)
    assert labels_of(head, ["请问有没有大码", "太难吃了", "非常满意"]) == ["neutral", "negative", "positive"]
    again = SentimentClassifier.load(head.save(tmp_path / "s"))
    assert again.kind == "warehouse-fitted"
