"""``xe sentiment score|train|holdout``: the sentiment head (ml/sentiment) from the command line."""

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
    xe sentiment holdout --input reviews.csv --text-col review --label-col label
    """


@sentiment.command("score")
@click.argument("texts", nargs=-1)
@click.option("--head", "head_choice", type=click.Choice(["base", "fitted"]), default="base", show_default=True,
              help="base: the shipped head (what the pipeline scores chats and social posts with); fitted: the "
                   "current topic version's warehouse-fitted head when it has one (what the pipeline scores "
                   "reviews and NPS answers with), else the base head.")
@json_option
def score(texts: tuple[str, ...], head_choice: str, as_json: bool) -> None:
    """Print label and score in [-1, 1] of each TEXT (or of each stdin line), one line per text.

    Scored as the pipeline scores chats and social posts (default, the shipped base head) or
    reviews and NPS answers (--head fitted: the current topic version's warehouse-fitted head,
    fitted on the refit window's review stars and NPS scores; the base head when the version has
    none, said on stderr). HTML character references ("&amp;") are decoded first; set-aside texts
    always get the base head; marketplace placeholder texts (ml/setaside) are
    neutral with score 0, and so are greetings, goodbyes and requests for a human agent without
    a polar emoji. (The pipeline scores the topic engine's view of a text, with catalogue
    product names masked; this command scores the text as given.) Output:
    label<TAB>score<TAB>text (the text as given) after a "# head: ..." line on stderr; with --json
    only one JSON line {"head": ..., "results": [{"text", "label", "score", "voice_class"}, ...]}.
    Texts are embedded through the embedding cache (EE_DATA_DIR/embedding_cache).
    """
    from ml.pipeline.jobs import SUBSTANTIVE, neutralise_opinion_free, neutralise_placeholders
    from ml.sentiment import MIN_RATED, default_model
    from ml.setaside import default_setaside

    items = list(texts) or [line.rstrip("\r\n") for line in sys.stdin if line.strip()]
    if not items:
        raise click.UsageError("give TEXT arguments or lines on stdin")
    from ml.entities import decode_entities

    read = [decode_entities(t) for t in items]
    labels, scores = default_model().predict_arrays(read)
    classes, kinds = default_setaside().classify_kinds(read)
    fitted, head_name = _current_fitted_head() if head_choice == "fitted" else (None, "base")
    if head_choice == "fitted" and fitted is None:
        click.echo(f"note: the current topic version has no warehouse-fitted head (no version yet, or fewer "
                   f"than {MIN_RATED} rated texts in its window): scoring with the base head", err=True)
    substantive = [i for i, c in enumerate(classes) if (c or SUBSTANTIVE) == SUBSTANTIVE]
    if fitted is not None and substantive:
        labels[substantive], scores[substantive] = fitted.predict_arrays([read[i] for i in substantive])
    neutralise_placeholders(labels, scores, classes)  # as the pipeline does
    neutralise_opinion_free(labels, scores, kinds, read)
    results = [{"text": text, "label": str(label), "score": round(float(value), 4) + 0.0,  # + 0.0: no -0.0
                "voice_class": voice_class or "substantive"}
               for text, label, value, voice_class in zip(items, labels, scores, classes, strict=True)]
    if as_json:
        emit_json({"head": head_name, "results": results})
    else:
        click.echo(f"# head: {head_name}", err=True)
        for r in results:
            click.echo(f"{r['label']}\t{r['score']:+.3f}\t{r['text']}")


def _current_fitted_head():
    """``(head, name)``: the current topic version's warehouse-fitted head, or ``(None, "base")``."""
    from ml.topics.store import latest_version_name, load_version

    if not latest_version_name():
        return None, "base"
    version = load_version()
    if version.sentiment_head is None:
        return None, "base"
    meta = version.sentiment_head.meta
    return version.sentiment_head, (f"warehouse-fitted ({version.version}, {meta['n_rated']:,} rated texts"
                                    + (f" of {', '.join(meta['channels'])}" if meta.get("channels") else "") + ")")


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


@sentiment.command("holdout")
@click.option("--input", "input_path", required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Labelled CSV without a train/test split (e.g. waimai_10k.csv).")
@click.option("--text-col", default="text", show_default=True)
@click.option("--label-col", default="label", show_default=True, help="0/1 or negative/neutral/positive.")
@click.option("--holdout-share", default=0.2, show_default=True, type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Share of texts held out (chosen by a hash of the text: the same split on every run).")
@click.option("--min-rated", default=None, type=click.IntRange(1),
              help="Training texts needed to fit (default ml.sentiment.MIN_RATED); fewer: the base head is scored.")
@click.option("--name", default=None, help="Name of the data set in the output (default: the file name).")
@json_option
def holdout(input_path: Path, text_col: str, label_col: str, holdout_share: float, min_rated: int | None,
            name: str | None, as_json: bool) -> None:
    """Fit a head on a labelled file's texts outside a hash-chosen held-out share and score the held-out texts.

    Simulates a merchant's own labelled reviews (distant supervision, ml.sentiment.fit_from_ratings)
    on a data set that has no split; the base head is scored on the same held-out rows. Figures
    are on the held-out rows only; with fewer training texts than --min-rated the "fitted" model
    is the base head (its "model" says so). The last line is JSON: name, split, fitted and base
    (accuracy, macro_f1, task, n, docs_per_second...), n_train, n_holdout, share.
    """
    from ml.evaluation import load_labelled_csv
    from ml.evaluation.sentiment import evaluate_holdout

    # unusable input (missing column, labels neither 3-class nor 0/1, an empty side) raises
    # ValueError: xe prints it as one line and exits 2
    df = load_labelled_csv(input_path, text_col, label_col)
    result = evaluate_holdout(df["text"].tolist(), df["label"].tolist(), share=holdout_share, min_rated=min_rated)
    result = {"name": name or input_path.stem, "split": f"held out by text hash ({holdout_share:.0%})", **result}
    if not as_json:
        for kind in ("fitted", "base"):
            r = result[kind]
            click.echo(f"{result['name']} {kind:<6} {r['task']} accuracy {r['accuracy']:.3f} macro-F1 "
                       f"{r['macro_f1']:.3f} on {r['n']:,} held-out texts", err=True)
    emit_json(result)
