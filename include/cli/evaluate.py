"""``xe eval``: score the pipeline's own output; each command prints one JSON line last."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from include.cli.common import emit_json, json_option, landing_option, note, warehouse_option

_OUT = click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
                    help="Also write the result (with what was measured) to this JSON file.")
_NAME = click.option("--name", default=None, help="Name of this measurement in the saved result (default: the file's name).")


def _save(out: Path | None, record: dict) -> None:
    if out is None:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def _split_name(path: Path, split: str | None) -> str:
    """What was measured: the split's name, or the whole file (named, so test.csv reads as a test split)."""
    return split if split else f"whole {Path(path).name}"


def _load_checked(path: Path, text_col: str, label_col: str | None, sample: int | None = None, seed: int = 42,
                  split: str | None = None, what: str = "input"):
    """Read and check a labelled CSV before any embedding; say on stderr which rows were dropped and why.

    Raises:
        EvaluationInputError: Missing file or column, or nothing usable left (exit code 2).
    """
    from ml.evaluation import describe_dropped, load_labelled_csv

    frame = load_labelled_csv(path, text_col, label_col, sample, seed, split=split)
    for line in describe_dropped(frame, path):
        note(f"[eval] {what} {line}")
    return frame


def _record(kind: str, name: str | None, source: str, split: str, result: dict) -> dict:
    return {"kind": kind, "name": name or Path(source).stem, "input": source, "split": split,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "result": result}


@click.group("eval")
def eval_group() -> None:
    """Score the pipeline's output, or the production models on any labelled CSV (one JSON line last).

    `make eval` runs them all on ../shared/data and the demo and refreshes the README's table.
    """


@eval_group.command("topics")
@click.option("--input", "input_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Labelled CSV.")
@click.option("--text-col", required=True, help="Column holding the text.")
@click.option("--label-col", required=True, help="Column holding the reference label (intent, category).")
@click.option("--split", default=None, help="Keep only rows whose `split` column equals this (e.g. test).")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Evaluate on a seeded sample of N rows.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the sample and the model.")
@click.option("--no-cache", is_flag=True, help="Embed everything (measures cold speed).")
@_NAME
@_OUT
@json_option
def eval_topics(input_path, text_col, label_col, split, sample, seed, no_cache, name, out, as_json) -> None:
    """Cluster a labelled CSV with the production topic configuration; print NMI, ARI, purity.

    The number of topics is never given to the model. The file is checked before anything is
    embedded: rows with a blank text or label are dropped and counted on stderr (and in
    `dropped`); a missing column or no usable row stops with exit code 2. Fewer than 10 texts
    (TopicConfig.min_fit_docs) are one topic, as in production, and `note` says so.

    Output keys: nmi, ari, purity, n_topics, n_labels, outlier_rate, docs_per_second,
    peak_rss_mb, n_docs, embedding, clustered, dropped (and note).
    """
    import logging

    from ml.evaluation import evaluate_topics

    if not as_json:
        logging.basicConfig(level=logging.INFO, format="[eval] %(message)s")
    df = _load_checked(input_path, text_col, label_col, sample, seed, split=split)
    split_name = _split_name(input_path, split)
    result = {**evaluate_topics(df, seed=seed, use_cache=not no_cache), "split": split_name,
              "sample": sample, "seed": seed, "dropped": df.attrs.get("dropped", {})}
    _save(out, _record("topics", name, str(input_path), split_name, result))
    emit_json(result)


