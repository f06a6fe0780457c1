"""Load landing partitions into the raw warehouse tables, idempotently per interval.

For one source and a date interval ``[start, end)`` the loader, in one transaction:

1. deletes the raw rows and quarantine rows of exactly those partition days;
2. reads every file under ``<landing>/<source>/dt=YYYY-MM-DD/`` for those days;
3. validates each record against the source's contract model; a record that breaks it
   (bad JSON, missing key, wrong type, out-of-range value, duplicate primary key,
   undecodable bytes) goes to ``raw._quarantine`` with the file, line, reason and raw
   payload, while the good records of the same file still load;
4. appends one row per file to ``raw._load_audit`` (rows read / loaded / quarantined,
   SHA-256 checksum, encoding, run id).

Line numbers (``raw.*._line``, ``raw._quarantine.line``) are what an editor shows: the
JSONL line; for CSV the line a row ends on, the header being line 1; for Parquet the row
index + 1; 0 for a whole rejected file.

Re-running an interval therefore replaces exactly that interval and never duplicates.
A primary key that occurs more than once in one partition day keeps its latest copy: the
later file name, then the later line (the order files are read in); each earlier copy moves
to the quarantine with a reason naming the copy that won. Copies in different days all stay
in raw, whatever days a load groups, so raw depends only on the landing zone; staging's
``dedupe`` macro picks one across days (version time for snapshots, then the later day,
file and line), the same order.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
from pyarrow import ArrowException
from pydantic import ValidationError

from include.config import ambiguous_time_policy, settings, timestamp_bounds
from include.ingestion.readers import SUPPORTED_SUFFIXES, file_checksum, read_records
from include.ingestion.warehouse import RAW_SCHEMA, connect, ensure_raw_schema
from include.landing.contract import LOAD_COLUMNS, SOURCES, columns
from include.privacy.erasure import erasure_filter

log = logging.getLogger(__name__)

BATCH_ROWS = 50_000
_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
}


@dataclass
class FileResult:
    source: str
    dt: date
    file: str
    encoding: str = ""
    checksum: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_erased: int = 0  # records of erased data subjects (include/privacy/erasure.py); not counted in rows_read
    status: str = "loaded"  # loaded | partial (some rows quarantined) | quarantined (all) | empty | rejected (unreadable)
    message: str = ""


@dataclass
class SourceLoadResult:
    source: str
    start: date
    end: date
    run_id: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def summary(self) -> dict:
        """A small JSON-able summary (what an Airflow task returns through XCom)."""
        return {
            "source": self.source,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "run_id": self.run_id,
            "files": len(self.files),
            "rejected_files": sum(f.status == "rejected" for f in self.files),
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "seconds": round(self.seconds, 3),
        }


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def days(start: date, end: date) -> list[date]:
    """The partition days of the half-open interval [start, end)."""
    if end <= start:
        raise ValueError(f"empty interval: end {end} must be after start {start}")
    return [start + timedelta(days=i) for i in range((end - start).days)]


def partition_files(landing_dir: Path, source: str, day: date) -> list[Path]:
    folder = landing_dir / source / f"dt={day.isoformat()}"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "_")))


def _reason(exc: ValidationError) -> str:
    """One readable sentence per broken field, e.g. "field 'created_at': not an accepted timestamp ..."."""
    parts = []
    for err in exc.errors(include_url=False):
        name = ".".join(str(p) for p in err["loc"])
        if err["type"] == "json_invalid":
            return f"invalid JSON: {err['ctx']['error'] if 'ctx' in err else err['msg']}"
        if err["type"] == "model_type":
            return f"not a JSON object (got {type(err.get('input')).__name__})"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            parts.append(f"missing required field '{name}'")
        elif not name:  # a rule over the whole record
            parts.append(message)
        elif err["type"] == "finite_number":
            parts.append(f"field '{name}': not a finite number (got {err.get('input')!r:.60})")
        else:
            parts.append(f"field '{name}': {message} (got {err.get('input')!r:.60})")
    return "; ".join(parts)


def _supersede(con, table: str, key_columns: tuple[str, ...], superseded: list[tuple], source: str,
               run_id: str, loaded_at: datetime) -> list[tuple]:
    """Move the superseded copies of duplicated keys from ``table`` to quarantine rows.

    ``superseded`` items are (key, file, line, winner "file:line"). Returns the quarantine
    rows (payload: the superseded row as JSON) after deleting those rows from ``table``.
    """
    losers = pa.table({
        "_source_file": [item[1] for item in superseded],
        "_line": pa.array([item[2] for item in superseded], type=pa.int64()),
        "_winner": [item[3] for item in superseded],
    })
    con.register("_ee_losers", losers)
    try:
        rows = con.execute(
            f"select t.*, l._winner from {table} t join _ee_losers l using (_source_file, _line) "
            "where t._run_id = ?", [run_id]).fetchall()
        names = [d[0] for d in con.description]
        con.execute(f"delete from {table} t using _ee_losers l where t._source_file = l._source_file "
                    "and t._line = l._line and t._run_id = ?", [run_id])
    finally:
        con.unregister("_ee_losers")
    out = []
    for values in rows:
        row = dict(zip(names, values, strict=True))
        winner = row.pop("_winner")
        payload = json.dumps({k: v for k, v in row.items() if not k.startswith("_")}, default=str, ensure_ascii=False)
        key = ", ".join(f"{k}={row[k]!r:.80}" for k in key_columns)  # order_id='O1', not a Python tuple
        out.append((source, row["_dt"], row["_source_file"], row["_line"],
                    f"duplicate primary key {key}: superseded by the later copy at "
                    f"{winner} (within a day the latest copy wins)", payload, run_id, loaded_at))
    return out


def _count_records(path: Path) -> int:
    """Best-effort number of records in a file that could not be read (its lines, or Parquet rows)."""
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        with path.open("rb") as handle:
            lines = sum(1 for line in handle if line.strip())
        return max(0, lines - 1) if path.suffix.lower() == ".csv" else lines
    except Exception:  # noqa: BLE001 - a file we cannot even count counts as one record
        return 1


class _Batch:
    """Column buffers for one source, flushed to DuckDB as Arrow every BATCH_ROWS rows."""

    def __init__(self, source: str) -> None:
        self.types = {**columns(source), **LOAD_COLUMNS}
        self.schema = pa.schema([(name, _ARROW_TYPES[t]) for name, t in self.types.items()])
        self.buffers: dict[str, list] = {name: [] for name in self.types}

    def __len__(self) -> int:
        return len(self.buffers["_line"])

    def add(self, values: dict) -> None:
        for name, buffer in self.buffers.items():
            buffer.append(values.get(name))

    def flush(self, con, table: str) -> None:
        if not len(self):
            return
        arrow = pa.table({n: pa.array(b, type=self.schema.field(n).type) for n, b in self.buffers.items()},
                         schema=self.schema)
        con.register("_ee_batch", arrow)
        con.execute(f"insert into {table} by name select * from _ee_batch")
        con.unregister("_ee_batch")
        for buffer in self.buffers.values():
            buffer.clear()


def load_source(
    source: str,
    start: date,
    end: date,
    *,
    run_id: str | None = None,
    landing_dir: Path | None = None,
    warehouse: Path | None = None,
    accept_legacy_encodings: bool | None = None,
) -> SourceLoadResult:
    """Load one source's partitions for [start, end) into ``raw.<source>``; see the module doc.

    Raises:
        ValueError: On an unknown source.
        FileNotFoundError: When the landing folder itself does not exist (the interval is left as it was).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
    cfg = settings()
    landing_dir = Path(landing_dir or cfg.landing_dir)
    if not landing_dir.is_dir():  # replacing the interval with the contents of a missing folder would lose data
        raise FileNotFoundError(f"landing folder {landing_dir} does not exist; nothing was loaded or replaced")
    legacy = cfg.accept_legacy_encodings if accept_legacy_encodings is None else accept_legacy_encodings
    timestamp_bounds(), ambiguous_time_policy()  # a bad EE_* setting fails the load here, not row by row
    run_id = run_id or f"manual__{datetime.now(UTC):%Y%m%dT%H%M%S}_{uuid.uuid4().hex[:6]}"
    model = SOURCES[source]
    table = f"{RAW_SCHEMA}.{source}"
    result = SourceLoadResult(source, start, end, run_id)
    began = time.perf_counter()
    loaded_at = _utcnow()
    interval_days = days(start, end)

    with connect(warehouse) as con:
        ensure_raw_schema(con)
        erased = erasure_filter(con, source)  # erasure register: None when nothing was ever erased
        con.execute("begin transaction")
        try:
            con.execute(f"delete from {table} where _dt >= ? and _dt < ?", [start, end])
            con.execute(f"delete from {RAW_SCHEMA}._quarantine where source = ? and dt >= ? and dt < ?",
                        [source, start, end])
            batch = _Batch(source)
            seen: dict[tuple, tuple[str, int]] = {}  # (day, key) -> (file, line) of the latest copy
            superseded: list[tuple] = []  # (day, key, file, line) of earlier copies
            timings: list[tuple[datetime, datetime]] = []
            quarantine: list[tuple] = []
            audit: list[tuple] = []
            for day in interval_days:
                for path in partition_files(landing_dir, source, day):
                    file_began = _utcnow()
                    rel = str(path.relative_to(landing_dir))
                    outcome = FileResult(source, day, rel, checksum=file_checksum(path))
                    try:
                        if path.stat().st_size == 0:  # not even a CSV header or a Parquet footer
                            raise ValueError("the file is empty (0 bytes); the export or the transfer "
                                             "probably failed: re-export it")
                        outcome.encoding, records = read_records(
                            path, accept_legacy_encodings=legacy, legacy_encodings=cfg.legacy_encodings)
                        for record in records:
                            outcome.rows_read += 1
                            reason = record.error
                            row = None
                            if reason is None:
                                context = {"partition_day": day}
                                try:
                                    row = (model.model_validate_json(record.payload, context=context)
                                           if record.json_text else model.model_validate(record.data, context=context))
                                except ValidationError as exc:
                                    reason = _reason(exc)
                            # Erasure register (include/privacy/erasure.py): a record of an erased data
                            # subject is neither loaded nor quarantined (its payload would come back); it
                            # moves from rows_read to rows_erased, so rows_read = loaded + quarantined holds.
                            if erased is not None and erased.matches(row, record):
                                outcome.rows_read -= 1
                                outcome.rows_erased += 1
                                continue
                            if row is not None:
                                key = tuple(getattr(row, k) for k in model.primary_key)
                                earlier = seen.get((day, key))
                                if earlier is not None:  # the later copy of the day wins; the earlier is superseded
                                    superseded.append((day, key, *earlier))
                                seen[(day, key)] = (rel, record.line)
                            if reason is not None:
                                outcome.rows_quarantined += 1
                                quarantine.append((source, day, rel, record.line, reason, record.payload,
                                                   run_id, loaded_at))
                                continue
                            values = row.__dict__.copy()
                            values.update(_dt=day, _source_file=rel, _line=record.line, _run_id=run_id,
                                          _loaded_at=loaded_at)
                            batch.add(values)
                            outcome.rows_loaded += 1
                            if len(batch) >= BATCH_ROWS:
                                batch.flush(con, table)
                    except (ValueError, OSError, ArrowException) as exc:
                        # The file cannot be read at all (unsupported type, corrupt Parquet, bad
                        # header): one quarantine row for the file; the gate counts all its rows.
                        outcome.status = "rejected"
                        outcome.message = str(exc)
                        with path.open("rb") as handle:
                            head = handle.read(512).decode("utf-8", "backslashreplace")
                        quarantine.append((source, day, rel, 0, f"file rejected: {exc}", head, run_id, loaded_at))
                        unread = max(1, _count_records(path) - outcome.rows_read - outcome.rows_erased)
                        outcome.rows_read += unread
                        outcome.rows_quarantined += unread
                        log.error("rejected %s: %s", rel, exc)
                    result.files.append(outcome)
                    timings.append((file_began, _utcnow()))
            batch.flush(con, table)
            if superseded:  # name the final winner of each key in the reason
                superseded = [(key, file, line, "{}:{}".format(*seen[(day, key)]))
                              for day, key, file, line in superseded]
                quarantine.extend(_supersede(con, table, model.primary_key, superseded, source, run_id, loaded_at))
                lost = Counter(item[1] for item in superseded)
                for item in result.files:
                    item.rows_loaded -= lost[item.file]
                    item.rows_quarantined += lost[item.file]
            for outcome, (file_began, file_done) in zip(result.files, timings, strict=True):
                if outcome.status != "rejected":
                    outcome.status = ("empty" if outcome.rows_read == 0 else
                                      "quarantined" if outcome.rows_loaded == 0 else
                                      "partial" if outcome.rows_quarantined else "loaded")
                if outcome.rows_quarantined:
                    log.warning("%s: %d of %d rows quarantined", outcome.file, outcome.rows_quarantined,
                                outcome.rows_read)
                audit.append((run_id, source, outcome.dt, outcome.file, outcome.encoding, outcome.checksum,
                              outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined, outcome.status,
                              outcome.message, file_began, file_done, outcome.rows_erased))
            if quarantine:
                con.executemany(f"insert into {RAW_SCHEMA}._quarantine values (?, ?, ?, ?, ?, ?, ?, ?)", quarantine)
            if audit:
                con.executemany(f"insert into {RAW_SCHEMA}._load_audit (run_id, source, dt, file, encoding, "
                                "checksum, rows_read, rows_loaded, rows_quarantined, status, message, started_at, "
                                "finished_at, rows_erased) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", audit)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    result.seconds = time.perf_counter() - began
    log.info("loaded %s %s..%s: %d files, %d rows read, %d loaded, %d quarantined in %.1fs", source, start, end,
             len(result.files), result.rows_read, result.rows_loaded, result.rows_quarantined, result.seconds)
    return result


