"""Labelled evaluation data: CSV files with a text column, a label column and an optional split.

The real public datasets in ``../shared/data`` (``EE_SHARED_DATA``) all have this shape;
their README names the splits and licences (several are research-only: evaluation, never
training what ships).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ml.entities import decode_entities


class EvaluationInputError(ValueError):
    """The evaluation input cannot be used (missing file, column or rows); the message says why."""


def blank_cells(values: pd.Series) -> pd.Series:
    """True where a cell is empty, whitespace only (BOMs count as whitespace) or missing."""
    return values.isna() | (values.astype(str).str.replace("\ufeff", "", regex=False).str.strip() == "")


def load_labelled_csv(path: Path, text_col: str, label_col: str | None = None, sample: int | None = None,
                      seed: int = 42, split: str | None = None, split_col: str = "split") -> pd.DataFrame:
    """Read and check a labelled CSV before any expensive work: rows that cannot be used are dropped and counted.

    Every cell is read as text (a text "NA" or "null" stays a text, a label "1" stays "1"); BOMs
    and surrounding whitespace are stripped from the texts and HTML character references
    ("&amp;") decoded (:func:`ml.entities.decode_entities`), as the pipeline reads them. Rows with a blank text (empty or
    whitespace only) and, with ``label_col``, rows with a blank label are dropped, in that
    order; the counts are in ``attrs["dropped"]`` of the result so callers can say so.

    Args:
        path: CSV file (UTF-8, a BOM is accepted).
        text_col: Column holding the text.
        label_col: Column holding the reference label (optional: unlabelled input).
        sample: Keep a seeded sample of at most this many rows (after the split filter and the drops).
        seed: Seed of the sample.
        split: Keep only rows whose ``split_col`` equals this value (e.g. ``test``).
        split_col: Name of the split column.

    Returns:
        DataFrame with columns ``text`` and, with ``label_col``, ``label`` (stripped strings), in
        file order (or sample order). ``attrs["dropped"]`` maps each reason (``"a blank text"``,
        ``"a blank label"``) to the number of rows dropped for it (only reasons that dropped rows);
        ``attrs["rows_read"]`` is the number of rows considered (after the split filter).

    Raises:
        EvaluationInputError: On a missing or unreadable file, a missing column, no row in the
            split, or no usable row left (the message gives the counts).
    """
    path = Path(path)
    if not path.exists():
        raise EvaluationInputError(f"input file not found: {path}")
    if path.is_dir():
        raise EvaluationInputError(f"input is a folder, not a CSV file: {path}")
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise EvaluationInputError(f"cannot read {path} as a UTF-8 CSV: {exc}") from exc
    wanted = [text_col] + ([label_col] if label_col else []) + ([split_col] if split else [])
    missing = [c for c in dict.fromkeys(wanted) if c not in df.columns]
    if missing:
        raise EvaluationInputError(f"column(s) {missing} not in {path}; columns are {list(df.columns)}")
    if split:
        df = df[df[split_col].str.strip() == split]
        if df.empty:
            raise EvaluationInputError(f"no rows with {split_col} == {split!r} in {path}")
    rows_read = len(df)
    out = pd.DataFrame({"text": df[text_col].str.replace("\ufeff", "", regex=False).str.strip().map(decode_entities)})
    if label_col:
        out["label"] = df[label_col].str.strip()
    dropped: dict[str, int] = {}
    blank_text = blank_cells(out["text"])
    if blank_text.any():
        dropped["a blank text"] = int(blank_text.sum())
        out = out[~blank_text]
    if label_col:
        blank_label = blank_cells(out["label"])
        if blank_label.any():
            dropped["a blank label"] = int(blank_label.sum())
            out = out[~blank_label]
    out = out.reset_index(drop=True)
    if out.empty:
        what = f"a non-empty {text_col!r}" + (f" and {label_col!r}" if label_col else "")
        counts = "; ".join(f"{n:,} with {reason}" for reason, n in dropped.items()) or "the file has no data rows"
        raise EvaluationInputError(f"no usable rows in {path}: none of its {rows_read:,} rows"
                                   f"{' in split ' + repr(split) if split else ''} has {what} ({counts})")
    if sample and len(out) > sample:
        out = out.sample(sample, random_state=seed).reset_index(drop=True)
    out.attrs["dropped"] = dropped
    out.attrs["rows_read"] = rows_read
    return out


def describe_dropped(frame: pd.DataFrame, source: str | Path) -> list[str]:
    """One line per reason rows were dropped by :func:`load_labelled_csv` ("dropped 3 rows with a blank label ...")."""
    name = Path(source).name
    return [f"{name}: dropped {n:,} row{'s' if n != 1 else ''} with {reason}"
            for reason, n in frame.attrs.get("dropped", {}).items()]
