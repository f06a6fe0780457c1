"""The topic engine over the warehouse: ``fit``, ``assign`` or ``run`` (fit when due, then assign).

What ``xe topics fit|assign`` and the ``voc_topics`` DAG call. The warehouse is opened
briefly: read, close; compute; open, write, close.

Non-substantive texts (greetings, thanks, "转人工", emoji only, marketplace placeholders;
:mod:`ml.setaside`) are set aside before clustering: they are never fitted on and never get a
topic; ``voc.doc_topics`` gives them a reserved topic id (:data:`SET_ASIDE_TOPICS`: one per chit-chat kind, negative
so it never collides with a stable topic id) and their class in ``voice_class``, and
``voc.topics`` lists the reserved ids with each version, so they are counted, not dropped.

Small or empty training windows never fail a run: with fewer substantive documents than
``TopicConfig.min_fit_docs`` the refit is skipped and the existing version kept (or, with
none yet, a provisional one-topic version is fitted); see :func:`fit`.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ml.topics.config import TopicConfig

SUBSTANTIVE = "substantive"
SET_ASIDE_CLASSES = ("chit_chat", "placeholder")

#: reserved topic id, voice class, label and service element of each set-aside group: one per
#: chit-chat kind a product team reads apart (requests for a human agent are the bot's
#: failures; thanks and acknowledgements close a resolved chat; greetings open one), one for
#: the rest of the chit-chat (emoji only, fillers, kinds a merchant adds to the rules) and
#: one for placeholders. Keys are :mod:`ml.setaside` kinds, or the class for "the rest".
SET_ASIDE_TOPICS: dict[str, dict] = {
    key: {"topic_id": tid, "voice_class": voice_class, "label": f"{label} (set aside)", "service_element": "other"}
    for key, tid, voice_class, label in (
        ("chit_chat", -1, "chit_chat", "其他闲聊·表情 / other chit-chat, emoji"),
        ("placeholder", -2, "placeholder", "无内容·默认评价 / placeholder text"),
        ("greeting", -3, "chit_chat", "问候·在吗 / greetings"),
        ("bye", -4, "chit_chat", "道别 / goodbyes"),
        ("thanks", -5, "chit_chat", "致谢 / thanks"),
        ("acknowledgement", -6, "chit_chat", "好的·收到 / acknowledgements"),
        ("request_human", -7, "chit_chat", "转人工 / requests for a human agent"),
    )
}


def voice_classes(texts: list[str]) -> np.ndarray:
    """Class of each text: ``substantive`` or a set-aside class of :mod:`ml.setaside` (object array).

    Classified as the topic engine reads the text (:func:`ml.topics.textview.topic_view`): "早上好，
    退款卡号<BANK_CARD>" and "@united thanks" are greetings and thanks once the masked personal
    value, its label and the mention are left out.
    """
    return voice_kinds(texts)[0]


def voice_kinds(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Class and kind of each text, as :func:`voice_classes` reads them: two ``(n,)`` object arrays.

    Classes are ``substantive``, ``chit_chat`` or ``placeholder``; kinds are the
    :mod:`ml.setaside` kinds (``thanks``, ``request_human``, ``other`` ...), None for a
    substantive text.
    """
    from ml.setaside import default_setaside
    from ml.topics.textview import topic_views

    classes, kinds = default_setaside().classify_kinds(topic_views(list(texts)))
    return np.array([c if c else SUBSTANTIVE for c in classes], dtype=object), kinds


def reserved_topic_ids(classes: np.ndarray, kinds: np.ndarray | None = None) -> np.ndarray:
    """Reserved topic id of each set-aside text, 0 for a substantive one: ``(n,)`` int64.

    A chit-chat kind listed in :data:`SET_ASIDE_TOPICS` gets its own id; any other set-aside
    text (or every one, when ``kinds`` is None) gets its class's id (-1 chit-chat, -2 placeholder).

    Raises:
        ValueError: ``classes`` and ``kinds`` differ in length.
    """
    classes = np.asarray(classes, dtype=object)
    if kinds is not None and len(kinds) != len(classes):
        raise ValueError(f"{len(classes)} classes but {len(kinds)} kinds")
    ids = np.zeros(len(classes), dtype=np.int64)
    for i, cls_name in enumerate(classes):
        if cls_name in SET_ASIDE_CLASSES:
            kind = SET_ASIDE_TOPICS.get(kinds[i]) if kinds is not None else None
            reserved = kind if kind is not None and kind["voice_class"] == cls_name else SET_ASIDE_TOPICS[cls_name]
            ids[i] = reserved["topic_id"]
    return ids