def load_interval(
    start: date,
    end: date,
    sources: Iterable[str] | None = None,
    **kwargs,
) -> list[SourceLoadResult]:
    """Load several sources (default: all) for [start, end), one after another."""
    return [load_source(source, start, end, **kwargs) for source in (sources or SOURCES)]


def late_partitions(
    source: str,
    before: date,
    *,
    lookback_days: int = 31,
    landing_dir: Path | None = None,
    warehouse: Path | None = None,
) -> list[date]:
    """Partition days before ``before`` that hold a file the load audit has not seen as it is now.

    A file that arrived late in an old partition, or was re-exported there with different
    bytes, makes its day "late": the day's last load (``raw._load_audit``, latest run for
    that source and day) did not include this file name with this SHA-256. Days never loaded
    at all count too. Only the ``lookback_days`` days before ``before`` are examined. A file
    removed from the landing zone does not make its day late (removing files is clean-up,
    not a correction; re-run the day explicitly to drop its rows).

    Returns:
        The late days, oldest first (load each with ``load_source(source, day, day + 1)``).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
    if lookback_days <= 0:
        return []
    landing_dir = Path(landing_dir or settings().landing_dir)
    first = before - timedelta(days=lookback_days)
    present: dict[date, set[tuple[str, str]]] = {}
    for day in days(first, before):
        files = partition_files(landing_dir, source, day)
        if files:
            present[day] = {(str(path.relative_to(landing_dir)), file_checksum(path)) for path in files}
    if not present:
        return []
    with connect(warehouse) as con:
        ensure_raw_schema(con)
        rows = con.execute(
            f"""select dt, file, checksum from {RAW_SCHEMA}._load_audit a
            where source = ? and dt >= ? and dt < ? and run_id = (
                select arg_max(run_id, finished_at) from {RAW_SCHEMA}._load_audit b
                where b.source = a.source and b.dt = a.dt)""",
            [source, first, before]).fetchall()
    seen: dict[date, set[tuple[str, str]]] = {}
    for dt, file, checksum in rows:
        seen.setdefault(dt, set()).add((file, checksum))
    late = sorted(day for day, files in present.items() if not files <= seen.get(day, set()))
    if late:
        log.info("%s: late or changed files in %d older partition(s): %s", source, len(late),
                 ", ".join(map(str, late)))
    return late


def load_late_partitions(source: str, before: date, *, run_id: str | None = None, lookback_days: int = 31,
                         **kwargs) -> list[SourceLoadResult]:
    """Find (``late_partitions``) and load each late day before ``before``; one result per day."""
    found = late_partitions(source, before, lookback_days=lookback_days,
                            landing_dir=kwargs.get("landing_dir"), warehouse=kwargs.get("warehouse"))
    return [load_source(source, day, day + timedelta(days=1), run_id=run_id, **kwargs) for day in found]


def file_result_dict(result: FileResult) -> dict:
    data = asdict(result)
    data["dt"] = result.dt.isoformat()
    return data


__all__ = ["SUPPORTED_SUFFIXES", "FileResult", "SourceLoadResult", "days", "late_partitions", "load_interval",
           "load_late_partitions", "load_source"]
