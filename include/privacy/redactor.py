"""Find and mask personal data in customer texts (Chinese and English).

Kinds and how each is found (the library does the validation, small rules give the shape):

* ``phone`` - :class:`phonenumbers.PhoneNumberMatcher` (region CN, leniency VALID): mainland
  mobiles and landlines, and international numbers written with ``+``/``00``. Business lines
  are kept: toll-free (800, 1-800), shared-cost/UAN (400) and premium numbers by their
  phonenumbers type; 95xxx short numbers are never matched. A CN landline must be written with
  its trunk 0 (or +86), so a bare 10-digit business key is not read as one.
* ``email`` - an ASCII address pattern (local part, domain, letter TLD).
* ``id_card`` - 18-character resident identity numbers, validated by :mod:`stdnum.cn.ric`
  (birth date and ISO 7064 MOD 11-2 check character, GB 11643-1999).
* ``bank_card`` - 13-19 digits (optionally in groups split by spaces or dashes) passing the
  Luhn check (:mod:`stdnum.luhn`, ISO/IEC 7812) with a card-network prefix (UnionPay 62,
  Visa 4, Mastercard 51-55/22-27, Amex 34/37, JCB 35, Discover 60/64/65).
* ``address`` - Chinese: a province/city/district found by cpca's gazetteer (its Aho-Corasick
  matcher over the national adcode table) or an address cue (地址, 寄到 ...) followed by a
  street or house-number detail (路, 号, 室 ...); English: ``<number> <Name> <street type>``
  with optional unit, city, state and ZIP.
* ``name`` - a person's name after a cue (我叫, 收件人, 联系人, "my name is", "this is ... from"):
  a known Chinese surname plus one or two characters, or one to three capitalised words.

Kept on purpose (business keys, not personal data): order and tracking numbers after an order
cue (订单号, order #, tracking ...) or with a carrier prefix (SF..., YT...), prices, dates,
hotlines, model numbers and coupon codes. The cue words and vocabularies are data:
``include/privacy/data/rules.yml``.

Why not presidio-analyzer's recognisers: importing ``presidio_analyzer`` loads its NLP
engines (transformers, spaCy) - about 20 s per process here, paid by every warehouse build -
and its EmailRecognizer validates domains with tldextract, which downloads the public-suffix
list at first use (no network here). Its patterns use ``\\b``, which does not separate Han
characters from digits or letters (``邮箱abc@qq.com`` is read as one e-mail), and its
credit-card pattern stops at 17 digits (UnionPay cards have 19). Its PhoneRecognizer wraps
phonenumbers, which this module calls directly.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import phonenumbers
import yaml
from phonenumbers import PhoneNumberType
from stdnum import luhn
from stdnum.cn import ric

RULES_PATH = Path(__file__).with_name("data") / "rules.yml"
#: bump when the detection code changes (the rules file is hashed in automatically)
CODE_VERSION = "1"

KINDS: tuple[str, ...] = ("phone", "email", "id_card", "bank_card", "address", "name")
PLACEHOLDERS: dict[str, str] = {kind: f"<{kind.upper()}>" for kind in KINDS}
#: when two findings overlap, the earlier kind here wins (a card number is not also a phone)
_PRIORITY = {kind: i for i, kind in enumerate(("id_card", "bank_card", "email", "phone", "address", "name"))}
_BUSINESS_PHONE_TYPES = {PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST,
                         PhoneNumberType.UAN}
_CARD_PREFIX = re.compile(r"^(?:62|4|5[1-5]|2[2-7]|3[47]|35|60|64|65)")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@dataclass(frozen=True)
class Span:
    """One piece of personal data: ``text[start:end]`` (character offsets) of ``kind``."""

    start: int
    end: int
    kind: str
    value: str


@dataclass(frozen=True)
class RedactionResult:
    """A text with its personal data replaced by typed placeholders (``<PHONE>`` ...).

    Attributes:
        text: the redacted text.
        spans: what was replaced, as offsets into the ORIGINAL text, in text order.
    """

    text: str
    spans: tuple[Span, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The distinct kinds found, in :data:`KINDS` order."""
        found = {s.kind for s in self.spans}
        return tuple(k for k in KINDS if k in found)