#: chit-chat kinds whose phrases carry no opinion ("在不在", "good morning", "转人工", "bye"): neutral,
#: score 0, unless an emoji or kaomoji of the text has a polarity ("你好😡" keeps the model's score).
#: Thanks and acknowledgements are left to the model ("great, that solved it" is an opinion).
OPINION_FREE_KINDS = frozenset({"greeting", "bye", "request_human"})


def neutralise_opinion_free(labels: np.ndarray, scores: np.ndarray, kinds: np.ndarray | None,
                            texts: list[str]) -> None:
    """Set texts of an :data:`OPINION_FREE_KINDS` kind without a polar emoji to ``neutral`` / 0, in place.

    Args:
        labels: ``(n,)`` object array of sentiment labels.
        scores: ``(n,)`` float array of sentiment scores in [-1, 1].
        kinds: ``(n,)`` set-aside kinds (:func:`voice_kinds`); None does nothing.
        texts: The ``n`` texts (for their emoji).
    """
    from ml.sentiment.cues import emoji_polarity

    if kinds is None:
        return
    for i, kind in enumerate(kinds):
        if kind in OPINION_FREE_KINDS:
            positive, negative, _ = emoji_polarity(texts[i] if isinstance(texts[i], str) else "")
            if not (positive or negative):
                labels[i], scores[i] = "neutral", 0.0


def neutralise_placeholders(labels: np.ndarray, scores: np.ndarray, classes: np.ndarray) -> None:
    """Set placeholder texts to ``neutral`` with score 0, in place (a marketplace default says nothing).

    Args:
        labels: ``(n,)`` object array of sentiment labels.
        scores: ``(n,)`` float array of sentiment scores in [-1, 1].
        classes: ``(n,)`` voice classes (:func:`voice_classes`, or :meth:`ml.setaside.SetAside.classify` output).
    """
    rows = np.asarray(classes, dtype=object) == "placeholder"
    labels[rows] = "neutral"
    scores[rows] = 0.0


def topic_texts(texts: list[str], config: TopicConfig, warehouse: Path | None = None) -> list[str]:
    """The texts the topic engine sees: personal-data labels with their masks and social markup
    removed (:mod:`ml.topics.textview`), then catalogue product names masked (``config.mask_catalogue``).

    ``fct_interactions.text_redacted`` is never changed; fit and assign transform the same way,
    with the catalogue as it is in the warehouse when they run (:mod:`ml.topics.catalogue`).

    Args:
        texts: Texts in warehouse order.
        config: Topic configuration.
        warehouse: DuckDB file.

    Returns:
        The texts, same length and order, as :func:`ml.topics.textview.topic_view` reads them and
        with product names replaced by ``商品`` / ``product``.
    """
    if not texts:
        return texts
    from ml.topics.textview import topic_views

    texts = topic_views(texts)
    if not config.mask_catalogue:
        return texts
    from ml.pipeline.warehouse import read_product_names
    from ml.topics.catalogue import CatalogueMask

    names = read_product_names(warehouse)
    if not names:
        return texts
    masked = CatalogueMask.from_names(names).apply(texts)
    changed = sum(a != b for a, b in zip(texts, masked, strict=True))
    _log(f"masked product names ({len(names):,} catalogue names) in {changed:,} of {len(texts):,} texts")
    return masked


def _log(message: str) -> None:
    print(f"[ml.pipeline.jobs] {message}", file=sys.stderr, flush=True)  # stdout stays clean for JSON


