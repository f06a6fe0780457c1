"""Sentiment of customer texts (Chinese and English): a label and a score in [-1, 1] per text.

Public API::

    from ml.sentiment import SentimentClassifier, SentimentResult, default_model, fit_from_ratings

Modules: :mod:`~ml.sentiment.classifier` (logistic-regression head over the multilingual USE
vector plus cue features; ``default_model``, ``fit_from_ratings``), :mod:`~ml.sentiment.lexical`
(TF-IDF n-gram logistic regression, the second half of warehouse-fitted heads), :mod:`~ml.sentiment.cues`
(emoji/kaomoji, question/request markers, negation-aware opinion words),
:mod:`~ml.sentiment.train` (reproducible training of the shipped base head from
``data/seed_sentences.csv``). ``xe sentiment score TEXT ...`` prints label and score; ``xe sentiment train`` re-trains the base head;
``xe sentiment holdout`` scores a head fitted on a labelled file's hash-chosen training share.
"""

from ml.sentiment.classifier import (
    CLASSES,
    MIN_RATED,
    SentimentClassifier,
    SentimentResult,
    default_model,
    fit_from_ratings,
    ratings_to_labels,
)

__all__ = ["CLASSES", "MIN_RATED", "SentimentClassifier", "SentimentResult", "default_model", "fit_from_ratings",
           "ratings_to_labels"]