@dataclass(frozen=True)
class _Rules:
    version: str
    order_guard: re.Pattern
    name_zh: re.Pattern
    name_en: re.Pattern
    name_en_lower: re.Pattern
    name_from_en: re.Pattern
    surnames: tuple[str, ...]
    name_stop: frozenset[str]
    name_stop_words: tuple[str, ...]
    address_cue_zh: re.Pattern
    address_detail_zh: re.Pattern
    address_en: re.Pattern
    name_cue_probe: re.Pattern
    address_probe: re.Pattern


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = RULES_PATH.read_bytes()
    data = yaml.safe_load(raw)
    version = f"{CODE_VERSION}-{hashlib.sha256(raw).hexdigest()[:10]}"
    order_cues = _alternation(data["order_cues"])
    prefixes = _alternation(data["tracking_prefixes"])
    order_guard = re.compile(
        rf"(?:(?i:{order_cues})\s*(?:[:：#]|is|是|为)?\s*[A-Za-z]{{0,4}}-?\d[\d-]{{5,24}}\d)"
        rf"|(?<![A-Za-z0-9])(?:{prefixes})\d{{8,18}}(?![0-9])")
    surnames = tuple(data["surnames_compound"]) + tuple(data["surnames"].split())
    sur = _alternation(surnames)
    name_zh = re.compile(rf"(?:{_alternation(data['name_cues_zh'])})[:：\s]?\s*(?:是|为)?\s*(?P<name>(?:{sur})[{_HAN}]{{1,2}})")
    cap = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
    cue_en = _alternation(data["name_cues_en"])
    name_en = re.compile(rf"(?i:{cue_en})\s*(?P<name>{cap}(?:\s{cap}){{0,2}})")
    name_en_lower = re.compile(r"(?i:my name is|my name's)\s+(?P<name>[a-z]{2,}(?:\s[a-z]{2,})?)")
    name_from_en = re.compile(rf"(?i:{_alternation(data['name_from_cues_en'])})\s+(?P<name>{cap}(?:\s{cap}){{0,2}})"
                              r"\s+(?i:from)\b")
    streets = _alternation(data["street_suffixes_zh"])
    units = _alternation(data["unit_suffixes_zh"])
    num = r"(?:[0-9０-９]+|[零一二三四五六七八九十百]+)"
    # street names, numbers and unit words, e.g. 体育西路100号3栋2单元1202室 / 张江路88弄5号
    address_detail_zh = re.compile(
        rf"(?:[{_HAN}A-Za-z0-9]{{0,12}}?(?:{streets}))?(?:{num}(?:-{num})?(?:{units}|{streets}))+"
        rf"|[{_HAN}A-Za-z0-9]{{1,12}}?(?:{streets})(?:{num}(?:-{num})?(?:{units}|{streets}))*")
    address_cue_zh = re.compile(rf"(?:{_alternation(data['address_cues_zh'])})[:：\s]?\s*(?:是|为)?\s*")
    types = _alternation(data["street_types_en"])
    address_en = re.compile(
        rf"(?<![\w-])\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][a-z]+\.?\s+|\d+(?:st|nd|rd|th)\s+){{1,4}}(?:{types})\b\.?"
        r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|#)\.?\s*#?\w+)?"
        r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})?(?:,\s*[A-Z]{2})?(?:,?\s+\d{5}(?:-\d{4})?)?"
        r"|(?i:P\.?\s?O\.?\s+Box)\s+\d{1,6}")
    name_cue_probe = re.compile(
        rf"{_alternation(data['name_cues_zh'])}|(?i:{cue_en}|{_alternation(data['name_from_cues_en'])})")
    address_probe = re.compile(rf"{streets}|{units}|(?i:{types}|box)")
    return _Rules(version, order_guard, name_zh, name_en, name_en_lower, name_from_en, surnames,
                  frozenset(data["name_stop_chars"].split()), tuple(data["name_stop_words"]), address_cue_zh, address_detail_zh, address_en,
                  name_cue_probe, address_probe)


def redactor_version() -> str:
    """Version of the redactor: code version + hash of the rules file (the warehouse re-redacts on change)."""
    return _rules().version


# -- detectors: each yields (start, end, kind) ---------------------------------------------------

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})"
                    r"(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9])")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z.-])\d{4}(?:[ -]?\d){9,15}(?![0-9A-Za-z])")
_DIGITS = re.compile(r"\d")
_LONG_DIGITS = re.compile(r"\d(?:[ -]?\d){12}")
_SEVEN_DIGITS = re.compile(r"\d(?:[\s().-]{0,2}\d){6}")


def _emails(text: str):
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield m.start(), m.end(), "email"


