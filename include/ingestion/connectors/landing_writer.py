"""Write pulled records into landing partitions, one file per day, without duplicates.

Two modes:

* **Keyed** (``primary_key`` given; what the HTTP connector uses): each partition
  ``<landing>/<source>/dt=YYYY-MM-DD/`` holds one file per connector, ``<prefix>.jsonl``,
  with exactly one version of each record -- the one with the latest ``version_field``
  (the record's update time). A later pull that brings an edited record replaces its old
  version in place; an older version arriving late never overwrites a newer one; pulling
  the same records twice leaves the file byte-for-byte unchanged. The file is replaced
  atomically (the loader never sees half a file), and the content it replaces is kept
  under ``<landing>/_superseded/<source>/dt=.../<prefix>-<sha256 prefix>.jsonl`` (nothing
  is lost; the loader does not read ``_``-prefixed folders).
* **Content-named** (no key): one file per day named by a hash of its content, so the same
  records pulled twice rewrite the same file instead of adding a copy.

A record is placed in the local business day of its ``event_time`` (offset-less values
are already local). A record without a readable ``event_time`` is kept, not dropped: it
lands in the partition ``dt=1970-01-01``, where the loader's contract check quarantines it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

UNDATED = date(1970, 1, 1)
SUPERSEDED_DIR = "_superseded"


def business_day(value: str, timezone: str) -> date:
    """The local business day of an ISO timestamp (offset-less values are already local).

    Raises:
        ValueError: when ``value`` is not an ISO 8601 date-time.
    """
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo(timezone))
    return parsed.date()


def instant(value: object, timezone: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (offset-less values read in ``timezone``).

    Raises:
        ValueError: when ``value`` is not an ISO 8601 date-time string.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 timestamp string, got {value!r}")
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(timezone))


def _day_of(record: object, event_time: str, timezone: str) -> date:
    try:
        return business_day(str(record[event_time]), timezone)  # type: ignore[index]
    except (KeyError, ValueError, TypeError):
        return UNDATED


def _line(record: object) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def _atomic_write(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_bytes(body)
    tmp.replace(path)  # atomic: the loader never sees half a file


def _merge_key(record: object, primary_key: tuple[str, ...]) -> str | None:
    if not isinstance(record, dict) or any(record.get(k) in (None, "") for k in primary_key):
        return None
    return json.dumps([str(record[k]).strip() for k in primary_key], ensure_ascii=False)


def _newer(candidate: object, current: object, version_field: str, timezone: str) -> bool:
    """True when ``candidate`` should replace ``current``: a later (or equal) version, or unreadable versions."""
    try:
        return instant(candidate[version_field], timezone) >= instant(current[version_field], timezone)  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return True  # without comparable versions the record pulled last wins


def _merged_body(existing: bytes, records: list, primary_key: tuple[str, ...], version_field: str | None,
                 timezone: str) -> bytes:
    keyed: dict[str, object] = {}
    unkeyed: dict[str, None] = {}  # ordered set of lines (records without a key, unreadable lines)
    old: list[object] = []
    for raw in existing.decode("utf-8").splitlines():
        if not raw.strip():
            continue
        try:
            old.append(json.loads(raw))
        except json.JSONDecodeError:
            unkeyed[raw] = None  # not ours to judge: kept verbatim, the loader quarantines it
    for record in [*old, *records]:  # pulled records come last, so they win ties
        key = _merge_key(record, primary_key)
        if key is None:
            unkeyed[_line(record)] = None
        elif key not in keyed or version_field is None or _newer(record, keyed[key], version_field, timezone):
            keyed[key] = record
    lines = [_line(keyed[k]) for k in sorted(keyed)] + sorted(unkeyed)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def write_partitions(records: list[dict], *, source: str, event_time: str, landing_dir: Path,
                     timezone: str, prefix: str = "api", primary_key: tuple[str, ...] = (),
                     version_field: str | None = None) -> list[Path]:
    """Group ``records`` by the local day of ``event_time`` and write them (see the module doc).

    Args:
        records: JSON objects as the API returned them.
        source: the landing source (folder name).
        event_time: the field whose local day picks the partition.
        landing_dir: the landing zone root.
        timezone: business time zone for offset-less timestamps and day boundaries.
        prefix: file name prefix, one per connector (e.g. ``api-host_port``).
        primary_key: fields identifying a record; enables the keyed, merging mode.
        version_field: the record's update time; the latest version of a key wins.

    Returns:
        The partition files written or confirmed unchanged, one per day touched, sorted by day.
    """
    by_day: dict[date, list] = defaultdict(list)
    for record in records:
        by_day[_day_of(record, event_time, timezone)].append(record)
    written = []
    for day, rows in sorted(by_day.items()):
        folder = landing_dir / source / f"dt={day.isoformat()}"
        if not primary_key:
            body = "".join(_line(row) + "\n" for row in rows).encode("utf-8")
            path = folder / f"{prefix}-{hashlib.sha256(body).hexdigest()[:16]}.jsonl"
            _atomic_write(path, body)
            written.append(path)
            continue
        path = folder / f"{prefix}.jsonl"
        existing = path.read_bytes() if path.exists() else b""
        body = _merged_body(existing, rows, primary_key, version_field, timezone)
        if body != existing:
            if existing:
                digest = hashlib.sha256(existing).hexdigest()[:16]
                keep = landing_dir / SUPERSEDED_DIR / source / f"dt={day.isoformat()}" / f"{prefix}-{digest}.jsonl"
                if not keep.exists():
                    _atomic_write(keep, existing)
            _atomic_write(path, body)
        written.append(path)
    return written
