"""Readable topic labels: a short phrase per topic, in the topic's language, unique across topics.

Input is each topic's keyphrases in rank order (BERTopic's c-TF-IDF candidates re-ranked by
KeyBERTInspired and diversified by MaximalMarginalRelevance, over the noun-phrase tokens of
:mod:`ml.topics.representation`) and its representative documents. The label is the best
one or two keyphrases in the topic's majority language, joined by " / " ("空气炸锅 / 漏水",
"refund / return label"). Rules:

* never empty: with no usable keyphrase, a quoted snippet of the most representative
  document (at most 24 characters) is the label;
* never made only of stop words, fillers or masks (the stop lists of
  ``ml/topics/data/stopwords.yml`` are applied again here, so a merchant's list applies to
  labels of saved models too);
* unique: a label already taken by a larger topic gets the next keyphrase appended, and as
  a last resort the topic id ("退款 (#12)"). Labels made of the same keyphrases in another
  order ("额度 / 提额" and "提额 / 额度", case aside) count as taken: a reader sees one topic twice.

Analyst overrides (``topic_label_overrides.yml``, :func:`ml.topics.store.load_label_overrides`) win over these labels.
"""

from __future__ import annotations

from collections.abc import Sequence

from ml.language import is_han

SNIPPET_CHARS = 24


def _usable(phrase: str, stop: frozenset[str]) -> bool:
    parts = phrase.split()
    return bool(parts) and not all(p in stop or p.isdigit() or len(p) < 2 for p in parts)


def _language_of(texts: Sequence[str]) -> str:
    han = sum(1 for t in texts if any(is_han(c) for c in (t or "")))
    return "zh" if han * 2 >= max(1, len(texts)) else "en"


def _fits(phrase: str, language: str) -> bool:
    has_han = any(is_han(c) for c in phrase)
    return has_han if language == "zh" else not has_han


def _key(label: str) -> frozenset[str]:
    """What makes two labels the same to a reader: their keyphrases, in any order and case."""
    return frozenset(part.strip().lower() for part in label.split(" / "))


def _overlaps(a: str, b: str) -> bool:
    return a in b or b in a or bool(set(a.split()) & set(b.split()))


def topic_label(keyphrases: Sequence[str], representative_docs: Sequence[str], n_phrases: int = 2,
                stop: frozenset[str] | None = None) -> tuple[str, list[str]]:
    """The label of one topic and the keyphrases it can still be extended with.

    Args:
        keyphrases: The topic's keyphrases, best first.
        representative_docs: A few of its most typical documents (decide the language; the fallback).
        n_phrases: Keyphrases joined in the label.
        stop: Stop words (default: :func:`ml.topics.representation.load_stopwords`).

    Returns:
        ``(label, spare)``: the label, and unused usable keyphrases for disambiguation.
    """
    from ml.topics.representation import load_stopwords

    stop = stop if stop is not None else load_stopwords()
    language = _language_of(representative_docs) if representative_docs else (
        "zh" if any(is_han(c) for p in keyphrases for c in p) else "en")
    usable = [p.strip() for p in keyphrases if p and _usable(p.strip(), stop)]
    ordered = [p for p in usable if _fits(p, language)] + [p for p in usable if not _fits(p, language)]
    chosen: list[str] = []
    for phrase in ordered:
        if len(chosen) == n_phrases:
            break
        if not any(_overlaps(phrase, c) for c in chosen):
            chosen.append(phrase)
    spare = [p for p in ordered if p not in chosen]
    if chosen:
        return " / ".join(chosen), spare
    doc = next((d.strip() for d in representative_docs if d and d.strip()), "")
    if doc:
        snippet = doc if len(doc) <= SNIPPET_CHARS else doc[: SNIPPET_CHARS - 1] + "…"
        return f"“{snippet}”", spare
    return "", spare


def make_labels(topic_ids: Sequence[int], keyphrases: Sequence[Sequence[str]],
                representative_docs: Sequence[Sequence[str]], sizes: Sequence[int]) -> list[str]:
    """Unique, non-empty labels for a set of topics.

    Args:
        topic_ids: Stable topic ids (used only for the last-resort suffix and the empty fallback).
        keyphrases: Per topic, keyphrases best first.
        representative_docs: Per topic, a few typical documents.
        sizes: Per topic, its document count (larger topics keep the plain label when two collide).

    Returns:
        One label per topic, in input order.
    """
    n = len(topic_ids)
    if not (len(keyphrases) == len(representative_docs) == len(sizes) == n):
        raise ValueError("topic_ids, keyphrases, representative_docs and sizes must have the same length")
    labels: list[str] = [""] * n
    taken: set[frozenset[str]] = set()
    for i in sorted(range(n), key=lambda i: (-int(sizes[i]), int(topic_ids[i]))):
        label, spare = topic_label(keyphrases[i], representative_docs[i])
        if not label:
            label = f"topic {topic_ids[i]}"
        for extra in spare:
            if _key(label) not in taken:
                break
            if not any(_overlaps(extra, part) for part in label.split(" / ")):
                label = f"{label} / {extra}"
        if _key(label) in taken:
            label = f"{label} (#{topic_ids[i]})"
        taken.add(_key(label))
        labels[i] = label
    return labels