def is_resident_id(number: str) -> bool:
    """An 18-character mainland resident ID: known province, real birth date, right check character.

    Uses :mod:`stdnum.cn.ric` for the check character (ISO 7064 MOD 11-2, GB 11643-1999) and
    the birth date, and its region table for the province. Not ``ric.is_valid``: that also
    requires the county code to have existed in the birth YEAR, but a code is assigned where
    the card is issued (from 1985), so people born before their district was created hold
    valid numbers it rejects (a 1972-born resident of 天河区, created 1985, 440106 1972...).
    """
    number = ric.compact(number)
    if len(number) != 18 or not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
        return False
    try:
        ric.get_birth_date(number)
    except Exception:  # noqa: BLE001 - stdnum raises its own ValidationError subclasses
        return False
    return any("province" in props for _, props in _cn_regions().info(number[:6]))


@lru_cache(maxsize=1)
def _cn_regions():
    from stdnum import numdb

    return numdb.get("cn/loc")


def _id_cards(text: str):
    for m in _ID_CARD.finditer(text):
        if is_resident_id(m.group()):
            yield m.start(), m.end(), "id_card"


def _looks_like_id_number(digits: str) -> bool:
    """18 digits shaped like a resident ID (region code, a 19xx/20xx birth date): never a card."""
    if len(digits) != 18:
        return False
    year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _bank_cards(text: str):
    for m in _CARD.finditer(text):
        value = m.group()
        digits = value.replace(" ", "").replace("-", "")
        # groups, when used, are of 4 (the last may be shorter): "6222 0212 3456 7890 128"
        groups = re.split(r"[ -]", value)
        if len(groups) > 1 and any(len(g) != 4 for g in groups[:-1]):
            continue
        if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn.is_valid(digits) \
                and not _looks_like_id_number(digits):
            yield m.start(), m.end(), "bank_card"


def _phones(text: str):
    if not _SEVEN_DIGITS.search(text):
        return
    for match in phonenumbers.PhoneNumberMatcher(text, "CN", leniency=phonenumbers.Leniency.POSSIBLE):
        number, raw = match.number, match.raw_string
        if phonenumbers.number_type(number) in _BUSINESS_PHONE_TYPES:
            continue
        digits = "".join(c for c in raw if c.isdigit())
        groups = [len(g) for g in re.findall(r"\d+", raw)]
        if raw.lstrip("(").startswith(("+", "00")):
            # written in international format: a phone number whenever its length is possible
            # for its country (phonenumbers' number-range metadata lags new ranges)
            yield match.start, match.end, "phone"
        elif number.country_code == 86:
            # a mainland mobile: 11 digits 1[3-9]..., written whole or 3-4-4 (1-800-275-2273 is a US
            # hotline), even in a range phonenumbers does not list yet; a landline: valid and
            # written with its trunk 0 (a bare 10-digit business key is not one)
            mobile = len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789" \
                and groups in ([11], [3, 4, 4], [3, 8], [7, 4])
            landline = digits.startswith("0") and phonenumbers.is_valid_number(number)
            if mobile or landline:
                yield match.start, match.end, "phone"


def _admin_runs(text: str):
    """Chains of adjacent province/city/district names from cpca's gazetteer: (start, end)."""
    runs: list[list[int]] = []
    for info in _cpca_matcher().iter(text):
        start, end = info.start_index, info.end_index + 1
        if runs and start - runs[-1][1] <= 1:  # 广东省广州市 / 广东 广州
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return runs


def _addresses(text: str):
    rules = _rules()
    for m in rules.address_en.finditer(text):
        yield m.start(), m.end(), "address"
    if not re.search(f"[{_HAN}]", text):
        return
    starts = [(s, e) for s, e in _admin_runs(text)]
    starts += [(m.start(), m.end()) for m in rules.address_cue_zh.finditer(text)]
    for begin, head_end in sorted(starts):
        detail = rules.address_detail_zh.match(text, head_end)
        if detail and detail.end() > head_end:
            # the span starts at the place name; a cue word (地址：) itself stays
            is_cue = rules.address_cue_zh.match(text, begin) is not None and (begin, head_end) not in \
                [(s, e) for s, e in _admin_runs(text)]
            yield (head_end if is_cue else begin), detail.end(), "address"


