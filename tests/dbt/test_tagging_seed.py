"""The tagging seed keeps to what the SQL matcher can do (macros/tagging.sql)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# keywords that vote for the wrong element on real texts (issue 12: "？" made complaints
# product consultations, "速度" turned slow broadband into logistics; "fast"/"slow" describe
# any speed, "how"/"which" any question). "fee" stays: as a whole word it is no longer
# found in "coffee".
AMBIGUOUS = {"?", "？", "how", "fast", "quick", "slow", "which", "速度", "快", "慢", "券", "霉", "虫"}


def _keywords() -> list[dict]:
    with (SEEDS / "service_element_keywords.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_keyword_is_a_word_or_multi_character_chinese():
    for row in _keywords():
        kw = row["keyword"]
        assert kw == kw.strip() and kw == kw.lower(), kw
        if all(32 <= ord(c) < 127 for c in kw):  # matched as whole words
            assert re.search(r"[a-z0-9]", kw), f"{kw!r} has no letter or digit: it would never match"
        else:  # matched as a substring: needs Han characters and at least two of them
            assert HAN.search(kw), f"{kw!r} is neither ASCII nor Chinese: it would never match"
            assert len(HAN.findall(kw)) >= 2 or re.search(r"[a-z0-9]", kw), f"single Han character {kw!r}"


def test_no_ambiguous_or_duplicate_keywords():
    rows = _keywords()
    assert not {r["keyword"] for r in rows} & AMBIGUOUS
    keys = [r["keyword"] for r in rows]
    assert len(keys) == len(set(keys)), "a keyword votes for one element only"
    with (SEEDS / "service_elements.csv").open(encoding="utf-8", newline="") as fh:
        elements = {r["element_code"] for r in csv.DictReader(fh)}
    assert {r["element_code"] for r in rows} <= elements
    assert {int(r["weight"]) for r in rows} <= {1, 2, 3}
