"""Labelled evaluation data: CSV files with a text column, a label column and an optional split.

The real public datasets in ``../shared/data`` (``EE_SHARED_DATA``) all have this shape;
their README names the splits and licences (several are research-only: evaluation, never
training what ships).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


class EvaluationInputError(ValueError):
    """The evaluation input cannot be used (missing file, column or rows); the message says why."""


def load_labelled_csv(path: Path, text_col: str, label_col: str | None = None, sample: int | None = None,
                      seed: int = 42, split: str | None = None, split_col: str = "split") -> pd.DataFrame:
    """Read a labelled CSV: BOMs and surrounding whitespace stripped, empty texts dropped.

    Args:
        path: CSV file (UTF-8, a BOM is accepted).
        text_col: Column holding the text.
        label_col: Column holding the reference label (optional: unlabelled input).
        sample: Keep a seeded sample of at most this many rows (after the split filter).
        seed: Seed of the sample.
        split: Keep only rows whose ``split_col`` equals this value (e.g. ``test``).
        split_col: Name of the split column.

    Returns:
        DataFrame with columns ``text`` and, with ``label_col``, ``label`` (as read), in file order
        (or sample order).

    Raises:
        EvaluationInputError: On a missing file or column, or no non-empty text left.
    """
    path = Path(path)
    if not path.exists():
        raise EvaluationInputError(f"input file not found: {path}")
    df = pd.read_csv(path, encoding="utf-8-sig")
    wanted = [text_col] + ([label_col] if label_col else []) + ([split_col] if split else [])
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise EvaluationInputError(f"column(s) {missing} not in {path}; columns are {list(df.columns)}")
    if split:
        df = df[df[split_col].astype(str) == split]
        if df.empty:
            raise EvaluationInputError(f"no rows with {split_col} == {split!r} in {path}")
    out = pd.DataFrame({"text": df[text_col].fillna("").astype(str).str.replace("\ufeff", "", regex=False).str.strip()})
    if label_col:
        out["label"] = df[label_col].to_numpy()
        out = out[out["label"].notna()]
    out = out[out["text"] != ""].reset_index(drop=True)
    if out.empty:
        raise EvaluationInputError(f"no non-empty texts in column {text_col!r} of {path}")
    if sample and len(out) > sample:
        out = out.sample(sample, random_state=seed).reset_index(drop=True)
    return out
