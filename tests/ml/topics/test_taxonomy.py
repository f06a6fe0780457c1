"""Topic -> service-element mapping: zero-shot over the taxonomy, refined by warehouse tags."""

from __future__ import annotations

import numpy as np

from ml.topics.taxonomy import CODES, map_topics_to_elements, taxonomy_embeddings

EXPECTED = {"logistics": "logistics", "refund": "after_sales", "payment": "payment",
            "quality": "product_quality", "coupon": "promotion"}


def _theme_centroids(embeddings, themes):
    names = list(EXPECTED)
    rows = [embeddings[np.asarray(themes) == n].mean(axis=0) for n in names]
    centroids = np.vstack(rows)
    return names, centroids / np.linalg.norm(centroids, axis=1, keepdims=True)


def test_zero_shot_maps_themes_to_their_elements(corpus, embeddings, embedding_spec):
    from ml.embedding import get_embedder

    names, centroids = _theme_centroids(embeddings, corpus[1])
    codes = map_topics_to_elements(centroids, taxonomy_embeddings(get_embedder(embedding_spec)))
    assert set(codes) <= set(CODES)
    correct = sum(EXPECTED[n] == c for n, c in zip(names, codes, strict=True))
    assert correct >= 4, dict(zip(names, codes, strict=True))


def test_warehouse_tags_outweigh_zero_shot(corpus, embeddings, embedding_spec):
    from ml.embedding import get_embedder

    names, centroids = _theme_centroids(embeddings, corpus[1])
    tags = [["account"] * 10 for _ in names]
    codes = map_topics_to_elements(centroids, taxonomy_embeddings(get_embedder(embedding_spec)), tags)
    assert codes == ["account"] * len(names)


def test_other_tags_abstain_instead_of_voting(corpus, embeddings, embedding_spec):
    """Texts the keyword rules could not read (tag 'other') leave the topic to the zero-shot
    mapping; a few specific tags among them still count, in proportion to their coverage."""
    from ml.embedding import get_embedder

    names, centroids = _theme_centroids(embeddings, corpus[1])
    vectors = taxonomy_embeddings(get_embedder(embedding_spec))
    silent = [["other"] * 10 for _ in names]
    assert map_topics_to_elements(centroids, vectors, silent) == map_topics_to_elements(centroids, vectors)
    assert "other" not in map_topics_to_elements(centroids, vectors, silent)
    # all texts tagged with one specific element: the tags decide, as before
    assert map_topics_to_elements(centroids, vectors, [["account"] * 10 for _ in names]) == ["account"] * len(names)
    # one specific tag among 20 silent texts does not overrule a clear zero-shot match
    sparse = [["other"] * 19 + ["account"] for _ in names]
    assert map_topics_to_elements(centroids, vectors, sparse) == map_topics_to_elements(centroids, vectors)
