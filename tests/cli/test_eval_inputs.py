"""Issue 13, cases 07-tiny-corpus and 08-blank-labels through the real `xe eval` commands.

Kind 5: `xe eval topics` on any corpus of at least one text gives a result (3 texts used to
end in a scipy TypeError inside UMAP; emoji or thanks only in "empty vocabulary").
Kind 6: every `xe eval` command that reads a labelled file checks it before anything is
embedded or fitted: blank texts and labels are dropped and counted on stderr; a missing
column, unusable labels or nothing usable left stop with exit code 2 (and nothing embedded:
the isolated data folder of `ee_env` gets no embedding cache).
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from include.cli import main

#: four themes x three texts, Chinese and English, like case 07's messages_12.csv
MESSAGES = [
    ("包裹五天了还没发出", "logistics"), ("my order has not shipped yet, no tracking number", "logistics"),
    ("快递信息三天没有更新", "logistics"),
    ("退款申请两周了还没到账", "refund"), ("still waiting for my refund after ten days", "refund"),
    ("退货已经寄回，退款什么时候到", "refund"),
    ("结算的时候优惠券用不了", "coupon"), ("the promo code is rejected at checkout", "coupon"),
    ("满减优惠没有算进去", "coupon"),
    ("水杯用了一天就漏水", "quality"), ("the strap broke the first time I used it", "quality"),
    ("裤子洗了一次就褪色", "quality"),
]
#: the subsets of case 07: 3 texts of one theme, one per theme, two themes, all
SHAPES = {3: [0, 1, 2], 4: [0, 3, 6, 9], 6: [0, 1, 2, 3, 4, 5], 12: list(range(12))}


def _csv(path, rows, header=("text", "label")):
    with open(path, "w", newline="", encoding="utf-8") as fh:  # csv's default: Excel-style CRLF rows
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _eval(args, capsys) -> tuple[int, dict | None, str]:
    code = main(["eval", *args, "--json"])
    captured = capsys.readouterr()
    lines = [line for line in captured.out.splitlines() if line.strip()]
    return code, (json.loads(lines[-1]) if code == 0 else None), captured.err


def _nothing_embedded(ee_env) -> bool:
    return not (ee_env / "data" / "embedding_cache").exists()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 12])
def test_eval_topics_gives_a_result_for_any_corpus_size(n, ee_env, capsys):
    rows = [MESSAGES[i] for i in SHAPES.get(n, range(n))]
    path = _csv(ee_env / f"messages_{n}.csv", rows)
    code, result, err = _eval(["topics", "--input", str(path), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 0, err
    assert "Traceback" not in err
    assert result["n_docs"] == n and result["n_topics"] >= 1 and result["outlier_rate"] == 0
    assert result["n_labels"] == len({label for _, label in rows})
    assert result["clustered"] is (n >= 10)
    if n < 10:  # one topic, as production does; the result says the scores measure nothing
        assert result["n_topics"] == 1 and f"only {n} distinct document{'' if n == 1 else 's'} (< min_fit_docs 10)" in result["note"]
    else:
        assert "note" not in result


@pytest.mark.parametrize("texts", [["😊", "👍👍", "🙏", "😡😡", "💩", "😂", "👌👌", "❤️", "🎉", "😭", "🤔", "👍"],
                                   ["谢谢"] * 12], ids=["emoji", "thanks"])
def test_eval_topics_on_a_wordless_corpus_gives_a_result(texts, ee_env, capsys):
    path = _csv(ee_env / "wordless.csv", [(t, "chit_chat" if i % 2 else "thanks") for i, t in enumerate(texts)])
    code, result, err = _eval(["topics", "--input", str(path), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 0, err
    assert "empty vocabulary" not in err and result["n_docs"] == len(texts)
    # emoji-only texts and thanks are chit-chat: set aside as in production, counted, nothing clustered
    assert result["n_set_aside"]["chit_chat"] == len(texts) and result["n_topics"] == 0
    assert result["clustered"] is False and "every text was set aside" in result["note"]


def test_eval_topics_sets_placeholders_aside_as_production_does(ee_env, capsys):
    """Case 10 through `xe eval topics`: marketplace defaults are counted, never the largest topic."""
    rows = (MESSAGES + [(f"{text}，急", label) for text, label in MESSAGES]
            + [("此用户没有填写评价。", "placeholder")] * 30 + [("买家未及时做出评价，系统默认好评！", "placeholder")] * 8)
    path = _csv(ee_env / "reviews_with_defaults.csv", rows)
    code, result, err = _eval(["topics", "--input", str(path), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 0, err
    assert result["n_docs"] == 62 and result["n_set_aside"] == {"chit_chat": 0, "placeholder": 38}
    assert result["clustered"] is True and 1 <= result["n_topics"] <= 24
    # the 38 defaults form their own (reserved) group, so they cannot blur the topics of the 24 complaints
    assert result["purity"] > 0.6


def test_eval_topics_drops_blank_labels_before_embedding_and_says_so(ee_env, capsys):
    """Case 08: 24 labelled texts, two label cells blank (NaN under pandas 3): 22 are evaluated."""
    rows = MESSAGES + [(f"{text}，急", label) for text, label in MESSAGES]
    rows[5] = (rows[5][0], "")
    rows[17] = (rows[17][0], "")
    path = _csv(ee_env / "labelled_sample.csv", rows)
    code, result, err = _eval(["topics", "--input", str(path), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 0, err
    assert "labelled_sample.csv: dropped 2 rows with a blank label" in err
    assert "Input contains NaN" not in err
    assert result["n_docs"] == 22 and result["dropped"] == {"a blank label": 2} and result["n_labels"] == 4


def test_blank_texts_and_whitespace_labels_are_dropped_and_counted(ee_env, capsys):
    rows = [*MESSAGES[:6], ("   ", "logistics"), ("", "refund"), (MESSAGES[6][0], "  "), ("NA", "coupon"),
            ("null", "quality")]
    path = _csv(ee_env / "mixed.csv", rows)
    code, result, err = _eval(["topics", "--input", str(path), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 0, err
    assert "dropped 2 rows with a blank text" in err and "dropped 1 row with a blank label" in err
    assert result["n_docs"] == 8  # "NA" and "null" are texts someone wrote, not missing values
    assert result["dropped"] == {"a blank text": 2, "a blank label": 1}


@pytest.mark.parametrize("command", ["topics", "sentiment"])
def test_nothing_usable_stops_with_exit_2_before_embedding(command, ee_env, capsys):
    path = _csv(ee_env / "unlabelled.csv", [(text, "") for text, _ in MESSAGES])
    code, _, err = _eval([command, "--input", str(path), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 2
    assert "no usable rows" in err and "12 with a blank label" in err
    assert len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    assert _nothing_embedded(ee_env)


@pytest.mark.parametrize("command", ["topics", "sentiment"])
def test_a_missing_label_column_stops_before_embedding(command, ee_env, capsys):
    path = _csv(ee_env / "x.csv", MESSAGES, header=("text", "category"))
    code, _, err = _eval([command, "--input", str(path), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 2 and "['label']" in err and "['text', 'category']" in err
    assert _nothing_embedded(ee_env)


def test_eval_sentiment_drops_blank_labels_and_refuses_unknown_ones_before_embedding(ee_env, capsys):
    rows = [("送餐太慢了，饭都凉了", "negative"), ("很好吃，下次还来", "positive"), ("请问有大码吗", "neutral"),
            ("the parcel arrived broken", ""), ("great service, thank you", " ")]
    path = _csv(ee_env / "sentiment.csv", rows)
    code, result, err = _eval(["sentiment", "--input", str(path), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 0, err
    assert "sentiment.csv: dropped 2 rows with a blank label" in err
    assert result["n"] == 3 and result["dropped"] == {"a blank label": 2} and result["task"] == "three_class"

    bad = _csv(ee_env / "bad.csv", [("送餐太慢了", "bad"), ("很好吃", "good")])
    shutil.rmtree(ee_env / "data" / "embedding_cache", ignore_errors=True)
    code, _, err = _eval(["sentiment", "--input", str(bad), "--text-col", "text", "--label-col", "label"], capsys)
    assert code == 2 and "bad.csv, column 'label'" in err and "['bad', 'good']" in err
    assert _nothing_embedded(ee_env)


def test_eval_sentiment_checks_the_training_input_before_fitting(ee_env, capsys):
    train = _csv(ee_env / "train.csv", [("送餐太慢了", "1"), ("很好吃", ""), ("还行吧", "three"), ("非常满意", "5")],
                 header=("text", "stars"))
    test = _csv(ee_env / "test.csv", [("送餐太慢了，饭都凉了", "negative"), ("很好吃，下次还来", "positive")])
    args = ["sentiment", "--input", str(test), "--text-col", "text", "--label-col", "label", "--rating-col", "stars"]
    code, result, err = _eval([*args, "--train-input", str(train), "--min-rated", "2"], capsys)
    assert code == 0, err
    assert "training input train.csv: dropped 1 row with a blank label" in err
    assert "dropped 1 row whose 'stars' is not a rating on the 1-5 scale" in err
    assert result["n"] == 2

    # a training file without the column, or without one usable rating, stops before anything is fitted or embedded
    shutil.rmtree(ee_env / "data" / "embedding_cache", ignore_errors=True)
    no_ratings = _csv(ee_env / "no_ratings.csv", [("送餐太慢了", "bad"), ("很好吃", "")], header=("text", "stars"))
    for train_file, message in ((test, "['stars'] not in"), (no_ratings, "no value of 'stars' is a rating")):
        code, _, err = _eval([*args, "--train-input", str(train_file)], capsys)
        assert code == 2 and message in err, err
        assert _nothing_embedded(ee_env)


def test_eval_sentiment_holdout_fits_on_the_rest_and_scores_only_the_held_out_rows(ee_env, capsys):
    from ml.evaluation.sentiment import holdout_mask

    good = ["很好吃，下次还来", "送得很快，味道不错", "分量足，好评", "great food, fast delivery", "包装很好，很满意"]
    bad = ["送餐太慢了，饭都凉了", "太咸了，难吃", "少送了一份，差评", "cold and late, never again", "骑手态度很差"]
    rows = [(f"{t} {i}", "1") for i in range(12) for t in good] + [(f"{t} {i}", "0") for i in range(12) for t in bad]
    path = _csv(ee_env / "reviews.csv", rows)
    held = int(holdout_mask([t for t, _ in rows], 0.2).sum())
    args = ["sentiment", "--input", str(path), "--text-col", "text", "--label-col", "label"]
    code, result, err = _eval([*args, "--holdout-share", "0.2", "--min-rated", "20"], capsys)
    assert code == 0, err
    assert result["n"] == held and 0 < held < len(rows)
    assert result["split"] == "held out by text hash (20%)" and result["train_split"] == "rest of reviews.csv"
    assert result["task"] == "binary" and result["model"] != "base"
    # --holdout-share is its own split: it refuses --split (exit 2)
    code, _, err = _eval([*args, "--holdout-share", "0.2", "--split", "test"], capsys)
    assert code == 2 and "--holdout-share" in err
