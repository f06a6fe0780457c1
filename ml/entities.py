"""HTML character references in customer text, decoded before the voice is read.

Texts exported from web pages, tweets and forum posts often carry HTML character references
("thanks &amp; have a nice day", "&lt;3", "&#128077;"). Read as they are, the sentiment head
scores the letters "amp" (``"&amp;"`` alone came out positive +0.93) and the set-aside rules
miss a thank-you. :func:`decode_entities` turns complete references (with their ``;``) into
the characters they stand for, with the standard library's :func:`html.unescape` (HTML5's
named references and numeric ones); a bare ``&`` ("AT&T", "R&D") and references without ``;``
are left alone, so ordinary text never changes.

Applied where text enters voice understanding: :func:`ml.pipeline.warehouse.read_interactions`
(every pipeline stage), :func:`ml.evaluation.datasets.load_labelled_csv` (``xe eval``) and
``xe sentiment score``. The warehouse keeps the text as it was landed.
"""

from __future__ import annotations

import html
import re

_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text):
    """``text`` with its complete HTML character references decoded (same object when it has none).

    Non-strings (``None``, NaN) are returned unchanged. Example: ``decode_entities("fish &amp; chips")``
    is ``"fish & chips"``; ``decode_entities("AT&T")`` is ``"AT&T"``.
    """
    if not isinstance(text, str) or "&" not in text:
        return text
    return _REFERENCE.sub(lambda m: html.unescape(m.group(0)), text)
