"""Rule-based set-aside classifier: ``chit_chat`` / ``placeholder`` / ``None`` (substantive).

Each set-aside text also gets a *kind*: the name of the ``rules.yml`` sub-list its phrases come
from (``greeting``, ``thanks``, ``acknowledgement``, ``request_human``, ``bye``; for
placeholders ``blank_review``, ``default_review``, ``no_answer``), or :data:`OTHER_KIND` when
no sub-list decides (emoji only, fillers only, a regex without a kind, boilerplate). A text that
mixes kinds ("好的谢谢" = acknowledgement + thanks) takes the first of its kinds in the rules'
``kind_order`` (then in file order).

See :mod:`ml.setaside` for what is set aside and why, and ``rules.yml`` (next to this module)
for the rules themselves and how they are matched.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

CHIT_CHAT = "chit_chat"
PLACEHOLDER = "placeholder"
CLASSES = (CHIT_CHAT, PLACEHOLDER)
SUBSTANTIVE = "substantive"  # key used by counts() for texts classified None
OTHER_KIND = "other"  # kind of a set-aside text no sub-list decides (emoji only, fillers only, ...)

DEFAULT_RULES = Path(__file__).with_name("rules.yml")
ENV_VAR = "EE_SETASIDE_RULES"
_CACHE_MAX = 500_000  # distinct texts kept in the per-instance cache

# Unit tokeniser: a Latin word (letters/digits, inner apostrophes) or any other single word
# character (a Chinese character, a Greek letter of a kaomoji...). Underscore, punctuation,
# emoji and symbols are not units and are dropped.
_LATIN = r"0-9a-z\u00c0-\u024f"
_UNIT_RE = re.compile(rf"[{_LATIN}]+(?:'[{_LATIN}]+)*|[^\W_]")
_LATIN_WORD_RE = re.compile(rf"[{_LATIN}]")
_JOIN_SPACE_RE = re.compile(rf"(?<![{_LATIN}]) | (?![{_LATIN}])")
# dropped before tokenising: @handles and URLs (addressing, not content) and keycap emoji (1️⃣)
#: a handle may follow a lone "." (Twitter's ".@united thanks", written so the tweet is public), never a word
_ADDRESS_RE = re.compile(r"(?<!\w)(?<!\w\.)@[\w.]+|https?://\S+|www\.\S+|[0-9#*]\ufe0f?\u20e3")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})

# token kinds in the segmentation (bit flags)
_FILLER, _COMPANION, _CHIT, _PLACE = 0, 1, 2, 4


@dataclass(frozen=True)
class _Norm:
    raw: str  # NFKC, lower-cased, trimmed
    units: tuple[str, ...]

    @property
    def key(self) -> str:
        return _join(self.units)


def _join(units: Sequence[str]) -> str:
    """Units back to a string: a space only between two Latin words."""
    return _JOIN_SPACE_RE.sub("", " ".join(units))


def _normalise(text: str) -> _Norm:
    raw = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower().strip()
    return _Norm(raw, tuple(_UNIT_RE.findall(_ADDRESS_RE.sub(" ", raw))))


def _units(phrase: str) -> tuple[str, ...]:
    return _normalise(str(phrase)).units


def _phrase_list(value: Any) -> list[str]:
    """A list of phrases, or a mapping of sub-lists (greeting: [...], thanks: [...]).

    Raises:
        ValueError: A list item YAML did not read as text or a number: an unquoted ``yes`` /
            ``no`` / ``on`` / ``off`` is a boolean and ``null`` / ``~`` nothing, so they would
            silently never match.
    """
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [p for sub in value.values() for p in _phrase_list(sub)]
    if isinstance(value, str):
        return [value]
    for p in value:
        if isinstance(p, bool) or p is None:
            raise ValueError(f"set-aside rule {p!r} is not text: YAML reads an unquoted yes/no/on/off as a "
                             "boolean and null/~ as nothing; quote it ('yes')")
    return [str(p) for p in value]


def _sub_lists(value: Any, keep_unnamed: bool = False) -> dict[str | None, list[str]]:
    """Named sub-lists of a class (``greeting: [...]``) -> ``{name: phrases}``.

    A plain list (no sub-lists) is kept under the name None when ``keep_unnamed``; deeper
    mappings are flattened into their top-level name.
    """
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {str(name): _phrase_list(sub) for name, sub in value.items()}
    return {None: _phrase_list(value)} if keep_unnamed else {}


def _alternation(patterns: Sequence[str]) -> re.Pattern | None:
    """One regex matching any of ``patterns`` (None for none); each is compiled alone first, so a
    bad one fails with its own text in the error."""
    for p in patterns:
        re.compile(p)
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


class SetAside:
    """Classify texts as ``"chit_chat"``, ``"placeholder"`` or ``None`` (substantive).

    ``rules`` is the parsed YAML mapping (see ``rules.yml``). Results are cached per distinct
    text, so repeated texts cost a dict lookup.
    """

    def __init__(self, rules: Mapping[str, Any], *, source: str | None = None):
        self.source = source
        self.empty_class = rules.get("empty_text", PLACEHOLDER)
        self.symbols_class = rules.get("symbols_only", CHIT_CHAT)
        for name, value in (("empty_text", self.empty_class), ("symbols_only", self.symbols_class)):
            if value is not None and value not in CLASSES:
                raise ValueError(f"{name} must be one of {CLASSES} or null, got {value!r}")
        # trie over unit tuples: node = {unit: child, None: (kind, sub-kind bit mask)}
        self._trie: dict = {}
        self._known_units: set[str] = set()
        classes = rules.get("classes") or {}
        unknown = set(classes) - set(CLASSES)
        if unknown:
            raise ValueError(f"unknown set-aside classes {sorted(unknown)}; use {CLASSES}")
        # sub-kinds (the named sub-lists of each class), ranked by kind_order then file order
        subs = {cls_name: _sub_lists(classes.get(cls_name), keep_unnamed=True) for cls_name in CLASSES}
        named = [name for cls_name in CLASSES for name in subs[cls_name] if name is not None]
        order = [str(k) for k in (rules.get("kind_order") or [])]
        self.kinds: tuple[str, ...] = tuple(dict.fromkeys([k for k in order if k in named] + named))
        self._kind_bit = {name: 1 << i for i, name in enumerate(self.kinds)}
        self._class_mask = {cls_name: sum(self._kind_bit.get(name, 0) for name in subs[cls_name])
                            for cls_name in CLASSES}
        groups = [(_FILLER, None, _phrase_list(rules.get("fillers"))),
                  (_COMPANION, None, _phrase_list(rules.get("companions")))]
        for kind, cls_name in ((_CHIT, CHIT_CHAT), (_PLACE, PLACEHOLDER)):
            groups.extend((kind, name, phrases) for name, phrases in subs[cls_name].items())
        for kind, name, phrases in groups:
            mask = self._kind_bit.get(name, 0)
            for phrase in phrases:
                self._add(_units(phrase), kind, mask)
        # typo tolerance: Latin words of >= 4 letters with two adjacent letters swapped
        # ("helol", "tahnks", "mornnig") map to the listed word; Chinese variants are listed.
        self._typos: dict[str, str] = {}
        if rules.get("latin_transpositions", True):
            for u in sorted(self._known_units):
                if len(u) >= 4 and _LATIN_WORD_RE.match(u):
                    for k in range(len(u) - 1):
                        v = u[:k] + u[k + 1] + u[k] + u[k + 2:]
                        if v != u and v not in self._known_units:
                            self._typos.setdefault(v, u)
        self._patterns = self._compile(rules.get("patterns"))
        self._raw_patterns = self._compile(rules.get("raw_patterns"))
        self._complaint = _alternation(_phrase_list(rules.get("complaint_markers")))
        self._boilerplate = _alternation(_phrase_list(rules.get("boilerplate")))
        self._cache: dict[str, tuple[str | None, str | None]] = {}

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_file(cls, path: str | os.PathLike) -> SetAside:
        """Load rules from a YAML file (a merchant's copy of ``rules.yml``)."""
        path = Path(path)
        with path.open(encoding="utf-8") as fh:
            rules = yaml.safe_load(fh) or {}
        if not isinstance(rules, Mapping):
            raise ValueError(f"{path}: set-aside rules must be a YAML mapping")
        return cls(rules, source=str(path))

    def _add(self, units: tuple[str, ...], kind: int, mask: int = 0) -> None:
        if not units:
            return
        node = self._trie
        for u in units:
            node = node.setdefault(u, {})
            self._known_units.add(u)
        # a phrase listed under several kinds keeps the strongest (placeholder > chit > ...) and
        # every sub-kind it is listed under at that strength ("晚安": greeting and bye)
        old_kind, old_mask = node.get(None, (kind, 0))
        if kind > old_kind:
            node[None] = (kind, mask)
        elif kind == old_kind:
            node[None] = (kind, old_mask | mask)

    @staticmethod
    def _compile(spec: Any) -> list[tuple[str, str, re.Pattern]]:
        """``(class, kind, alternation)``, placeholder first (it wins over chit-chat).

        A class's patterns are a list (kind :data:`OTHER_KIND`) or a mapping of kind -> list.
        """
        spec = spec or {}
        unknown = set(spec) - set(CLASSES)
        if unknown:
            raise ValueError(f"pattern classes {sorted(unknown)} are not in {CLASSES}")
        out = []
        for cls_name in (PLACEHOLDER, CHIT_CHAT):
            for kind, pats in _sub_lists(spec.get(cls_name), keep_unnamed=True).items():
                if pats:
                    out.append((cls_name, kind or OTHER_KIND, _alternation(pats)))
        return out

    # ------------------------------------------------------------------ matching
    def _segment(self, units: tuple[str, ...]) -> tuple[int, int] | None:
        """``(kind bits, sub-kind mask)`` of a full segmentation of ``units`` into known phrases, or None.

        DP over positions; each position keeps the set of (kind bits, sub-kind mask) pairs
        reachable (a handful on short texts). Prefers a segmentation with a placeholder, then
        one with chit-chat, then the fewest kinds, then the highest-ranked sub-kind.
        """
        known, typos = self._known_units, self._typos
        fixed = None
        for k, u in enumerate(units):
            if u not in known:
                v = typos.get(u)
                if v is None:
                    return None  # fast path: a unit no phrase contains
                if fixed is None:
                    fixed = list(units)
                fixed[k] = v
        if fixed is not None:
            units = tuple(fixed)
        n = len(units)
        reach: list[set[tuple[int, int]]] = [set() for _ in range(n + 1)]
        reach[0].add((0, 0))
        trie = self._trie
        for i in range(n):
            if not reach[i]:
                continue
            node = trie
            for j in range(i, n):
                node = node.get(units[j])
                if node is None:
                    break
                entry = node.get(None)
                if entry is not None:
                    kind, mask = entry
                    bit = 1 << kind if kind else 0
                    reach[j + 1].update((s | bit, m | mask) for s, m in reach[i])
        if not reach[n]:
            return None
        return max(reach[n], key=lambda sm: (bool(sm[0] & (1 << _PLACE)), bool(sm[0] & (1 << _CHIT)), -sm[0],
                                             -((sm[1] & -sm[1]) or 1 << 62)))

    def _kind(self, mask: int, cls_name: str) -> str:
        """Highest-ranked sub-kind of ``cls_name`` in ``mask``, else :data:`OTHER_KIND`."""
        mask &= self._class_mask[cls_name]
        return self.kinds[(mask & -mask).bit_length() - 1] if mask else OTHER_KIND

    def _class_of_units(self, units: tuple[str, ...]) -> tuple[str | None, str | None]:
        found = self._segment(units)
        if found is None:
            return None, None
        bits, mask = found
        if bits & (1 << _PLACE):
            return PLACEHOLDER, self._kind(mask, PLACEHOLDER)
        if bits & (1 << _CHIT):
            return CHIT_CHAT, self._kind(mask, CHIT_CHAT)
        if bits & (1 << _COMPANION):
            return None, None  # "great" / "好" alone is an opinion
        return CHIT_CHAT, OTHER_KIND  # fillers only: "嗯", "亲~", "哈哈"

    def _classify_uncached(self, text: Any) -> tuple[str | None, str | None]:
        if text is None or (isinstance(text, float) and text != text):
            return self.empty_class, self.empty_class and OTHER_KIND
        norm = _normalise(str(text))
        if not norm.raw:
            return self.empty_class, self.empty_class and OTHER_KIND
        # a pattern's open tail ("非工作时间.*", "^自动回复：") may hold a customer's complaint:
        # then the pattern does not set the text aside (the phrase lists still may)
        complaint = self._complaint is not None and bool(self._complaint.search(norm.raw))
        for cls_name, kind, pat in self._raw_patterns:
            if pat.search(norm.raw) and not (complaint and cls_name == PLACEHOLDER):
                return cls_name, kind
        if not norm.units:
            return self.symbols_class, self.symbols_class and OTHER_KIND
        key = norm.key
        for cls_name, kind, pat in self._patterns:
            if pat.fullmatch(key) and not (complaint and cls_name == PLACEHOLDER):
                return cls_name, kind
        result = self._class_of_units(norm.units)
        if result[0] is not None:
            return result
        if self._boilerplate is not None:
            rest, n_subs = self._boilerplate.subn(" ", key)
            if n_subs:
                rest_units = _units(rest)
                if not rest_units or self._class_of_units(rest_units)[0] is not None:
                    return PLACEHOLDER, OTHER_KIND
        return None, None

    def classify_one_kind(self, text: Any) -> tuple[str | None, str | None]:
        """``(class, kind)`` of one text: ``("chit_chat", "thanks")``, ``("placeholder", "blank_review")``,
        ``("chit_chat", "other")`` ... or ``(None, None)`` (substantive). Cached per distinct text."""
        if isinstance(text, str):
            try:
                return self._cache[text]
            except KeyError:
                if len(self._cache) >= _CACHE_MAX:
                    self._cache.clear()  # bounded memory on huge corpora of distinct texts
                result = self._cache[text] = self._classify_uncached(text)
                return result
        return self._classify_uncached(text)

    def classify_one(self, text: Any) -> str | None:
        """Class of one text: ``"chit_chat"``, ``"placeholder"`` or ``None`` (substantive)."""
        return self.classify_one_kind(text)[0]

    def classify_kinds(self, texts: Sequence[str] | Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """Classes and kinds of ``texts``: two ``(n,)`` object arrays (both None for a substantive text).

        Kinds are the rules' sub-list names (:attr:`kinds`) or :data:`OTHER_KIND`.
        """
        texts = list(texts)
        classes, kinds = np.empty(len(texts), dtype=object), np.empty(len(texts), dtype=object)
        one = self.classify_one_kind
        pairs = [one(t) for t in texts]
        classes[:] = [c for c, _ in pairs]
        kinds[:] = [k for _, k in pairs]
        return classes, kinds

    def classify(self, texts: Sequence[str] | Iterable[str]) -> np.ndarray:
        """Classes of ``texts`` as an object array of ``"chit_chat"``, ``"placeholder"`` or None."""
        return self.classify_kinds(texts)[0]

    @staticmethod
    def counts(classes: Sequence[str | None] | np.ndarray) -> dict[str, int]:
        """Counts per class: ``{"chit_chat", "placeholder", "substantive", "set_aside", "total"}``."""
        return counts(classes)

    def clear_cache(self) -> None:
        self._cache.clear()


def counts(classes: Sequence[str | None] | np.ndarray) -> dict[str, int]:
    """Counts of a ``classify`` result: every text is counted, nothing is dropped."""
    out = {CHIT_CHAT: 0, PLACEHOLDER: 0, SUBSTANTIVE: 0}
    for c in classes:
        out[SUBSTANTIVE if c is None else c] = out.get(SUBSTANTIVE if c is None else c, 0) + 1
    out["set_aside"] = out[CHIT_CHAT] + out[PLACEHOLDER]
    out["total"] = out["set_aside"] + out[SUBSTANTIVE]
    return out


def default_setaside() -> SetAside:
    """The classifier from ``$EE_SETASIDE_RULES`` if set, else the packaged ``rules.yml``."""
    path = os.environ.get(ENV_VAR) or DEFAULT_RULES
    return SetAside.from_file(path)


def benchmark(n: int = 200_000, *, distinct: int = 5_000, seed: int = 0) -> dict[str, float]:
    """Texts per second on short mixed texts (``distinct`` different ones repeated to ``n``).

    Prints and returns the cold (first pass, fills the cache) and warm throughput.
    """
    rng = np.random.default_rng(seed)
    stems = ["你好", "在吗", "好的谢谢", "转人工", "ok thanks", "hi there", "此用户没有填写评价。",
             "快递三天了还没发货", "退款一周了还没到账", "the parcel never arrived", "质量很好，下次再来",
             "👍", "亲，在吗~", "好的谢谢，我的快递到哪了", "thanks, but the parcel never arrived"]
    pool = [f"{stems[i % len(stems)]}{'！' * (i // len(stems) % 4)}{i // (4 * len(stems))}"
            if i >= len(stems) else stems[i] for i in range(distinct)]
    texts = [pool[k] for k in rng.integers(0, distinct, n)]
    model = SetAside.from_file(DEFAULT_RULES)
    t0 = time.perf_counter()
    model.classify(texts)
    cold = n / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    model.classify(texts)
    warm = n / (time.perf_counter() - t0)
    model.clear_cache()
    t0 = time.perf_counter()
    model.classify(pool)
    uncached = distinct / (time.perf_counter() - t0)
    figures = {"texts_per_s_cold": cold, "texts_per_s_warm": warm, "distinct_texts_per_s": uncached}
    print(f"setaside benchmark: {n} texts ({distinct} distinct): cold {cold:,.0f}/s, "
          f"warm {warm:,.0f}/s, uncached distinct {uncached:,.0f}/s")
    return figures
