"""``xe topics``: fit, assign, list and label the topic model over the warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from include.cli.common import emit_json, json_option, model_root_option, note, warehouse_option


def _date_text(ctx, param, value):  # noqa: ARG001 - click callback signature
    """A YYYY-MM-DD option checked when the options are parsed (kept as text)."""
    from datetime import date

    if value is None:
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}") from None
    return value


@click.group()
def topics() -> None:
    """Topics of what customers say: fit a model version, assign texts, list and label topics."""


@topics.command("fit")
@click.option("--weeks", type=click.IntRange(min=1), default=None, help="Training window in weeks (default: the config's 8).")
@warehouse_option
@model_root_option
@json_option
def topics_fit(weeks, warehouse, model_root, as_json) -> None:
    """Refit on the last WEEKS weeks of marts.fct_interactions and save a new model version.

    Topic ids stay stable: new topics are matched to the previous version's.
    """
    from ml.pipeline import fit

    result = fit(weeks, warehouse, model_root)
    if not as_json:
        if result.get("status") == "skipped":
            note(f"no refit: {result['reason']}")
        else:
            note(f"saved {result['version']}: {result['n_topics']} topics on {result['documents']:,} documents"
                 + (" (provisional)" if result.get("provisional") else ""))
    emit_json(result)


@topics.command("assign")
@click.option("--since", callback=_date_text, default=None, help="Only interactions on/after YYYY-MM-DD (default: all).")
@click.option("--version", "version_name", default=None, help="Model version (default: LATEST).")
@click.option("--mode", type=click.Choice(["accurate", "balanced", "fast"]), default=None,
              help="accurate: the model's embeddings; balanced: its static student plus real embeddings where it "
                   "is unsure (>= 98% same topics); fast: the student alone (default EE_ASSIGN_MODE: balanced).")
@warehouse_option
@model_root_option
@json_option
def topics_assign(since, version_name, mode, warehouse, model_root, as_json) -> None:
    """Assign interactions to the saved model's topics (no refit) and write voc.doc_topics / voc.topics."""
    from ml.pipeline import assign

    result = assign(since, warehouse, model_root, version_name, mode)
    if not as_json:
        note(f"{result.get('doc_topics', 0):,} documents assigned with {result.get('version') or 'no model'}")
    emit_json(result)


@topics.command("run")
@click.option("--force-refit", is_flag=True, help="Refit even when the latest model is fresh.")
@click.option("--weeks", type=click.IntRange(min=1), default=None, help="Training window in weeks (default: the config's 8).")
@warehouse_option
@model_root_option
@json_option
def topics_run(force_refit, weeks, warehouse, model_root, as_json) -> None:
    """Refit when due (no model, or older than refit_days), then assign every interaction."""
    from ml.pipeline import run

    result = run(force_refit, weeks, warehouse, model_root)
    if not as_json:
        fit_result = result.get("fit")
        if fit_result is None:
            how = " (no refit due)"
        elif fit_result.get("status") == "skipped":
            how = f" (refit skipped: {fit_result['reason']})"
        else:
            how = f" (refitted: {fit_result['n_topics']} topics)"
        note(f"{result['assign'].get('doc_topics', 0):,} documents assigned with "
             f"{result['assign'].get('version') or 'no model'}{how}")
    emit_json(result)


@topics.command("list")
@click.option("--version", "version_name", default=None, help="Model version (default: LATEST).")
@click.option("--all", "show_all", is_flag=True, help="Include vanished topics.")
@click.option("--overrides", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Label overrides file (default EE_LABEL_OVERRIDES: topic_label_overrides.yml, versioned in git).")
@model_root_option
@json_option
def topics_list(version_name, show_all, overrides, model_root, as_json) -> None:
    """List a model version's topics: id, size, status, service element, label, keywords."""
    from ml.topics.store import apply_overrides, load_label_overrides, load_version

    version = load_version(version_name, model_root)
    rows = apply_overrides(version.topics, load_label_overrides(overrides))
    rows = [r for r in rows if show_all or r.get("status") != "vanished"]
    rows.sort(key=lambda r: -int(r.get("size") or 0))
    if as_json:
        emit_json({"version": version.version, "embedding": version.embedding_spec,
                   "topics": [{k: r.get(k) for k in ("topic_id", "label", "size", "status", "service_element",
                                                       "keywords")} for r in rows]})
        return
    click.echo(f"{version.version} ({version.embedding_spec}): {len(rows)} topics, "
               f"{sum(int(r.get('size') or 0) for r in rows):,} training documents")
    click.echo(f"{'id':>5} {'size':>7} {'status':9} {'element':21} label  [keywords]")
    for r in rows:
        keywords = ", ".join(str(r.get("keywords") or "").split(", ")[:5])
        click.echo(f"{r['topic_id']:>5} {int(r.get('size') or 0):>7,} {r.get('status', ''):9} "
                   f"{r.get('service_element', ''):21} {r.get('label', '')}  [{keywords}]")


@topics.command("label")
@click.argument("topic_id", type=int)
@click.argument("label")
@click.option("--service-element", default=None, help="Also override the topic's service element (a taxonomy code).")
@click.option("--overrides", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Label overrides file (default EE_LABEL_OVERRIDES: topic_label_overrides.yml, versioned in git).")
@model_root_option
def topics_label(topic_id, label, service_element, overrides, model_root) -> None:
    """Give TOPIC_ID an analyst's LABEL (kept across refits: ids are stable).

    Written to the label overrides file; the next `xe topics assign` (or voc_topics run)
    publishes it to voc.topics. The model's own label stays available as model_label.
    """
    import yaml

    from include.config import settings
    from ml.topics.store import latest_version_name, load_label_overrides, load_version
    from ml.topics.taxonomy import CODES

    if not label.strip():
        raise click.BadParameter("the label is empty", param_hint="LABEL")
    if service_element is not None and service_element not in CODES:
        raise click.BadParameter(f"unknown service element {service_element!r}; codes are {', '.join(CODES)}",
                                 param_hint="--service-element")
    if latest_version_name(model_root):
        known = {int(r["topic_id"]) for r in load_version(None, model_root).topics}
        if topic_id not in known:
            raise click.BadParameter(f"topic {topic_id} is not in the latest model (ids: {min(known)}..{max(known)})",
                                     param_hint="TOPIC_ID")
    path = overrides or settings().label_overrides
    current = load_label_overrides(path)  # validates the existing file first
    entry = {"label": label.strip()}
    if service_element:
        entry["service_element"] = service_element
    current[topic_id] = {**current.get(topic_id, {}), **entry}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({k: current[k] for k in sorted(current)}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    click.echo(f"topic {topic_id}: {entry} written to {path}")
