"""Set-aside texts through the topic engine: reserved ids, never a topic, placeholders never negative."""

from __future__ import annotations

import numpy as np
import pytest

from ml.pipeline.jobs import SET_ASIDE_TOPICS, assign_with_set_aside

# shared case 10-placeholder-reviews (made-up texts): marketplace defaults among real complaints
PLACEHOLDERS = ["此用户没有填写评价。", "This user did not leave a review", "买家未及时做出评价，系统默认好评！"]
CHIT_CHAT = ["好的谢谢！！", "亲，在吗~", "转人工", "👍👍"]
COMPLAINTS = ["快递三天了还没发货", "退款被拒绝了不合理", "the parcel never arrived and nobody answers"]


@pytest.mark.slow
def test_set_aside_texts_get_reserved_ids_and_placeholders_stay_neutral(corpus, tmp_path):
    from ml.topics import TopicConfig, fit_version, load_version

    fit_version(corpus[0], TopicConfig(seed=42, student_epochs=0), root=tmp_path)
    version = load_version(root=tmp_path)
    texts = PLACEHOLDERS + CHIT_CHAT + COMPLAINTS
    result = assign_with_set_aside(texts, version)
    classes = list(result.voice_classes)
    assert classes == ["placeholder"] * 3 + ["chit_chat"] * 4 + ["substantive"] * 3
    ids = np.asarray(result.topic_ids)
    assert set(ids[:3]) == {SET_ASIDE_TOPICS["placeholder"]["topic_id"]}
    # one reserved id per chit-chat kind: thanks, greeting, request for a human, emoji only
    assert list(ids[3:7]) == [SET_ASIDE_TOPICS[k]["topic_id"] for k in ("thanks", "greeting", "request_human", "chit_chat")]
    assert (ids[7:] >= 0).all() and set(ids[7:]) <= set(version.topic_ids)
    assert result.sentiment_labels[:3] == ["neutral"] * 3 and not np.asarray(result.sentiment_scores[:3]).any()
    assert result.sentiment_labels[3] == "positive"  # thanks keep their sentiment
    assert all(label == "negative" for label in result.sentiment_labels[7:])


def test_reserved_topic_ids_per_kind_and_class():
    from ml.pipeline.jobs import reserved_topic_ids, voice_kinds

    texts = ["你好", "再见", "thank you so much", "ok got it", "human agent please", "😂😂", "此用户没有填写评价。",
             "快递三天了还没发货"]
    classes, kinds = voice_kinds(texts)
    ids = reserved_topic_ids(classes, kinds)
    assert list(ids) == [-3, -4, -5, -6, -7, -1, -2, 0]
    assert len({v["topic_id"] for v in SET_ASIDE_TOPICS.values()}) == len(SET_ASIDE_TOPICS)  # no id reused
    # without kinds every chit-chat text shares the class id
    assert list(reserved_topic_ids(classes)) == [-1] * 6 + [-2, 0]
    # a kind of another class never moves a text off its class id
    assert list(reserved_topic_ids(np.array(["placeholder"], dtype=object), np.array(["thanks"], dtype=object))) == [-2]
    with pytest.raises(ValueError, match="kinds"):
        reserved_topic_ids(classes, kinds[:2])


def test_greetings_goodbyes_and_requests_for_a_human_are_neutral_unless_an_emoji_says_otherwise():
    from ml.pipeline.jobs import neutralise_opinion_free, voice_kinds

    texts = ["客服在不在", "bye", "转人工", "你好😡😡", "好的谢谢", "快递丢了"]
    _, kinds = voice_kinds(texts)
    labels = np.array(["negative", "positive", "negative", "negative", "positive", "negative"], dtype=object)
    scores = np.array([-0.5, 0.4, -0.3, -0.6, 0.9, -0.8])
    neutralise_opinion_free(labels, scores, kinds, texts)
    assert labels.tolist() == ["neutral", "neutral", "neutral", "negative", "positive", "negative"]
    assert scores.tolist() == [0.0, 0.0, 0.0, -0.6, 0.9, -0.8]
