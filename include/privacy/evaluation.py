"""Score the redactor on a labelled CSV (``xe eval pii``).

Input columns: ``text``; ``pii`` - a JSON list of the exact substrings that must be redacted;
optional ``kinds`` - a JSON list, same order, of their kinds (phone, email, id_card,
bank_card, address, name); optional ``keep`` - a JSON list of look-alike substrings that must
survive (order and tracking numbers, prices, dates, hotlines, model numbers, coupon codes).

Scoring (every occurrence of a listed substring in its text counts):

* recall = labelled PII occurrences wholly inside redacted spans / all labelled occurrences
  (a partly masked phone number is a miss);
* precision = redacted spans that overlap labelled PII and no ``keep`` substring / all
  redacted spans (a span touching a ``keep`` substring is a false positive, so a redacted
  keep always counts against precision);
* per kind: recall over that kind's labelled PII; precision over the spans the redactor
  called that kind (true when it overlaps labelled PII of the same kind, or any labelled PII
  when the file has no ``kinds``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from include.privacy.redactor import KINDS, redact_many, redactor_version


class PiiInputError(ValueError):
    """The labelled file cannot be scored: missing file or column, or a bad JSON cell."""


def _json_list(value, row: int, column: str, path: Path) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return []
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise PiiInputError(f"{path.name} row {row + 2}, column {column!r}: not JSON ({exc.msg}): {str(value)[:60]!r}") \
            from exc
    if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
        raise PiiInputError(f"{path.name} row {row + 2}, column {column!r}: expected a JSON list of strings, "
                            f"got {str(value)[:60]!r}")
    return parsed


def load_labelled(path: Path | str, split: str | None = None) -> pd.DataFrame:
    """Read and check a labelled PII CSV.

    Returns:
        Columns text, pii, kinds (None when absent), keep - lists parsed - and split/source when present.

    Raises:
        PiiInputError: missing file, missing ``text``/``pii`` column, bad JSON, a kinds list of a
            different length than its pii list, an unknown kind, a listed substring that is not in
            its text, or no row left after the split filter.
    """
    path = Path(path)
    if not path.is_file():
        raise PiiInputError(f"no such file: {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("text", "pii") if c not in frame.columns]
    if missing:
        raise PiiInputError(f"{path.name}: missing column(s) {', '.join(missing)} (have {', '.join(frame.columns)})")
    if split is not None:
        if "split" not in frame.columns:
            raise PiiInputError(f"{path.name}: --split given but the file has no 'split' column")
        frame = frame[frame["split"] == split]
        if frame.empty:
            raise PiiInputError(f"{path.name}: no row has split == {split!r}")
    rows = []
    for i, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        pii = _json_list(rec["pii"], i, "pii", path)
        kinds = _json_list(rec["kinds"], i, "kinds", path) if "kinds" in rec else None
        keep = _json_list(rec.get("keep"), i, "keep", path)
        if kinds is not None and len(kinds) != len(pii):
            raise PiiInputError(f"{path.name} row {i + 2}: {len(kinds)} kinds for {len(pii)} pii values")
        bad = sorted(set(kinds or []) - set(KINDS))
        if bad:
            raise PiiInputError(f"{path.name} row {i + 2}: unknown kind(s) {', '.join(bad)}; kinds are {', '.join(KINDS)}")
        for value in pii + keep:
            if not value or value not in rec["text"]:
                raise PiiInputError(f"{path.name} row {i + 2}: {value!r} is not a substring of its text")
        rows.append({**rec, "pii": pii, "kinds": kinds, "keep": keep})
    return pd.DataFrame(rows)


def _occurrences(text: str, value: str) -> list[tuple[int, int]]:
    out, start = [], text.find(value)
    while start >= 0:
        out.append((start, start + len(value)))
        start = text.find(value, start + 1)
    return out


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def evaluate_pii(frame: pd.DataFrame) -> dict:
    """Score :func:`include.privacy.redact_many` on a frame from :func:`load_labelled`.

    Returns:
        ``recall``, ``precision``, ``n`` (texts), ``n_pii``, ``n_spans``, ``keep_redacted``
        (count), ``per_kind`` {kind: {recall, precision, n_pii, n_spans}}, ``texts_per_second``,
        ``redactor_version``, and up to 20 ``misses`` / ``false_positives`` examples.
    """
    started = time.perf_counter()
    results = redact_many(frame["text"].tolist())
    seconds = time.perf_counter() - started
    has_kinds = frame["kinds"].notna().all() if "kinds" in frame else False
    n_pii = hit_pii = n_spans = tp_spans = keep_redacted = 0
    per = {k: {"n_pii": 0, "hit": 0, "n_spans": 0, "tp": 0} for k in KINDS}
    misses, false_positives = [], []
    for rec, result in zip(frame.to_dict("records"), results, strict=True):
        text, spans = rec["text"], result.spans
        gold = [(s, e, (rec["kinds"][j] if has_kinds else None), v)
                for j, v in enumerate(rec["pii"]) for s, e in _occurrences(text, v)]
        keeps = [(s, e, v) for v in rec["keep"] for s, e in _occurrences(text, v)]
        for s, e, kind, value in gold:
            covered = all(any(sp.start <= c < sp.end for sp in spans) for c in range(s, e))
            n_pii += 1
            hit_pii += covered
            if kind:
                per[kind]["n_pii"] += 1
                per[kind]["hit"] += covered
            if not covered and len(misses) < 20:
                misses.append({"text": text, "value": value, "kind": kind, "redacted": result.text})
        for sp in spans:
            overlaps = [g for g in gold if sp.start < g[1] and g[0] < sp.end]
            touches_keep = any(sp.start < k[1] and k[0] < sp.end for k in keeps)
            ok = bool(overlaps) and not touches_keep
            n_spans += 1
            tp_spans += ok
            per[sp.kind]["n_spans"] += 1
            per[sp.kind]["tp"] += ok and (not has_kinds or any(g[2] == sp.kind for g in overlaps))
            keep_redacted += touches_keep
            if not ok and len(false_positives) < 20:
                false_positives.append({"text": text, "value": sp.value, "kind": sp.kind, "keep_hit": touches_keep})
    return {
        "recall": _ratio(hit_pii, n_pii), "precision": _ratio(tp_spans, n_spans), "n": len(frame),
        "n_pii": n_pii, "n_spans": n_spans, "keep_redacted": keep_redacted,
        "per_kind": {k: {"recall": _ratio(v["hit"], v["n_pii"]), "precision": _ratio(v["tp"], v["n_spans"]),
                         "n_pii": v["n_pii"], "n_spans": v["n_spans"]} for k, v in per.items()},
        "texts_per_second": round(len(frame) / seconds, 1) if seconds > 0 else None,
        "redactor_version": redactor_version(), "misses": misses, "false_positives": false_positives,
    }
