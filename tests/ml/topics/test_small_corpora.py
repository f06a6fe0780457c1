"""Issue 13, kind 5 (case 07-tiny-corpus): the topic engine on small or wordless corpora.

Any corpus of at least one document gives a result: below ``min_fit_docs`` distinct
documents every document is one topic (no UMAP: 3 points used to crash its spectral layout
inside scipy); texts without one keyword token (emoji, thanks) used to crash the vectoriser
with "empty vocabulary" and now give topics without keywords, labelled by a snippet.
Embeddings are the corpus fixture's (cached); wordless texts go through the real embedder.
"""

from __future__ import annotations

import numpy as np
import pytest

from ml.topics.model import TooFewDocumentsError, fit_topic_model, min_docs_to_cluster, topic_keywords
from ml.topics.representation import make_ctfidf, make_vectorizer

EMOJI_ONLY = ["👍", "😊😊", "🙏", "😡", "💩", "😂😂😂", "👌", "❤️", "🎉", "😭", "🤔", "👍👍"]
THANKS_ONLY = ["谢谢"] * 20


def _rows(n: int) -> np.ndarray:
    """n corpus rows spread over the five themes (the corpus has 50 per theme, in theme order)."""
    return np.array([(i % 5) * 50 + i // 5 for i in range(n)])


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 9])
def test_a_tiny_corpus_is_one_topic_with_keywords(n, corpus, embeddings, config):
    rows = _rows(n)
    texts = [corpus[0][i] for i in rows]
    fitted = fit_topic_model(texts, embeddings[rows], config, None)
    assert not fitted.clustered
    assert fitted.topics.tolist() == [0] * n
    assert fitted.centroids.shape == (1, embeddings.shape[1])
    np.testing.assert_allclose(np.linalg.norm(fitted.centroids, axis=1), 1.0, rtol=1e-5)
    assert topic_keywords(fitted.model, 0), "a tiny corpus still has keywords (Chinese ones included)"


def test_ten_distinct_documents_are_clustered(corpus, embeddings, config):
    assert min_docs_to_cluster(config) == 10
    rows = _rows(12)  # the shape of case 07's largest file: 12 texts, several themes
    fitted = fit_topic_model([corpus[0][i] for i in rows], embeddings[rows], config, None)
    assert fitted.clustered
    assert fitted.topics.shape == (12,) and (fitted.topics >= 0).all()
    assert fitted.topics.max() == len(fitted.centroids) - 1


def test_copies_of_one_text_are_one_topic(corpus, embeddings, config):
    """Twenty identical documents are one distinct text: not clustered (UMAP used to split them at random)."""
    fitted = fit_topic_model([corpus[0][0]] * 20, np.repeat(embeddings[:1], 20, axis=0), config, None)
    assert not fitted.clustered and set(fitted.topics) == {0}


def test_no_document_is_a_clear_error(config, tmp_path):
    from ml.topics.lifecycle import fit_version

    with pytest.raises(TooFewDocumentsError, match="no documents") as info:
        fit_topic_model([], np.zeros((0, 8), dtype=np.float32), config, None)
    assert isinstance(info.value, ValueError) and info.value.minimum == 1  # xe turns it into exit code 2
    with pytest.raises(TooFewDocumentsError, match="no documents"):
        fit_version([], config, root=tmp_path / "topics")
    assert not (tmp_path / "topics").exists()


@pytest.mark.parametrize("texts", [EMOJI_ONLY, ["谢谢", "好的", "嗯嗯", "ok", "thx", "收到", "好", "谢谢亲", "👌", "好的谢谢",
                                              "ok thanks", "嗯"]], ids=["emoji", "acknowledgements"])
def test_a_corpus_without_words_fits_without_keywords(texts, embeddings, config):
    """No keyword token anywhere ("empty vocabulary" before): topics without keywords, clustered as usual."""
    fitted = fit_topic_model(texts, embeddings[_rows(len(texts))], config, None)
    assert fitted.clustered and (fitted.topics >= 0).all()
    assert all(topic_keywords(fitted.model, k) == [] for k in range(len(fitted.centroids)))


def test_a_one_word_vocabulary_keeps_its_keyword(embeddings, config):
    """Every text says only 退款: one c-TF-IDF column, which BERTopic's own transformer cannot fit."""
    texts = ["退款", "退款！", "退款？", "退款。", "退款啊", "退款吧", "退款呢", "退款了", "退款!!", "退款...", "退款~", "退款。。"]
    fitted = fit_topic_model(texts, embeddings[_rows(len(texts))], config, None)
    assert {w for k in range(len(fitted.centroids)) for w in topic_keywords(fitted.model, k)} == {"退款"}


def test_vectorizer_never_fails_on_an_empty_vocabulary():
    vectorizer = make_vectorizer(min_df=1)
    counts = vectorizer.fit_transform(["😊😊", "谢谢", "ok thanks"])
    assert vectorizer.empty_vocabulary_ and counts.shape == (3, 1) and counts.sum() == 3
    assert vectorizer.transform(["👍"]).shape == (1, 1)
    # tokens that exist only in one document each: min_df=2 is lowered to 1 instead of pruning them all
    pruned = make_vectorizer(min_df=2)
    pruned.fit(["快递太慢", "退款没到账"])
    assert not pruned.empty_vocabulary_ and pruned.min_df == 1 and "快递" in pruned.get_feature_names_out()
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        make_vectorizer().fit_transform("one string, not a list of documents")


def test_ctfidf_fits_a_single_column():
    from scipy.sparse import csr_matrix

    one = make_ctfidf().fit(csr_matrix(np.array([[2], [1]])))
    weights = one.transform(csr_matrix(np.array([[2], [1]])))
    assert weights.shape == (2, 1) and np.isfinite(weights.toarray()).all() and (weights.toarray() > 0).all()


def test_fit_version_on_wordless_and_tiny_corpora_labels_by_snippet(tmp_path, config):
    """The production path (real embedder, keyphrases, student, labels, save) on the kind-5 inputs."""
    from ml.topics.lifecycle import fit_version, refit_due
    from ml.topics.store import load_bertopic, load_version

    root = tmp_path / "topics"
    emoji = fit_version(EMOJI_ONLY, config, root=root)
    labels = [t["label"] for t in emoji.version.topics]
    assert labels and all(label.startswith("“") for label in labels)  # snippets: no keyword exists
    assert len(set(labels)) == len(labels) and all(t["keywords"] == "" for t in emoji.version.topics)
    assert emoji.version.student is None  # emoji give the static student nothing to learn from
    assert not emoji.version.params["provisional"]

    thanks = fit_version(THANKS_ONLY, config, root=root)
    assert thanks.version.metrics["n_topics"] == 1 and set(thanks.topic_ids) == {thanks.version.topic_ids[0]}
    assert [t["label"] for t in thanks.version.topics if t["status"] != "vanished"] == ["“谢谢”"]
    assert thanks.version.params["provisional"] and refit_due(root)  # replaced as soon as real data comes
    assert load_bertopic(load_version(root=root)).get_topic_info().shape[0] == 1
