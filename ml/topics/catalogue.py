"""Mask the merchant's own product names before topics are fitted or assigned.

Customers name the product they write about ("智能空气炸锅 Pro 5L 漏油", "the air fryer pro
leaks oil"). In a short text the product name carries more of the sentence embedding than the
issue does, so without masking the topics group texts by product (every question, defect and
compliment about the air fryer in one topic) rather than by what happened. The product is not
lost: it is a column of its own (``fct_interactions.product_id``, ``int_product_topic_mentions``),
so the topic only has to say what the issue is.

:class:`CatalogueMask` replaces every catalogue name (``marts.dim_product``: ``product_name``,
``product_name_en``) and its short forms, how customers usually shorten a listing title, by a
neutral word in the same script (``商品`` for a Chinese name, ``product`` for a Latin one):

* the name without its trailing specification, from the first word holding a digit
  ("Smart air fryer Pro" of "Smart air fryer Pro 5L");
* for a name in Han script, its head before the first space or digit ("智能空气炸锅" of
  "智能空气炸锅 Pro 5L").

A short form is used when it has at least two Han characters (one, as "米" of "米 5kg", would
mask ordinary words) or, in Latin script, at least three letters.

Matching is case-insensitive; Latin names match on word boundaries only ("tea" does not match
inside "steak"); the longest name wins where names overlap.

The mask applies to the topic engine's input only (clustering, keywords, labels, assignment):
``fct_interactions.text_redacted`` is never changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: replacement for a name in Han script / in Latin script
ZH_PLACEHOLDER = "商品"
EN_PLACEHOLDER = "product"

_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_HEAD = re.compile(r"^[^\s\d]+")


def _variants(name: str) -> list[str]:
    """The name and the short forms customers use (see the module docstring)."""
    words = name.split()
    out = [" ".join(words)]
    spec = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), len(words))
    short = [" ".join(words[:spec])] if 0 < spec < len(words) else []
    head = _HAN_HEAD.match(out[0])
    if head and _HAN.search(head.group(0)):  # a Latin name's first word ("Smart") is not its name
        short.append(head.group(0))
    for form in short:
        if len(_HAN.findall(form)) >= 2 or (not _HAN.search(form) and len(form) >= 3):
            out.append(form)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class CatalogueMask:
    """Replace catalogue product names in texts by a neutral word.

    Attributes:
        names: The names matched (full names and heads, de-duplicated, longest first).
    """

    names: tuple[str, ...]

    @classmethod
    def from_names(cls, names: Iterable[str | None]) -> CatalogueMask:
        """Build from product names (``None``, blank and duplicate names are skipped)."""
        found: dict[str, None] = {}
        for name in names:
            if not isinstance(name, str) or not name.strip():
                continue
            for variant in _variants(name):
                found.setdefault(variant.lower(), None)
        return cls(tuple(sorted(found, key=lambda s: (-len(s), s))))

    def __post_init__(self) -> None:
        if not self.names:
            object.__setattr__(self, "_pattern", None)
            return
        parts = []
        for name in self.names:
            body = r"\s+".join(re.escape(w) for w in name.split())
            if _HAN.search(name):
                parts.append(body)
            else:  # whole words only: "tea" is not in "steak"
                parts.append(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])")
        object.__setattr__(self, "_pattern", re.compile("|".join(parts), re.IGNORECASE))

    def __len__(self) -> int:
        return len(self.names)

    def apply(self, texts: Sequence[str | None]) -> list[str]:
        """Texts with every catalogue name replaced (same length and order; non-strings -> "")."""
        pattern = self._pattern  # type: ignore[attr-defined]
        out = []
        for text in texts:
            text = text if isinstance(text, str) else ""
            if pattern is not None and text:
                text = pattern.sub(_replacement, text)
            out.append(text)
        return out


def _replacement(match: re.Match) -> str:
    return ZH_PLACEHOLDER if _HAN.search(match.group(0)) else EN_PLACEHOLDER
