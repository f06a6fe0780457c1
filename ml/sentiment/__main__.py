"""``python -m ml.sentiment TEXT ...``: print label and score of each text with the shipped head.

Reads one text per line from stdin when no TEXT is given. Output: ``label<TAB>score<TAB>text``.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Score the texts given as arguments (or stdin lines); print one line per text."""
    from ml.sentiment import default_model

    texts = sys.argv[1:] if argv is None else argv
    if not texts:
        texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    labels, scores = default_model().predict_arrays(texts)
    for text, label, score in zip(texts, labels, scores, strict=True):
        print(f"{label}\t{score:+.3f}\t{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
