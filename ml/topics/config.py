"""Topic-engine parameters: one frozen dataclass, saved beside every model version.

The defaults are the production configuration; ``ml.evaluation.topics`` runs exactly these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class TopicConfig:
    """Everything that determines a topic model fit.

    Attributes:
        embedding_model: Embedder spec (see :mod:`ml.embedding.specs`); ``auto`` defers to
            ``EE_EMBEDDING_MODEL`` and, when that is ``auto`` too, chooses per language
            (:func:`ml.embedding.resolve_embedding_spec`).
        umap_neighbors: UMAP ``n_neighbors``.
        umap_components: UMAP output dimension.
        min_topics: Fewest topics the silhouette search considers.
        max_topics: Most topics the silhouette search considers (the count is chosen by the
            best silhouette of the Ward tree's cuts in between; never given by the caller).
        refine_share: Clusters holding at least this share of the fitted documents are
            searched again on their own points (a hierarchy: the coarse structure of a corpus
            mixing sources, then the issues inside each; :class:`ml.topics.clustering.SilhouetteWard`).
            0 turns it off.
        refine_silhouette: Such a cluster is split when its own best cut reaches this silhouette.
        min_cluster_size: Smaller clusters are merged into their nearest neighbour.
        min_fit_docs: Fewest documents the clustering runs on. A smaller corpus (at least one
            document) is one topic: no UMAP, no silhouette search (with ``min_cluster_size`` 5,
            fewer than 10 documents cannot form two topics anyway), and such a version is
            *provisional* (:func:`ml.topics.lifecycle.refit_due`). The scheduled refit
            (:func:`ml.pipeline.jobs.fit`) keeps an existing version instead of replacing it
            with one fitted on fewer documents than this.
        max_fit_docs: Fit on a seeded sample of at most this many documents; the rest are
            assigned with the fitted model.
        max_cluster_points: Cap for the quadratic-memory Ward step (sampled above it).
        top_n_words: Keywords kept per topic.
        label_diversity: MaximalMarginalRelevance diversity of the keyphrases labels are built from.
        window_weeks: Training window for scheduled refits.
        refit_days: A saved model older than this is refitted by ``ml.pipeline.jobs run``.
        match_threshold: Minimum centroid cosine similarity for a new topic to inherit an old id.
        lexical_weight: Weight of the character n-gram view appended to the embeddings
            before UMAP (:mod:`ml.topics.lexical`); 0 turns it off.
        lexical_dim: SVD components of that view.
        student_epochs: Training passes of the static student used by fast assignment
            (:mod:`ml.assign.student`); 0 trains none.
        student_dim: Token vector size of the student.
        balanced_agreement: Share of student-predicted documents that ``balanced`` assignment
            must give the same topic as ``accurate`` (calibrated on held-out documents at fit).
        mask_catalogue: Replace the warehouse's product names (``marts.dim_product``) by a
            neutral word in the texts the topic engine fits and assigns
            (:mod:`ml.topics.catalogue`), so topics group texts by issue rather than by product.
        session_context_weight: Weight of a chat message's conversation (the mean vector of the
            session's other substantive messages) added to its vector before clustering
            (:func:`ml.topics.conversations.conversation_context`; demo seed 7); 0 turns it off.
        session_merge_threshold: Topics whose conversations overlap by at least this Jaccard
            similarity are merged after the fit (:mod:`ml.topics.conversations`; demo seed 7); 0
            turns it off. Only documents with a chat session id take part.
        session_merge_min_sessions: Fewest conversations two topics must share to be merged.
        session_merge_max_share: Largest share of the documents a topic merged so may hold.
        cross_language_threshold: A Chinese and an English topic that are each other's nearest
            by their mean multilingual vectors (centred per language) are merged at this cosine
            similarity or more (:mod:`ml.topics.crosslingual`; demo seed 7); 0 turns it off.
        cross_language_margin: ... and when that similarity beats each side's second-best partner by this much.
        sentiment_from_ratings: At each refit, fit a sentiment head on the window's rated texts
            (review stars, NPS scores: distant supervision, :func:`ml.pipeline.jobs.fit_sentiment_head`)
            and score the version's substantive texts of the rated channels (reviews, NPS answers)
            with it; ``False`` keeps the shipped base head for every text.
        seed: Seed for sampling, UMAP and everything else random.
    """

    embedding_model: str = "auto"
    umap_neighbors: int = 15
    umap_components: int = 10
    min_topics: int = 5
    max_topics: int = 200
    refine_share: float = 0.03
    refine_silhouette: float = 0.5
    min_cluster_size: int = 5
    min_fit_docs: int = 10
    max_fit_docs: int = 30_000
    max_cluster_points: int = 15_000
    top_n_words: int = 10
    label_diversity: float = 0.3
    window_weeks: int = 8
    refit_days: int = 7
    match_threshold: float = 0.75
    lexical_weight: float = 0.5
    lexical_dim: int = 128
    student_epochs: int = 30
    student_dim: int = 256
    balanced_agreement: float = 0.98
    mask_catalogue: bool = True
    sentiment_from_ratings: bool = True
    session_context_weight: float = 1.0
    session_merge_threshold: float = 0.1
    session_merge_min_sessions: int = 3
    session_merge_max_share: float = 0.1
    cross_language_threshold: float = 0.4
    cross_language_margin: float = 0.1
    seed: int = 42
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain-dict form for JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TopicConfig:
        """Inverse of :meth:`to_dict`, ignoring unknown keys."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

