"""Score a warehouse built from a generated demo landing zone against the demo's ground truth.

The demo generator writes ``<landing>/_ground_truth/voice_labels.parquet`` (one row per
customer voice text: ``source, record_id, sub_intent, service_element, language,
sentiment``). A warehouse built from that landing zone has each text as
``marts.fct_interactions`` (``interaction_id`` = source prefix + record id) and, after the
topic engine ran, its topic and sentiment in ``voc.doc_topics``. This module joins them and
scores the pipeline's own output:

* topics vs sub-intent: NMI, ARI, size-weighted purity over every text (set-aside classes
  count as two clusters), the same over the clustered texts only (``clustered_topic_*``),
  topic count vs sub-intent count, the largest real topic's share;
* sentiment (3 classes): accuracy and macro-F1;
* set-aside texts (:mod:`ml.setaside`): count per class, precision and recall against the
  demo's chit-chat sub-intents;
* service-element tagging: the final element (``fct_interaction_topics.service_element``, keyword
  tag combined with the topic's element; ``fct_interactions.service_element`` before the topic
  marts are built): accuracy and macro-F1; ``tagging_rule_accuracy`` scores the keyword tag alone;
* language (``fct_interactions.language``) vs the generator's language: accuracy.

Which rows were scored is part of the output (``n_labelled``, ``n_in_warehouse``,
``n_with_topic``), so a half-built warehouse cannot pass for a good score.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: ground-truth source -> fct_interactions.interaction_id prefix (dbt: int_interactions_unioned)
ID_PREFIX = {"cs_messages": "msg:", "reviews": "rev:", "nps_responses": "nps:", "social_mentions": "soc:"}
#: the demo's sub-intents that carry no issue (greetings, thanks, asking for a human): what the
#: set-aside step (ml.setaside) should take out of clustering
CHIT_CHAT_SUB_INTENTS = frozenset({"other.greeting_chitchat", "other.request_human", "other.thanks"})
GROUND_TRUTH = Path("_ground_truth") / "voice_labels.parquet"


def read_ground_truth(landing: Path) -> pd.DataFrame:
    """The demo's voice labels with the warehouse ``interaction_id`` of each text.

    Raises:
        FileNotFoundError: When the landing zone has no ground truth (not a generated demo).
    """
    path = Path(landing) / GROUND_TRUTH
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: `xe eval demo` needs a landing zone made by `xe demo generate`")
    truth = pd.read_parquet(path)
    unknown = set(truth["source"]) - set(ID_PREFIX)
    if unknown:
        raise ValueError(f"{path}: unknown voice source(s) {sorted(unknown)}")
    truth["interaction_id"] = truth["source"].map(ID_PREFIX) + truth["record_id"].astype(str)
    return truth


def read_pipeline_output(warehouse: Path) -> pd.DataFrame:
    """``fct_interactions`` left-joined with ``voc.doc_topics`` (topic and sentiment may be null).

    Raises:
        FileNotFoundError: When the warehouse file does not exist.
        RuntimeError: When ``marts.fct_interactions`` is missing (dbt has not run).
    """
    from ml.pipeline.warehouse import column_exists, open_interactions, table_exists

    with open_interactions(warehouse) as con:
        if table_exists(con, "voc", "doc_topics"):
            voice_class = ("d.voice_class" if column_exists(con, "voc", "doc_topics", "voice_class")
                           else "cast(null as varchar) as voice_class")  # written before set-aside
            topics, join = (f"d.topic_id, d.sentiment_label, {voice_class}",
                            "left join voc.doc_topics d using (interaction_id)")
        else:  # the topic engine has not run yet
            topics, join = ("cast(null as integer) as topic_id, cast(null as varchar) as sentiment_label, "
                            "cast(null as varchar) as voice_class"), ""
        if table_exists(con, "marts", "fct_interaction_topics"):  # keyword tag combined with the topic's element
            element = "coalesce(t.service_element, f.service_element) as service_element"
            join += " left join marts.fct_interaction_topics t using (interaction_id)"
        else:
            element = "f.service_element"
        return con.execute(f"select f.interaction_id, f.language, f.service_element as rule_service_element, "
                           f"{element}, {topics} from marts.fct_interactions f {join}").df()


def evaluate_demo(landing: Path, warehouse: Path) -> dict:
    """Score the warehouse's voice columns against the demo ground truth.

    Args:
        landing: The generated landing zone (with ``_ground_truth/``).
        warehouse: DuckDB warehouse built from it (and, for topics and sentiment, after ``voc_topics``).

    Returns:
        A flat dict: ``n_labelled``, ``n_in_warehouse``, ``n_with_topic``; ``topic_nmi``,
        ``topic_ari``, ``topic_purity``, ``n_topics`` (real topics; set-aside ids not counted),
        ``n_sub_intents``, ``largest_topic_share``; ``clustered_topic_nmi|ari|purity`` and
        ``n_clustered`` over the texts that were clustered; ``n_set_aside`` (per class),
        ``set_aside_precision``, ``set_aside_recall``;
        ``sentiment_accuracy``, ``sentiment_macro_f1``, ``sentiment_by_source`` (``accuracy``,
        ``macro_f1``, ``n`` per ground-truth source: cs_messages, reviews, nps_responses,
        social_mentions); ``tagging_accuracy``,
        ``tagging_macro_f1``, ``tagging_rule_accuracy``; ``language_accuracy``. Scores of a stage that has not run are ``None``.

    Raises:
        FileNotFoundError, RuntimeError: See :func:`read_ground_truth` and :func:`read_pipeline_output`.
    """
    from ml.evaluation.metrics import classification_scores, clustering_scores

    truth = read_ground_truth(landing)
    output = read_pipeline_output(warehouse)
    joined = truth.merge(output, on="interaction_id", how="inner", suffixes=("_true", ""))
    out: dict = {"n_labelled": len(truth), "n_in_warehouse": len(joined)}
    with_topic = joined[joined["topic_id"].notna()]
    out["n_with_topic"] = len(with_topic)
    if len(with_topic):
        scores = clustering_scores(with_topic["topic_id"].astype(int), with_topic["sub_intent"])
        clustered = with_topic[with_topic["topic_id"] >= 0]  # set-aside texts carry reserved negative ids
        largest = clustered["topic_id"].value_counts()
        out.update({"topic_nmi": scores["nmi"], "topic_ari": scores["ari"], "topic_purity": scores["purity"],
                    "n_topics": len(largest), "n_sub_intents": scores["n_labels"],
                    # share of all scored texts in the largest real topic
                    "largest_topic_share": round(float(largest.iloc[0] / len(with_topic)), 4) if len(largest) else None})
        if len(clustered):
            inner = clustering_scores(clustered["topic_id"].astype(int), clustered["sub_intent"])
            out.update({"clustered_topic_nmi": inner["nmi"], "clustered_topic_ari": inner["ari"],
                        "clustered_topic_purity": inner["purity"], "n_clustered": len(clustered)})
        sentiment = classification_scores(with_topic["sentiment_label"].fillna("none"), with_topic["sentiment"])
        out.update({"sentiment_accuracy": sentiment["accuracy"], "sentiment_macro_f1": sentiment["macro_f1"]})
        # per source: reviews and NPS answers carry the ratings a warehouse-fitted head learns from
        # (their figures are in-sample for it); chats and social posts never do
        out["sentiment_by_source"] = {
            str(name): {**{k: v for k, v in classification_scores(part["sentiment_label"].fillna("none"),
                                                                 part["sentiment"]).items()
                           if k in ("accuracy", "macro_f1")}, "n": len(part)}
            for name, part in with_topic.groupby("source", sort=True)}
        out.update(_set_aside_scores(with_topic))
    else:
        out.update(dict.fromkeys(["topic_nmi", "topic_ari", "topic_purity", "n_topics", "n_sub_intents",
                                  "largest_topic_share", "sentiment_accuracy", "sentiment_macro_f1",
                                  "sentiment_by_source", "n_set_aside", "set_aside_precision", "set_aside_recall"]))
    if len(joined):
        tagging = classification_scores(joined["service_element"].fillna("none"), joined["service_element_true"])
        rules = classification_scores(joined["rule_service_element"].fillna("none"), joined["service_element_true"])
        out.update({"tagging_accuracy": tagging["accuracy"], "tagging_macro_f1": tagging["macro_f1"],
                    "tagging_rule_accuracy": rules["accuracy"],
                    "language_accuracy": round(float((joined["language"] == joined["language_true"]).mean()), 4)})
    else:
        out.update(dict.fromkeys(["tagging_accuracy", "tagging_macro_f1", "tagging_rule_accuracy", "language_accuracy"]))
    return out


def _set_aside_scores(joined: pd.DataFrame) -> dict:
    """Set-aside counts per class and their precision / recall against the demo's chit-chat sub-intents.

    Precision: share of set-aside texts whose true sub-intent is chit-chat (a placeholder is
    never a demo text, so any set-aside substantive text counts against it); recall: share of
    chit-chat texts that were set aside. Set-aside texts keep a reserved topic id, so the
    topic scores above include them as their own clusters.
    """
    classes = joined["voice_class"].fillna("substantive")
    aside = classes != "substantive"
    chit = joined["sub_intent"].isin(CHIT_CHAT_SUB_INTENTS)
    counts = {str(k): int(v) for k, v in classes[aside].value_counts().items()}
    return {
        "n_set_aside": counts,
        "set_aside_precision": round(float(chit[aside].mean()), 4) if aside.any() else None,
        "set_aside_recall": round(float(aside[chit].mean()), 4) if chit.any() else None,
    }
