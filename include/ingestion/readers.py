"""Read landing files (JSONL, CSV, Parquet) into raw records, one at a time.

Every reader yields ``RawRecord`` items: the line (or row) number, the original payload
as text (kept for the quarantine), and either the parsed mapping or the reason it could
not be parsed. Nothing is dropped silently: an unreadable record becomes a record with an
error, and only that record; the rest of the file still loads.

Encodings are judged per file and decoded per record:

* ``detect_encoding`` names the file's encoding: UTF-16 by its BOM (or NUL-paired ASCII);
  UTF-8 when most of its non-ASCII lines are valid UTF-8 (a few stray bytes, e.g. one
  cp1252 apostrophe, do not change that; a UTF-8 BOM is only a hint); otherwise
  charset-normalizer (a maintained detector, already in the lock) picks among the
  configured legacy encodings (``EE_LEGACY_ENCODINGS``, default GB18030 — a superset of GBK
  —, Big5-HKSCS, cp932 — Windows Shift-JIS — and cp1252; supersets, so their extensions
  decode). When a broken character makes it give up on the whole sample, it is asked again
  on the lines a multi-byte candidate reads coherently, and as a last resort the multi-byte
  candidate that strictly decodes most lines wins. A code page such as cp1252 decodes any
  byte, so a file is read as one only when at least 3 lines need it. When candidates tie (a
  short sample), the first configured one wins (GB18030 by default).
* The file is then decoded with that encoding and ``surrogateescape``, so an undecodable
  byte never aborts the file, never shifts CSV structure (quoted multi-line cells stay one
  record) and is caught in the one record that holds it, whose reason names the byte, e.g.
  ``byte 0x92 at line 4 is not valid utf-8``.
* A BOM at the start of any JSONL line (files joined with ``cat``) is removed; a CSV line cut
  inside a quoted cell is quarantined alone and the lines after it are read again
  (``read_csv``).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUPPORTED_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")
DEFAULT_LEGACY_ENCODINGS = ("gb18030", "big5hkscs", "cp932", "cp1252")
_SNIFF_BYTES = 1024 * 1024
_MAX_FIELD_CHARS = 64 * 1024 * 1024
_MIN_SINGLE_BYTE_LINES = 3  # lines that must need a code page (cp1252) before a file is read as one
_MAX_LINE_CHECKS = 2000  # lines judged one by one when a legacy sample has broken lines
_ESCAPED = re.compile("[\udc80-\udcff]+")


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


def _codec_name(encoding: str) -> str:
    """Normalise an encoding name to the Python codec to decode with: the superset of its
    family ('gbk' -> 'gb18030', 'big5' -> 'big5hkscs', 'shift_jis' -> 'cp932'; 'utf_8' -> 'utf-8')."""
    name = codecs.lookup(encoding).name
    supersets = {"gbk": "gb18030", "gb2312": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs",
                 "shift_jis": "cp932"}
    return supersets.get(name, name)


def _utf16(sample: bytes) -> str | None:
    """'utf-16' for a file with a UTF-16 BOM, or 'utf-16-le'/'-be' for one whose bytes are
    mostly NUL-paired ASCII without a BOM; None otherwise."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not sample.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    if len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        even = sample[: len(sample) // 2 * 2]
        for codec, nuls in (("utf-16-le", even[1::2]), ("utf-16-be", even[0::2])):
            if nuls.count(0) > len(nuls) // 2 and _decodes(even, codec):
                return codec
    return None


def detect_encoding(path: Path, candidates: tuple[str, ...] = DEFAULT_LEGACY_ENCODINGS) -> str:
    """Return the encoding of a text file, judged on its first MiB (see the module doc).

    Args:
        path: the file.
        candidates: legacy encodings charset-normalizer may choose from when the file is
            not mostly UTF-8.

    Returns:
        A Python codec name: ``utf-8`` (also for ASCII-only files and files with a few bad
        bytes), ``utf-16``/``utf-16-le``/``utf-16-be``, or one of ``candidates`` normalised to
        the superset of its family (see ``_codec_name``).
    """
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    wide = _utf16(sample)
    if wide:
        return wide
    lines = sample.removeprefix(codecs.BOM_UTF8).split(b"\n")
    if len(sample) == _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle of a character
    non_ascii = [line for line in lines if not line.isascii()]
    utf8_ok = sum(_decodes(line, "utf-8") for line in non_ascii)
    if not non_ascii or utf8_ok * 2 >= len(non_ascii):
        return "utf-8"  # (a UTF-8 BOM is only a hint: the lines decide)
    # Mostly not UTF-8: charset-normalizer chooses among the legacy candidates.
    multi = [enc for enc in candidates if not _is_single_byte(enc)]
    single = [enc for enc in candidates if _is_single_byte(enc)]
    best = _best(non_ascii, list(candidates))
    if best is None and multi:
        # A broken character (cut in half) makes it give up on the whole sample: ask again on
        # the lines a multi-byte candidate reads coherently one by one (a code page such as
        # cp1252 "reads" any bytes, so it is left out of this step).
        readable = [line for line in non_ascii[:_MAX_LINE_CHECKS] if _best([line], multi) is not None]
        best = _best(readable, multi) if readable else None
        if best is None:  # last resort: the multi-byte candidate that strictly decodes most lines
            scores = {enc: sum(_decodes(line, enc) for line in non_ascii) for enc in multi}
            top = max(multi, key=lambda enc: scores[enc])
            if scores[top] > utf8_ok:
                return _codec_name(top)
    if best is None:
        if single and len(non_ascii) - utf8_ok >= _MIN_SINGLE_BYTE_LINES:
            return _codec_name(single[0])
        return "utf-8"
    if _is_single_byte(best.encoding) and len(non_ascii) - utf8_ok < _MIN_SINGLE_BYTE_LINES:
        return "utf-8"  # a code page decodes any byte: one or two odd bytes are strays in a UTF-8 file
    return _codec_name(best.encoding)


