"""Read a generated landing zone back through the contract models (test helper)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from include.demo.writers import read_partition
from include.landing.contract import SOURCES

LOCAL = timedelta(hours=8)  # Asia/Shanghai has no daylight saving time


@dataclass
class SourceRows:
    """Validated rows of one source, and the lines that were malformed or duplicated."""

    rows: list = field(default_factory=list)  # pydantic models, one per key (duplicates are exact copies)
    dts: list[date] = field(default_factory=list)  # partition day of each row
    raw: list[dict] = field(default_factory=list)  # the row as written
    invalid: set[tuple[str, int]] = field(default_factory=set)  # (file, line)
    duplicates: set[tuple[str, int]] = field(default_factory=set)


def local_date(utc_naive: datetime) -> date:
    return (utc_naive + LOCAL).date()


def read_source(out: Path, source: str) -> SourceRows:
    model = SOURCES[source]
    result = SourceRows()
    seen: dict[tuple, tuple[str, int]] = {}
    for path in sorted((out / source).glob("dt=*/part-0000.*")):
        rel = path.relative_to(out).as_posix()
        dt = date.fromisoformat(path.parent.name.removeprefix("dt="))
        for line, record in enumerate(read_partition(path), start=1):
            if record is None:
                result.invalid.add((rel, line))
                continue
            try:
                row = model.model_validate(record)
            except ValidationError:
                result.invalid.add((rel, line))
                continue
            key = tuple(getattr(row, k) for k in model.primary_key)
            if key in seen:  # the later copy wins, as in the loader: the earlier line is the duplicate
                result.duplicates.add(seen[key])
                seen[key] = (rel, line)
                continue
            seen[key] = (rel, line)
            result.rows.append(row)
            result.dts.append(dt)
            result.raw.append(record)
    return result


def read_all(out: Path) -> dict[str, SourceRows]:
    return {source: read_source(out, source) for source in SOURCES}
