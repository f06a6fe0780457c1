"""Read a chat message with its conversation, and merge topics that one conversation uses for one issue.

A customer who is not understood says it again in other words ("等了3天了还没到货", then
"快递在广东停了好几天不动"). Sentence encoders keep such phrasings apart, so a fit splits one
issue into several topics, one per phrasing and language (docs/topics.md: ~5 topics per demo
sub-intent). A service chat links them: the texts of one session are, mostly, about one issue.
Two steps use that, without labels:

* :func:`conversation_context` (before clustering): a chat message's vector plus
  ``weight`` x the mean vector of the other substantive messages of its session, re-normalised
  (every copy of a text seen in sessions, in a chat or not, gets the mean of those contexts).
  Other texts keep their vector. Only the clustering sees these vectors; centroids, and so
  assignment, stay in the plain embedding space.
* :func:`conversation_merges` (after clustering) merges topics that the same conversations use. Every topic is described by
the set of every session it appears in. Groups of topics are merged agglomeratively, best pair
first, on the Jaccard similarity of their session sets, ``|S_a ∩ S_b| / |S_a ∪ S_b|`` (a group's
set is the union of its topics' sets, recomputed after every merge), while the best pair has a
similarity of at least ``threshold``, shares at least ``min_sessions`` sessions and stays within
``max_share`` of all documents. Because the denominator counts every session of either topic,
a few conversations that move from one issue to another (a late parcel, then a refund) weigh
against all the conversations about either issue alone, and do not merge them. Texts without a session (reviews, posts, NPS
comments) take part only through the topics they belong to.

Why Jaccard of session sets and these defaults: chosen on demo seed 7 (tuning seed) among
Jaccard, overlap coefficient and cosine of the session sets, thresholds 0.05-0.4, and single
linkage over topic pairs with a lift filter (which chains unrelated topics through mixed ones);
docs/topics.md has the figures. Counting only the sessions that touch two topics (the first
version) gave the same result on seed 7 but let three mixed sessions merge two issues of
thousands of conversations each; every session now counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _session_ids(sessions: Sequence[str | None]):
    """Session ids as a pandas Series with ``None``/NaN/empty strings as missing (outside a conversation)."""
    import pandas as pd

    ids = pd.Series(list(sessions), dtype=object)
    return ids.where(ids.notna() & (ids.astype(str) != ""))


def conversation_context(
    texts: Sequence[str],
    embeddings: np.ndarray,
    sessions: Sequence[str | None],
    weight: float = 1.0,
) -> np.ndarray:
    """Embeddings read in their conversation: ``normalise(v + weight * mean(session mates' v))``.

    Args:
        texts: Documents (copies of one text share the mean of their contexts).
        embeddings: ``(n, dim)`` unit vectors, same order.
        sessions: Session id per document; ``None``/NaN/empty outside a conversation.
        weight: Weight of the context (0 returns a copy of ``embeddings``).

    Returns:
        ``(n, dim)`` float32 unit vectors; rows of texts never seen with a session mate are unchanged.

    Raises:
        ValueError: When the three inputs differ in length.
    """
    import pandas as pd

    if not (len(texts) == len(embeddings) == len(sessions)):
        raise ValueError(f"{len(texts)} texts, {len(embeddings)} embeddings and {len(sessions)} session ids")
    vectors = np.asarray(embeddings, dtype=np.float32)
    out = vectors.copy()
    if weight <= 0 or not len(texts):
        return out
    frame = pd.DataFrame({"session": _session_ids(sessions), "text": list(texts)})
    context = np.zeros_like(vectors)
    has = np.zeros(len(texts), dtype=bool)
    for rows in frame.groupby("session", dropna=True).indices.values():
        if len(rows) < 2:
            continue
        total = vectors[rows].sum(axis=0)
        context[rows] = (total[None, :] - vectors[rows]) / (len(rows) - 1)
        has[rows] = True
    if not has.any():
        return out
    shared = has.copy()
    for rows in frame.groupby("text").indices.values():
        with_context = rows[has[rows]]
        if len(rows) > 1 and len(with_context):
            context[rows] = context[with_context].mean(axis=0)
            shared[rows] = True
    out[shared] += weight * context[shared]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def conversation_merges(
    topics: Sequence[int],
    sessions: Sequence[str | None],
    threshold: float = 0.1,
    min_sessions: int = 3,
    max_share: float = 0.1,
) -> list[list[int]]:
    """Groups of topics to merge because the same conversations use them.

    Args:
        topics: Topic (``>= 0``) of every document; negative ids (set aside) are ignored.
        sessions: Session id of every document, ``None``/NaN/empty for a text outside a conversation.
        threshold: Smallest Jaccard similarity of two groups' session sets that merges them.
        min_sessions: Smallest number of shared sessions that merges two groups.
        max_share: A merged topic may hold at most this share of the documents.

    Returns:
        Lists of topic ids (each at least two, sorted, the lists sorted by their first id); an
        empty list when nothing is to be merged (no conversations, or no pair close enough).

    Raises:
        ValueError: When ``topics`` and ``sessions`` differ in length.
    """
    topics = np.asarray(topics, dtype=int)
    if len(topics) != len(sessions):
        raise ValueError(f"{len(topics)} topics but {len(sessions)} session ids")
    import pandas as pd

    frame = pd.DataFrame({"topic": topics, "session": _session_ids(sessions)})
    frame = frame[(frame["topic"] >= 0) & frame["session"].notna()]
    frame = frame.drop_duplicates()
    if frame.empty or frame.groupby("session")["topic"].nunique().max() < 2:
        return []  # no conversation touches two topics
    ids = np.unique(topics[topics >= 0])
    row_of = {t: i for i, t in enumerate(ids)}
    session_codes, _ = pd.factorize(frame["session"])
    incidence = np.zeros((len(ids), int(session_codes.max()) + 1), dtype=bool)
    incidence[frame["topic"].map(row_of).to_numpy(), session_codes] = True
    size = np.bincount(np.searchsorted(ids, topics[topics >= 0]), minlength=len(ids)).astype(float)
    cap = max_share * len(topics)
    members = {i: [int(ids[i])] for i in range(len(ids))}
    alive = incidence.any(axis=1)  # topics outside every conversation never merge
    counts = incidence.astype(np.float32)
    while True:
        rows = np.flatnonzero(alive)
        if len(rows) < 2:
            break
        sub = counts[rows]
        shared = sub @ sub.T
        total = sub.sum(axis=1)
        union = total[:, None] + total[None, :] - shared
        similarity = np.where(union > 0, shared / np.maximum(union, 1), 0.0)
        np.fill_diagonal(similarity, -1.0)
        similarity[shared < min_sessions] = -1.0
        similarity[(size[rows][:, None] + size[rows][None, :]) > cap] = -1.0
        best = int(np.argmax(similarity))
        i, j = divmod(best, len(rows))
        if similarity[i, j] < threshold:
            break
        a, b = rows[i], rows[j]
        counts[a] = np.maximum(counts[a], counts[b])
        size[a] += size[b]
        members[a] += members.pop(b)
        alive[b] = False
    groups = [sorted(m) for m in members.values() if len(m) > 1]
    return sorted(groups)

