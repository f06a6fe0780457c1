"""Write pulled records into landing partitions, one file per day, named by content.

File names are a hash of their content: pulling the same records twice rewrites the same
file instead of adding a copy, so a retried pull cannot duplicate data.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo


def business_day(value: str, timezone: str) -> date:
    """The local business day of an ISO timestamp (offset-less values are already local)."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo(timezone))
    return parsed.date()


def write_partitions(records: list[dict], *, source: str, event_time: str, landing_dir: Path,
                     timezone: str, prefix: str = "api") -> list[Path]:
    """Group ``records`` by the local day of ``event_time`` and write one JSONL file per day.

    A record without a readable ``event_time`` is kept, not dropped: it lands in the
    partition ``dt=1970-01-01`` where the loader's contract check quarantines it.
    """
    by_day: dict[date, list[dict]] = defaultdict(list)
    for record in records:
        try:
            day = business_day(str(record[event_time]), timezone)
        except (KeyError, ValueError, TypeError):
            day = date(1970, 1, 1)
        by_day[day].append(record)
    written = []
    for day, rows in sorted(by_day.items()):
        body = "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows).encode("utf-8")
        folder = landing_dir / source / f"dt={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{prefix}-{hashlib.sha256(body).hexdigest()[:16]}.jsonl"
        tmp = path.with_name("." + path.name + ".tmp")
        tmp.write_bytes(body)
        tmp.replace(path)  # atomic: the loader never sees half a file
        written.append(path)
    return written
