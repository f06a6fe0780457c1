"""Sentiment of customer texts (Chinese and English): a label and a score in [-1, 1] per text.

Public API::

    from ml.sentiment import AnchorSentiment, SentimentResult, default_model

Modules: :mod:`~ml.sentiment.anchor` (anchor-phrase similarity in USE space plus a cue-word
lexicon).
"""

from ml.sentiment.anchor import AnchorSentiment, SentimentResult, default_model

__all__ = ["AnchorSentiment", "SentimentResult", "default_model"]