def fit(weeks: int | None = None, warehouse: Path | None = None, root: Path | None = None,
        config: TopicConfig | None = None) -> dict:
    """Refit on the last ``weeks`` weeks of ``marts.fct_interactions`` and save a new version.

    Small training windows never fail the run (the ``voc_topics`` DAG calls this):

    * fewer distinct substantive documents than ``config.min_fit_docs`` (default 10) while a
      non-provisional version exists: no refit; the existing version is kept and ``assign``
      uses it (log line ``too few documents to fit: N distinct substantive < min_fit_docs M;
      keeping <version> (assign uses it)``);
    * fewer than that and no version yet (or only a provisional one): a provisional one-topic
      version is fitted (:func:`ml.topics.lifecycle.fit_version`), replaced by the first run
      with enough documents;
    * no substantive document (or an empty mart) and no version: nothing is fitted; the log says so.

    Args:
        weeks: Training window in weeks, ending the day after the latest interaction
            (default ``config.window_weeks``).
        warehouse: DuckDB file (default ``EE_WAREHOUSE``).
        root: Topics root folder (default ``<EE_MODEL_DIR>/topics``).
        config: Topic configuration (default :class:`TopicConfig`).

    Returns:
        Summary dict: ``status`` (``fitted`` or ``skipped``), ``version`` (the new version, the
        one kept, or ``None``), ``documents`` (substantive documents in the window),
        ``set_aside`` (count per set-aside class) and ``n_topics``; when fitted also
        ``provisional`` and the version's metrics, when skipped a ``reason``.

    Raises:
        FileNotFoundError: When the warehouse does not exist.
        RuntimeError: When ``marts.fct_interactions`` is missing (dbt has not run).
    """
    from ml.pipeline.warehouse import latest_interaction_time, read_interactions
    from ml.topics.lifecycle import fit_version
    from ml.topics.store import latest_version_name, load_version

    config = config or TopicConfig()
    weeks = weeks or config.window_weeks
    latest = latest_interaction_time(warehouse)
    previous = load_version(root=root) if latest_version_name(root) else None
    kept = previous is not None and not previous.params.get("provisional")
    if latest is None:
        frame, set_aside, window = pd.DataFrame({"text_redacted": []}), dict.fromkeys(SET_ASIDE_CLASSES, 0), None
        _log("marts.fct_interactions is empty: no documents in any training window")
    else:
        end = (latest + pd.Timedelta(days=1)).normalize()
        start = end - pd.Timedelta(weeks=weeks)
        window = {"start": str(start.date()), "end": str(end.date()), "weeks": weeks}
        frame = read_interactions(start.date(), end.date(), warehouse)
        classes = voice_classes(frame["text_redacted"].tolist())
        set_aside = {c: int((classes == c).sum()) for c in SET_ASIDE_CLASSES}
        _log(f"training window {start.date()} .. {end.date()} (exclusive): {len(frame):,} documents, "
             f"set aside {', '.join(f'{n:,} {c}' for c, n in set_aside.items())}")
        frame = frame[classes == SUBSTANTIVE]
    n, distinct = len(frame), int(frame["text_redacted"].nunique())
    summary = {"documents": n, "set_aside": set_aside}
    if distinct < config.min_fit_docs and kept:
        reason = (f"too few documents to fit: {distinct:,} distinct substantive < min_fit_docs "
                  f"{config.min_fit_docs}; keeping {previous.version} (assign uses it)")
        _log(reason)
        return {"status": "skipped", "reason": reason, "version": previous.version,
                "n_topics": len(previous.topic_ids), **summary}
    if n == 0:
        reason = (f"no substantive documents to fit on: keeping the provisional {previous.version}"
                  if previous is not None else
                  "no substantive documents to fit on and no topic model yet: nothing fitted")
        _log(reason)
        return {"status": "skipped", "reason": reason, "version": previous.version if previous else None,
                "n_topics": len(previous.topic_ids) if previous else 0, **summary}
    views = topic_texts(frame["text_redacted"].tolist(), config, warehouse)
    result = fit_version(
        views,
        config=config,
        occurred_at=frame["occurred_at"].tolist(),
        warehouse_tags=frame["service_element"].tolist(),
        root=root,
        window=window,
        sessions=frame["session_id"].tolist(),
        sentiment_head=fit_sentiment_head(views, frame) if config.sentiment_from_ratings else None,
    )
    head = result.version.sentiment_head
    summary["sentiment_head"] = "base" if head is None else f"warehouse-fitted on {head.meta['n_rated']:,} rated texts"
    return {"status": "fitted", "version": result.version.version, **summary,
            "provisional": bool(result.version.params.get("provisional")), **result.version.metrics}


