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

    Scored as the pipeline scores them: marketplace placeholder texts (ml/setaside) are neutral
    with score 0. Output: label<TAB>score<TAB>text; with --json only one JSON line
    {"results": [{"text", "label", "score", "voice_class"}, ...]}.
    """
    from ml.pipeline.jobs import neutralise_placeholders
    from ml.sentiment import default_model
    from ml.setaside import default_setaside

    items = list(texts) or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not items:
        raise click.UsageError("give TEXT arguments or lines on stdin")
    labels, scores = default_model().predict_arrays(items)
    classes = default_setaside().classify(items)
    neutralise_placeholders(labels, scores, classes)  # as the pipeline does
    results = [{"text": text, "label": str(label), "score": round(float(value), 4) + 0.0,  # + 0.0: no -0.0
                "voice_class": voice_class or "substantive"}
               for text, label, value, voice_class in zip(items, labels, scores, classes, strict=True)]
    if as_json:
        emit_json({"results": results})
    else:
        for r in results:
            click.echo(f"{r['label']}\t{r['score']:+.3f}\t{r['text']}")


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
