"""The lexical half of warehouse-fitted heads, and the hash-chosen held-out split."""

from __future__ import annotations

import numpy as np
import pytest

from ml.evaluation.sentiment import evaluate_holdout, fit_from_labelled, holdout_mask
from ml.sentiment import CLASSES, SentimentClassifier, default_model, fit_from_ratings
from ml.sentiment.classifier import HeadParams, seed_sentences
from ml.sentiment.lexical import LexicalModel, fit_lexical, tokens


def test_tokens_cover_both_languages_and_emoji():
    got = tokens("送餐太慢了 not worth it 👍")
    assert {"not", "worth", "not worth", "太慢", "#慢了", "#送餐太", "👍"} <= set(got)
    assert "#慢了了" not in got and tokens("") == [] and tokens(None) == []


def test_long_texts_are_read_at_both_ends():
    text = "好" * 50 + "中" * 1000 + "差评"
    got = set(tokens(text))
    assert "#差评" in got and "#好好" in got
    assert tokens(text) == tokens("好" * 50 + "中" * 142 + "\n" + "中" * 94 + "差评")


def test_transform_matches_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["很好吃，好评", "太难吃了，差评", "一般般吧", "great food, fast", "awful, cold food", "great but cold",
             "好吃 great", "差评 awful", "一般 ok", "ok ok 一般"]
    labels = ["positive", "negative", "neutral", "positive", "negative", "neutral", "positive", "negative", "neutral",
              "neutral"]
    model = fit_lexical(texts, labels)
    reference = TfidfVectorizer(analyzer=tokens, sublinear_tf=True, min_df=2).fit(texts)
    new = ["好吃好吃 great great", "cold 差评 ???", "nothing known here"]
    ours = model.transform(new).toarray()
    theirs = reference.transform(new).toarray()[:, [reference.vocabulary_[t] for t in model.vocabulary]]
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert not ours[2].any()  # unknown words: an all-zero row, probabilities from the intercepts alone
    p = model.predict_proba(new)
    assert p.shape == (3, 3) and np.allclose(p.sum(axis=1), 1)
    assert CLASSES[int(np.argmax(p[0]))] == "positive" and CLASSES[int(np.argmax(p[1]))] == "negative"


def test_lexical_model_refuses_inconsistent_shapes():
    with pytest.raises(ValueError, match="inconsistent"):
        LexicalModel(["a", "b"], np.ones(2), np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="every class"):
        fit_lexical(["好", "好", "差", "差"], ["positive", "positive", "negative", "negative"])


@pytest.fixture(scope="module")
def merchant_reviews():
    """Made-up reviews of a battery shop: 漏液 ('leaks') and 'drains' are this merchant's complaint words."""
    rng = np.random.default_rng(5)
    bad = ["电池漏液了", "收到就漏液", "用了两天漏液", "漏液，电器都坏了", "it drains overnight", "drains in a day",
           "battery drains fast", "漏液严重"]
    good = ["电量足，耐用", "很耐用，好评", "比原装还耐用", "用了半年还很足", "lasts for months", "holds charge well",
            "long lasting, great", "耐用，回购"]
    mid = ["还行吧，一般", "一般般", "普通电池", "it's ok", "average battery", "nothing special"]
    texts, stars = [], []
    for _ in range(40):
        for pool, star in ((bad, 1), (good, 5), (mid, 3)):
            text = pool[rng.integers(len(pool))]
            texts.append(f"{text}{'。' * int(rng.integers(0, 3))}")
            stars.append(star)
    return texts, stars