def fit_sentiment_head(texts: list[str], frame: pd.DataFrame):
    """Distant supervision at each refit: a sentiment head fitted on the window's rated texts.

    The substantive texts of the training window that carry a rating (review stars 1-5, NPS
    0-10: ``rating``, ``rating_scale_max`` of ``marts.fct_interactions``) train
    :func:`ml.sentiment.fit_from_ratings` (USE + cue head and its lexical half, plus the
    project's seed sentences). The head is saved with the topic version and scores the
    substantive texts of the channels its ratings came from (``meta["channels"]``: reviews, NPS
    answers) when that version assigns them (:func:`rescore_with_fitted_head`); other channels
    keep the base head (docs/topics.md "Sentiment").

    Args:
        texts: The window's substantive texts as the topic engine reads them (:func:`topic_texts`).
        frame: Their rows of :func:`ml.pipeline.warehouse.read_interactions` (``rating``,
            ``rating_scale_max``, ``channel``), same order.

    Returns:
        The fitted :class:`ml.sentiment.SentimentClassifier` with ``meta["channels"]`` (channels of
        its rated texts), or ``None`` (the base head stays) when fewer than
        :data:`ml.sentiment.MIN_RATED` texts are rated or they lack a negative or a positive one.
    """
    from ml.sentiment import MIN_RATED, fit_from_ratings
    from ml.sentiment.classifier import ratings_to_labels

    ratings, scale_max = frame["rating"].tolist(), frame["rating_scale_max"].tolist()
    rated = np.array([lab is not None for lab in ratings_to_labels(ratings, scale_max)], dtype=bool)
    # fit_from_ratings embeds only the rated texts, and returns the base head when they are too few
    # or lack a negative or a positive one
    head = fit_from_ratings(texts, ratings, scale_max, min_rated=MIN_RATED)
    if head.meta.get("kind") != "warehouse-fitted":
        _log(f"sentiment: {int(rated.sum()):,} rated texts in the window (need {MIN_RATED} with negative and "
             "positive ones): the base head scores this version's texts")
        return None
    head.meta["channels"] = sorted({str(c) for c in frame["channel"][rated] if isinstance(c, str)})
    _log(f"sentiment: fitted a head on {head.meta['n_rated']:,} rated texts of the window (distant supervision; "
         f"channels {', '.join(head.meta['channels'])})")
    return head


def rescore_with_fitted_head(labels: np.ndarray, scores: np.ndarray, texts: list[str], classes: np.ndarray,
                             channels: list | None, head) -> int:
    """Score, in place, the substantive texts of the channels a warehouse-fitted head was fitted on.

    A head fitted on review stars and NPS scores reads texts of those channels (same kind of
    text: opinions about a purchase) far better than the shipped base head; on other channels it
    transfers unevenly (MARC en reviews -> airline tweets +0.05 accuracy, MARC zh reviews -> bank
    comments -0.12, validation splits; docs/topics.md "Sentiment"), so chats and social posts
    keep the base head.

    Args:
        labels, scores: ``(n,)`` arrays of sentiment labels and scores, updated in place.
        texts: The texts as the topic engine reads them.
        classes: Voice class per text (only ``substantive`` ones are rescored).
        channels: Channel per text, or ``None`` (nothing is rescored).
        head: The version's :class:`ml.sentiment.SentimentClassifier`, or ``None`` (nothing is rescored).

    Returns:
        How many texts were rescored.
    """
    if head is None or channels is None:
        return 0
    fitted_on = set(head.meta.get("channels", []))
    rows = [i for i, (c, ch) in enumerate(zip(classes, channels, strict=True))
            if c == SUBSTANTIVE and ch in fitted_on]
    if rows:
        labels[rows], scores[rows] = head.predict_arrays([texts[i] for i in rows])
    return len(rows)


