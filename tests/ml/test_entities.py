"""HTML character references are decoded before the voice is read (a verifier's finding on airline tweets)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ml.entities import decode_entities


def test_complete_references_are_decoded():
    assert decode_entities("thanks &amp; have a nice day") == "thanks & have a nice day"
    assert decode_entities("&lt;3 &gt;_&lt;") == "<3 >_<"
    assert decode_entities("great &#128077; &#x1F44D;") == "great 👍 👍"
    assert decode_entities("&quot;fast&quot; delivery") == '"fast" delivery'


def test_ordinary_ampersands_and_incomplete_references_stay():
    for text in ("AT&T", "R&D team", "fish & chips", "&amp without semicolon", "a&b;c", "&;", "&#;", ""):
        assert decode_entities(text) == text


def test_non_strings_pass_through():
    assert decode_entities(None) is None


@given(st.text(alphabet=st.characters(blacklist_characters="&")))
def test_text_without_an_ampersand_is_unchanged(text):
    assert decode_entities(text) == text


def test_the_eval_reader_decodes(tmp_path):
    from ml.evaluation.datasets import load_labelled_csv

    path = tmp_path / "in.csv"
    path.write_text('text,label\n"thanks &amp; bye",neutral\n"AT&T signal",negative\n', encoding="utf-8")
    assert load_labelled_csv(path, "text", "label")["text"].tolist() == ["thanks & bye", "AT&T signal"]
