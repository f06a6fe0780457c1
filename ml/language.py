"""Language detection and routing: the one rule the warehouse and the topic engine share.

A text is tagged ``zh``, ``en``, ``mixed`` or ``unknown`` (the warehouse codes) from its
character classes. The rule's parameters live in one place, the ``language_rule`` var of
``dbt_project/dbt_project.yml``; the dbt macro ``detect_language`` (``macros/text.sql``)
computes ``fct_interactions.language`` from the same block, so the marts and the topic
engine always agree (``tests/ml/test_language.py`` runs both on the same texts).

The rule (a character-class count, not a statistical detector: the warehouse only needs to
know whether a text is Chinese, English or both, and PostgreSQL and DuckDB must compute it
in plain SQL):

* remove the redaction placeholders (``<PHONE>``, ``<EMAIL>``, ``<ID_CARD>``, ``<BANK_CARD>``,
  ``<ADDRESS>``, ``<NAME>``: :mod:`include.privacy.redactor`);
* ``han`` = Han characters, ``latin`` = runs of Latin letters (≈ English words);
* Han share = ``han / (han + latin_word_weight * latin)`` (one Han character carries about
  as much as half an English word);
* ``zh`` at or above ``zh_min_han_share`` (0.8), ``en`` at or below ``en_max_han_share``
  (0.2), ``mixed`` in between, ``unknown`` with neither.

Routing: :func:`uses_english_model` says which texts the English encoder also embeds
(``en`` and ``mixed``); Chinese and unknown texts get only the multilingual encoder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("zh", "en", "mixed", "unknown")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class LanguageRule:
    """The shared rule's parameters (see the module docstring)."""

    han_ranges: str
    latin_word_weight: float
    zh_min_han_share: float
    en_max_han_share: float
    ignore_pattern: str

    @property
    def han(self) -> re.Pattern:
        """Compiled character class of Han characters."""
        return re.compile(f"[{self.han_ranges}]")


@lru_cache(maxsize=1)
def language_rule(project_file: Path | None = None) -> LanguageRule:
    """Read the ``language_rule`` var from ``dbt_project/dbt_project.yml``.

    Raises:
        KeyError: When the dbt project has no ``language_rule`` var (a broken checkout).
    """
    import yaml

    if project_file is None:
        from include.config import PROJECT_ROOT

        project_file = PROJECT_ROOT / "dbt_project" / "dbt_project.yml"
    rule = yaml.safe_load(Path(project_file).read_text(encoding="utf-8"))["vars"]["language_rule"]
    return LanguageRule(
        han_ranges=str(rule["han_ranges"]),
        latin_word_weight=float(rule["latin_word_weight"]),
        zh_min_han_share=float(rule["zh_min_han_share"]),
        en_max_han_share=float(rule["en_max_han_share"]),
        ignore_pattern=str(rule["ignore_pattern"]),
    )


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern, re.Pattern, LanguageRule]:
    rule = language_rule()
    return rule.han, re.compile(rule.ignore_pattern), rule


def detect_language(text: str | None) -> str:
    """Tag a text ``zh``, ``en``, ``mixed`` or ``unknown`` with the shared rule.

    Args:
        text: Any string; ``None`` and empty strings give ``unknown``.

    Returns:
        One of :data:`LANGUAGES`; equals the warehouse's ``fct_interactions.language`` for
        the same (redacted) text.
    """
    if not text:
        return "unknown"
    han_re, ignore_re, rule = _compiled()
    text = ignore_re.sub("", text)
    han = len(han_re.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    if han + latin == 0:
        return "unknown"
    share = han / (han + rule.latin_word_weight * latin)
    if share >= rule.zh_min_han_share:
        return "zh"
    if share <= rule.en_max_han_share:
        return "en"
    return "mixed"


def has_chinese(texts: Iterable[str | None]) -> bool:
    """True when any text contains a Han character."""
    han_re = _compiled()[0]
    return any(han_re.search(t or "") for t in texts)


def is_han(token: str) -> bool:
    """True when a token contains a Han character (tokenisers use it to keep Chinese words)."""
    return bool(_compiled()[0].search(token))


def uses_english_model(texts: Iterable[str | None]) -> list[bool]:
    """Routing: which texts the English encoder embeds too (``en`` and ``mixed``)."""
    return [detect_language(t) in ("en", "mixed") for t in texts]