def build_outputs(frame: pd.DataFrame, version, assignment, overrides: dict[int, dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn an assignment into ``voc.doc_topics`` and ``voc.topics`` frames.

    Args:
        frame: Interactions (``interaction_id``, ``occurred_at``) in assignment order.
        version: The :class:`ml.topics.store.TopicVersion` used.
        assignment: :class:`ml.assign.modes.Assignment`.
        overrides: Analyst label overrides keyed by stable topic id.
    """
    from ml.topics.store import apply_overrides

    assigned_at = datetime.now(UTC).replace(tzinfo=None)
    docs = pd.DataFrame({
        "interaction_id": frame["interaction_id"].astype(str).to_numpy(),
        "topic_id": assignment.topic_ids.astype("int32"),
        "topic_probability": assignment.probabilities.astype(float),
        "sentiment_label": assignment.sentiment_labels,
        "sentiment_score": assignment.sentiment_scores.astype(float),
        "model_version": version.version,
        "assigned_at": assigned_at,
        "voice_class": assignment.voice_classes if assignment.voice_classes is not None else SUBSTANTIVE,
    })
    stats = pd.DataFrame({"topic_id": docs["topic_id"], "at": pd.to_datetime(frame["occurred_at"]).to_numpy()})
    agg = stats.groupby("topic_id")["at"].agg(["size", "min", "max"])
    rows = []
    for row in apply_overrides(version.topics, overrides):
        tid = int(row["topic_id"])
        first = pd.Timestamp(row["first_seen_at"]) if row.get("first_seen_at") else pd.NaT
        last = pd.Timestamp(row["last_seen_at"]) if row.get("last_seen_at") else pd.NaT
        size = 0
        if tid in agg.index:
            size = int(agg.loc[tid, "size"])
            first = agg.loc[tid, "min"] if pd.isna(first) else min(first, agg.loc[tid, "min"])
            last = agg.loc[tid, "max"] if pd.isna(last) else max(last, agg.loc[tid, "max"])
        rows.append({
            "topic_id": tid,
            "model_version": version.version,
            "label": row["label"],
            "keywords": row["keywords"],
            "size": size,
            "service_element": row["service_element"],
            "first_seen_at": first,
            "last_seen_at": last,
            "status": row["status"],
        })
    for name, reserved in SET_ASIDE_TOPICS.items():
        tid = reserved["topic_id"]
        size, first, last = (agg.loc[tid].tolist() if tid in agg.index else (0, pd.NaT, pd.NaT))
        rows.append({"topic_id": tid, "model_version": version.version, "label": reserved["label"],
                     "keywords": name if name == reserved["voice_class"] else f"{reserved['voice_class']}: {name}",
                     "size": int(size), "service_element": reserved["service_element"],
                     "first_seen_at": first, "last_seen_at": last, "status": "set_aside"})
    topics = pd.DataFrame(rows)
    topics["first_seen_at"] = pd.to_datetime(topics["first_seen_at"])
    topics["last_seen_at"] = pd.to_datetime(topics["last_seen_at"])
    return docs, topics


def assign(since: str | None = None, warehouse: Path | None = None, root: Path | None = None,
           version_name: str | None = None, mode: str | None = None) -> dict:
    """Assign interactions with a saved model (no refit) and write the ``voc`` tables.

    Args:
        since: Only interactions on/after this date (YYYY-MM-DD); default all.
        warehouse: DuckDB file.
        root: Topics root folder.
        version_name: Model version (default LATEST).
        mode: ``accurate``, ``balanced`` or ``fast`` (default ``EE_ASSIGN_MODE``, itself ``balanced``;
            ``balanced`` falls back to ``accurate`` for a version saved without a student).

    Returns:
        ``version``, ``doc_topics`` and ``topics`` (rows written). With no saved model and no
        substantive document to assign (e.g. after :func:`fit` found nothing to fit on),
        nothing is written and ``version`` is ``None``.

    Raises:
        FileNotFoundError: When no model is saved (or ``version_name`` is missing) and there are
            substantive documents to assign.
    """
    from include.config import settings
    from ml.pipeline.warehouse import read_interactions, write_outputs
    from ml.topics.store import latest_version_name, load_label_overrides, load_version

    start = datetime.strptime(since, "%Y-%m-%d").date() if since else None
    if version_name is None and not latest_version_name(root):
        # no model yet: fine only when there is nothing a model is needed for (see fit())
        frame = read_interactions(start, None, warehouse)
        if not (voice_classes(frame["text_redacted"].tolist()) == SUBSTANTIVE).any():
            _log(f"no topic model yet and no substantive document to assign ({len(frame):,} set aside or none): "
                 "nothing written")
            return {"version": None, "doc_topics": 0, "topics": 0}
    version = load_version(version_name, root)  # raises FileNotFoundError naming `xe topics fit`
    frame = read_interactions(start, None, warehouse)
    mode = mode or settings().assign_mode
    if mode == "balanced" and version.student is None:
        _log(f"{version.version} has no static student (saved before students existed): using accurate mode")
        mode = "accurate"
    _log(f"assigning {len(frame):,} documents with {version.version} ({mode} mode)")
    if frame.empty:
        return {"version": version.version, "doc_topics": 0, "topics": 0}
    texts = frame["text_redacted"].tolist()
    classes, kinds = voice_kinds(texts)  # on the customer's own words
    assignment = assign_with_set_aside(topic_texts(texts, version.config, warehouse), version, mode=mode,
                                       show_progress=len(frame) > 2000, classes=classes, kinds=kinds,
                                       channels=frame["channel"].tolist())
    docs, topics = build_outputs(frame, version, assignment, load_label_overrides())
    counts = write_outputs(docs, topics, warehouse)
    _log(f"wrote {counts['doc_topics']:,} doc_topics rows and {counts['topics']} topics rows; removed "
         f"{counts['doc_topics_removed']:,} rows of interactions no longer in fct_interactions")
    return {"version": version.version, **counts}


def assign_with_set_aside(texts: list[str], version, mode: str = "accurate", show_progress: bool = False,
                          classes: np.ndarray | None = None, kinds: np.ndarray | None = None,
                          channels: list | None = None):
    """Topic and sentiment per text; set-aside texts get their reserved topic id instead of a topic
    (:func:`reserved_topic_ids`: one per chit-chat kind, one for placeholders).

    Substantive texts go through :func:`ml.assign.modes.assign_documents`. Set-aside texts get
    probability 1.0; chit-chat keeps its sentiment (thanks are positive) except greetings,
    goodbyes and requests for a human without a polar emoji, which are neutral
    (:func:`neutralise_opinion_free`); placeholders are neutral with score 0 (a marketplace's
    default text says nothing about the customer).

    Args:
        texts: Texts to assign (as the topic engine sees them: :func:`topic_texts`).
        version: A saved :class:`ml.topics.store.TopicVersion`.
        mode: ``accurate``, ``balanced`` or ``fast``.
        show_progress: Show a progress bar.
        classes: Voice class per text, when computed on other texts than ``texts`` (the
            unmasked ones); default :func:`voice_kinds` of ``texts``.
        kinds: Set-aside kind per text, given with ``classes``; None with ``classes`` given puts
            every chit-chat text on the generic chit-chat id.
        channels: Channel per text (``fct_interactions.channel``). When the version has a
            warehouse-fitted sentiment head, the substantive texts of the channels it was fitted
            on (``head.meta["channels"]``: reviews, NPS answers) are scored with it
            (:func:`rescore_with_fitted_head`); without ``channels`` every text keeps the base head.

    Returns:
        An :class:`ml.assign.modes.Assignment` over all ``texts`` with ``voice_classes`` set.
    """
    from ml.assign.modes import Assignment, assign_documents
    from ml.sentiment import default_model

    if classes is None:
        classes, kinds = voice_kinds(texts)
    classes = np.asarray(classes)
    kinds = None if kinds is None else np.asarray(kinds, dtype=object)
    keep = np.flatnonzero(classes == SUBSTANTIVE)
    n = len(texts)
    topic_ids = np.zeros(n, dtype=np.int64)
    probs = np.ones(n, dtype=np.float64)
    labels = np.full(n, "neutral", dtype=object)
    scores = np.zeros(n, dtype=np.float64)
    escalated = 0
    if len(keep):
        part = assign_documents([texts[i] for i in keep], version, show_progress=show_progress, mode=mode)
        topic_ids[keep], probs[keep] = part.topic_ids, part.probabilities
        labels[keep], scores[keep] = part.sentiment_labels, part.sentiment_scores
        escalated = part.escalated
        rescore_with_fitted_head(labels, scores, texts, classes, channels, version.sentiment_head)
    aside = np.flatnonzero(classes != SUBSTANTIVE)
    if len(aside):
        labels[aside], scores[aside] = default_model().predict_arrays([texts[i] for i in aside])
        neutralise_placeholders(labels, scores, classes)
        neutralise_opinion_free(labels, scores, kinds, texts)
    topic_ids[aside] = reserved_topic_ids(classes[aside], None if kinds is None else kinds[aside])
    return Assignment(topic_ids=topic_ids, probabilities=probs, sentiment_labels=list(labels),
                      sentiment_scores=scores, escalated=escalated, voice_classes=classes)


def run(force_refit: bool = False, weeks: int | None = None, warehouse: Path | None = None,
        root: Path | None = None) -> dict:
    """Refit when due (or forced), then assign every interaction.

    Returns:
        ``{"fit": <fit() summary>, "assign": <assign() summary>}`` (``fit`` only when a refit was due).
    """
    out = {}
    from ml.topics.lifecycle import refit_due

    if force_refit or refit_due(root):
        out["fit"] = fit(weeks, warehouse, root)
    else:
        _log("latest model is fresh; assigning without refit")
    out["assign"] = assign(None, warehouse, root)
    return out
