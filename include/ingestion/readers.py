"""Read landing files (JSONL, CSV, Parquet) into raw records, one at a time.

Every reader yields ``RawRecord`` items: the line (or row) number, the original payload
as text (kept for the quarantine), and either the parsed mapping or the reason it could
not be parsed. Nothing is dropped silently: an unreadable line becomes a record with an
error. Text files are decoded as UTF-8 (a BOM is removed); a file that is not UTF-8 but
decodes as GB18030 (a superset of GBK) is read as such when legacy encodings are
accepted, and rejected with ``EncodingRejected`` otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUPPORTED_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")
_SNIFF_BYTES = 256 * 1024


class EncodingRejected(ValueError):
    """A text file is in a legacy encoding that the configuration does not accept."""


@dataclass(frozen=True)
class RawRecord:
    line: int
    payload: str
    data: dict[str, Any] | None
    error: str | None = None
    json_text: bool = False  # payload is a JSON document still to be parsed


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detect_encoding(path: Path) -> str:
    """Return ``utf-8`` or ``gb18030`` for a text file, judged line by line on its first 256 KiB.

    A file is GB18030 only when most of its non-ASCII lines fail as UTF-8 and all of them
    decode as GB18030. A UTF-8 file with a few broken lines stays UTF-8, so its good
    lines are never garbled by a wrong guess; the broken lines are quarantined.
    """
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    lines = sample.split(b"\n")
    if len(sample) == _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle of a character
    utf8_ok = utf8_bad = gb_ok = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_ok += 1
        except UnicodeDecodeError:
            utf8_bad += 1
            try:
                line.decode("gb18030")
                gb_ok += 1
            except UnicodeDecodeError:
                pass
    if utf8_bad > utf8_ok and gb_ok == utf8_bad:
        return "gb18030"
    return "utf-8"


def _decoded_lines(path: Path, encoding: str) -> Iterator[tuple[int, str | None, bytes]]:
    """Yield (line number, decoded text or None, raw bytes) for each line of a file."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield number, raw.decode(encoding).rstrip("\r\n"), raw
            except UnicodeDecodeError:
                yield number, None, raw


def _undecodable(raw: bytes, encoding: str) -> str:
    return f"undecodable bytes: line is not valid {encoding}"


def read_jsonl(path: Path, encoding: str) -> Iterator[RawRecord]:
    """Yield each non-blank line as text; the loader parses and validates it in one step."""
    for number, text, raw in _decoded_lines(path, encoding):
        if text is None:
            yield RawRecord(number, raw.decode("utf-8", "backslashreplace"), None, _undecodable(raw, encoding))
        elif text.strip():  # blank lines carry no record
            yield RawRecord(number, text, None, json_text=True)


def read_csv(path: Path, encoding: str) -> Iterator[RawRecord]:
    """CSV with a header row. Empty cells are missing values."""
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    with path.open("r", encoding=codec, errors="strict", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise EncodingRejected(f"{path}: header is not valid {codec}: {exc}") from exc
        header = [name.strip() for name in header]
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                # The csv module cannot resume after a decode error: fall back line by line.
                yield from _csv_fallback(path, encoding, header, reader.line_num)
                return
            except csv.Error as exc:
                yield RawRecord(reader.line_num, "", None, f"malformed CSV: {exc}")
                continue
            if not any(cell.strip() for cell in row):
                continue
            payload = _csv_payload(row)
            if len(row) != len(header):
                yield RawRecord(reader.line_num, payload, None,
                                f"CSV row has {len(row)} cells, header has {len(header)}")
                continue
            yield RawRecord(reader.line_num, payload,
                            {key: (cell if cell != "" else None) for key, cell in zip(header, row, strict=True)})


def _csv_payload(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return out.getvalue().rstrip("\r\n")


def _csv_fallback(path: Path, encoding: str, header: list[str], after_line: int) -> Iterator[RawRecord]:
    for number, text, raw in _decoded_lines(path, encoding):
        if number <= after_line:
            continue
        if text is None:
            yield RawRecord(number, raw.decode("utf-8", "backslashreplace"), None, _undecodable(raw, encoding))
            continue
        if not text.strip():
            continue
        row = next(csv.reader([text]))
        if len(row) != len(header):
            yield RawRecord(number, text, None, f"CSV row has {len(row)} cells, header has {len(header)}")
            continue
        yield RawRecord(number, text, {key: (cell if cell != "" else None) for key, cell in zip(header, row, strict=True)})


def read_parquet(path: Path, batch_size: int = 50_000) -> Iterator[RawRecord]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            number += 1
            clean = {key: value for key, value in row.items() if value is not None}
            yield RawRecord(number, json.dumps(row, default=str, ensure_ascii=False), clean)


def read_records(path: Path, *, accept_legacy_encodings: bool = True) -> tuple[str, Iterator[RawRecord]]:
    """Return (encoding, records) for a landing file, choosing the reader by suffix.

    Raises:
        EncodingRejected: the file is GBK/GB18030 and legacy encodings are not accepted.
        ValueError: the suffix is not a supported format.
    """
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "parquet", read_parquet(path)
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(f"{path}: unsupported file type {suffix!r}; expected one of {SUPPORTED_SUFFIXES}")
    encoding = detect_encoding(path)
    if encoding == "gb18030" and not accept_legacy_encodings:
        raise EncodingRejected(
            f"{path.name}: file is GBK/GB18030-encoded, not UTF-8; re-export it as UTF-8 or set "
            "EE_ACCEPT_LEGACY_ENCODINGS=true to decode legacy exports"
        )
    reader = read_csv if suffix == ".csv" else read_jsonl
    return encoding, reader(path, encoding)
