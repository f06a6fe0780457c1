"""Summaries of a load for logs, and the quarantine gate."""

from __future__ import annotations


def format_summaries(summaries: list[dict]) -> str:
    lines = [f"{'source':18s} {'files':>5s} {'read':>10s} {'loaded':>10s} {'quarantined':>11s}"]
    for s in summaries:
        lines.append(f"{s['source']:18s} {s['files']:5d} {s['rows_read']:10,d} {s['rows_loaded']:10,d} "
                     f"{s['rows_quarantined']:11,d}")
    return "\n".join(lines)


def combine_summaries(summaries: list[dict]) -> dict:
    """Merge ``SourceLoadResult.summary()`` dicts of one source (the interval and its late days).

    Returns one summary with summed counts, the interval of the last item (the run's own) and
    ``late_days``: the start days of the other items.
    """
    if not summaries:
        raise ValueError("no load summaries to combine")
    own = dict(summaries[-1])
    for key in ("files", "rejected_files", "rows_read", "rows_loaded", "rows_quarantined"):
        own[key] = sum(s[key] for s in summaries)
    own["seconds"] = round(sum(s["seconds"] for s in summaries), 3)
    own["late_days"] = [s["start"] for s in summaries[:-1]]
    return own


def check_quarantine_share(summaries: list[dict], max_share: float) -> dict:
    """Return the totals; raise ValueError when the quarantined share is above ``max_share``."""
    read = sum(s["rows_read"] for s in summaries)
    quarantined = sum(s["rows_quarantined"] for s in summaries)
    share = quarantined / read if read else 0.0
    totals = {"rows_read": read, "rows_loaded": sum(s["rows_loaded"] for s in summaries),
              "rows_quarantined": quarantined, "quarantine_share": round(share, 6)}
    if share > max_share:
        offenders = sorted((s for s in summaries if s["rows_quarantined"]),
                           key=lambda s: s["rows_quarantined"], reverse=True)[:3]
        raise ValueError(
            f"{quarantined:,} of {read:,} rows ({share:.2%}) were quarantined, above the limit of "
            f"{max_share:.2%}; worst sources: "
            + ", ".join(f"{s['source']} ({s['rows_quarantined']:,})" for s in offenders)
            + ". Inspect raw._quarantine for the reasons."
        )
    return totals