def _best(lines: list[bytes], candidates: list[str]):
    """charset-normalizer's best match for ``lines``; on a tie (a short sample, e.g. only "甲"
    in ids, reads as well in GB18030, Big5 and Shift-JIS) the earliest of ``candidates`` wins,
    so the configured order is the priority rather than chance."""
    from charset_normalizer import from_bytes

    results = from_bytes(b"\n".join(lines), cp_isolation=candidates)
    best = results.best()
    if best is None:
        return None
    order = [_codec_name(enc) for enc in candidates]
    ties = [m for m in results if (m.chaos, m.coherence) == (best.chaos, best.coherence)
            and _codec_name(m.encoding) in order]
    return min(ties, key=lambda m: order.index(_codec_name(m.encoding)), default=best)


def _is_single_byte(encoding: str) -> bool:
    return codecs.lookup(encoding).name.startswith(("cp125", "cp437", "cp85", "latin", "iso8859", "windows"))


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _undecodable_reason(text: str, line: int, encoding: str) -> str | None:
    """The reason a decoded record holds escaped (undecodable) bytes, or None when it is clean."""
    found = _ESCAPED.findall(text)
    if not found:
        return None
    shown = " ".join(f"0x{ord(ch) - 0xDC00:02x}" for run in found for ch in run)
    count = sum(len(run) for run in found)
    noun = "byte" if count == 1 else "bytes"
    return f"{noun} {shown[:80]} at line {line} {'is' if count == 1 else 'are'} not valid {encoding}"


def _readable(text: str) -> str:
    """Show escaped bytes as \\xNN so the quarantined payload is valid, readable text."""
    return _ESCAPED.sub(lambda m: "".join(f"\\x{ord(ch) - 0xDC00:02x}" for ch in m.group()), text)


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """Open a text file for decoding per record (``surrogateescape``); a UTF-8 BOM is skipped
    whatever the encoding (legacy exports sometimes carry one)."""
    raw = path.open("rb")
    if not encoding.startswith("utf-16") and raw.read(3) != codecs.BOM_UTF8:
        raw.seek(0)
    return io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")


def read_jsonl(path: Path, encoding: str) -> Iterator[RawRecord]:
    """Yield each non-blank line as text; the loader parses and validates it in one step."""
    with _open_text(path, encoding) as handle:
        for number, text in enumerate(handle, start=1):
            text = text.removeprefix("\ufeff").rstrip("\r\n")  # a BOM on any line: files joined with cat
            if not text.strip():  # blank lines carry no record
                continue
            reason = _undecodable_reason(text, number, encoding)
            if reason:
                yield RawRecord(number, _readable(text), None, reason)
            else:
                yield RawRecord(number, text, None, json_text=True)


class _Lines:
    """The numbered physical lines a ``csv.reader`` consumes, with push-back.

    ``csv.reader`` pulls one line at a time and never reads ahead of the record it is
    building, so ``taken`` holds exactly the lines of the last record. Lines pushed back are
    handed out again (with their own numbers) before the file continues.
    """

    def __init__(self, handle: io.TextIOWrapper) -> None:
        self._handle = handle
        self._pushed: list[tuple[int, str]] = []  # a stack: the next line is last
        self._read = 0  # lines read from the file so far
        self.number = 0  # number of the last line handed out
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pushed:
            self.number, text = self._pushed.pop()
        else:
            text = next(self._handle)
            self._read += 1
            self.number = self._read
        self.taken.append((self.number, text))
        return text

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self._pushed.extend(reversed(lines))