def _names(text: str):
    rules = _rules()
    if not rules.name_cue_probe.search(text):
        return
    for m in rules.name_zh.finditer(text):
        name = m.group("name")
        start = m.start("name")
        surname = next(s for s in sorted(rules.surnames, key=len, reverse=True) if name.startswith(s))
        given = name[len(surname):]
        after = start + len(surname) + 1
        if len(given) == 2 and (given[1] in rules.name_stop or text.startswith(rules.name_stop_words, after)):
            given = given[:1]
        if not given or given[0] in rules.name_stop or name[len(surname):].startswith(_TITLES):
            continue  # 张先生, 王小姐: a title, not a name
        yield start, start + len(surname) + len(given), "name"
    for pattern in (rules.name_en, rules.name_from_en):
        for m in pattern.finditer(text):
            yield m.start("name"), m.end("name"), "name"
    for m in rules.name_en_lower.finditer(text):
        words = m.group("name").split()
        keep = []
        for w in words:
            if w in _EN_NOT_NAMES:
                break
            keep.append(w)
        if keep:
            yield m.start("name"), m.start("name") + len(" ".join(keep)), "name"


_TITLES = ("先生", "女士", "小姐", "老师", "师傅", "经理", "总")
_EN_NOT_NAMES = frozenset(
    "is on in at the a an not wrong missing correct right spelled misspelled and but so for of to with was "
    "still already please pls thanks thank no yes ok okay here there".split())


@lru_cache(maxsize=1)
def _cpca_matcher():
    """cpca's gazetteer matcher. cpca reads its adcode table with pkg_resources, which
    setuptools >= 81 no longer ships: a two-line stand-in serves that one call from
    importlib.resources during the import and is removed right after."""
    import importlib.resources
    import sys
    import types

    if "cpca" not in sys.modules:
        shim = None
        try:
            import pkg_resources  # noqa: F401
        except ImportError:
            shim = types.ModuleType("pkg_resources")
            shim.resource_stream = lambda pkg, name: importlib.resources.files(pkg).joinpath(name).open("rb")
            sys.modules["pkg_resources"] = shim
        try:
            import cpca  # noqa: F401
        finally:
            if shim is not None and sys.modules.get("pkg_resources") is shim:
                del sys.modules["pkg_resources"]
    return sys.modules["cpca"].matcher


_DETECTORS = (_id_cards, _bank_cards, _emails, _phones, _addresses, _names)


def find_pii(text: str) -> list[Span]:
    """Every piece of personal data in ``text`` (non-overlapping, in text order).

    Args:
        text: any string (``None`` is not accepted; the warehouse passes '' for nulls).

    Returns:
        Spans with character offsets into ``text``; an order or tracking number after its
        cue is never part of one.

    Raises:
        TypeError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"redact() needs a str, got {type(text).__name__}")
    if not text:
        return []
    rules = _rules()
    has_digits = bool(_DIGITS.search(text))
    guarded = [(m.start(), m.end()) for m in rules.order_guard.finditer(text)] if has_digits else []
    found: list[tuple[int, int, str]] = []
    for detector in _DETECTORS:
        if not has_digits and detector in (_id_cards, _bank_cards, _phones):
            continue
        if detector in (_id_cards, _bank_cards) and not _LONG_DIGITS.search(text):
            continue
        if detector is _addresses and not rules.address_probe.search(text):
            continue
        found.extend(detector(text))
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found, key=lambda f: (_PRIORITY[f[2]], f[0], -f[1])):
        if start >= end:
            continue
        if any(start < g_end and g_start < end for g_start, g_end in guarded):
            # a business key: keep it, unless the finding only touches the cue region of a
            # text that also holds the key elsewhere (never: guards cover cue + key only)
            continue
        if any(start < c_end and c_start < end for c_start, c_end, _ in chosen):
            continue
        chosen.append((start, end, kind))
    return [Span(s, e, k, text[s:e]) for s, e, k in sorted(chosen)]


def redact(text: str) -> RedactionResult:
    """Replace personal data in ``text`` with typed placeholders.

    Example: ``redact("我叫张伟，电话13812345678").text == "我叫<NAME>，电话<PHONE>"``.

    Args:
        text: the raw customer text.

    Returns:
        :class:`RedactionResult`: the redacted text and the spans found (offsets into ``text``).

    Raises:
        TypeError: ``text`` is not a string.
    """
    spans = find_pii(text)
    out, last = [], 0
    for span in spans:
        out.append(text[last:span.start])
        out.append(PLACEHOLDERS[span.kind])
        last = span.end
    out.append(text[last:])
    return RedactionResult("".join(out), tuple(spans))


def redact_many(texts: Sequence[str | None]) -> list[RedactionResult | None]:
    """:func:`redact` over many texts; ``None`` stays ``None``; repeated texts are redacted once.

    Returns:
        One result per input, in input order.
    """
    cache: dict[str, RedactionResult] = {}
    out: list[RedactionResult | None] = []
    for text in texts:
        if text is None:
            out.append(None)
            continue
        if text not in cache:
            cache[text] = redact(text)
        out.append(cache[text])
    return out
