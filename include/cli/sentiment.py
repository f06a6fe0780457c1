"""``xe sentiment score|train``: the sentiment head (ml/sentiment) from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from include.cli.common import emit_json, json_option


@click.group("sentiment")
def sentiment() -> None:
    """Score texts with the sentiment model, or re-train its shipped base head.

    \b
    xe sentiment score "送餐太慢了" "请问有大码吗" "👍"
    echo "how much is the deposit?" | xe sentiment score
    xe sentiment train             # after editing ml/sentiment/data/seed_sentences.csv
    """


@sentiment.command("score")
@click.argument("texts", nargs=-1)
@json_option
def score(texts: tuple[str, ...], as_json: bool) -> None:
    """Print label and score in [-1, 1] of each TEXT (or of each stdin line), one line per text.

    Output: label<TAB>score<TAB>text; with --json only one JSON line {"results": [...]}.
    """
    from ml.sentiment import default_model

    items = list(texts) or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not items:
        raise click.UsageError("give TEXT arguments or lines on stdin")
    labels, scores = default_model().predict_arrays(items)
    results = [{"text": t, "label": str(lab), "score": round(float(s), 4)}
               for t, lab, s in zip(items, labels, scores, strict=True)]
    if not as_json:
        for r in results:
            click.echo(f"{r['label']}\t{r['score']:+.3f}\t{r['text']}")
    if as_json:
        emit_json({"results": results})


@sentiment.command("train")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the head (<out>.npz + <out>.json; default: the shipped ml/sentiment/data/base_head).")
@json_option
def train(out: Path | None, as_json: bool) -> None:
    """Re-train the base head on ml/sentiment/data/seed_sentences.csv (project-written sentences only).

    Deterministic; takes seconds. Prints the training-set accuracy (not a quality figure:
    `xe eval sentiment` measures on held-out data). The last line is JSON.
    """
    from ml.sentiment.train import write_base

    result = write_base(out)
    if not as_json:
        click.echo(f"wrote {result['path']} ({result['bytes']:,} bytes); {result['n_train']} seed sentences "
                   f"{result['train_counts']}; training accuracy {result['training_accuracy']:.3f}")
    emit_json(result)