def test_warehouse_head_learns_the_merchants_words(merchant_reviews, tmp_path):
    texts, stars = merchant_reviews
    base = default_model()
    with_lexical = fit_from_ratings(texts, stars, 5, base=base, min_rated=100)
    without = fit_from_ratings(texts, stars, 5, base=base, min_rated=100, params=HeadParams(lexical_weight=0))
    assert with_lexical.lexical is not None and without.lexical is None
    unseen = ["又漏液了", "this one drains too"]  # unseen sentences with the merchant's complaint words
    assert [r.label for r in with_lexical.predict(unseen)] == ["negative", "negative"]
    lexical_alone = with_lexical.lexical.predict_proba(unseen)
    assert [CLASSES[i] for i in lexical_alone.argmax(axis=1)] == ["negative", "negative"]
    # questions stay neutral: the seed sentences are in both halves' training data
    assert [r.label for r in with_lexical.predict(["请问有没有大码", "how much is the deposit?"])] == ["neutral"] * 2
    again = SentimentClassifier.load(with_lexical.save(tmp_path / "fitted"), embedder=with_lexical.embedder)
    assert again.lexical is not None and np.array_equal(again.lexical.vocabulary, with_lexical.lexical.vocabulary)
    probe = unseen + ["很耐用", "一般"]
    np.testing.assert_allclose(again.predict_proba(probe), with_lexical.predict_proba(probe), atol=1e-6)


def test_binary_labels_fit_a_head_whose_neutral_comes_from_the_seed_sentences(merchant_reviews):
    texts, stars = merchant_reviews
    rows = [i for i, s in enumerate(stars) if s != 3]
    head = fit_from_labelled([texts[i] for i in rows], labels=[int(stars[i] == 5) for i in rows], min_rated=50)
    assert head.kind == "warehouse-fitted" and head.meta["rated_counts"]["neutral"] == 0
    assert head.meta["train_counts"]["neutral"] == sum(y == "neutral" for y in seed_sentences()[1])
    assert [r.label for r in head.predict(["漏液", "很耐用", "请问几点发货"])] == ["negative", "positive", "neutral"]


def test_holdout_mask_depends_on_the_text_only():
    texts = [f"review number {i}" for i in range(5000)]
    mask = holdout_mask(texts, 0.2)
    assert 0.18 < mask.mean() < 0.22
    shuffled = list(reversed(texts))
    assert np.array_equal(holdout_mask(shuffled, 0.2), mask[::-1])
    doubled = holdout_mask(texts[:10] * 2, 0.5)
    assert np.array_equal(doubled[:10], doubled[10:])  # duplicates never cross the split
    assert (holdout_mask(texts, 0.1) <= holdout_mask(texts, 0.3)).all()  # a larger share only adds rows
    with pytest.raises(ValueError, match="share"):
        holdout_mask(texts, 1.0)


def test_evaluate_holdout_reports_the_held_out_rows(merchant_reviews):
    texts, stars = merchant_reviews
    texts = [f"{t} #{i}" for i, t in enumerate(texts)]  # distinct texts so the split is by row
    labels = [{1: "negative", 3: "neutral", 5: "positive"}[s] for s in stars]
    result = evaluate_holdout(texts, labels, share=0.25, min_rated=50)
    held = holdout_mask(texts, 0.25)
    assert result["n_holdout"] == held.sum() == result["fitted"]["n"] == result["base"]["n"]
    assert result["n_train"] == len(texts) - held.sum()
    assert result["fitted"]["model"] == "warehouse-fitted" and result["base"]["model"] == "base"
    assert result["fitted"]["accuracy"] > result["base"]["accuracy"]


def test_holdout_cli_prints_fitted_and_base_figures(merchant_reviews, tmp_path, capsys):
    import csv
    import json

    from include.cli import main

    texts, stars = merchant_reviews
    path = tmp_path / "reviews.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["review", "label"])
        writer.writerows((f"{t} #{i}", int(s == 5)) for i, (t, s) in enumerate(zip(texts, stars, strict=True)) if s != 3)
    assert main(["sentiment", "holdout", "--input", str(path), "--text-col", "review", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["fitted"]["model"] == "base"  # 80 texts < MIN_RATED: nothing fitted, and the output says so
    args = ["sentiment", "holdout", "--input", str(path), "--text-col", "review", "--min-rated", "50", "--json"]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["fitted"]["task"] == "binary" and result["fitted"]["model"] == "warehouse-fitted"
    assert result["n_train"] + result["n_holdout"] == 80 and result["split"].startswith("held out by text hash")
    bad = tmp_path / "bad.csv"
    bad.write_text("review,label\n" + "".join(f"t{i},maybe\n" for i in range(30)), encoding="utf-8")
    assert main(["sentiment", "holdout", "--input", str(bad), "--text-col", "review"]) == 2
