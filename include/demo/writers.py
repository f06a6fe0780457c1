"""Write one landing partition in JSON Lines, CSV or Parquet, with optional malformed rows.

A malformed row is an *extra* row (a corrupted twin of a good row, or an exact re-sent
duplicate), so the good data stays complete and the quarantine has something to catch.
Line numbers are 1-based record positions in the file (CSV header not counted,
Parquet row index + 1).
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from include.landing.contract import SOURCES, columns

EXTENSIONS = {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet"}
BAD_KINDS = {
    "jsonl": ("bad_json", "wrong_type", "missing_key", "out_of_range", "duplicate_id"),
    "csv": ("wrong_type", "missing_key", "out_of_range", "duplicate_id"),
    "parquet": ("missing_key", "out_of_range", "duplicate_id"),  # typed columns: no wrong types
}
# sources that get malformed rows (reference data stays clean)
BAD_ROW_SOURCES = ("orders", "payment_attempts", "logistics_events", "cs_sessions", "cs_messages", "reviews",
                   "nps_responses", "social_mentions")
WRONG_TYPE = {
    "orders": ("quantity", "two"), "payment_attempts": ("amount", "12,5 元"),
    "logistics_events": ("promised_at", "next tuesday"), "cs_sessions": ("is_resolved", "maybe"),
    "cs_messages": ("sent_at", "yesterday 3pm"), "reviews": ("stars", "five"), "nps_responses": ("score", "ten"),
    "social_mentions": ("reach", "lots"),
}
OUT_OF_RANGE = {
    "orders": ("status", "shipped"), "payment_attempts": ("status", "pending"),
    "logistics_events": ("event_type", "teleported"), "cs_sessions": ("satisfaction_score", 9),
    "cs_messages": ("sender_role", "system"), "reviews": ("stars", 6), "nps_responses": ("score", 11),
    "social_mentions": ("reach", -5),
}
MISSING_KEY = {
    "orders": "product_id", "payment_attempts": "order_id", "logistics_events": "event_at",
    "cs_sessions": "started_at", "cs_messages": "text", "reviews": "stars", "nps_responses": "score",
    "social_mentions": "posted_at",
}
_ARROW = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
          "TIMESTAMP": pa.string(), "DATE": pa.string()}


@dataclass(frozen=True)
class BadRow:
    source: str
    file: str  # relative to the landing directory
    line: int
    kind: str
    field: str | None
    record_id: str


def partition_path(out: Path, source: str, day: date, fmt: str) -> Path:
    return out / source / f"dt={day.isoformat()}" / f"part-0000.{EXTENSIONS[fmt]}"


def _corrupt(source: str, row: dict, kind: str) -> tuple[dict | str, str | None]:
    """Return the malformed twin of ``row`` (a dict, or a raw text line for bad_json)."""
    pk = SOURCES[source].primary_key[0]
    twin = dict(row)
    twin[pk] = f"{row[pk]}-X"
    if kind == "wrong_type":
        name, value = WRONG_TYPE[source]
        twin[name] = value
        return twin, name
    if kind == "out_of_range":
        name, value = OUT_OF_RANGE[source]
        twin[name] = value
        return twin, name
    if kind == "missing_key":
        name = MISSING_KEY[source]
        del twin[name]
        return twin, name
    line = json.dumps(twin, ensure_ascii=False, separators=(",", ":"))
    return line[: len(line) // 2], None


def with_bad_rows(source: str, rows: list[dict], fmt: str, rate: float, rng: random.Random,
                  rel_file: str) -> tuple[list[dict | str], list[BadRow]]:
    """Interleave malformed twins (after their row) and duplicates into ``rows``.

    A duplicate is an earlier copy of its row written just before it (an export that repeats
    a record): the loader keeps the later copy, so the marked bad line is the earlier one.
    """
    if rate <= 0 or source not in BAD_ROW_SOURCES:
        return list(rows), []
    pk = SOURCES[source].primary_key[0]
    records: list[dict | str] = []
    marks: list[tuple[int, str, str | None, str]] = []
    for row in rows:
        if rng.random() >= rate:
            records.append(row)
            continue
        kind = rng.choice(BAD_KINDS[fmt])
        if kind == "duplicate_id":
            records.append(dict(row))
            marks.append((len(records), "duplicate_id", pk, row[pk]))
            records.append(row)
            continue
        records.append(row)
        twin, field = _corrupt(source, row, kind)
        records.append(twin)
        marks.append((len(records), kind, field, f"{row[pk]}-X"))
    return records, [BadRow(source, rel_file, line, kind, field, rid) for line, kind, field, rid in marks]


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_partition(path: Path, source: str, records: list[dict | str], fmt: str) -> None:
    """Write the records of one partition (overwrites the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = list(columns(source))
    if fmt == "jsonl":
        lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False, separators=(",", ":"))
                 for r in records]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        for r in records:
            assert isinstance(r, dict)
            writer.writerow([_csv_value(r.get(n)) for n in names])
        path.write_text(buf.getvalue(), encoding="utf-8")
    elif fmt == "parquet":
        types = columns(source)
        schema = pa.schema([(n, _ARROW[types[n]]) for n in names])
        data = {n: [r.get(n) if isinstance(r, dict) else None for r in records] for n in names}
        pq.write_table(pa.Table.from_pydict(data, schema=schema), path, compression="zstd")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def read_partition(path: Path) -> list[dict | None]:
    """Read a partition back as dicts (``None`` for a line that is not valid JSON).

    CSV empty strings become ``None``; used by tests and tools, not by the warehouse loader.
    """
    if path.suffix == ".jsonl":
        out: list[dict | None] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                value = json.loads(line)
                out.append(value if isinstance(value, dict) else None)
            except json.JSONDecodeError:
                out.append(None)
        return out
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    raise ValueError(f"unknown landing file type: {path}")
