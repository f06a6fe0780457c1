"""Voice-of-the-customer understanding: embeddings, topics, assignment, sentiment, evaluation.

Subpackages, one concern each:

* :mod:`ml.embedding` — encoders (MiniLM, mpnet, USE), the hybrid vector, embedding cache, encoder fetch;
* :mod:`ml.topics` — BERTopic fit, clustering, representation, lifecycle with stable ids, storage;
* :mod:`ml.assign` — assignment of new documents (accurate / balanced / fast) and the static student;
* :mod:`ml.sentiment` — sentiment labels and scores;
* :mod:`ml.evaluation` — scores of the pipeline's output against labelled data (``xe eval``);
* :mod:`ml.pipeline` — the engine over the warehouse (``xe topics``, the ``voc_topics`` DAG);
* :mod:`ml.language` — the language rule shared with the warehouse (dbt).

Subpackages import their heavy dependencies lazily; ``import ml`` itself is cheap. The
command line is ``xe`` (:mod:`include.cli`); benchmarks are in :mod:`include.bench`.
"""