@eval_group.command("sentiment")
@click.option("--input", "input_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="CSV with a text column (and a label column).")
@click.option("--text-col", required=True, help="Column holding the text.")
@click.option("--label-col", default=None,
              help="Reference labels: negative/neutral/positive, or 0/1 (binary: the score's sign decides).")
@click.option("--split", default=None, help="Keep only rows whose `split` column equals this (e.g. test).")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Evaluate on a seeded sample of N rows.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the sample.")
@click.option("--train-input", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Distant supervision: fit a warehouse head on this CSV first (default --input when "
                   "--train-split is given).")
@click.option("--train-split", default=None, help="Rows of the training CSV whose `split` equals this (e.g. train).")
@click.option("--train-label-col", default=None, help="3-class labels of the training rows (read as 1/3/5 stars).")
@click.option("--rating-col", default=None, help="Ratings of the training rows (stars 1-5, or NPS 0-10 with --rating-scale 10).")
@click.option("--rating-scale", type=click.Choice(["5", "10"]), default="5", show_default=True,
              help="Scale of --rating-col: 5 (stars) or 10 (NPS).")
@click.option("--min-rated", type=click.IntRange(min=1), default=None,
              help="Rated texts needed to fit (default ml.sentiment.MIN_RATED); fewer: the base head is used.")
@click.option("--holdout-share", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=None,
              help="For a file without a split: fit a head on the --label-col labels of the rows outside a share "
                   "held out by a hash of the text, and score only the held-out rows (e.g. 0.2).")
@_NAME
@_OUT
@json_option
def eval_sentiment(input_path, text_col, label_col, split, sample, seed, train_input, train_split, train_label_col,
                   rating_col, rating_scale, min_rated, holdout_share, name, out, as_json) -> None:
    """Score texts with the production sentiment head; with labels print accuracy and macro-F1.

    With --train-split (and --train-label-col or --rating-col) a head is first fitted by distant
    supervision on that split (what a merchant's own rated reviews do at run time,
    ml.sentiment.fit_from_ratings) and the --split rows are scored with it. With --holdout-share
    (files without a split, e.g. waimai_10k) the head is fitted on the --label-col labels of the
    rows outside a share held out by a hash of the text (ml.evaluation.sentiment.holdout_mask,
    so duplicates never cross it) and only the held-out rows are scored.

    Output keys: accuracy, macro_f1, n, task (three_class / binary), docs_per_second,
    head_docs_per_second, label_shares, model (base / warehouse-fitted), split, train_split, dropped.

    Both files are checked before anything is embedded or fitted: rows with a blank text, a
    blank label or (training) a rating that is not on the scale are dropped and counted on
    stderr; a missing column, labels that are neither 3-class nor 0/1, or no usable row stop
    with exit code 2.
    """
    from ml.evaluation import EvaluationInputError, evaluate_sentiment
    from ml.evaluation.sentiment import fit_from_labelled, normalise_labels

    if holdout_share is not None:
        if train_input or train_split or split or sample or not label_col:
            raise click.BadParameter("--holdout-share needs --label-col and works without --split, --sample, "
                                     "--train-input and --train-split", param_hint="--holdout-share")
        _eval_sentiment_holdout(input_path, text_col, label_col, holdout_share, min_rated, name, out, as_json)
        return
    train, train_path = None, None
    if train_input or train_split:
        if bool(train_label_col) == bool(rating_col):
            raise click.BadParameter("give exactly one of --train-label-col and --rating-col",
                                     param_hint="--train-label-col / --rating-col")
        train_path = train_input or input_path
        train = _load_checked(train_path, text_col, train_label_col or rating_col, split=train_split,
                              what="training input")
    df = _load_checked(input_path, text_col, label_col, sample, seed, split=split)
    if label_col:
        try:
            normalise_labels(df["label"].tolist())
        except ValueError as exc:
            raise EvaluationInputError(f"{Path(input_path).name}, column {label_col!r}: {exc}") from exc
    model, train_name, n_rated = None, None, None
    if train is not None:
        train_name = f"{_split_name(train_path, train_split)} of {Path(train_path).name}"
        train = _check_training_targets(train, train_path, train_label_col, rating_col, int(rating_scale))
        if not as_json:
            note(f"[eval] fitting a warehouse head on {len(train):,} rows ({train_name}) ...")
        column = train["label"].tolist()
        model = (fit_from_labelled(train["text"].tolist(), labels=column, min_rated=min_rated) if train_label_col
                 else fit_from_labelled(train["text"].tolist(), ratings=column, scale_max=int(rating_scale),
                                        min_rated=min_rated))
        n_rated = model.meta.get("n_rated", 0)
    if not as_json:
        note(f"[eval] scoring {len(df):,} texts ...")
    split_name = _split_name(input_path, split)
    result = {**evaluate_sentiment(df["text"].tolist(), df["label"].tolist() if label_col else None, model),
              "split": split_name, "sample": sample, "train_split": train_name, "n_rated": n_rated,
              "dropped": df.attrs.get("dropped", {})}
    _save(out, _record("sentiment", name, str(input_path), split_name, result))
    emit_json(result)


def _eval_sentiment_holdout(input_path: Path, text_col: str, label_col: str, share: float, min_rated: int | None,
                            name: str | None, out: Path | None, as_json: bool) -> None:
    """``xe eval sentiment --holdout-share``: fit on the rows outside the hash holdout, score the held-out rows."""
    from ml.evaluation import EvaluationInputError, evaluate_sentiment
    from ml.evaluation.sentiment import fit_from_labelled, holdout_mask, normalise_labels

    df = _load_checked(input_path, text_col, label_col)
    try:
        normalise_labels(df["label"].tolist())
    except ValueError as exc:
        raise EvaluationInputError(f"{Path(input_path).name}, column {label_col!r}: {exc}") from exc
    held = holdout_mask(df["text"].tolist(), share)
    if held.all() or not held.any():
        raise EvaluationInputError(f"{Path(input_path).name}: a {share:.0%} holdout of {len(df):,} rows leaves "
                                   "one side empty; use more rows")
    train, test = df[~held], df[held]
    if not as_json:
        note(f"[eval] fitting a warehouse head on {len(train):,} rows (outside the {share:.0%} holdout) ...")
    model = fit_from_labelled(train["text"].tolist(), labels=train["label"].tolist(), min_rated=min_rated)
    if not as_json:
        note(f"[eval] scoring the {len(test):,} held-out texts ...")
    split_name = f"held out by text hash ({share:.0%})"
    result = {**evaluate_sentiment(test["text"].tolist(), test["label"].tolist(), model),
              "split": split_name, "sample": None, "train_split": f"rest of {Path(input_path).name}",
              "n_rated": model.meta.get("n_rated", 0), "dropped": df.attrs.get("dropped", {})}
    _save(out, _record("sentiment", name, str(input_path), split_name, result))
    emit_json(result)


def _check_training_targets(train, path: Path, label_col: str | None, rating_col: str | None, scale: int):
    """The training rows with a usable target: 3-class labels (else exit 2), or ratings on the scale (others dropped)."""
    from ml.evaluation import EvaluationInputError
    from ml.evaluation.sentiment import normalise_labels
    from ml.sentiment import ratings_to_labels

    name = Path(path).name
    if label_col:
        try:
            _, task = normalise_labels(train["label"].tolist())
        except ValueError as exc:
            raise EvaluationInputError(f"training input {name}, column {label_col!r}: {exc}") from exc
        del task  # 3-class or 0/1 (good/bad: the neutral class then comes from the seed sentences)
        return train
    usable = [v is not None for v in ratings_to_labels(train["label"].tolist(), scale)]
    bad = len(usable) - sum(usable)
    if bad == len(usable):
        raise EvaluationInputError(f"training input {name}: no value of {rating_col!r} is a rating on the "
                                   f"{'1-5' if scale == 5 else '0-10'} scale (e.g. {train['label'].iloc[0]!r})")
    if bad:
        note(f"[eval] training input {name}: dropped {bad:,} row{'s' if bad != 1 else ''} whose {rating_col!r} "
             f"is not a rating on the {'1-5' if scale == 5 else '0-10'} scale")
    return train[usable].reset_index(drop=True)


def _demo_paths(landing: Path | None, warehouse: Path | None) -> tuple[Path, Path]:
    """The landing zone and warehouse to score (defaults from the settings)."""
    from include.config import settings

    cfg = settings()
    return Path(landing or cfg.landing_dir), Path(warehouse or cfg.warehouse)


def _demo_split(landing: Path) -> str:
    """The split a demo result is measured on: ``demo seed N`` when `xe run` recorded the seed."""
    stamp = Path(landing) / "_ground_truth" / "run_demo_args.json"
    demo_args = json.loads(stamp.read_text()) if stamp.exists() else {}
    return f"demo seed {demo_args['seed']}" if "seed" in demo_args else "demo"


def run_demo_eval(landing: Path | None, warehouse: Path | None, as_json: bool, out: Path | None = None) -> dict:
    """Score a demo warehouse against its ground truth; print a summary and one JSON line."""
    from ml.evaluation import evaluate_demo

    landing, warehouse = _demo_paths(landing, warehouse)
    result = evaluate_demo(landing, warehouse)
    split = _demo_split(landing)
    result = {**result, "split": split}
    if not as_json:
        def fmt(key):
            value = result.get(key)
            return "n/a" if value is None else (f"{value:,}" if isinstance(value, int) else f"{value:.3f}")

        note(f"\n=== Quality vs the demo's ground truth ({split}, {fmt('n_in_warehouse')} of "
             f"{fmt('n_labelled')} labelled texts in the warehouse) ===")
        note(f"  topics     NMI {fmt('topic_nmi')}  ARI {fmt('topic_ari')}  purity {fmt('topic_purity')}  "
             f"{fmt('n_topics')} topics for {fmt('n_sub_intents')} sub-intents  "
             f"(largest {fmt('largest_topic_share')})")
        note(f"             clustered texts only ({fmt('n_clustered')}): NMI {fmt('clustered_topic_nmi')}  "
             f"ARI {fmt('clustered_topic_ari')}  purity {fmt('clustered_topic_purity')}")
        note(f"  sentiment  accuracy {fmt('sentiment_accuracy')}  macro-F1 {fmt('sentiment_macro_f1')}")
        by_source = result.get("sentiment_by_source") or {}
        if by_source:
            note("             by source (reviews / NPS: in-sample for a head fitted on their ratings): " + ", ".join(f"{k} {v['accuracy']:.3f} / {v['macro_f1']:.3f} ({v['n']:,})"
                                                    for k, v in by_source.items()))
        aside = result.get("n_set_aside") or {}
        note(f"  set aside  {', '.join(f'{v:,} {k}' for k, v in aside.items()) or 'none'}  "
             f"precision {fmt('set_aside_precision')}  recall {fmt('set_aside_recall')} (vs chit-chat sub-intents)")
        note(f"  tagging    accuracy {fmt('tagging_accuracy')}  macro-F1 {fmt('tagging_macro_f1')}  "
             f"(keywords alone {fmt('tagging_rule_accuracy')})")
        note(f"  language   accuracy {fmt('language_accuracy')}")
    _save(out, _record("demo", "demo", str(landing), split, result))
    emit_json(result)
    return result


@eval_group.command("demo")
@landing_option
@warehouse_option
@_OUT
@json_option
def eval_demo(landing, warehouse, out, as_json) -> None:
    """Score a warehouse built from a generated demo against its _ground_truth/.

    Topics vs sub-intent (nmi, ari, purity, n_topics, largest_topic_share), sentiment
    (accuracy, macro_f1, 3 classes; sentiment_by_source per ground-truth source: reviews and
    nps_responses carry the ratings a warehouse-fitted head is trained on, so their figures are
    in-sample for it, cs_messages and social_mentions are not), service-element tagging and
    language (accuracy). Run it after `xe run` (or make run).
    """
    run_demo_eval(landing, warehouse, as_json, out)


@eval_group.command("drivers")
@landing_option
@warehouse_option
@click.option("--min-support", type=click.IntRange(min=1), default=30, show_default=True,
              help="Answers with (and without) a theme needed to rank it in the full driver table.")
@_OUT
@json_option
def eval_drivers(landing, warehouse, min_support, out, as_json) -> None:
    """Key drivers of NPS vs the demo's ground truth (_ground_truth/drivers.json).

    spearman: rank correlation of our adjusted impact (joint regression over the operational
    flags, see `xe insight drivers`) with the generator's counterfactual impact per driver; top5: both orders; nps_recount_ok:
    every cell of agg_nps_weekly and agg_nps_touchpoint_weekly equals a recount from
    fct_nps_responses; defect_finding: whether the defect product's top finding in
    fct_product_findings is the defect (by its mentions' true sub-intent) emerging after
    launch (null before the topic engine ran). Run it after `xe run` (or make run).
    """
    from include.insight.evaluation import GroundTruthMissing, evaluate_defect_finding, evaluate_drivers

    landing, warehouse = _demo_paths(landing, warehouse)
    try:
        result = evaluate_drivers(landing, warehouse, min_support=min_support)
        result["defect_finding"] = evaluate_defect_finding(landing, warehouse)
    except (GroundTruthMissing, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    result = {**result, "split": _demo_split(landing)}
    if not as_json:
        note(f"key drivers vs ground truth ({result['split']}, {result['answers']:,} answers): "
             f"Spearman {result['spearman']}")
        note(f"  {'driver':<20}{'observed as':<28}{'true impact':>12}{'adjusted':>10}{'unadjusted':>12}{'n':>6}")
        for m in result["drivers"]:
            adjusted = "n/a" if m["impact"] is None else f"{m['impact']:.2f}"
            note(f"  {m['driver']:<20}{m['observed_as']:<28}{m['true_impact']:>12.2f}{adjusted:>10}"
                 f"{m['impact_unadjusted']:>12.2f}{m['n_with']:>6}")
        note(f"  NPS cells equal a recount from fct_nps_responses: {result['nps_recount_ok']}")
        finding = result["defect_finding"]
        if finding is None:
            note("  defect product's top finding: n/a (no defect incident, or the topic engine has not run)")
        else:
            note(f"  defect product {finding['product_id']}: top finding topic {finding['topic_id']} "
                 f"{finding['topic_label']!r}, mostly {finding['top_sub_intent']} ({finding['sub_intent_share']}), "
                 f"emerging {finding['is_emerging']} -> ok {finding['ok']}")
    _save(out, _record("drivers", "drivers", str(landing), result["split"], result))
    emit_json(result)


@eval_group.command("alerts")
@landing_option
@warehouse_option
@_OUT
@json_option
def eval_alerts(landing, warehouse, out, as_json) -> None:
    """Risk alerts vs the demo's injected incidents (_ground_truth/incidents.json).

    recall: incidents with an alert on a matching series (their keys, or 30 %+ of the alert's
    voice evidence labelled with the incident); precision: alerts matching an incident / all
    alerts; max_delay_days: latest first alert after an incident's start; alerts: alerting
    series; episodes: grouped alerts. Run after `xe run` (the topic engine must have run).
    """
    from include.insight.evaluation import GroundTruthMissing, evaluate_alerts

    landing, warehouse = _demo_paths(landing, warehouse)
    try:
        result = evaluate_alerts(landing, warehouse)
    except GroundTruthMissing as exc:
        raise click.ClickException(str(exc)) from exc
    result = {**result, "split": _demo_split(landing)}
    if not as_json:
        note(f"risk alerts vs injected incidents ({result['split']}): recall {result['recall']}, precision "
             f"{result['precision']}, max delay {result['max_delay_days']} day(s); {result['episodes']} alerts "
             f"({result['alerts_medium_plus']} medium+) from {result['alerts']} alerting series, "
             f"detector {result['seconds']} s")
        for item in result["incidents"]:
            note(f"  {item['id']:<14} {item['type']:<15} start {item['start']}  first alert {item['first_alert']}  "
                 f"delay {item['delay_days']}")
        for item in result["unmatched"]:
            note(f"  unmatched: {item['alert_id']} {item['severity']} {item['first_seen']} {item['entity']}")
    _save(out, _record("alerts", "alerts", str(landing), result["split"], result))
    emit_json(result)


@eval_group.command("unpaid")
@landing_option
@warehouse_option
@_OUT
@json_option
def eval_unpaid(landing, warehouse, out, as_json) -> None:
    """Unpaid-order reasons vs the demo's true reasons (_ground_truth/unpaid_orders.parquet).

    accuracy: primary reason right on orders whose reason shows in the data (a failed attempt
    or a chat); unknown_precision: of orders called `unknown`, the share where nothing shows;
    unknown_recall: of those, the share called `unknown`; per_reason: n, accuracy, how often
    called and precision; coupon_incident: top reason of the coupon incident's unpaid orders.
    Run after `xe run` (or `xe insight unpaid`).
    """
    from include.insight.evaluation import GroundTruthMissing, evaluate_unpaid

    landing, warehouse = _demo_paths(landing, warehouse)
    try:
        result = evaluate_unpaid(landing, warehouse)
    except GroundTruthMissing as exc:
        raise click.ClickException(str(exc)) from exc
    result = {**result, "split": _demo_split(landing)}
    if not as_json:
        note(f"unpaid-order reasons vs truth ({result['split']}, {result['n']:,} orders, "
             f"{result['n_observable']:,} observable): accuracy {result['accuracy']}, unknown precision "
             f"{result['unknown_precision']}, unknown recall {result['unknown_recall']}")
        note(f"  {'reason':<28}{'n':>6}{'accuracy':>10}{'called':>8}{'precision':>11}")
        for r in result["per_reason"]:
            acc = "n/a" if r["accuracy"] is None else f"{r['accuracy']:.3f}"
            prec = "n/a" if r["precision"] is None else f"{r['precision']:.3f}"
            note(f"  {r['reason']:<28}{r['n']:>6}{acc:>10}{r['called']:>8}{prec:>11}")
        if result["coupon_incident"]:
            c = result["coupon_incident"]
            note(f"  coupon incident {c['promotion_id']}: {c['unpaid_orders']} unpaid orders, top reason "
                 f"{c['top_reason']} ({c['top_share']})")
    _save(out, _record("unpaid", "unpaid", str(landing), result["split"], result))
    emit_json(result)


@eval_group.command("real-reviews")
@click.option("--scratch", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Scratch folder (default <EE_DATA_DIR>/real_reviews).")
@click.option("--limit", type=int, default=None, help="Rows per dataset (default: all).")
@click.option("--shared-data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder with the datasets (default EE_SHARED_DATA: ../shared/data).")
@json_option
def eval_real_reviews(scratch, limit, shared_data, as_json) -> None:
    """Land the real review datasets as `reviews`, build a scratch warehouse, print the 'other' share.

    Measures how much real text the service-element tagging leaves untagged.
    """
    from include.config import settings
    from include.warehouse.real_reviews import run as run_real_reviews

    out = run_real_reviews(scratch or settings().data_dir / "real_reviews", limit, shared_data)
    if not as_json:
        note(f"{out['reviews_read']:,} reviews read, {out['rows_loaded']:,} loaded, "
             f"{out['rows_quarantined']:,} quarantined ({out['seconds']} s)")
        for name, d in out["datasets"].items():
            top = ", ".join(f"{k} {v:,}" for k, v in list(d["elements"].items())[:8])
            note(f"  {name:24s} {d['reviews']:>7,d} review texts, 'other' share {d['other_share']:.1%}  [{top}]")
    emit_json(out)


@eval_group.command("tagging")
@click.option("--scratch", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Scratch folder for the landing zone, warehouse and topic model (default <EE_DATA_DIR>/tagging_eval).")
@click.option("--shared-data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder with the datasets (default EE_SHARED_DATA: ../shared/data).")
@click.option("--topics/--keywords-only", default=True, show_default=True,
              help="Also fit and assign topics in the scratch warehouse and score the final element "
                   "(keyword tag combined with the topic's element), as the pipeline does.")
@click.option("--context", "context_per_dataset", type=click.IntRange(min=0), default=None,
              help="Unlabelled rows per dataset landed beside the sample so topics form as in a real "
                   "warehouse (default ml.evaluation.tagging.CONTEXT_PER_DATASET, 400).")
@_OUT
@json_option
def eval_tagging(scratch, shared_data, topics, context_per_dataset, out, as_json) -> None:
    """Score service-element tagging on the hand-labelled sample of real texts (ml/evaluation/data/).

    The sample holds keys and labels only; the texts are read from the shared datasets,
    landed through the landing contract, loaded and built with dbt in a scratch warehouse,
    and fct_interactions.service_element (keyword rules) is scored. With --topics (default),
    a topic model is fitted on the sample plus unlabelled rows of the same datasets (labels
    are never read by the fit), every text is assigned, and fct_interaction_topics.service_element
    (the keyword tag combined with the topic's element) is scored as well: accuracy, macro-F1,
    per element and dataset; the keyword-only scores are under "rule".
    """
    from include.config import settings
    from ml.evaluation.tagging import CONTEXT_PER_DATASET, SAMPLE_CSV, evaluate_tagging

    result = evaluate_tagging(shared_data or settings().shared_data, scratch or settings().data_dir / "tagging_eval",
                              topics=topics,
                              context_per_dataset=CONTEXT_PER_DATASET if context_per_dataset is None
                              else context_per_dataset)
    if not as_json:
        note(f"tagging on {result['n']} hand-labelled real texts ({result['scored']}): accuracy "
             f"{result['accuracy']:.3f}, macro-F1 {result['macro_f1']:.3f} (keywords alone: accuracy "
             f"{result['rule']['accuracy']:.3f}, macro-F1 {result['rule']['macro_f1']:.3f})")
        for name, d in result["per_dataset"].items():
            note(f"  {name:24s} accuracy {d['accuracy']:.3f} (keywords alone "
                 f"{result['rule']['per_dataset'][name]['accuracy']:.3f}, n {d['n']})")
    _save(out, _record("tagging", "real texts (hand-labelled)", str(SAMPLE_CSV), "hand-labelled sample", result))
    emit_json(result)


@eval_group.command("mixed")
@click.option("--scratch", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Scratch folder for the landing zone, warehouse and topic model (default <EE_DATA_DIR>/mixed_eval).")
@click.option("--shared-data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder with the datasets (default EE_SHARED_DATA: ../shared/data).")
@click.option("--per-source", type=click.IntRange(min=1), default=600, show_default=True,
              help="Seeded sample of non-blank texts per source.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the samples and the topic model.")
@_OUT
@json_option
def eval_mixed(scratch, shared_data, per_source, seed, out, as_json) -> None:
    """Topics on a warehouse mixing channels, domains and merchants: do they follow issues or sources?

    Lands Banking77 test queries as app chats (cs_sessions + cs_messages), online_shopping and
    waimai as tmall / eleme reviews and bank comments as weibo social mentions, loads them with
    the real loader into a scratch warehouse, runs dbt, fits and assigns topics there and
    scores voc.doc_topics (ml.evaluation.mixed). Labels: banking77 `category`,
    online_shopping `cat`, waimai the constant food_delivery and bank comments the constant
    bank_products (their `label` columns are sentiment, not issues).

    Criteria (thresholds fixed in ml.evaluation.mixed): NMI(topic, source) < 0.5 x
    NMI(topic, label) ("well below"); no topic more than 80 % one source with label purity
    < 0.5 while that source has several labels. Set-aside texts (topic id < 0) are counted,
    not clustered. Reference for the first rule: nmi_label_source, the NMI(topic, source) of
    topics that are exactly the labels (these sources share no issue, so it is ~0.64 and a
    perfect issue clustering fails the rule too; criteria.*.labels_as_topics).

    Output keys: split, n_docs, n_clustered, n_set_aside, n_set_aside_by_class, n_topics,
    nmi_topic_label, ari_topic_label, purity_topic_label, nmi_topic_source, nmi_ratio,
    nmi_label_source, within_source_nmi, per_source, single_source_topics, single_source_doc_share,
    single_source_label_purity, bad_single_source_topics, bad_topics, topics, criteria,
    passed, and how it was run (landed, rows_loaded, rows_quarantined, missing, unassigned,
    model_version, embedding, assign_mode, seconds).
    """
    from include.config import settings
    from ml.evaluation.mixed import evaluate_mixed

    result = evaluate_mixed(shared_data or settings().shared_data, scratch or settings().data_dir / "mixed_eval",
                            per_source, seed)
    if not as_json:
        note(f"\n=== Topics across sources ({result['split']}) ===")
        for name, d in result["per_source"].items():
            where = " / ".join(x for x in (d.get("channel"), d.get("platform"), d.get("site")) if x)
            note(f"  {name:24s} {d['n_docs']:>6,d} docs ({where}), {d['n_set_aside']:,} set aside, "
                 f"{d['n_labels']} label(s) [{d.get('label')}], "
                 f"{(d['in_single_source_topics'] or 0):.0%} in topics it dominates")
        note(f"  {result['n_topics']} topics on {result['n_clustered']:,} clustered docs "
             f"(set aside: {', '.join(f'{v:,} {k}' for k, v in result['n_set_aside_by_class'].items()) or 'none'})")
        note(f"  NMI(topic, label) {result['nmi_topic_label']:.3f}  ARI {result['ari_topic_label']:.3f}  "
             f"purity {result['purity_topic_label']:.3f}   NMI(topic, source) {result['nmi_topic_source']:.3f}")
        ref = result["criteria"]["nmi_source_well_below_nmi_label"]["labels_as_topics"]
        note(f"  reference: topics equal to the issue labels would score NMI(topic, source) "
             f"{result['nmi_label_source']:.3f} (first rule: {'PASS' if ref['pass'] else 'FAIL'})")
        note("  within-source NMI(topic, label): "
             + ", ".join(f"{k} {v:.3f}" for k, v in result["within_source_nmi"].items()))
        purity = result["single_source_label_purity"]
        note(f"  {result['single_source_topics']} topics > 80 % one source hold "
             f"{result['single_source_doc_share']:.1%} of the docs; their label purity "
             f"{'n/a' if purity is None else f'{purity:.3f}'}; bad: {result['bad_single_source_topics']}")
        for t in result["topics"][:8]:
            labels = ", ".join(f"{k} {n}" for k, n in t["top_labels"][:2])
            note(f"    topic {t['topic_id']:>3}: {t['size']:>5,} docs, {t['source_share']:.0%} {t['source']}, "
                 f"label purity {t['label_purity']:.2f} [{labels}] {t.get('label') or ''}")
        for t in result["bad_topics"][:10]:
            labels = ", ".join(f"{k} {n}" for k, n in t["top_labels"])
            note(f"    bad topic {t['topic_id']}: {t['size']} docs, {t['source_share']:.0%} {t['source']}, "
                 f"purity {t['label_purity']:.2f} [{labels}] {t.get('label') or ''}")
        for name, c in result["criteria"].items():
            note(f"  {'PASS' if c['pass'] else 'FAIL'}  {name}: {c['rule']} (value {c['value']}, "
                 f"threshold {c['threshold']})")
    _save(out, _record("mixed", "mixed sources", str(shared_data or settings().shared_data), result["split"],
                       result))
    emit_json(result)


@eval_group.command("pii")
@click.option("--input", "input_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Labelled CSV: text, pii (JSON list of substrings to redact), optional kinds and keep (JSON lists).")
@click.option("--split", default=None, help="Keep only rows whose `split` column equals this (e.g. report).")
@_NAME
@_OUT
@json_option
def eval_pii(input_path, split, name, out, as_json) -> None:
    """Score the personal-data redactor (include/privacy) on a labelled CSV.

    recall: labelled PII substrings wholly masked / all; precision: masked spans overlapping
    labelled PII and no `keep` substring / all masked spans (a redacted keep substring counts
    against precision). Per kind (phone, email, id_card, bank_card, address, name) when the
    file has `kinds`. A missing file or column, bad JSON in a cell, or a listed substring that
    is not in its text stops with exit code 2.

    Output keys: recall, precision, n, n_pii, n_spans, keep_redacted, per_kind, split,
    texts_per_second, redactor_version, misses, false_positives (examples).
    """
    from include.privacy.evaluation import evaluate_pii, load_labelled

    frame = load_labelled(input_path, split=split)
    split_name = _split_name(input_path, split)
    result = {**evaluate_pii(frame), "split": split_name}
    if not as_json:
        note(f"PII redaction on {result['n']:,} texts ({split_name}): recall {result['recall']}, precision "
             f"{result['precision']} ({result['n_pii']} labelled values, {result['n_spans']} redacted spans, "
             f"{result['keep_redacted']} keep values redacted)")
        for kind, d in result["per_kind"].items():
            note(f"  {kind:10s} recall {d['recall']}  precision {d['precision']}  (n {d['n_pii']}, spans {d['n_spans']})")
        for miss in result["misses"][:5]:
            note(f"  missed {miss['kind']}: {miss['value']!r} in {miss['redacted'][:80]!r}")
        for fp in result["false_positives"][:5]:
            note(f"  false positive {fp['kind']}: {fp['value']!r}{' (a keep value)' if fp['keep_hit'] else ''}")
    _save(out, _record("pii", name, str(input_path), split_name, result))
    emit_json(result)


@eval_group.command("table")
@click.argument("results", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--readme", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Replace the table between the eval markers of this Markdown file (e.g. README.md).")
def eval_table(results, readme) -> None:
    """Render saved results (--out files or folders of them) as the Markdown quality table."""
    from ml.evaluation.report import load_results, quality_table, replace_section

    records = load_results(list(results))
    if not records:
        raise click.BadParameter("no saved results found (run the eval commands with --out first)",
                                 param_hint="RESULTS")
    table = quality_table(records)
    if readme:
        replace_section(readme, table)
        note(f"updated the quality table in {readme} from {len(records)} result(s)")
    else:
        click.echo(table)