def _ends_in_open_quote(line: str) -> bool:
    """True when ``line`` alone ends inside a quoted cell (a quote opened and not closed on it)."""
    try:
        for _ in csv.reader([line], strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def read_csv(path: Path, encoding: str) -> Iterator[RawRecord]:
    """CSV with a header row (RFC 4180: quoted cells may hold commas, quotes and newlines).

    Empty cells are missing values. A record's line number is the line it ends on (the
    header is line 1), as an editor shows it. BOMs in header names are removed.

    A line cut short inside a quoted cell (a truncated export line) leaves a quote open that
    would swallow the following lines into one record with the wrong number of cells. So when
    a record spanning several lines has the wrong number of cells and its first line ends
    inside an open quote, only that first line is quarantined ("a quote opened at line N may
    never close") and the following lines are read again as records: the rows after a
    truncated line still load. (If the record was a real multi-line cell in a row with a
    wrong cell count, its continuation lines are then quarantined one by one: nothing is
    lost, the count of quarantined rows is higher.)
    """
    csv.field_size_limit(_MAX_FIELD_CHARS)  # the default 128 KiB would split a long cell into fake records
    with _open_text(path, encoding) as handle:
        lines = _Lines(handle)
        reader = csv.reader(lines)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValueError(f"{path.name}: header is not valid CSV: {exc}") from exc
        header_reason = _undecodable_reason(",".join(header), 1, encoding)
        if header_reason:
            raise ValueError(f"{path.name}: the header has undecodable bytes ({header_reason})")
        header = [name.replace("\ufeff", "").strip() for name in header]
        while True:
            lines.taken = []
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RawRecord(lines.number, _readable("".join(t for _, t in lines.taken).rstrip("\r\n")), None,
                                f"malformed CSV at line {lines.number}: {exc}")
                continue
            if not lines.taken:  # nothing left to read
                return
            first_line, last_line = lines.taken[0][0], lines.taken[-1][0]
            if not any(cell.strip() for cell in row):
                continue
            payload = _csv_payload(row)
            where = f"line {last_line}" if first_line >= last_line else f"lines {first_line}-{last_line}"
            if len(row) != len(header) and len(lines.taken) > 1 and _ends_in_open_quote(lines.taken[0][1]):
                taken = lines.taken
                lines.push_back(taken[1:])
                text = taken[0][1].rstrip("\r\n")
                yield RawRecord(first_line, _readable(text), None,
                                f"CSV line {first_line} is incomplete: a quote opened at line {first_line} may "
                                "never close (the line was probably cut short); the lines after it are read "
                                "as records again")
                continue
            reason = _undecodable_reason(payload, last_line, encoding)
            if reason:
                yield RawRecord(last_line, _readable(payload), None, reason.replace(f"line {last_line}", where))
                continue
            if len(row) != len(header):
                hint = (f" (a quote opened at line {first_line} may never close)"
                        if last_line > first_line and any("\n" in cell for cell in row) else "")
                yield RawRecord(last_line, payload, None,
                                f"CSV record at {where} has {len(row)} cells, the header has {len(header)}{hint}")
                continue
            yield RawRecord(last_line, payload,
                            {key: (cell if cell != "" else None) for key, cell in zip(header, row, strict=True)})


def _csv_payload(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return out.getvalue().rstrip("\r\n")


def read_parquet(path: Path, batch_size: int = 50_000) -> Iterator[RawRecord]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            number += 1
            clean = {key: value for key, value in row.items() if value is not None}
            yield RawRecord(number, json.dumps(row, default=str, ensure_ascii=False), clean)


def read_records(
    path: Path,
    *,
    accept_legacy_encodings: bool = True,
    legacy_encodings: tuple[str, ...] = DEFAULT_LEGACY_ENCODINGS,
) -> tuple[str, Iterator[RawRecord]]:
    """Return (encoding, records) for a landing file, choosing the reader by suffix.

    When the file is in a legacy encoding and those are not accepted, every record is
    still read (so each is counted and quarantined with its line) but carries the
    rejection as its error.

    Raises:
        ValueError: the suffix is not a supported format.
    """
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "parquet", read_parquet(path)
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(f"{path.name}: unsupported file type {suffix!r}; expected one of {SUPPORTED_SUFFIXES}")
    encoding = detect_encoding(path, legacy_encodings)
    reader = read_csv if suffix == ".csv" else read_jsonl
    records = reader(path, encoding)
    if not encoding.startswith("utf-") and not accept_legacy_encodings:
        reason = (f"file is {encoding}-encoded, not UTF-8; re-export it as UTF-8 or set "
                  "EE_ACCEPT_LEGACY_ENCODINGS=true to decode legacy exports")
        records = (RawRecord(r.line, r.payload, None, reason) for r in records)
    return encoding, records
