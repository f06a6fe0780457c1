"""Customers across platforms, languages and variety of the customer voice."""

from __future__ import annotations

import re
from collections import defaultdict

from include.demo.people import normalise_phone, phone_hash
from include.demo.phrases import SUB_INTENTS


def test_phone_hash_normalises_formats():
    assert phone_hash("+86 138-0013-8000") == phone_hash("13800138000") == phone_hash("0086 13800138000")
    assert normalise_phone("+86 138 0013 8000") == "13800138000"
    assert re.fullmatch(r"[0-9a-f]{64}", phone_hash("13800138000"))


def test_customers_share_phone_hash_across_platforms(signal_rows):
    accounts = signal_rows["customer_accounts"].rows
    by_phone: dict[str, list] = defaultdict(list)
    for a in accounts:
        if a.phone_hash:
            by_phone[a.phone_hash].append(a)
    multi = [group for group in by_phone.values() if len(group) > 1]
    assert len(multi) > 0.2 * len(by_phone)
    for group in multi:
        assert len({a.platform for a in group}) == len(group)
        assert len({a.platform_user_id for a in group}) == len(group)
    assert any(len(g) == 3 for g in multi)
    missing = sum(a.phone_hash is None for a in accounts) / len(accounts)
    assert 0.02 < missing < 0.15


def test_languages_and_sentiment(signal_run):
    labels = signal_run.voice_labels()
    share = labels.language.value_counts(normalize=True)
    assert 0.68 < share["zh"] < 0.82 and 0.14 < share["en"] < 0.26 and 0.02 < share["mixed"] < 0.09
    assert set(labels.sentiment) == {"positive", "neutral", "negative"}
    zh = labels[labels.language == "zh"].text
    en = labels[labels.language == "en"].text
    assert zh.str.contains(r"[\u4e00-\u9fff]").mean() > 0.99
    assert en.str.contains(r"[\u4e00-\u9fff]").mean() < 0.2  # English posts may name a Chinese province


def test_voice_labels_cover_the_taxonomy(signal_run):
    labels = signal_run.voice_labels()
    assert set(labels.service_element) == {"promotion", "product_consultation", "payment", "logistics",
                                           "after_sales", "product_quality", "account", "other"}
    assert labels.sub_intent.nunique() >= 35
    assert len(SUB_INTENTS) >= 35
    assert labels.record_id.is_unique


def test_voice_labels_match_the_files(signal_run, signal_rows):
    labels = signal_run.voice_labels()
    texts = {m.message_id: m.text for m in signal_rows["cs_messages"].rows if m.sender_role == "customer"}
    texts |= {r.review_id: r.text for r in signal_rows["reviews"].rows if r.text}
    texts |= {n.response_id: n.verbatim for n in signal_rows["nps_responses"].rows if n.verbatim}
    texts |= {m.mention_id: m.text for m in signal_rows["social_mentions"].rows}
    assert set(labels.record_id) == set(texts)
    assert all(texts[rid] == text.strip() for rid, text in zip(labels.record_id, labels.text, strict=True))


def test_text_variety(signal_run):
    labels = signal_run.voice_labels()
    substantive = labels[labels.service_element != "other"].text
    assert substantive.nunique() / len(substantive) > 0.8
    assert labels.text.str.contains(r"1[3-9]\d{9}").sum() > 0  # phone numbers for PII redaction
    assert labels.text.str.contains(r"@\w+\.com").sum() > 0


def test_stars_and_scores_agree_with_sentiment(signal_run, signal_rows):
    sentiment = dict(zip(signal_run.voice_labels().record_id, signal_run.voice_labels().sentiment, strict=True))
    for r in signal_rows["reviews"].rows:
        if r.text:
            s = sentiment[r.review_id]
            assert (r.stars >= 4) == (s == "positive") and (r.stars <= 2) <= (s == "negative")
    for n in signal_rows["nps_responses"].rows:
        if n.verbatim:
            s = sentiment[n.response_id]
            assert (n.score >= 9) == (s == "positive") and (n.score <= 6) == (s == "negative")
